/**
 * A fleet described offline (clusters per region, as a `--fleet` file or a test gives it) and the answers the AWS
 * provider's invokes would give about it. `container-insights plan` and the unit tests run the program on it under
 * Pulumi's mocks.
 */
import { AccessDeniedException } from "@aws-sdk/client-eks";
import { AwsReads } from "../../components/addons/contract";
import { STACK_TAG_KEY } from "../../common/naming";

/** A cluster as the mocked getClusters/getCluster invokes report it. */
export interface FleetCluster {
    name: string;
    status?: string;
    /** false: the cluster has no OIDC issuer. */
    oidc?: boolean;
    /** false: its issuer has no IAM OIDC provider (eksctl utils associate-iam-oidc-provider was never run). */
    oidcProvider?: boolean;
    /** false: the cluster has no aws-ebs-csi-driver add-on. */
    ebsCsiAddon?: boolean;
    /** true: the cluster has the eks-pod-identity-agent add-on (absent by default). */
    podIdentityAgent?: boolean;
    tags?: Record<string, string>;
    /** Its Fargate profiles' names, as ListFargateProfiles pages them (none by default); a string: the listing fails so. */
    fargateProfiles?: string[][] | string;
    /** Its VPC subnets (vpcConfig.subnetIds); by default two private subnets with their own route table and one public. */
    subnets?: FleetSubnet[];
    /** Whether its VPC's main route table routes to an internet gateway (default: no). */
    mainRouteTablePublic?: boolean;
    /** Its `/aws/containerinsights/<name>/performance` log group exists, tagged by this stack or not (default: absent). */
    performanceLogGroup?: "ours" | "foreign";
}

export interface FleetSubnet {
    id: string;
    /** Its route table routes 0.0.0.0/0 to an internet gateway. */
    public?: boolean;
    /** "main": no route table of its own, so the VPC's main table applies. */
    routeTable?: "own" | "main";
}

export type Fleet = Record<string, FleetCluster[]>;

/** The account the fleet is in, and the stack whose tags mark a log group as its own. */
export interface FleetAccount {
    accountId: string;
    /** `<project>/<stack>`. */
    stackId: string;
}

const issuerId = (region: string, name: string) =>
    Buffer.from(`${region}/${name}`).toString("hex").toUpperCase().slice(0, 32);
const vpcIdOf = (region: string, name: string) => `vpc-${issuerId(region, name).slice(-12).toLowerCase()}`;

/** A cluster's subnets: its own, or two private ones and a public one with ids derived from its name. */
export function subnetsOf(region: string, cluster: FleetCluster): FleetSubnet[] {
    const base = issuerId(region, cluster.name).slice(-8).toLowerCase();
    return (
        cluster.subnets ?? [
            { id: `subnet-${base}a` },
            { id: `subnet-${base}b` },
            { id: `subnet-${base}c`, public: true },
        ]
    );
}

/**
 * The add-ons' AWS reads (components/addons/contract.ts AwsReads) answered from the fleet: EKS's ListFargateProfiles
 * pages as the cluster lists them (a string: the call fails with the SDK's AccessDeniedException, worded so).
 */
export function fleetAwsReads(fleet: Fleet): AwsReads {
    return {
        async *listFargateProfiles({ name, region }) {
            const profiles = (fleet[region] ?? []).find((c) => c.name === name)?.fargateProfiles ?? [];
            if (typeof profiles === "string") {
                throw new AccessDeniedException({ message: profiles, $metadata: {} });
            }
            for (const page of profiles) {
                yield { fargateProfileNames: page, $metadata: {} };
            }
        },
    };
}

/** aws_route_table's answer: the table's routes as the provider flattens them (absent targets are empty strings). */
function routeTable(id: string, vpcId: string, toInternet: boolean) {
    const route = {
        cidrBlock: "0.0.0.0/0",
        gatewayId: toInternet ? "igw-0123456789abcdef0" : "",
        natGatewayId: toInternet ? "" : "nat-0123456789abcdef0",
    };
    return { id, routeTableId: id, vpcId, routes: [route], associations: [], tags: {} };
}

/**
 * A failed invoke as the provider reports it: a gRPC error whose `details` the SDK turns into the rejection's message
 * (runtime/invoke.js: `innerReject(new Error(err.details))`). Throw it from `call` to fail an invoke.
 */
export function invokeError(message: string): Error {
    return Object.assign(new Error(message), { code: 2, details: message });
}

/**
 * The failure of an invoke as the program receives it from the engine, which puts its own words before the
 * provider's: `invocation of <token> returned an error: <provider's message>` (seen on the real CLI,
 * test/engine/awsProvider.test.ts). Mocks' `call` answers through this so that messages read as they will.
 */
export function fromEngine<T>(token: string, answer: () => T): T {
    try {
        return answer();
    } catch (error) {
        const details = (error as { details?: string }).details;
        throw details === undefined ? error : invokeError(`invocation of ${token} returned an error: ${details}`);
    }
}

/** aws_route_table of terraform-provider-aws v6 (tfresource.SingularDataSourceFindError) when no table matches. */
const noRouteTable = () => invokeError("no matching Route Table found");

/** Errors as terraform-provider-aws words a data source's NotFound. */
const notFound = (what: string) => invokeError(`reading ${what}: couldn't find resource`);

/** The inputs of the invokes answered here (each uses some of them). */
export interface InvokeInputs {
    region: string;
    name?: string;
    arn?: string;
    clusterName?: string;
    addonName?: string;
    routeTableId?: string;
    logGroupNamePrefix?: string;
    filters?: Array<{ name: string; values?: string[] }>;
}

/**
 * Answers the invokes the program makes about the fleet (EKS clusters, their add-ons, OIDC providers, subnets' route
 * tables, performance log groups) as the AWS provider would for this fleet; undefined for an invoke that is not about
 * the fleet.
 */
export function answerFleet(
    fleet: Fleet,
    account: FleetAccount,
    token: string,
    inputs: InvokeInputs,
): Record<string, unknown> | undefined {
    const ACCOUNT_ID = account.accountId;
    if (token === "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider") {
        const hostPath = String(inputs.arn).split("oidc-provider/")[1];
        const registered = Object.entries(fleet).some(([region, clusters]) =>
            clusters.some(
                (c) =>
                    c.oidc !== false &&
                    c.oidcProvider !== false &&
                    hostPath === `oidc.eks.${region}.amazonaws.com/id/${issuerId(region, c.name)}`,
            ),
        );
        if (!registered) {
            throw notFound(`IAM OIDC Provider (${inputs.arn})`);
        }
        return { arn: inputs.arn, url: hostPath, clientIdLists: ["sts.amazonaws.com"], thumbprintLists: [], tags: {} };
    }
    if (token === "aws:eks/getAddon:getAddon") {
        const cluster = (fleet[inputs.region] ?? []).find((c) => c.name === inputs.clusterName);
        const present =
            inputs.addonName === "eks-pod-identity-agent"
                ? cluster?.podIdentityAgent === true
                : cluster?.ebsCsiAddon !== false;
        if (!cluster || !present) {
            throw notFound(`EKS Add-On (${inputs.clusterName}:${inputs.addonName})`);
        }
        return {
            addonName: inputs.addonName,
            clusterName: inputs.clusterName,
            addonVersion: "v1.37.0-eksbuild.1",
            region: inputs.region,
        };
    }
    if (token === "aws:ec2/getRouteTables:getRouteTables") {
        // aws_route_tables: the ids of the tables matching every filter, empty (no error) when none does.
        const filter = (name: string): string | undefined =>
            (inputs.filters ?? []).find((f) => f.name === name)?.values?.[0];
        const ids: string[] = [];
        for (const cluster of fleet[inputs.region] ?? []) {
            const vpcId = vpcIdOf(inputs.region, cluster.name);
            if (filter("association.main") === "true" && filter("vpc-id") === vpcId) {
                ids.push(`rtb-main-${cluster.name}`);
            }
            const subnet = subnetsOf(inputs.region, cluster).find((s) => s.id === filter("association.subnet-id"));
            if (subnet && subnet.routeTable !== "main") {
                ids.push(`rtb-${subnet.id}`);
            }
        }
        return { id: inputs.region, ids, region: inputs.region, tags: {} };
    }
    if (token === "aws:cloudwatch/getLogGroups:getLogGroups" || token === "aws:cloudwatch/getLogGroup:getLogGroup") {
        const existing = (fleet[inputs.region] ?? [])
            .filter((c) => c.performanceLogGroup)
            .map((c) => ({ cluster: c, name: `/aws/containerinsights/${c.name}/performance` }));
        if (token === "aws:cloudwatch/getLogGroups:getLogGroups") {
            // aws_cloudwatch_log_groups: the names with the prefix, empty (no error) when none has it.
            const names = existing
                .map((g) => g.name)
                .filter((name) => name.startsWith(inputs.logGroupNamePrefix ?? ""));
            return {
                id: inputs.region,
                logGroupNamePrefix: inputs.logGroupNamePrefix,
                logGroupNames: names,
                arns: names.map((n) => `arn:aws:logs:${inputs.region}:${ACCOUNT_ID}:log-group:${n}`),
                region: inputs.region,
            };
        }
        const group = existing.find((g) => g.name === inputs.name);
        if (!group) {
            throw invokeError("no matching CloudWatch Logs Log Group found");
        }
        const tags =
            group.cluster.performanceLogGroup === "ours"
                ? { [STACK_TAG_KEY]: account.stackId }
                : { team: "observability" };
        return {
            id: inputs.name,
            name: inputs.name,
            arn: `arn:aws:logs:${inputs.region}:${ACCOUNT_ID}:log-group:${inputs.name}`,
            retentionInDays: 0,
            tags,
            region: inputs.region,
        };
    }
    if (token === "aws:ec2/getRouteTable:getRouteTable") {
        for (const cluster of fleet[inputs.region] ?? []) {
            const vpcId = vpcIdOf(inputs.region, cluster.name);
            if (inputs.routeTableId === `rtb-main-${cluster.name}`) {
                return routeTable(inputs.routeTableId, vpcId, cluster.mainRouteTablePublic === true);
            }
            const subnet = subnetsOf(inputs.region, cluster).find(
                (s) => inputs.routeTableId === `rtb-${s.id}` && s.routeTable !== "main",
            );
            if (subnet) {
                return routeTable(inputs.routeTableId!, vpcId, subnet.public === true);
            }
        }
        throw noRouteTable();
    }
    if (token === "aws:eks/getClusters:getClusters") {
        return { id: inputs.region, names: (fleet[inputs.region] ?? []).map((c) => c.name), region: inputs.region };
    }
    if (token === "aws:eks/getCluster:getCluster") {
        const cluster = (fleet[inputs.region] ?? []).find((c) => c.name === inputs.name);
        if (!cluster) {
            throw new Error(`no cluster ${inputs.name} in ${inputs.region}`);
        }
        const id = issuerId(inputs.region, cluster.name);
        return {
            name: cluster.name,
            arn: `arn:aws:eks:${inputs.region}:${ACCOUNT_ID}:cluster/${cluster.name}`,
            status: cluster.status ?? "ACTIVE",
            endpoint: `https://${id}.gr7.${inputs.region}.eks.amazonaws.com`,
            certificateAuthorities: [{ data: "LS0tLS1CRUdJTi1DRVJUSUZJQ0FURS0tLS0t" }],
            identities:
                cluster.oidc === false
                    ? []
                    : [{ oidcs: [{ issuer: `https://oidc.eks.${inputs.region}.amazonaws.com/id/${id}` }] }],
            tags: cluster.tags ?? {},
            vpcConfig: {
                vpcId: vpcIdOf(inputs.region, cluster.name),
                subnetIds: subnetsOf(inputs.region, cluster).map((s) => s.id),
            },
        };
    }
    return undefined;
}
