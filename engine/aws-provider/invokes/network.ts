/**
 * aws.ec2.getRouteTables / getRouteTable and aws.cloudwatch.getLogGroups / getLogGroup, answered from the emulator
 * with the data sources' shapes: the plural ones answer an empty list when nothing matches, the singular ones fail.
 */
import { DescribeLogGroupsCommand, ListTagsForResourceCommand, LogGroup } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeRouteTablesCommand, Filter, Route, RouteTable } from "@aws-sdk/client-ec2";
import { Clients, partitionOf, regionOf } from "../context";
import { need, plain, Props, str } from "../values";
import { failed, noMatching } from "./errors";

function filtersOf(args: Props): Filter[] {
    return ((plain(args.filters) ?? []) as Array<{ name: string; values: string[] }>).map((f) => ({
        Name: f.name,
        Values: f.values,
    }));
}

async function routeTables(
    clients: Clients,
    region: string,
    input: { RouteTableIds?: string[]; Filters?: Filter[] },
): Promise<RouteTable[]> {
    const tables: RouteTable[] = [];
    let NextToken: string | undefined;
    do {
        const page = await clients.ec2(region).send(new DescribeRouteTablesCommand({ ...input, NextToken }));
        tables.push(...(page.RouteTables ?? []));
        NextToken = page.NextToken;
    } while (NextToken);
    return tables;
}

export async function getRouteTables(clients: Clients, args: Props): Promise<Props> {
    const region = regionOf(args);
    const filters = filtersOf(args);
    const vpcId = str(args, "vpcId");
    if (vpcId) {
        filters.push({ Name: "vpc-id", Values: [vpcId] });
    }
    try {
        const tables = await routeTables(clients, region, { Filters: filters.length > 0 ? filters : undefined });
        return {
            id: region,
            ids: tables.map((t) => t.RouteTableId!),
            region,
            filters: plain(args.filters) ?? null,
            tags: {},
        };
    } catch (error) {
        throw failed("EC2 Route Tables", "EC2", "DescribeRouteTables", error);
    }
}

/** A route as the data source flattens it: every target attribute present, "" when unset. Local routes are left out. */
function flattenRoute(route: Route): Props {
    return {
        cidrBlock: route.DestinationCidrBlock ?? "",
        ipv6CidrBlock: route.DestinationIpv6CidrBlock ?? "",
        destinationPrefixListId: route.DestinationPrefixListId ?? "",
        carrierGatewayId: route.CarrierGatewayId ?? "",
        coreNetworkArn: route.CoreNetworkArn ?? "",
        egressOnlyGatewayId: route.EgressOnlyInternetGatewayId ?? "",
        gatewayId: route.GatewayId ?? "",
        localGatewayId: route.LocalGatewayId ?? "",
        natGatewayId: route.NatGatewayId ?? "",
        networkInterfaceId: route.NetworkInterfaceId ?? "",
        transitGatewayId: route.TransitGatewayId ?? "",
        vpcEndpointId: "",
        vpcPeeringConnectionId: route.VpcPeeringConnectionId ?? "",
    };
}

export async function getRouteTable(clients: Clients, args: Props): Promise<Props> {
    const region = regionOf(args);
    const routeTableId = str(args, "routeTableId");
    const filters = filtersOf(args);
    for (const [key, name] of [
        ["subnetId", "association.subnet-id"],
        ["vpcId", "vpc-id"],
        ["gatewayId", "association.gateway-id"],
    ]) {
        const value = str(args, key);
        if (value) {
            filters.push({ Name: name, Values: [value] });
        }
    }
    let tables: RouteTable[];
    try {
        tables = await routeTables(clients, region, {
            RouteTableIds: routeTableId ? [routeTableId] : undefined,
            Filters: filters.length > 0 ? filters : undefined,
        });
    } catch (error) {
        // DescribeRouteTables with an unknown id answers InvalidRouteTableID.NotFound: no such table.
        if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 400 && routeTableId) {
            throw noMatching("EC2 Route Table");
        }
        throw failed("EC2 Route Table", "EC2", "DescribeRouteTables", error);
    }
    if (tables.length !== 1) {
        throw tables.length === 0
            ? noMatching("EC2 Route Table")
            : new Error(
                  "multiple EC2 Route Tables matched; use additional constraints to reduce matches to a single EC2 Route Table",
              );
    }
    const table = tables[0];
    return {
        id: table.RouteTableId,
        routeTableId: table.RouteTableId,
        arn: `arn:${partitionOf(region)}:ec2:${region}:${table.OwnerId}:route-table/${table.RouteTableId}`,
        ownerId: table.OwnerId ?? "",
        vpcId: table.VpcId ?? "",
        subnetId: str(args, "subnetId") ?? "",
        gatewayId: str(args, "gatewayId") ?? "",
        routes: (table.Routes ?? []).filter((r) => r.GatewayId !== "local").map(flattenRoute),
        associations: (table.Associations ?? []).map((a) => ({
            routeTableAssociationId: a.RouteTableAssociationId ?? "",
            routeTableId: a.RouteTableId ?? "",
            subnetId: a.SubnetId ?? "",
            gatewayId: a.GatewayId ?? "",
            main: a.Main ?? false,
        })),
        tags: Object.fromEntries((table.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""])),
        region,
    };
}

async function logGroups(clients: Clients, region: string, prefix: string | undefined): Promise<LogGroup[]> {
    const groups: LogGroup[] = [];
    let nextToken: string | undefined;
    do {
        const page = await clients
            .logs(region)
            .send(new DescribeLogGroupsCommand({ logGroupNamePrefix: prefix, nextToken }));
        groups.push(...(page.logGroups ?? []));
        nextToken = page.nextToken;
    } while (nextToken);
    return groups;
}

/** The provider trims the ":*" DescribeLogGroups appends to a log group's ARN. */
const trimArn = (arn: string | undefined) => (arn ?? "").replace(/:\*$/, "");

export async function getLogGroups(clients: Clients, args: Props): Promise<Props> {
    const region = regionOf(args);
    const prefix = str(args, "logGroupNamePrefix");
    try {
        const groups = await logGroups(clients, region, prefix);
        return {
            id: region,
            region,
            logGroupNamePrefix: prefix,
            logGroupNames: groups.map((g) => g.logGroupName!),
            arns: groups.map((g) => trimArn(g.arn)),
        };
    } catch (error) {
        throw failed("CloudWatch Logs Log Groups", "CloudWatch Logs", "DescribeLogGroups", error);
    }
}

export async function getLogGroup(clients: Clients, args: Props): Promise<Props> {
    const region = regionOf(args);
    const name = need(args, "name");
    let group: LogGroup | undefined;
    try {
        group = (await logGroups(clients, region, name)).find((g) => g.logGroupName === name);
    } catch (error) {
        throw failed(`CloudWatch Logs Log Group (${name})`, "CloudWatch Logs", "DescribeLogGroups", error);
    }
    if (!group) {
        throw noMatching("CloudWatch Logs Log Group");
    }
    const arn = trimArn(group.arn);
    const { tags } = await clients.logs(region).send(new ListTagsForResourceCommand({ resourceArn: arn }));
    return {
        id: name,
        name,
        arn,
        creationTime: group.creationTime ?? 0,
        deletionProtectionEnabled: false,
        kmsKeyId: group.kmsKeyId ?? "",
        logGroupClass: group.logGroupClass ?? "STANDARD",
        retentionInDays: group.retentionInDays ?? 0,
        tags: tags ?? {},
        region,
    };
}
