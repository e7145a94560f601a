/**
 * Which of a cluster's subnets are private, as EKS means it for a Fargate profile: "only private subnets (with no
 * direct route to an Internet Gateway) are accepted" (EKS API reference, CreateFargateProfile `subnets`). A subnet's
 * routes are those of the route table explicitly associated with it, or else of its VPC's main route table.
 */
import * as aws from "@pulumi/aws";
import { describeError } from "../../../common/errors";

interface Route {
    gatewayId?: string;
}

/** A route table sends traffic straight to an internet gateway (igw-...; an egress-only gateway is not one). */
export function routesToInternetGateway(routes: readonly Route[]): boolean {
    return routes.some((route) => (route.gatewayId ?? "").startsWith("igw-"));
}

export type SubnetLookup = { privateSubnetIds: string[]; publicSubnetIds: string[] } | { error: string };

/**
 * Splits the subnets into private and public through DescribeRouteTables invokes: per subnet the table explicitly
 * associated with it, else (no association) the VPC's main table, then that table's routes. The plural data source
 * answers "no match" with empty ids, so nothing depends on the singular one's error text (which changed across
 * terraform-provider-aws majors). Never throws: a failed lookup is reported.
 */
export async function classifySubnets(args: {
    region: string;
    vpcId: string;
    subnetIds: readonly string[];
}): Promise<SubnetLookup> {
    const { region } = args;
    const tableIds = (filters: Array<{ name: string; values: string[] }>) =>
        aws.ec2.getRouteTables({ region, filters }).then((found) => found.ids);
    const isPublic = (routeTableId: string) =>
        aws.ec2.getRouteTable({ region, routeTableId }).then((table) => routesToInternetGateway(table.routes));
    let main: Promise<boolean> | undefined;
    const mainIsPublic = () =>
        (main ??= tableIds([
            { name: "association.main", values: ["true"] },
            { name: "vpc-id", values: [args.vpcId] },
        ]).then((ids) => {
            if (ids.length !== 1) {
                throw new Error(`VPC ${args.vpcId} has ${ids.length} main route tables, expected 1`);
            }
            return isPublic(ids[0]);
        }));
    try {
        const verdicts = await Promise.all(
            args.subnetIds.map(async (subnetId) => {
                const [own] = await tableIds([{ name: "association.subnet-id", values: [subnetId] }]);
                return own === undefined ? mainIsPublic() : isPublic(own);
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
