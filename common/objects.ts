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
