/** How a key is named: its full name, the object-valued key it is a field of, and the command that sets it. */
import { ConfigKeySpec } from "./spec";

export const NAMESPACE = "container-insights";

export function fullKey(key: string): string {
    return `${NAMESPACE}:${key}`;
}

/** The object-valued key a dotted key is a field of (`agent` for `agent.karpenops`); undefined for a plain key. */
export function groupOf(spec: Pick<ConfigKeySpec, "key">): string | undefined {
    const dot = spec.key.indexOf(".");
    return dot === -1 ? undefined : spec.key.slice(0, dot);
}

/**
 * The field name of a dotted key inside its object (`karpenops` for `agent.karpenops`); a property path for a key
 * two levels down (`cniMetrics.enabled` for `addons.cniMetrics.enabled`).
 */
export function fieldOf(spec: Pick<ConfigKeySpec, "key">): string {
    return spec.key.slice(spec.key.indexOf(".") + 1);
}

/** How a user sets a key from the command line: dotted keys need `--path`. */
export function configSetCommand(spec: Pick<ConfigKeySpec, "key" | "secret">, value = "<value>"): string {
    const flags = [groupOf(spec) ? "--path" : "", spec.secret ? "--secret" : ""].filter((f) => f !== "").join(" ");
    return `pulumi config set ${flags ? `${flags} ` : ""}${fullKey(spec.key)} ${value}`;
}
