/**
 * What a service asks for, turned into stack config. The keys, their types and their validation are the project's
 * own (config/keys.ts, config/parse.ts): there is no second list here.
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
import { resolveIdentityMode } from "../config/parse";
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
} from "../config/cliConfig";
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

export function stackNameOf(request: RunRequest): string {
    const environment = environmentOf(request).toLowerCase();
    const problems: string[] = [];
    if (request.accountId !== undefined && !/^\d{12}$/.test(request.accountId)) {
        problems.push(`accountId: ${JSON.stringify(request.accountId)} is not a 12-digit AWS account id`);
    }
    const name = request.stackName ?? (request.accountId ? `${environment}-${request.accountId}` : environment);
    const nameProblem = stackNameProblem(name);
    if (nameProblem) {
        problems.push(nameProblem.replace(/^stack name/, "stackName:"));
    }
    if (problems.length > 0) {
        throw new InvalidRequestError(problems);
    }
    return name;
}

function asConfigString(value: ConfigValue): string {
    return typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
}

/**
 * The stack config the request sets, keyed `container-insights:<key>` (and `aws:region`). Set it with property-path
 * semantics (`setAllConfig(config, true)`, i.e. `pulumi config set-all --path`): dotted keys such as
 * `clusters.include` are fields of the object keys `clusters` and `agent`.
 */
export function requestedConfig(request: RunRequest): Record<string, StackConfigValue> {
    const problems: string[] = [];
    const known = new Set(CONFIG_KEYS.map((spec) => spec.key));
    const result: Record<string, StackConfigValue> = {
        [fullKey("environment")]: { value: environmentOf(request), secret: false },
    };
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
    for (const key of SECRET_CONFIG_KEYS) {
        const secret = request.secrets?.[key];
        if (secret !== undefined) {
            result[fullKey(key)] = { value: secret, secret: true };
        }
    }
    if (request.awsRegion !== undefined) {
        result["aws:region"] = { value: request.awsRegion, secret: false };
    }
    if (problems.length > 0) {
        throw new InvalidRequestError(problems);
    }
    return result;
}

/**
 * The config the program will receive (keys without the namespace, object keys as JSON): the stack's stored config
 * with the request set on it as `pulumi config set-all --path` does, then Pulumi.yaml's defaults merged as
 * `pulumi up` does (config/cliConfig.ts).
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
