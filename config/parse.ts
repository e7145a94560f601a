import Ajv, { ErrorObject } from "ajv";
import { ConfigError } from "./errors";
import { coerce } from "./coerce";
import { AWS_REGION_PATTERN, CONFIG_KEYS, ConfigKeySpec, fullKey } from "./keys";
import { Environment, PLATFORM_ENDPOINTS, PlatformEndpoints } from "./environments";

/** Config after validation. Secret values are plain strings here; `load.ts` wraps them as Pulumi secrets at once. */
export interface ParsedConfig {
    environment: Environment;
    /** The stack's `aws:region`: where the bucket, the Lambdas and the roles' API calls live. */
    stackRegion: string;
    platform: PlatformEndpoints;
    regions: string[];
    roleName: string;
    createIamUser: boolean;
    token: string;
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
    dataFetcher: boolean;
    values: Record<string, unknown>;
}

export interface ParseContext {
    /** The stack's `aws:region`, used when includeRegions is blank. */
    awsRegion?: string;
}

export type RawConfig = Record<string, string | undefined>;

const ajv = new Ajv({ allErrors: true });
const validators = new Map(CONFIG_KEYS.map((spec) => [spec.key, ajv.compile(spec.schema)]));

/** Validates raw config strings (keys without the namespace). Throws one ConfigError naming every bad key. */
export function parseConfig(raw: RawConfig, context: ParseContext = {}): ParsedConfig {
    const problems: string[] = [];
    const values: Record<string, unknown> = {};
    for (const spec of CONFIG_KEYS) {
        const value = readKey(spec, raw[spec.key], problems);
        if (value !== undefined) {
            values[spec.key] = value;
        }
    }
    const unknownKeys = Object.keys(raw).filter((key) => raw[key] !== undefined && !CONFIG_KEYS.some((s) => s.key === key));
    for (const key of unknownKeys) {
        problems.push(`${fullKey(key)} is not a known key; known keys: ${CONFIG_KEYS.map((s) => s.key).join(", ")}`);
    }
    if (values.autoUpdate === true && values.externalId === undefined && !problems.some((p) => p.includes(":externalId"))) {
        problems.push(
            `${fullKey("externalId")} is required when ${fullKey("autoUpdate")} is true: ` +
                `set it with pulumi config set --secret ${fullKey("externalId")} <id>, or set autoUpdate to false`,
        );
    }
    if (!context.awsRegion) {
        problems.push("aws:region is required (the region of the stack's own resources): set it with pulumi config set aws:region <region>");
    } else if (!new RegExp(AWS_REGION_PATTERN).test(context.awsRegion)) {
        problems.push(`aws:region: ${JSON.stringify(context.awsRegion)} is not allowed; allowed: AWS region names such as us-east-1`);
    }
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    return toParsedConfig(values, context);
}

function readKey(spec: ConfigKeySpec, raw: string | undefined, problems: string[]): unknown {
    const name = fullKey(spec.key);
    const shown = (value: unknown) => (spec.secret ? "(secret value)" : JSON.stringify(value));
    if (raw === undefined || (raw.trim() === "" && spec.required)) {
        if (spec.required) {
            const how = spec.secret ? `pulumi config set --secret ${name} <value>` : `pulumi config set ${name} <value>`;
            problems.push(`${name} is required (${spec.allowed}): set it with ${how}`);
        }
        return spec.default === "" ? undefined : structuredClone(spec.default);
    }
    const coerced = coerce(spec, raw);
    if (!coerced.ok) {
        problems.push(`${name}: ${shown(raw)} ${coerced.problem}; allowed: ${spec.allowed}`);
        return undefined;
    }
    let value = coerced.value;
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
        const message = `${where}: ${shown(offending)} is not allowed; allowed: ${spec.allowed}`;
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
        token: values.token as string,
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
            dataFetcher: values["agent.dataFetcher"] as boolean,
            values: values["agent.values"] as Record<string, unknown>,
        },
    };
}
