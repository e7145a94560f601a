import * as pulumi from "@pulumi/pulumi";
import { NAMESPACE } from "./keys";
import { ParsedConfig, RawConfig, parseConfig } from "./parse";

/** Validated config as the program uses it: secret values are Pulumi secrets from the moment they are read. */
export interface Settings extends Omit<ParsedConfig, "token" | "externalId" | "datadogApiKey" | "karpenopsApiKey"> {
    token: pulumi.Output<string>;
    externalId?: pulumi.Output<string>;
    datadogApiKey?: pulumi.Output<string>;
    karpenopsApiKey?: pulumi.Output<string>;
    /** `<project>/<stack>`: the value of the ownership tag on everything this stack creates. */
    stackId: string;
    /** The stack name alone, used in physical names and the per-cluster role path. */
    stackName: string;
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
        ...parsed,
        token: pulumi.secret(parsed.token),
        externalId: parsed.externalId === undefined ? undefined : pulumi.secret(parsed.externalId),
        datadogApiKey: parsed.datadogApiKey === undefined ? undefined : pulumi.secret(parsed.datadogApiKey),
        karpenopsApiKey: parsed.karpenopsApiKey === undefined ? undefined : pulumi.secret(parsed.karpenopsApiKey),
        stackId: `${pulumi.getProject()}/${pulumi.getStack()}`,
        stackName: pulumi.getStack(),
    };
}
