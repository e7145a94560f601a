/** Runs the program under Pulumi mocks and records every registered resource, invoke and output. */
import * as pulumi from "@pulumi/pulumi";
import { loadSettings } from "../config";
import { ProgramOptions, createContainerInsights } from "../program";
import { ConfigMap, configSet } from "../config/cliConfig";
import { PROJECT, configForProgram, handToRuntime } from "./cliReplay";
import { ImageLock } from "../images/lock";
import { testImageLock } from "./fakes/imageLock";
import { firstOtherProfile } from "../components/addons/fargateProfiles";
import { STACK_TAG_KEY } from "../common/naming";
import { BUCKET_PREFIX_SUFFIX, fakeStateBucketName } from "./fakes/awsAccount";

export const ACCOUNT_ID = "111122223333";
/** The state bucket the program's mocks name (bucketPrefix plus a fixed suffix). */
export const STATE_BUCKET_NAME = fakeStateBucketName(ACCOUNT_ID);

/** Seventeen regions, for fleets spread over many regions (the unit suite's small fleet and bench:program's large one). */
export const FLEET_REGIONS = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "sa-east-1",
    "me-south-1",
];

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export interface Registration {
    type: string;
    name: string;
    /** Inputs as the engine received them: secret values still wrapped in Pulumi's secret envelope. */
    inputs: Record<string, unknown>;
    /** The mocked id and state (inputs plus the outputs the mocks compute, such as a bucket's ARN). */
    id: string;
    state: Record<string, unknown>;
    /** The `import` option's ID, when the resource is imported. */
    importId?: string;
}

export interface Invoke {
    token: string;
    inputs: Record<string, unknown>;
}

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
    /** Its `/aws/containerinsights/<name>/performance` log group exists, tagged by the stack "prod" or not (default: absent). */
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

export interface RunOptions {
    stack?: string;
    /** Clusters per region for the discovery invokes; none by default. */
    fleet?: Fleet;
    /** An in-process stack transformation, to look at resource options (dependsOn) that mocks do not show. */
    transformation?: pulumi.ResourceTransformation;
    /** The stack's aws:region; `null` leaves it unset. */
    awsRegion?: string | null;
    /** The config exactly as the language host hands it over (test/cliReplay.ts); replaces the `config` argument. */
    received?: { config: Record<string, string>; secretKeys: string[] };
    /** Answers (or fails, by throwing) invokes other than getCallerIdentity before the fleet does; undefined for "not mine". */
    call?: (invoke: Invoke) => Record<string, unknown> | undefined;
    /** The stack's outputs from its last deploy, as a StackReference to itself reads them. */
    previousOutputs?: Record<string, unknown>;
    /** The images lock the program pins from; every catalog image at its default tag (test/fakes/imageLock.ts) by default. */
    imageLock?: ImageLock;
    /** What the program reads besides invokes (the account's existing bucket and user; the clusters' Fargate profiles, from `fleet` by default; the account's trails). */
    deps?: Pick<ProgramOptions, "existing" | "fargateProfiles" | "trails">;
}

export interface ProgramRun {
    resources: Registration[];
    invokes: Invoke[];
    outputs: Record<string, { value: unknown; secret: boolean }>;
    ofType(type: string): Registration[];
    /** The one resource of this type (and name, when given); throws when there is none or more than one. */
    one(type: string, name?: string): Registration;
}

/** Config for a valid stack; tests override what they are about. */
export function baseConfig(): Record<string, string> {
    return {
        roleName: "NopsIntegrationRole",
        token: "tok-SECRET-123",
        externalId: "ext-id-SECRET-456",
        datadogApiKey: "dd-SECRET-789",
    };
}

export const SECRET_KEYS = ["token", "externalId", "datadogApiKey", "karpenopsApiKey"];

export function isSecretEnvelope(value: unknown): value is { value: unknown } {
    return (
        typeof value === "object" && value !== null && (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG
    );
}

/** Drops the secret envelopes, for asserting on values. */
export function unwrap(value: unknown): unknown {
    if (isSecretEnvelope(value)) {
        return unwrap(value.value);
    }
    if (Array.isArray(value)) {
        return value.map(unwrap);
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v)]));
    }
    return value;
}

/** Every string reachable without opening a secret envelope. */
export function plaintextStrings(value: unknown): string[] {
    if (isSecretEnvelope(value)) {
        return [];
    }
    if (typeof value === "string") {
        return [value];
    }
    if (Array.isArray(value)) {
        return value.flatMap(plaintextStrings);
    }
    if (typeof value === "object" && value !== null) {
        return Object.entries(value).flatMap(([k, v]) => [k, ...plaintextStrings(v)]);
    }
    return [];
}

function mockState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
    const physical = (unwrap(inputs.name) as string | undefined) ?? `${name}-physical`;
    const state: Record<string, unknown> = { ...inputs, name: inputs.name ?? physical };
    const service = type.split(":")[1].split("/")[0];
    if (type === "aws:s3/bucket:Bucket") {
        const bucket =
            (unwrap(inputs.bucket) as string | undefined) ?? `${unwrap(inputs.bucketPrefix)}${BUCKET_PREFIX_SUFFIX}`;
        state.bucket = bucket;
        state.bucketDomainName = `${bucket}.s3.amazonaws.com`;
        state.arn = `arn:aws:s3:::${bucket}`;
    } else if (type === "pulumi:pulumi:StackReference") {
        return { name: inputs.name, outputs: previousOutputs, secretOutputNames: [] };
    } else if (type === "aws:lambda/invocation:Invocation") {
        state.result = JSON.stringify({ action: "reconcile", counts: { created: 0 } });
    } else if (type === "aws:secretsmanager/secret:Secret") {
        // Secrets Manager ARNs end in secret:<name>-<6 random characters>, not secret/<name>.
        state.arn = `arn:aws:secretsmanager:us-east-1:${ACCOUNT_ID}:secret:${physical}-AbCdEf`;
    } else if (type === "aws:sqs/queue:Queue") {
        // As SQS names them: arn:aws:sqs:<region>:<account>:<name>, and the queue URL.
        const region = (unwrap(inputs.region) as string | undefined) ?? "us-east-1";
        state.arn = `arn:aws:sqs:${region}:${ACCOUNT_ID}:${physical}`;
        state.url = `https://sqs.${region}.amazonaws.com/${ACCOUNT_ID}/${physical}`;
    } else if (type === "aws:cloudwatch/eventBus:EventBus" || type === "aws:cloudwatch/eventRule:EventRule") {
        const region = (unwrap(inputs.region) as string | undefined) ?? "us-east-1";
        const bus = unwrap(inputs.eventBusName) as string | undefined;
        const resource = type.endsWith("EventBus")
            ? `event-bus/${physical}`
            : `rule/${bus && bus !== "default" ? `${bus}/` : ""}${physical}`;
        state.arn = `arn:aws:events:${region}:${ACCOUNT_ID}:${resource}`;
    } else if (type === "aws:iam/accessKey:AccessKey") {
        state.secret = { [SECRET_SIG_KEY]: SECRET_SIG, value: "mock-secret-access-key" };
    } else {
        state.arn = `arn:aws:${service}:us-east-1:${ACCOUNT_ID}:${type.split(":")[2].toLowerCase()}/${physical}`;
    }
    return state;
}

/**
 * Hands the program its config the way a real `pulumi up` would: each entry set as by `pulumi config set` (dotted
 * keys such as `agent.karpenops` with --path, the secret keys with --secret), Pulumi.yaml's defaults merged with
 * property-path semantics, and the result passed on as the language host does (config/cliConfig.ts).
 */
function setConfig(config: Record<string, string>, awsRegion: string | null) {
    const stack = new ConfigMap();
    for (const [key, value] of Object.entries(config)) {
        configSet(stack, PROJECT, { key, value, path: key.includes("."), secret: SECRET_KEYS.includes(key) });
    }
    if (awsRegion !== null) {
        configSet(stack, PROJECT, { key: "aws:region", value: awsRegion });
    }
    handToRuntime(configForProgram(stack, { validate: false }));
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

/** ListFargateProfiles over the fleet, pages as the cluster lists them, as components/addons/fargateProfiles.ts reads them. */
export function fleetFargateProfiles(fleet: Fleet): NonNullable<ProgramOptions["fargateProfiles"]> {
    return async ({ name, region }) => {
        const cluster = (fleet[region] ?? []).find((c) => c.name === name);
        const profiles = cluster?.fargateProfiles ?? [];
        if (typeof profiles === "string") {
            throw Object.assign(new Error(profiles), { name: "AccessDeniedException" });
        }
        async function* pages() {
            for (const page of profiles as string[][]) {
                yield { fargateProfileNames: page };
            }
        }
        return firstOtherProfile(pages());
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
 * A failed invoke as the engine returns it: a gRPC error whose `details` the SDK turns into the rejection's message
 * (runtime/invoke.js: `innerReject(new Error(err.details))`). Throw it from `call` to fail an invoke.
 */
export function invokeError(message: string): Error {
    return Object.assign(new Error(message), { code: 2, details: message });
}

/** aws_route_table of terraform-provider-aws v6 (tfresource.SingularDataSourceFindError) when no table matches. */
const noRouteTable = () => invokeError("no matching Route Table found");

/** Errors as terraform-provider-aws words a data source's NotFound. */
const notFound = (what: string) => invokeError(`reading ${what}: couldn't find resource`);

function answerFleet(fleet: Fleet, token: string, inputs: Record<string, any>): Record<string, unknown> | undefined {
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
            (inputs.filters ?? []).find((f: any) => f.name === name)?.values?.[0];
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
                ? { [STACK_TAG_KEY]: "container-insights/prod" }
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
                return routeTable(inputs.routeTableId, vpcId, subnet.public === true);
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

let registrations: Registration[] = [];
let previousOutputs: Record<string, unknown> = {};

/** What the latest run registered, even when it failed. */
export function lastRegistrations(): Registration[] {
    return registrations.filter((r) => r.type !== "pulumi:pulumi:Stack");
}

export async function runProgram(config: Record<string, string>, options: RunOptions = {}): Promise<ProgramRun> {
    const resources: Registration[] = [];
    registrations = resources;
    previousOutputs = options.previousOutputs ?? {};
    const invokes: Invoke[] = [];
    if (options.received) {
        handToRuntime(options.received);
    } else {
        setConfig(config, options.awsRegion === undefined ? "us-east-1" : options.awsRegion);
    }
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                const registration = {
                    type: args.type,
                    name: args.name,
                    inputs: args.inputs,
                    id: args.id || `${args.name}-id`,
                    state: mockState(args.type, args.name, args.inputs),
                    ...(args.id ? { importId: args.id } : {}),
                };
                resources.push(registration);
                return { id: registration.id, state: registration.state };
            },
            call: (args) => {
                invokes.push({ token: args.token, inputs: args.inputs });
                if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") {
                    return { accountId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:user/deployer`, userId: "AIDA" };
                }
                const answer =
                    options.call?.({ token: args.token, inputs: args.inputs }) ??
                    answerFleet(options.fleet ?? {}, args.token, args.inputs);
                if (answer === undefined) {
                    throw new Error(`unexpected invoke ${args.token}`);
                }
                return answer;
            },
        },
        "container-insights",
        options.stack ?? "prod",
        false,
        // What the CLI passes for a DIY backend; StackReference names are <organization>/<project>/<stack>.
        "organization",
    );

    const outputs: ProgramRun["outputs"] = {};
    const buildProgram = async () => {
        const programOutputs = (
            await createContainerInsights(loadSettings(), {
                imageLock: options.imageLock ?? testImageLock(),
                fargateProfiles: fleetFargateProfiles(options.fleet ?? {}),
                ...options.deps,
            })
        ).outputs;
        for (const [key, output] of Object.entries(programOutputs)) {
            if (pulumi.Output.isInstance(output)) {
                const value = await new Promise((resolve) => output.apply(resolve));
                outputs[key] = { value, secret: await pulumi.isSecret(output) };
            } else if (output !== undefined) {
                outputs[key] = { value: output, secret: false };
            }
        }
    };
    const transformation = options.transformation;
    if (transformation) {
        // Stack transformations need the root stack resource.
        await pulumi.runtime.runInPulumiStack(async () => {
            pulumi.runtime.registerStackTransformation(transformation);
            await buildProgram();
            return {};
        });
    } else {
        await buildProgram();
    }
    // Registrations that wait on other resources' outputs finish after the outputs above: drain the RPC queue.
    await pulumi.runtime.disconnect();

    const own = resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
    return {
        resources: own,
        invokes,
        outputs,
        ofType: (type) => own.filter((r) => r.type === type),
        one: (type, name) => {
            const found = own.filter((r) => r.type === type && (name === undefined || r.name === name));
            if (found.length !== 1) {
                throw new Error(
                    `expected one ${type}${name === undefined ? "" : ` named ${name}`}, found ${found.length}`,
                );
            }
            return found[0];
        },
    };
}

/** Parses a JSON policy document input. */
export function doc(value: unknown): { Statement: Array<Record<string, any>> } {
    return JSON.parse(unwrap(value) as string);
}
