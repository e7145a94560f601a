/** ajv's validation errors as sentences that name the bad key and what is allowed. */
import { ErrorObject } from "ajv";

/** What ajv's own message leaves out: the key it did not expect, or the values an enum allows. */
function hint(error: ErrorObject): string {
    const params = error.params as { additionalProperty?: unknown; allowedValues?: unknown[] };
    if (params.additionalProperty !== undefined) {
        return ` (${String(params.additionalProperty)})`;
    }
    if (Array.isArray(params.allowedValues)) {
        return ` (allowed: ${params.allowedValues.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(", ")})`;
    }
    return "";
}

/** `root` then the value's path joined by `separator`, ajv's message and the hint, for each error. */
export function schemaErrors(errors: ErrorObject[] | null | undefined, root: string, separator: string): string[] {
    return (errors ?? []).map(
        (error) => `${root}${error.instancePath.replaceAll("/", separator)} ${error.message}${hint(error)}`,
    );
}
