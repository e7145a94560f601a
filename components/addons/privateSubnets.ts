/**
 * Which of a cluster's subnets are private, as EKS means it for a Fargate profile: "only private subnets (with no
 * direct route to an Internet Gateway) are accepted" (EKS API reference, CreateFargateProfile `subnets`). A subnet's
 * routes are those of the route table explicitly associated with it, or else of its VPC's main route table.
 */
import * as aws from "@pulumi/aws";
import { describeError } from "../cluster/discovery";

interface Route {
    gatewayId?: string;
}

/** A route table sends traffic straight to an internet gateway (igw-...; an egress-only gateway is not one). */
export function routesToInternetGateway(routes: readonly Route[]): boolean {
    return routes.some((route) => (route.gatewayId ?? "").startsWith("igw-"));
}

/** terraform-provider-aws's aws_route_table data source when no table matches (here: no explicit association). */
export function isNoRouteTable(error: unknown): boolean {
    return /query returned no results/.test(describeError(error));
}

export type SubnetLookup = { privateSubnetIds: string[]; publicSubnetIds: string[] } | { error: string };

/**
 * Splits the subnets into private and public through DescribeRouteTables invokes: one per subnet, plus one for the
 * VPC's main route table when a subnet has no table of its own. Never throws: a failed lookup is reported.
 */
export async function classifySubnets(args: { region: string; vpcId: string; subnetIds: readonly string[] }): Promise<SubnetLookup> {
    let main: Promise<boolean> | undefined;
    const mainIsPublic = () =>
        (main ??= aws.ec2
            .getRouteTable({ region: args.region, vpcId: args.vpcId, filters: [{ name: "association.main", values: ["true"] }] })
            .then((table) => routesToInternetGateway(table.routes)));
    try {
        const verdicts = await Promise.all(
            args.subnetIds.map(async (subnetId) => {
                try {
                    return routesToInternetGateway((await aws.ec2.getRouteTable({ region: args.region, subnetId })).routes);
                } catch (error) {
                    if (isNoRouteTable(error)) {
                        return mainIsPublic();
                    }
                    throw error;
                }
            }),
        );
        return {
            privateSubnetIds: args.subnetIds.filter((_, i) => !verdicts[i]),
            publicSubnetIds: args.subnetIds.filter((_, i) => verdicts[i]),
        };
    } catch (error) {
        return { error: describeError(error) };
    }
}
