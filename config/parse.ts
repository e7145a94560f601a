import Ajv, { ErrorObject } from "ajv";
import { ConfigError } from "./errors";
import { coerce, stringifyScalars } from "./coerce";
import { AWS_REGION_PATTERN, CONFIG_GROUPS, CONFIG_KEYS, ConfigKeySpec, configSetCommand, fieldOf, fullKey, groupOf } from "./keys";
import { stackNameProblem } from "./stackName";
import { didYouMean } from "./suggest";
import { Environment, PLATFORM_ENDPOINTS, PlatformEndpoints } from "./environments";
import { IdentityMode } from "../common/identity";

/** Config after validation. Secret values are plain strings here; `load.ts` wraps them as Pulumi secrets at once. */
export interface ParsedConfig {
    environment: Environment;
    /** The stack's `aws:region`: where the bucket, the Lambdas and the roles' API calls live. */
    stackRegion: string;
    platform: PlatformEndpoints;
    regions: string[];
    roleName: string;
    /** Kept for compatibility: `identityMode` is what the program reads. */
    createIamUser: boolean;
    /** `identityMode`, with a blank one resolved from `createIamUser`. */
    identityMode: IdentityMode;
    installPodIdentityAgent: boolean;
    token: string;
    /** Chart value datadog.apiKey; present whenever agent.install is true. */
    datadogApiKey?: string;
    /** Chart value karpenops.apiKey; without it KarpenOps stays off. */
    karpenopsApiKey?: string;
    /** Keep the bucket (retainOnDelete) when the stack is destroyed. */
    retainBucket: boolean;
    /** Import the bucket and IAM user that already exist, as they are (README, Migrating from the CloudFormation stack). */
    adopt: boolean;
    autoUpdate: boolean;
    externalId?: string;
    kmsKeyId?: string;
    lifecycleDays?: number;
    tags: Record<string, string>;
    agentNamespace: string;
    agentServiceAccount: string;
    logRetentionDays: number;
    clusters: ClusterFilters & { assumeRoleArn?: string };
    agent: AgentOptions;
    addons: AddonsOptions;
}

/** Name globs applied within the clusters the agent is installed in (`clusters.*` selects those). */
export interface AddonGlobs {
    /** Empty means every selected cluster. */
    include: string[];
    exclude: string[];
}

export interface CniMetricsOptions extends AddonGlobs {
    enabled: boolean;
    /** Alarm when free IPs fall below this percentage of maxIPAddresses; 0: no alarm. */
    freeIpAlarmPercent: number;
    alarmEmail?: string;
    /** An existing topic the alarms notify instead of the stack's own. */
    alarmTopicArn?: string;
}

export interface FargateInsightsOptions extends AddonGlobs {
    enabled: boolean;
    /** Clusters that get it even without a Fargate profile. */
    alwaysInclude: string[];
    logRetentionDays: number;
}

export interface AddonsOptions {
    cniMetrics: CniMetricsOptions;
    fargateInsights: FargateInsightsOptions;
}

export interface ClusterFilters {
    include: string[];
    exclude: string[];
    tags: Record<string, string>;
}

export interface AgentOptions {
    install: boolean;
    chart: string;
    chartVersion: string;
    karpenops: boolean;
    /** KarpenOps cluster id by cluster ARN or name. */
    karpenopsClusterIds: Record<string, string>;
    containerInsights: boolean;
    debug: boolean;
    opencostLogLevel: string;
    ipv6: boolean;
    dataFetcher: boolean;
    allowUnpinnedImages: boolean;
    /** Tag per chart image component (images/catalog.ts), from the `images.*` keys. */
    imageTags: Record<string, string>;
    prometheus: PrometheusOptions;
    values: Record<string, unknown>;
}

export interface PrometheusOptions {
    size: "small" | "medium" | "large";
    storageClass: string;
    nodeSelector: Record<string, string>;
    tolerations: Record<string, unknown>[];
}

/**
 * Config as the program receives it (namespace removed): every top-level key as a string, object-valued keys
 * (`agent`, `clusters`) as JSON text.
 */
export type RawConfig = Record<string, string | undefined>;

export interface ParseContext {
    /** The stack's `aws:region`, used when includeRegions is blank. */
    awsRegion?: string;
    /** The stack's name; checked when given, since physical names derive from it. */
    stackName?: string;
}

const ajv = new Ajv({ allErrors: true });
const validators = new Map(CONFIG_KEYS.map((spec) => [spec.key, ajv.compile(spec.schema)]));
const TOP_LEVEL_KEYS = CONFIG_KEYS.filter((spec) => groupOf(spec) === undefined);

/** Validates the config the program receives. Throws one ConfigError naming every bad key. */
export function parseConfig(raw: RawConfig, context: ParseContext = {}): ParsedConfig {
    const problems: string[] = [];
    const values: Record<string, unknown> = {};
    for (const spec of TOP_LEVEL_KEYS) {
        const value = readKey(spec, raw[spec.key], problems);
        if (value !== undefined) {
            values[spec.key] = value;
        }
    }
    for (const group of CONFIG_GROUPS) {
        const fields = readGroup(group, raw[group], problems);
        for (const spec of CONFIG_KEYS.filter((s) => groupOf(s) === group)) {
            const value = readKey(spec, fields[fieldOf(spec)], problems);
            if (value !== undefined) {
                values[spec.key] = value;
            }
        }
    }
    for (const key of Object.keys(raw).filter((k) => raw[k] !== undefined && !isKnownTopLevel(k))) {
        problems.push(unknownKeyProblem(key));
    }
    if (values.autoUpdate === true && values.externalId === undefined && !problems.some((p) => p.includes(":externalId"))) {
        problems.push(
            `${fullKey("externalId")} is required when ${fullKey("autoUpdate")} is true: ` +
                `set it with pulumi config set --secret ${fullKey("externalId")} <id>, or set autoUpdate to false`,
        );
    }
    if (values.token === undefined && resolveIdentityMode(values) !== "iamUser" && !problems.some((p) => p.includes(":token"))) {
        problems.push(
            `${fullKey("token")} is required (a non-empty secret string) unless ${fullKey("identityMode")} is iamUser: ` +
                `set it with pulumi config set --secret ${fullKey("token")} <token>`,
        );
    }
    if (values["agent.install"] !== false && values.datadogApiKey === undefined && !problems.some((p) => p.includes(":datadogApiKey"))) {
        problems.push(
            `${fullKey("datadogApiKey")} is required while ${fullKey("agent.install")} is true (the chart's datadog.apiKey, issued by the platform): ` +
                `set it with pulumi config set --secret ${fullKey("datadogApiKey")} <key>, or set agent.install to false`,
        );
    }
    problems.push(...identityProblems(values));
    problems.push(...addonProblems(values));
    if (!context.awsRegion) {
        problems.push("aws:region is required (the region of the stack's own resources): set it with pulumi config set aws:region <region>");
    } else if (!new RegExp(AWS_REGION_PATTERN).test(context.awsRegion)) {
        problems.push(`aws:region: ${JSON.stringify(context.awsRegion)} is not allowed; allowed: AWS region names such as us-east-1`);
    }
    const stackProblem = context.stackName === undefined ? undefined : stackNameProblem(context.stackName);
    if (stackProblem) {
        problems.push(stackProblem);
    }
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    return toParsedConfig(values, context);
}

/**
 * The identity mode a stack's values mean: `identityMode`, or when blank iamUser if `createIamUser` is true, else irsa.
 * The one rule: `identityMode: iamUser` and `createIamUser: true` are the same stack everywhere.
 */
export function resolveIdentityMode(values: { identityMode?: unknown; createIamUser?: unknown }): IdentityMode {
    const mode = values.identityMode;
    if (typeof mode === "string" && mode !== "") {
        return mode as IdentityMode;
    }
    return values.createIamUser === true || values.createIamUser === "true" ? "iamUser" : "irsa";
}

/** `createIamUser` predates `identityMode`: both may be set only when they agree. */
function identityProblems(values: Record<string, unknown>): string[] {
    const mode = values.identityMode as IdentityMode | undefined;
    const problems: string[] = [];
    if (values.createIamUser === true && mode !== undefined && mode !== "iamUser") {
        problems.push(
            `${fullKey("createIamUser")} is true but ${fullKey("identityMode")} is ${mode}: they contradict each other; ` +
                `set identityMode to iamUser, or createIamUser to false (identityMode replaces it)`,
        );
    }
    const resolved = resolveIdentityMode(values);
    if (values.installPodIdentityAgent === true && resolved !== "podIdentity" && resolved !== "auto") {
        problems.push(
            `${fullKey("installPodIdentityAgent")} is true but ${fullKey("identityMode")} is ${resolved}; ` +
                "the add-on is installed only with identityMode podIdentity or auto",
        );
    }
    return problems;
}

/** The add-ons live in the agent's per-cluster component, and one alarm destination is chosen. */
function addonProblems(values: Record<string, unknown>): string[] {
    const problems: string[] = [];
    for (const addon of ["cniMetrics", "fargateInsights"]) {
        if (values[`addons.${addon}.enabled`] === true && values["agent.install"] === false) {
            problems.push(
                `${fullKey(`addons.${addon}.enabled`)} is true but ${fullKey("agent.install")} is false: the add-ons are installed ` +
                    "in the clusters that get the agent; set agent.install to true, or the add-on's enabled to false",
            );
        }
    }
    if (values["addons.cniMetrics.alarmEmail"] !== undefined && values["addons.cniMetrics.alarmTopicArn"] !== undefined) {
        problems.push(
            `${fullKey("addons.cniMetrics.alarmEmail")} and ${fullKey("addons.cniMetrics.alarmTopicArn")} are both set: the email is ` +
                "subscribed to the stack's own topic, which is not created when alarmTopicArn names an existing one; set one of them",
        );
    }
    return problems;
}

function isKnownTopLevel(key: string): boolean {
    return TOP_LEVEL_KEYS.some((s) => s.key === key) || CONFIG_GROUPS.includes(key);
}

function unknownKeyProblem(key: string): string {
    const spec = CONFIG_KEYS.find((s) => s.key === key);
    if (spec) {
        // `pulumi config set` without --path stores `agent.karpenops` as a key of its own, which no code reads.
        return (
            `${fullKey(key)} is set as a key of its own (pulumi config set without --path); it is a field of ${fullKey(groupOf(spec)!)}: ` +
            `run pulumi config rm ${fullKey(key)}, then ${configSetCommand(spec)}`
        );
    }
    const known = CONFIG_KEYS.map((s) => s.key);
    return `${fullKey(key)} is not a known key${didYouMean(key, [...known, ...CONFIG_GROUPS])}; known keys: ${known.join(", ")}`;
}

/**
 * The fields of an object-valued key, by field path (`cniMetrics.enabled`): its JSON object, or no fields (all
 * defaults) when it is unset. A field two levels down sits in a nested map, as `pulumi config set --path` makes it.
 */
function readGroup(group: string, raw: string | undefined, problems: string[]): Record<string, unknown> {
    const howToSet = `set its fields with ${configSetCommand({ key: `${group}.<field>` })}, or as a YAML map in the stack file`;
    if (raw === undefined || raw.trim() === "") {
        return {};
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(raw);
    } catch {
        parsed = undefined;
    }
    if (!isMap(parsed)) {
        problems.push(`${fullKey(group)}: ${JSON.stringify(raw)} is not a map; ${howToSet}`);
        return {};
    }
    const fieldPaths = CONFIG_KEYS.filter((s) => groupOf(s) === group).map((s) => fieldOf(s).split("."));
    const fields: Record<string, unknown> = {};
    collectFields(group, [], parsed, fieldPaths, fields, problems);
    return fields;
}

function isMap(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Walks one level of an object-valued key: known leaves into `out`, known maps recursively, the rest reported. */
function collectFields(
    group: string,
    prefix: string[],
    node: Record<string, unknown>,
    fieldPaths: string[][],
    out: Record<string, unknown>,
    problems: string[],
): void {
    const below = fieldPaths.filter((path) => path.length > prefix.length && prefix.every((part, i) => path[i] === part));
    const known = [...new Set(below.map((path) => path[prefix.length]))];
    const owner = fullKey([group, ...prefix].join("."));
    for (const [name, value] of Object.entries(node)) {
        const path = [...prefix, name];
        const key = fullKey([group, ...path].join("."));
        if (!known.includes(name)) {
            problems.push(`${key} is not a known key${didYouMean(name, known)}; known fields of ${owner}: ${known.join(", ")}`);
        } else if (below.some((p) => p.length === path.length && p[prefix.length] === name)) {
            out[path.join(".")] = value;
        } else if (isMap(value)) {
            collectFields(group, path, value, fieldPaths, out, problems);
        } else if (value !== null && value !== "") {
            const fields = below.filter((p) => p[prefix.length] === name).map((p) => p[path.length]);
            problems.push(
                `${key}: ${JSON.stringify(value)} is not a map; it has the fields ${fields.join(", ")}: ` +
                    `set them with ${configSetCommand({ key: `${[group, ...path].join(".")}.<field>` })}`,
            );
        }
    }
}

/**
 * One key's value: a string as the program receives top-level keys, or, for a field of an object-valued key, any
 * JSON value. `pulumi config set --path` stores `true`/`false` and integers as JSON booleans and numbers; they are
 * read back as the text the user typed.
 */
function readKey(spec: ConfigKeySpec, given: unknown, problems: string[]): unknown {
    const name = fullKey(spec.key);
    const shown = (value: unknown) => (spec.secret ? "(secret value)" : JSON.stringify(value));
    if (given === undefined || given === null || (typeof given === "string" && given.trim() === "" && spec.required)) {
        if (spec.required) {
            problems.push(`${name} is required (${spec.allowed}): set it with ${configSetCommand(spec)}`);
        }
        return spec.default === "" ? undefined : structuredClone(spec.default);
    }
    let value: unknown;
    if (typeof given === "object") {
        if (spec.type !== "structured") {
            problems.push(`${name}: ${shown(given)} is not a single value; allowed: ${spec.allowed}`);
            return undefined;
        }
        value = stringifyScalars(spec.schema, given);
    } else {
        const coerced = coerce(spec, String(given));
        if (!coerced.ok) {
            problems.push(`${name}: ${shown(given)} ${coerced.problem}; allowed: ${spec.allowed}`);
            return undefined;
        }
        value = coerced.value;
    }
    if (spec.key === "environment" && typeof value === "string") {
        value = value.toUpperCase();
    }
    if (value === "") {
        return undefined;
    }
    const validate = validators.get(spec.key)!;
    if (!validate(value)) {
        problems.push(...describeSchemaErrors(spec, value, validate.errors ?? [], shown));
        return undefined;
    }
    return value;
}

function describeSchemaErrors(
    spec: ConfigKeySpec,
    value: unknown,
    errors: ErrorObject[],
    shown: (value: unknown) => string,
): string[] {
    const seen = new Set<string>();
    const messages: string[] = [];
    // A bad property name yields a wrapper error plus the inner one, which carries the name itself.
    for (const error of errors.filter((e) => e.keyword !== "propertyNames")) {
        const where = `${fullKey(spec.key)}${pathSuffix(error.instancePath)}`;
        const offending = error.propertyName ?? pointer(value, error.instancePath);
        // ajv reports a repeated item by the indexes of the two copies (params.i and params.j).
        const message =
            error.keyword === "uniqueItems"
                ? `${where}: ${shown((value as unknown[])[error.params.i as number])} is listed twice (items ${Math.min(error.params.i, error.params.j)} and ${Math.max(error.params.i, error.params.j)}); list each once`
                : `${where}: ${shown(offending)} is not allowed; allowed: ${spec.allowed}`;
        if (!seen.has(message)) {
            seen.add(message);
            messages.push(message);
        }
    }
    return messages;
}

function pathSuffix(instancePath: string): string {
    return instancePath
        .split("/")
        .slice(1)
        .map((part) => (/^[0-9]+$/.test(part) ? `[${part}]` : `.${part}`))
        .join("");
}

function pointer(value: unknown, instancePath: string): unknown {
    return instancePath
        .split("/")
        .slice(1)
        .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], value);
}

function toParsedConfig(values: Record<string, unknown>, context: ParseContext): ParsedConfig {
    const environment = values.environment as Environment;
    const defaults = PLATFORM_ENDPOINTS[environment];
    const regions = values.includeRegions as string[] | undefined;
    return {
        environment,
        stackRegion: context.awsRegion!,
        platform: {
            accountId: (values.platformAccountId as string | undefined) ?? defaults.accountId,
            apiUrl: ((values.platformApiUrl as string | undefined) ?? defaults.apiUrl).replace(/\/+$/, ""),
            queueArnPattern: (values.platformQueueArnPattern as string | undefined) ?? defaults.queueArnPattern,
        },
        regions: regions && regions.length > 0 ? regions : [context.awsRegion!],
        roleName: values.roleName as string,
        createIamUser: values.createIamUser as boolean,
        identityMode: resolveIdentityMode(values),
        installPodIdentityAgent: values.installPodIdentityAgent as boolean,
        token: (values.token as string | undefined) ?? "",
        datadogApiKey: values.datadogApiKey as string | undefined,
        karpenopsApiKey: values.karpenopsApiKey as string | undefined,
        retainBucket: values.retainBucket as boolean,
        adopt: values.adopt as boolean,
        autoUpdate: values.autoUpdate as boolean,
        externalId: values.externalId as string | undefined,
        kmsKeyId: values.kmsKeyId as string | undefined,
        lifecycleDays: (values.lifecycleDays as number) > 0 ? (values.lifecycleDays as number) : undefined,
        tags: (values.tags as Record<string, string> | undefined) ?? {},
        agentNamespace: values.agentNamespace as string,
        agentServiceAccount: values.agentServiceAccount as string,
        logRetentionDays: values.logRetentionDays as number,
        clusters: {
            include: (values["clusters.include"] as string[] | undefined) ?? [],
            exclude: (values["clusters.exclude"] as string[] | undefined) ?? [],
            tags: values["clusters.tags"] as Record<string, string>,
            assumeRoleArn: values["clusters.assumeRoleArn"] as string | undefined,
        },
        agent: {
            install: values["agent.install"] as boolean,
            chart: values["agent.chart"] as string,
            chartVersion: values["agent.chartVersion"] as string,
            karpenops: values["agent.karpenops"] as boolean,
            karpenopsClusterIds: values["agent.karpenopsClusterIds"] as Record<string, string>,
            containerInsights: values["agent.containerInsights"] as boolean,
            debug: values["agent.debug"] as boolean,
            opencostLogLevel: values["agent.opencostLogLevel"] as string,
            ipv6: values["agent.ipv6"] as boolean,
            dataFetcher: values["agent.dataFetcher"] as boolean,
            allowUnpinnedImages: values["agent.allowUnpinnedImages"] as boolean,
            imageTags: Object.fromEntries(
                CONFIG_KEYS.filter((spec) => groupOf(spec) === "images").map((spec) => [fieldOf(spec), values[spec.key] as string]),
            ),
            prometheus: {
                size: values["prometheus.size"] as PrometheusOptions["size"],
                storageClass: values["prometheus.storageClass"] as string,
                nodeSelector: values["prometheus.nodeSelector"] as Record<string, string>,
                tolerations: (values["prometheus.tolerations"] as Record<string, unknown>[] | undefined) ?? [],
            },
            values: values["agent.values"] as Record<string, unknown>,
        },
        addons: {
            cniMetrics: {
                enabled: values["addons.cniMetrics.enabled"] as boolean,
                include: (values["addons.cniMetrics.include"] as string[] | undefined) ?? [],
                exclude: (values["addons.cniMetrics.exclude"] as string[] | undefined) ?? [],
                freeIpAlarmPercent: values["addons.cniMetrics.freeIpAlarmPercent"] as number,
                alarmEmail: values["addons.cniMetrics.alarmEmail"] as string | undefined,
                alarmTopicArn: values["addons.cniMetrics.alarmTopicArn"] as string | undefined,
            },
            fargateInsights: {
                enabled: values["addons.fargateInsights.enabled"] as boolean,
                include: (values["addons.fargateInsights.include"] as string[] | undefined) ?? [],
                exclude: (values["addons.fargateInsights.exclude"] as string[] | undefined) ?? [],
                alwaysInclude: (values["addons.fargateInsights.alwaysInclude"] as string[] | undefined) ?? [],
                logRetentionDays: values["addons.fargateInsights.logRetentionDays"] as number,
            },
        },
    };
}
