/** Test expectations read from the config key table (config/keys.ts) rather than written out again. */
import { CONFIG_KEYS, ConfigKeySpec, KEY_TABLE, fieldOf, fullKey, groupOf } from "../config/keys";

export type ConfigKey = (typeof KEY_TABLE)[number]["key"];

/** A key by name, checked against the table at compile time: a warning that names a renamed key fails the type-check. */
export function configKey<K extends ConfigKey>(key: K): K {
    return key;
}

/** A key's default as the table declares it. */
export function defaultOf(key: ConfigKey): NonNullable<ConfigKeySpec["default"]> {
    const spec = CONFIG_KEYS.find((s) => s.key === key)!;
    if (spec.default === undefined) {
        throw new Error(`${key} has no default in config/keys.ts`);
    }
    return spec.default;
}

function sortedKeys(value: unknown): unknown {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        return value;
    }
    return Object.fromEntries(
        Object.keys(value)
            .sort()
            .map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]),
    );
}

/**
 * The table's defaults as the language host hands them to the program when nothing is set: `container-insights:<key>`
 * for each plain key as text, and each object-valued key as one JSON object of its fields' defaults (sorted keys, a
 * two-level key such as `addons.cniMetrics.enabled` nested), the way the Pulumi CLI merges Pulumi.yaml's dotted defaults.
 * Required keys (no default) are left out.
 */
export function tableDefaultsAsReceived(): Record<string, string> {
    const received: Record<string, string> = {};
    const groups = new Map<string, Record<string, unknown>>();
    for (const spec of CONFIG_KEYS) {
        if (spec.default === undefined) {
            continue;
        }
        const group = groupOf(spec);
        if (group === undefined) {
            received[fullKey(spec.key)] =
                typeof spec.default === "object" ? JSON.stringify(spec.default) : String(spec.default);
            continue;
        }
        const path = fieldOf(spec).split(".");
        let target = groups.get(group) ?? {};
        groups.set(group, target);
        for (const step of path.slice(0, -1)) {
            target = (target[step] ??= {}) as Record<string, unknown>;
        }
        target[path[path.length - 1]] = spec.default;
    }
    for (const [group, fields] of groups) {
        received[fullKey(group)] = JSON.stringify(sortedKeys(fields));
    }
    return received;
}
