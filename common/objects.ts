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

/** The object with its keys in sorted order, each value passed through `map` (the step of a canonical form). */
export function withSortedKeys(
    object: Record<string, unknown>,
    map: (value: unknown) => unknown,
): Record<string, unknown> {
    return Object.fromEntries(
        Object.keys(object)
            .sort()
            .map((key) => [key, map(object[key])]),
    );
}

/** The value with every plain object's keys sorted, at every level. */
export function sortedKeys(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(sortedKeys);
    }
    return isPlainObject(value) ? withSortedKeys(value, sortedKeys) : value;
}

/** JSON with object keys sorted at every level, so that equal values always give equal text (and hashes). */
export function canonicalJson(value: unknown): string {
    return JSON.stringify(sortedKeys(value));
}
