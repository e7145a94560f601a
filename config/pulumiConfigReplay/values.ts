/** Config values and object trees as the Pulumi CLI stores them (Go: config.Value, config.object). */
import { isPlainObject } from "../../common/objects";

/** A secure string inside an object tree (Go: CiphertextSecret); plain text here. */
export class SecureText {
    constructor(readonly text: string) {}
}

/** One node of a config object tree (Go: config.object). */
export type ConfigNode = null | boolean | number | string | SecureText | ConfigNode[] | { [key: string]: ConfigNode };

export type ValueType = "unknown" | "string" | "int" | "bool" | "float";

/** One stored config value (Go: config.Value): its text, and whether it is secure and/or a JSON object. */
export interface StoredValue {
    text: string;
    secure: boolean;
    object: boolean;
    type: ValueType;
}

/** config.NewValue / NewTypedValue / NewSecureValue / NewObjectValue. */
export const newValue = (text: string, type: ValueType = "unknown"): StoredValue => ({
    text,
    secure: false,
    object: false,
    type,
});
export const newSecureValue = (text: string): StoredValue => ({ text, secure: true, object: false, type: "unknown" });
export const newObjectValue = (json: string): StoredValue => ({
    text: json,
    secure: false,
    object: true,
    type: "unknown",
});

export function isMap(node: ConfigNode | undefined): node is { [key: string]: ConfigNode } {
    return isPlainObject(node);
}

/** object.unmarshalObject of a decoded JSON or YAML value; `{"secure": "<text>"}` is a secure string. */
export function nodeFromJson(value: unknown): ConfigNode {
    if (value === null || value === undefined) {
        return null;
    }
    if (typeof value === "boolean" || typeof value === "number" || typeof value === "string") {
        return value;
    }
    if (Array.isArray(value)) {
        return value.map(nodeFromJson);
    }
    if (typeof value === "object") {
        const entries = Object.entries(value as Record<string, unknown>);
        if (entries.length === 1 && entries[0][0] === "secure" && typeof entries[0][1] === "string") {
            return new SecureText(entries[0][1]);
        }
        return Object.fromEntries(entries.map(([k, v]) => [k, nodeFromJson(v)]));
    }
    throw new Error(`unexpected wire type ${typeof value}`);
}

/** Go's json.Marshal: map keys sorted, <, > and & escaped; secure strings as `{"secure": ...}` (object.MarshalJSON). */
export function goJson(node: ConfigNode, revealSecrets = false): string {
    const plain = (n: ConfigNode): unknown => {
        if (n instanceof SecureText) {
            return revealSecrets ? n.text : { secure: n.text };
        }
        if (Array.isArray(n)) {
            return n.map(plain);
        }
        if (isMap(n)) {
            return Object.fromEntries(
                Object.keys(n)
                    .sort()
                    .map((k) => [k, plain(n[k])]),
            );
        }
        return n;
    };
    return JSON.stringify(plain(node))
        .replace(/</g, "\\u003c")
        .replace(/>/g, "\\u003e")
        .replace(/&/g, "\\u0026")
        .replace(/\u2028/g, "\\u2028")
        .replace(/\u2029/g, "\\u2029");
}

function containsSecure(node: ConfigNode): boolean {
    if (node instanceof SecureText) {
        return true;
    }
    if (Array.isArray(node)) {
        return node.some(containsSecure);
    }
    return isMap(node) && Object.values(node).some(containsSecure);
}

/** Value.unmarshalObject. */
export function toNode(value: StoredValue): ConfigNode {
    if (value.secure || value.object || value.type === "unknown") {
        if (!value.object) {
            return value.secure ? new SecureText(value.text) : value.text;
        }
        return nodeFromJson(JSON.parse(value.text));
    }
    switch (value.type) {
        case "string":
            return value.text;
        case "int":
            if (!/^[+-]?[0-9]+$/.test(value.text)) {
                throw new Error(`strconv.Atoi: parsing ${JSON.stringify(value.text)}: invalid syntax`);
            }
            return Number(value.text);
        case "bool":
            // strconv.ParseBool; a value it cannot parse becomes false (with a warning).
            return ["1", "t", "T", "TRUE", "true", "True"].includes(value.text);
        case "float": {
            const parsed = Number(value.text);
            if (value.text.trim() === "" || Number.isNaN(parsed)) {
                throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(value.text)}: invalid syntax`);
            }
            return parsed;
        }
    }
}

/** object.coerce: "true"/"false" become booleans, base-10 integers without a leading 0 become numbers. */
function coerceText(text: string): boolean | number | undefined {
    if (text === "true" || text === "false") {
        return text === "true";
    }
    if (text.length > 1 && text[0] === "0") {
        return undefined;
    }
    return /^[+-]?[0-9]+$/.test(text) ? Number(text) : undefined;
}

/** Value.coerceObject: untyped plain strings are coerced; secure, typed and object values are not. */
export function coerceNode(value: StoredValue): ConfigNode {
    if (value.secure || value.object || value.type !== "unknown") {
        return toNode(value);
    }
    return coerceText(value.text) ?? toNode(value);
}

/** object.MarshalString / marshalValue. */
export function fromNode(node: ConfigNode): StoredValue {
    if (typeof node === "boolean" || typeof node === "number") {
        return newValue(goJson(node));
    }
    if (typeof node === "string") {
        return newValue(node);
    }
    if (node instanceof SecureText) {
        return newSecureValue(node.text);
    }
    return { text: goJson(node), secure: containsSecure(node), object: true, type: "unknown" };
}

/** Plaintext.marshalText of a decrypted node: strings as they are, anything else as JSON. */
export function plaintext(node: ConfigNode): string {
    if (typeof node === "string") {
        return node;
    }
    if (node instanceof SecureText) {
        return node.text;
    }
    return goJson(node, true);
}
