import * as pulumi from "@pulumi/pulumi";
import { CONFIG_KEYS, NAMESPACE, groupOf } from "./keys";
import { ParsedConfig, RawConfig, parseConfig } from "./parse";
import { StackNames, WithSecrets } from "./core";

/** The secret keys; each is a top-level key (test/config.test.ts holds the table to that). */
export const SECRET_KEYS: readonly string[] = CONFIG_KEYS.filter(
    (spec) => spec.secret && groupOf(spec) === undefined,
).map((spec) => spec.key);

export { WithSecrets };

/** Validated config as the program uses it: secret values are Pulumi secrets from the moment they are read. */
export type Settings = WithSecrets<ParsedConfig> & StackNames;

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
