/**
 * A plain object: a JSON/YAML map or an object literal; not null, an array, or a class instance (a Pulumi Output
 * inside chart values is a value, not a map to merge into).
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
    if (typeof value !== "object" || value === null) {
        return false;
    }
    const prototype = Object.getPrototypeOf(value);
    return prototype === Object.prototype || prototype === null;
}

/** The value with every plain object's keys sorted, at every level. */
export function sortedKeys(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(sortedKeys);
    }
    if (isPlainObject(value)) {
        return Object.fromEntries(
            Object.keys(value)
                .sort()
                .map((key) => [key, sortedKeys(value[key])]),
        );
    }
    return value;
}

/** JSON with object keys sorted at every level, so that equal values always give equal text (and hashes). */
export function canonicalJson(value: unknown): string {
    return JSON.stringify(sortedKeys(value));
}
