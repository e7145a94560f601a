/**
 * What a service asks for, turned into stack config. The keys, their types and their validation are the project's
 * own (config/keys/, config/parse.ts): there is no second list here.
 */
import {
    CONFIG_KEYS,
    ConfigError,
    ENVIRONMENTS,
    Environment,
    NAMESPACE,
    RawConfig,
    fullKey,
    parseConfig,
    stackNameProblem,
} from "../config";
import { keyValueProblems, resolveIdentityMode } from "../config/parse";
import { AWS_REGION_PATTERN } from "../config/keys";
import {
    ConfigMap,
    applyProjectConfig,
    configSet,
    newObjectValue,
    newSecureValue,
    newValue,
    goJson,
    nodeFromJson,
    programConfig,
} from "../config/pulumiConfigReplay";
import { pulumiYamlConfig } from "../config/projectConfig";
import { didYouMean } from "../config/suggest";
import { InvalidEnvironmentError, InvalidRequestError, MissingTokenError } from "./errors";
import { ACTIONS, Action } from "./actions";

export { ACTIONS, Action };

/** A config value as a caller writes it: lists and maps for the structured keys, booleans and numbers as such. */
export type ConfigValue = string | number | boolean | string[] | Record<string, unknown>;

/** The secret keys of the key table: a request carries them in `secrets` only, so they are stored as secrets. */
export const SECRET_CONFIG_KEYS = ["token", "externalId", "datadogApiKey", "karpenopsApiKey"] as const;

/** Keys the request carries in their own fields, never in `config`. */
const DEDICATED_KEYS: Record<string, string> = {
    environment: "request.environment",
    ...Object.fromEntries(SECRET_CONFIG_KEYS.map((key) => [key, `request.secrets.${key}`])),
};

export interface RunRequest {
    action: Action;
    /** PROD or UAT (any case). */
    environment: string;
    /** The AWS account the stack onboards; names the default stack. */
    accountId?: string;
    /** Default: `<environment>-<accountId>` in lower case, or `prod` / `uat` without an account. */
    stackName?: string;
    /** The stack's aws:region; left as the stack has it when unset. */
    awsRegion?: string;
    /** Any key of Pulumi.yaml's config block except environment and the secret keys. */
    config?: Record<string, ConfigValue>;
    /** Stored as Pulumi secrets, never written in plain text or printed. */
    secrets?: Partial<Record<(typeof SECRET_CONFIG_KEYS)[number], string>>;
}

export interface StackConfigValue {
    value: string;
    secret: boolean;
}

/** A stored value as `pulumi config --json` (the Automation API's getAllConfig) reports it. */
export type ExistingConfigValue = string | { value?: string; objectValue?: unknown; secret?: boolean };

export function environmentOf(request: Pick<RunRequest, "environment">): Environment {
    const upper = typeof request.environment === "string" ? request.environment.toUpperCase() : "";
    if (!(ENVIRONMENTS as readonly string[]).includes(upper)) {
        throw new InvalidEnvironmentError(request.environment, ENVIRONMENTS);
    }
    return upper as Environment;
}

/** The problems with the stack the request names (its account id, its stack name), for an environment. */
function stackNameProblems(request: RunRequest, environment: string): { name: string; problems: string[] } {
    const problems: string[] = [];
    if (request.accountId !== undefined && !/^\d{12}$/.test(request.accountId)) {
        problems.push(`accountId: ${JSON.stringify(request.accountId)} is not a 12-digit AWS account id`);
    }
    const name = request.stackName ?? (request.accountId ? `${environment}-${request.accountId}` : environment);
    const nameProblem = stackNameProblem(name);
    if (nameProblem) {
        problems.push(nameProblem.replace(/^stack name/, "stackName:"));
    }
    return { name, problems };
}

export function stackNameOf(request: RunRequest): string {
    const { name, problems } = stackNameProblems(request, environmentOf(request).toLowerCase());
    if (problems.length > 0) {
        throw new InvalidRequestError(problems);
    }
    return name;
}

function asConfigString(value: ConfigValue): string {
    return typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** The request's config and secrets as stack config, with the problems of its keys (unknown, misplaced). */
function requestedEntries(request: RunRequest): { config: Record<string, StackConfigValue>; problems: string[] } {
    const problems: string[] = [];
    const known = new Set(CONFIG_KEYS.map((spec) => spec.key));
    const result: Record<string, StackConfigValue> = {};
    for (const [key, value] of Object.entries(request.config ?? {})) {
        if (Object.hasOwn(DEDICATED_KEYS, key)) {
            problems.push(`config.${key}: pass it as ${DEDICATED_KEYS[key]}`);
        } else if (!known.has(key)) {
            const allowed = [...known].filter((k) => !Object.hasOwn(DEDICATED_KEYS, k));
            problems.push(
                `config.${key} is not a known key${didYouMean(key, allowed)}; known keys: ${allowed.join(", ")}`,
            );
        } else if (value !== undefined) {
            result[fullKey(key)] = { value: asConfigString(value), secret: false };
        }
    }
    for (const [key, secret] of Object.entries(request.secrets ?? {})) {
        if (!(SECRET_CONFIG_KEYS as readonly string[]).includes(key)) {
            problems.push(
                `secrets.${key} is not a secret key${didYouMean(key, SECRET_CONFIG_KEYS)}; secret keys: ${SECRET_CONFIG_KEYS.join(", ")}`,
            );
        } else if (secret !== undefined && typeof secret !== "string") {
            problems.push(`secrets.${key}: a secret is a string`);
        } else if (secret !== undefined) {
            result[fullKey(key)] = { value: secret, secret: true };
        }
    }
    if (request.awsRegion !== undefined) {
        result["aws:region"] = { value: request.awsRegion, secret: false };
    }
    return { config: result, problems };
}

/**
 * Every problem the request has on its own, together: action, environment, account id, stack name, config keys and
 * each value it sets (as the program would word them), aws:region. Needs no stack, no Pulumi CLI and no AWS; what
 * depends on the stack's stored config is checked once the stack is open (validateStackConfig).
 */
export function requestProblems(request: RunRequest, valueProblems: string[] = []): string[] {
    const problems: string[] = [];
    if (!(ACTIONS as readonly string[]).includes(request.action)) {
        problems.push(`action ${JSON.stringify(request.action)} is not one of ${ACTIONS.join(", ")}`);
    }
    let environment: Environment | undefined;
    try {
        environment = environmentOf(request);
    } catch (error) {
        if (!(error instanceof InvalidEnvironmentError)) {
            throw error;
        }
        problems.push(error.message);
    }
    problems.push(...stackNameProblems(request, (environment ?? "prod").toLowerCase()).problems);
    const { config, problems: keyProblems } = requestedEntries(request);
    problems.push(...keyProblems);
    const prefix = fullKey("");
    const keys = Object.keys(config)
        .filter((key) => key.startsWith(prefix))
        .map((key) => key.slice(prefix.length));
    const { raw } = configForRun({}, config);
    valueProblems.push(...keyValueProblems(raw, keys));
    problems.push(...valueProblems);
    if (request.awsRegion !== undefined && !new RegExp(AWS_REGION_PATTERN).test(request.awsRegion)) {
        problems.push(
            `awsRegion: ${JSON.stringify(request.awsRegion)} is not allowed; allowed: AWS region names such as us-east-1`,
        );
    }
    return problems;
}

/**
 * Throws when the request has any problem of its own: every one in one InvalidRequestError (a wrong environment
 * alone is an InvalidEnvironmentError).
 */
export function validateRequest(request: RunRequest): void {
    const valueProblems: string[] = [];
    const problems = requestProblems(request, valueProblems);
    if (problems.length === 1) {
        environmentOf(request);
    }
    if (problems.length > 0) {
        throw new InvalidRequestError(problems, valueProblems.length > 0 ? new ConfigError(valueProblems) : undefined);
    }
}

/**
 * The stack config the request sets, keyed `container-insights:<key>` (and `aws:region`). Set it with property-path
 * semantics (`setAllConfig(config, true)`, i.e. `pulumi config set-all --path`): dotted keys such as
 * `clusters.include` are fields of the object keys `clusters` and `agent`.
 */
export function requestedConfig(request: RunRequest): Record<string, StackConfigValue> {
    const environment = { [fullKey("environment")]: { value: environmentOf(request), secret: false } };
    const { config, problems } = requestedEntries(request);
    if (problems.length > 0) {
        throw new InvalidRequestError(problems);
    }
    return { ...environment, ...config };
}

/**
 * The config the program will receive (keys without the namespace, object keys as JSON): the stack's stored config
 * with the request set on it as `pulumi config set-all --path` does, then Pulumi.yaml's defaults merged as
 * `pulumi up` does (config/pulumiConfigReplay/).
 */
export function configForRun(
    existing: Record<string, ExistingConfigValue>,
    requested: Record<string, StackConfigValue>,
): { raw: RawConfig; awsRegion?: string } {
    const stack = new ConfigMap();
    for (const [key, stored] of Object.entries(existing)) {
        if (typeof stored === "string") {
            stack.set(key, newValue(stored), false);
        } else if (stored.objectValue !== undefined) {
            const json = goJson(nodeFromJson(stored.objectValue), true);
            stack.set(key, stored.secret ? { ...newObjectValue(json), secure: true } : newObjectValue(json), false);
        } else if (stored.value !== undefined) {
            stack.set(key, stored.secret ? newSecureValue(stored.value) : newValue(stored.value), false);
        }
    }
    for (const [key, { value, secret }] of Object.entries(requested)) {
        configSet(stack, NAMESPACE, { key, value, secret, path: true });
    }
    applyProjectConfig(NAMESPACE, pulumiYamlConfig(), stack, { validate: false });
    const { config } = programConfig(stack);
    const prefix = fullKey("");
    const raw = Object.fromEntries(
        Object.entries(config)
            .filter(([key]) => key.startsWith(prefix))
            .map(([key, value]) => [key.slice(prefix.length), value]),
    );
    return { raw, awsRegion: config["aws:region"] };
}

/**
 * Validates the config the stack will run with (what it has, overlaid with the request) exactly as the program will,
 * so a bad value fails here, before any engine starts. Only preview and up run the program.
 */
export function validateStackConfig(
    action: Action,
    existing: Record<string, ExistingConfigValue>,
    requested: Record<string, StackConfigValue>,
    stackName?: string,
): void {
    if (action !== "preview" && action !== "up") {
        return;
    }
    const { raw, awsRegion } = configForRun(existing, requested);
    if (!raw.token && resolveIdentityMode(raw) !== "iamUser") {
        throw new MissingTokenError(action);
    }
    try {
        parseConfig(raw, { awsRegion, stackName });
    } catch (error) {
        if (error instanceof ConfigError) {
            throw new InvalidRequestError(error.problems, error);
        }
        throw error;
    }
}
