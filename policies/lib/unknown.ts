/**
 * Values the engine cannot know during preview. @pulumi/policy hands policies a proxy that throws on them;
 * the policies here read the plain values and decide per value, so one unknown does not hide other findings.
 */
const UNKNOWN_SENTINELS = new Set([
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
    "030794c1-ac77-496b-92df-f27374a8bd58", // asset
    "e48ece36-62e2-4504-bad9-02848725956a", // archive
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

/** The string the engine sends for a string it cannot know yet; fixtures use it too. */
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
    return typeof value === "string" && UNKNOWN_SENTINELS.has(value);
}

/** Whether any value inside is unknown. */
export function containsUnknown(value: unknown): boolean {
    if (isUnknown(value)) {
        return true;
    }
    if (Array.isArray(value)) {
        return value.some(containsUnknown);
    }
    if (typeof value === "object" && value !== null) {
        return Object.values(value).some(containsUnknown);
    }
    return false;
}

// @pulumi/policy's unknown-checking proxy answers this key with the object it wraps.
const PROXY_TARGET = "__getSpecialProxyTarget";

/** The plain object behind @pulumi/policy's unknown-checking proxy (or the object itself). */
export function plainProps(props: Record<string, unknown>): Record<string, unknown> {
    const target = (props as Record<string, unknown>)[PROXY_TARGET];
    return typeof target === "object" && target !== null ? (target as Record<string, unknown>) : props;
}

/** A plain JSON-like object, or undefined for anything else (unknowns included). */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
    return typeof value === "object" && value !== null && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : undefined;
}

export function asArray(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}
