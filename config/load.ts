import * as pulumi from "@pulumi/pulumi";
import { CONFIG_KEYS, NAMESPACE, groupOf } from "./keys";
import { ParsedConfig, RawConfig, parseConfig } from "./parse";
import { SecretKey } from "./values";

/** The secret keys; each is a top-level key (test/config.test.ts holds the table to that). */
export const SECRET_KEYS: readonly string[] = CONFIG_KEYS.filter(
    (spec) => spec.secret && groupOf(spec) === undefined,
).map((spec) => spec.key);

/** The parsed config with each secret value a Pulumi secret; a union member stays one (`externalId` when autoUpdate). */
export type WithSecrets<T> = { [K in keyof T]: K extends SecretKey ? AsSecret<T[K]> : T[K] };
type AsSecret<V> = V extends string ? pulumi.Output<string> : V;

/** Validated config as the program uses it: secret values are Pulumi secrets from the moment they are read. */
export type Settings = WithSecrets<ParsedConfig> & {
    /** `<project>/<stack>`: the value of the ownership tag on everything this stack creates. */
    stackId: string;
    /** The stack name alone, used in physical names and the per-cluster role path. */
    stackName: string;
};

/** The settings of a stack that installs the agent, where the table makes `datadogApiKey` required. */
export type AgentSettings = Extract<Settings, { agent: { install: true } }>;

export function installsAgent(settings: Settings): settings is AgentSettings {
    return settings.agent.install;
}

/**
 * Reads this project's config namespace as the language host hands it over (top-level keys, object-valued keys
 * as JSON) and validates it; throws ConfigError, a RunError, before any resource is registered.
 */
export function loadSettings(): Settings {
    const all = pulumi.runtime.allConfig();
    const prefix = `${NAMESPACE}:`;
    const raw: RawConfig = {};
    for (const [key, value] of Object.entries(all)) {
        if (key.startsWith(prefix)) {
            raw[key.slice(prefix.length)] = value;
        }
    }
    const parsed = parseConfig(raw, { awsRegion: all["aws:region"], stackName: pulumi.getStack() });
    return {
        ...withSecrets(parsed),
        stackId: `${pulumi.getProject()}/${pulumi.getStack()}`,
        stackName: pulumi.getStack(),
    };
}

/** Each secret value wrapped as a Pulumi secret; every other value as it is. */
export function withSecrets<T extends object>(parsed: T): WithSecrets<T> {
    const entries = Object.entries(parsed).map(([key, value]) => [
        key,
        SECRET_KEYS.includes(key) && typeof value === "string" ? pulumi.secret(value) : value,
    ]);
    // The one assertion: the entries are the object's own, with exactly the secret keys' strings wrapped.
    return Object.fromEntries(entries) as WithSecrets<T>;
}
