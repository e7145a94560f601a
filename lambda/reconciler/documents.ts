/** Comparing policy documents the way IAM means them, not the way they happen to be spelled. */
import { isPlainObject, withSortedKeys } from "../../common/objects";

/** IAM hands policy documents back URL-encoded (RFC 3986); decode before parsing. */
export function decodePolicy(encoded: string): unknown {
    return JSON.parse(decodeURIComponent(encoded));
}

/** Sorted keys, one-element lists as scalars, lists of strings sorted: equal meaning gives equal text. */
export function canonicalPolicy(value: unknown): unknown {
    if (Array.isArray(value)) {
        const items = value.map(canonicalPolicy);
        if (items.length === 1) {
            return items[0];
        }
        return items.every((item) => typeof item === "string") ? [...(items as string[])].sort() : items;
    }
    return isPlainObject(value) ? withSortedKeys(value, canonicalPolicy) : value;
}

export function samePolicy(a: unknown, b: unknown): boolean {
    return JSON.stringify(canonicalPolicy(a)) === JSON.stringify(canonicalPolicy(b));
}
