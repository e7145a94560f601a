import { ConfigKeySpec } from "./keys";
import { isPlainObject } from "../common/objects";

export type Coerced = { ok: true; value: unknown } | { ok: false; problem: string };

/** Turns the string Pulumi stores for a key into the JSON value its schema describes. */
export function coerce(spec: ConfigKeySpec, raw: string): Coerced {
    const text = raw.trim();
    switch (spec.type) {
        case "string":
            return { ok: true, value: text };
        case "boolean":
            if (/^(true|false)$/i.test(text)) {
                return { ok: true, value: text.toLowerCase() === "true" };
            }
            return { ok: false, problem: "is not a boolean" };
        case "integer":
            if (/^-?[0-9]+$/.test(text)) {
                return { ok: true, value: Number(text) };
            }
            return { ok: false, problem: "is not a whole number" };
        case "structured":
            return coerceStructured(spec, text);
    }
}

function coerceStructured(spec: ConfigKeySpec, text: string): Coerced {
    const wantsArray = spec.schema.type === "array";
    if (text === "") {
        return { ok: true, value: wantsArray ? [] : {} };
    }
    if (text.startsWith("[") || text.startsWith("{")) {
        try {
            return { ok: true, value: stringifyScalars(spec.schema, JSON.parse(text)) };
        } catch {
            return { ok: false, problem: "is not valid JSON" };
        }
    }
    if (wantsArray) {
        const items = text
            .split(",")
            .map((item) => item.trim())
            .filter((item) => item !== "");
        return { ok: true, value: items };
    }
    return { ok: false, problem: "is not a map" };
}

/**
 * Where the schema wants a string and the value holds a boolean or number (what `pulumi config set --path` makes of
 * `true` or `1234`, and YAML of an unquoted `1234`), the text the user typed.
 */
export function stringifyScalars(schema: Record<string, unknown>, value: unknown): unknown {
    if (typeof value === "boolean" || typeof value === "number") {
        return schema.type === "string" ? String(value) : value;
    }
    if (Array.isArray(value)) {
        const items = schema.items as Record<string, unknown> | undefined;
        return items ? value.map((item) => stringifyScalars(items, item)) : value;
    }
    if (isPlainObject(value)) {
        const members = schema.additionalProperties;
        if (!isPlainObject(members)) {
            return value;
        }
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stringifyScalars(members, v)]));
    }
    return value;
}
