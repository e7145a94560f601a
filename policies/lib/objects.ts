/**
 * JSON-shaped values as policies read them. The pack installs on its own (pulumi preview --policy-pack policies), so
 * it keeps these few helpers here rather than importing the program's common/.
 */

/** A JSON object: not null, not an array. */
export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A JSON object, or undefined for anything else (unknowns included). */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
    return isRecord(value) ? value : undefined;
}

export function asArray(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

/** The error's message, or the thrown value as text when it is not an Error. */
export function errorMessage(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}
