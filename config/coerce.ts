import { ConfigKeySpec } from "./keys";

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
            return { ok: true, value: JSON.parse(text) };
        } catch {
            return { ok: false, problem: "is not valid JSON" };
        }
    }
    if (wantsArray) {
        const items = text.split(",").map((item) => item.trim()).filter((item) => item !== "");
        return { ok: true, value: items };
    }
    return { ok: false, problem: "is not a map" };
}
