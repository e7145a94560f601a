/**
 * A faithful replay of how the Pulumi CLI stores, merges and hands over stack config, so that code and tests can
 * see the exact map a real `pulumi up` gives the program. Each function names the Go code it mirrors
 * (pulumi/pulumi sdk/go/common/resource/config/{map,value,object,key}.go, sdk/go/common/resource/properties_path.go,
 * pkg/workspace/config.go mergeConfig, sdk/go/common/workspace/project.go ValidateConfigValue,
 * pkg/cmd/pulumi/config/io.go parseConfigKey, sdk/nodejs/cmd/pulumi-language-nodejs constructConfig).
 * Secret values are kept as plain text (no encryption), marked secure.
 * Not replayed: ESC environments, int64 values beyond 2^53, Go's float formatting and YAML timestamps.
 */
import * as YAML from "yaml";
import { errorMessage } from "../common/errors";
import { isPlainObject } from "../common/objects";

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

export type PathElement = string | number;

/** `<namespace>:<name>`, or the old `<namespace>:config:<name>` (config.ParseKey). */
export function parseKey(key: string): { namespace: string; name: string } {
    const colons = key.split(":").length - 1;
    if (colons === 1) {
        const index = key.indexOf(":");
        return { namespace: key.slice(0, index), name: key.slice(index + 1) };
    }
    if (colons === 2) {
        const [namespace, module, name] = key.split(":");
        if (module === "config" && namespace !== "" && name !== "") {
            return { namespace, name };
        }
    }
    throw new Error(
        `could not parse ${key} as a configuration key (configuration keys should be of the form \`<namespace>:<name>\`)`,
    );
}

/** resource.ParsePropertyPathStrict. */
export function parsePropertyPath(path: string): PathElement[] {
    const elements: PathElement[] = [];
    if (path.startsWith(".")) {
        throw new Error("expected property path to start with a name or index");
    }
    let rest = path;
    while (rest.length > 0) {
        if (rest[0] === ".") {
            rest = rest.slice(1);
            if (rest.length === 0) {
                throw new Error("expected property path to end with a name or index");
            }
            if (rest[0] === "[") {
                throw new Error("expected property name after '.'");
            }
        } else if (rest[0] === "[") {
            if (rest.length > 1 && rest[1] === '"') {
                let key = "";
                let i = 2;
                for (;;) {
                    if (i >= rest.length) {
                        throw new Error("missing closing quote in property name");
                    } else if (rest[i] === '"') {
                        i++;
                        break;
                    } else if (rest[i] === "\\" && i + 1 < rest.length && rest[i + 1] === '"') {
                        key += '"';
                        i += 2;
                    } else {
                        key += rest[i];
                        i++;
                    }
                }
                if (i >= rest.length || rest[i] !== "]") {
                    throw new Error("missing closing bracket in property access");
                }
                elements.push(key);
                rest = rest.slice(i + 1);
            } else {
                const close = rest.indexOf("]");
                if (close === -1) {
                    throw new Error("missing closing bracket in array index");
                }
                const segment = rest.slice(1, close);
                if (segment === "*") {
                    elements.push("*");
                } else if (/^[+-]?[0-9]+$/.test(segment)) {
                    elements.push(Number(segment));
                } else {
                    throw new Error(
                        `invalid array index: strconv.ParseInt: parsing ${JSON.stringify(segment)}: invalid syntax`,
                    );
                }
                rest = rest.slice(close + 1);
            }
        } else {
            let i = 0;
            while (i < rest.length && rest[i] !== "." && rest[i] !== "[") {
                i++;
            }
            elements.push(rest.slice(0, i));
            rest = rest.slice(i);
        }
    }
    return elements;
}

function isMap(node: ConfigNode | undefined): node is { [key: string]: ConfigNode } {
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

function newContainer(accessor: PathElement): ConfigNode {
    return typeof accessor === "number" ? new Array<ConfigNode>(accessor + 1).fill(null) : {};
}

function describePath(prefix: PathElement[]): string {
    return `[${prefix.join(" ")}]`;
}

/** object.Get. */
function getIn(node: ConfigNode, path: PathElement[]): { found: boolean; node?: ConfigNode } {
    if (path.length === 0) {
        return { found: true, node };
    }
    const [head, ...rest] = path;
    if (Array.isArray(node)) {
        if (typeof head !== "number" || head < 0 || head >= node.length) {
            return { found: false };
        }
        return getIn(node[head], rest);
    }
    if (isMap(node)) {
        if (typeof head !== "string" || !Object.hasOwn(node, head)) {
            return { found: false };
        }
        return getIn(node[head], rest);
    }
    return { found: false };
}

/** object.Set: returns the new node at this level. */
function setIn(node: ConfigNode, prefix: PathElement[], path: PathElement[], value: ConfigNode): ConfigNode {
    if (path.length === 0) {
        return value;
    }
    let container = node;
    if (!Array.isArray(container) && !isMap(container)) {
        if (container === null || prefix.length === 1) {
            // COMPAT in the Go code: at the first level a scalar is replaced by a new container, not an error.
            container = newContainer(path[0]);
        } else {
            throw new Error(
                `${describePath(prefix)}: ${typeof path[0] === "number" ? "expected an array" : "expected a map"}`,
            );
        }
    }
    const [head, ...rest] = path;
    const here = [...prefix, head];
    if (Array.isArray(container)) {
        if (typeof head !== "number") {
            throw new Error(`${describePath(here)}: key for an array must be an int`);
        }
        if (head < 0 || head > container.length) {
            throw new Error(`${describePath(here)}: array index out of range`);
        }
        const copy = [...container];
        if (head === copy.length) {
            copy.push(null);
        }
        copy[head] = setIn(copy[head], here, rest, value);
        return copy;
    }
    if (typeof head !== "string" || !isMap(container)) {
        throw new Error(`${describePath(here)}: key for a map must be a string`);
    }
    if (rest.length === 0 && Object.keys(container).length === 0 && head === "secure" && typeof value === "string") {
        throw new Error('maps with the single key "secure" are reserved');
    }
    const copy = { ...container };
    copy[head] = setIn(Object.hasOwn(copy, head) ? copy[head] : null, here, rest, value);
    return copy;
}

/** parseKeyPath: the property path in a key's name, and the top-level key it lives under. */
function parseKeyPath(key: string): { path: PathElement[]; top: string } {
    const { namespace, name } = parseKey(key);
    let path: PathElement[];
    try {
        path = parsePropertyPath(name);
    } catch (error) {
        throw new Error(`invalid config key path: ${errorMessage(error)}`);
    }
    if (path.length === 0) {
        throw new Error("empty config key path");
    }
    if (typeof path[0] !== "string") {
        throw new Error("first path segement of config key must be a string");
    }
    if (path[0] === "") {
        throw new Error("config key is empty");
    }
    return { path, top: `${namespace}:${path[0]}` };
}

/** A stack's config (Go: config.Map), keyed `<namespace>:<name>`. */
export class ConfigMap {
    readonly values = new Map<string, StoredValue>();

    /** Map.Get. */
    get(key: string, path: boolean): { found: boolean; value?: StoredValue } {
        if (!path) {
            const value = this.values.get(canonical(key));
            return { found: value !== undefined, value };
        }
        const { path: elements, top } = parseKeyPath(key);
        const root = this.values.get(top);
        if (elements.length === 1) {
            return { found: root !== undefined, value: root };
        }
        const found = getIn(toNode(root ?? newValue("")), elements.slice(1));
        return found.found ? { found: true, value: fromNode(found.node!) } : { found: false };
    }

    /** Map.Set. */
    set(key: string, value: StoredValue, path: boolean): void {
        if (!path) {
            this.values.set(canonical(key), value);
            return;
        }
        const { path: elements, top } = parseKeyPath(key);
        let newNode: ConfigNode = null;
        if (elements.length > 1 || value.type !== "unknown") {
            newNode = coerceNode(value);
        }
        if (elements.length === 1) {
            this.values.set(top, value);
            return;
        }
        const root = this.values.get(top);
        const rootNode = root ? toNode(root) : newContainer(elements[1]);
        this.values.set(top, fromNode(setIn(rootNode, elements.slice(0, 1), elements.slice(1), newNode)));
    }
}

function canonical(key: string): string {
    const { namespace, name } = parseKey(key);
    return `${namespace}:${name}`;
}

/** How Pulumi.yaml declares one config key (workspace.ProjectConfigType). */
export interface ProjectConfigType {
    type?: string;
    items?: { type: string; items?: ProjectConfigType["items"] };
    description?: string;
    default?: unknown;
    value?: unknown;
    secret?: boolean;
}

/** pkg/workspace parseConfigKey: a key without a namespace is the project's. */
function projectConfigKey(projectName: string, key: string): string {
    return key.includes(":") ? canonical(key) : `${projectName}:${key}`;
}

/** createConfigValue: strings, integers and booleans become plain values; anything else a JSON object value. */
export function projectDefaultValue(raw: unknown): StoredValue {
    if (typeof raw === "string" || typeof raw === "boolean" || (typeof raw === "number" && Number.isInteger(raw))) {
        return newValue(String(raw));
    }
    return newObjectValue(goJson(nodeFromJson(raw)));
}

/** workspace.ValidateConfigValue. */
export function validateConfigValue(type: string, items: ProjectConfigType["items"], value: unknown): boolean {
    switch (type) {
        case "string":
            return typeof value === "string";
        case "integer":
            return (
                (typeof value === "number" && Number.isInteger(value)) ||
                (typeof value === "string" && /^[+-]?[0-9]+$/.test(value))
            );
        case "boolean":
            return value === "true" || value === "false" || typeof value === "boolean";
        case "object":
            return isPlainObject(value);
    }
    if (!Array.isArray(value) || items === undefined) {
        return false;
    }
    return value.every((item) => validateConfigValue(items.type, items.items, item));
}

const fullTypeName = (type: string, items: ProjectConfigType["items"]): string =>
    items ? `array<${fullTypeName(items.type, items.items)}>` : type;

/** Project.Validate: the checks the CLI makes on Pulumi.yaml's config block when it loads the project. */
export function validateProjectConfig(projectName: string, config: Record<string, ProjectConfigType>): string[] {
    const problems: string[] = [];
    for (const [key, declared] of Object.entries(config)) {
        if (declared.default !== undefined && declared.value !== undefined) {
            problems.push(`project config '${key}' cannot have both a 'default' and 'value' attribute`);
        }
        const ownKey = !key.includes(":") || key.startsWith(`${projectName}:`);
        if (ownKey) {
            if (declared.type === "array" && declared.items === undefined) {
                problems.push(
                    `The configuration key '${key}' declares an array but does not specify the underlying type via the 'items' attribute`,
                );
            }
            if (
                declared.type !== undefined &&
                declared.default !== undefined &&
                !validateConfigValue(declared.type, declared.items, declared.default)
            ) {
                problems.push(
                    `The default value specified for configuration key '${key}' is not of the expected type '${fullTypeName(declared.type, declared.items)}'`,
                );
            }
        } else if (declared.type !== undefined || declared.default !== undefined || declared.value === undefined) {
            problems.push(`Configuration key '${key}' is not namespaced by the project and may only set a 'value'`);
        }
    }
    return problems;
}

/**
 * mergeConfig without an ESC environment: every declared key missing from the stack (looked up as a property path)
 * gets its default, set as a property path. With `validate` (every operation except `config ls/get` and
 * --skip-config-validation) a missing required key or a value of the wrong declared type is an error.
 */
export function applyProjectConfig(
    projectName: string,
    config: Record<string, ProjectConfigType>,
    stack: ConfigMap,
    options: { validate: boolean; stackName?: string },
): void {
    const stackName = options.stackName ?? "<stack>";
    const missing: string[] = [];
    const keys = Object.keys(config).sort();
    for (const declaredKey of keys) {
        const declared = config[declaredKey];
        const key = projectConfigKey(projectName, declaredKey);
        const { found } = stack.get(key, true);
        const hasDefault = declared.default !== undefined && declared.default !== null;
        const hasValue = declared.value !== undefined && declared.value !== null;
        if (!found && !hasDefault && !hasValue && parseKey(key).namespace === projectName) {
            missing.push(declaredKey);
            continue;
        }
        if (!found && (hasDefault || hasValue)) {
            stack.set(key, projectDefaultValue(hasDefault ? declared.default : declared.value), true);
        }
    }
    if (!options.validate) {
        return;
    }
    if (missing.length > 0) {
        const names = missing.sort().map((k) => `'${k}'`);
        const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
        throw new Error(
            `Stack '${stackName}' is missing configuration ${names.length === 1 ? "value" : "values"} ${list}`,
        );
    }
    for (const declaredKey of keys) {
        const declared = config[declaredKey];
        const { value = newValue("") } = stack.get(projectConfigKey(projectName, declaredKey), true);
        if (declared.type === undefined) {
            continue;
        }
        if (declared.secret && !value.secure) {
            throw new Error(
                `Stack '${stackName}' with configuration key '${declaredKey}' must be encrypted as it's secret`,
            );
        }
        const text = plaintext(toNode(value));
        const content = value.object ? JSON.parse(text) : text;
        if (!validateConfigValue(declared.type, declared.items, content)) {
            throw new Error(
                `Stack '${stackName}' with configuration key '${declaredKey}' must be of type '${fullTypeName(declared.type, declared.items)}'`,
            );
        }
    }
}

/** Plaintext.marshalText of a decrypted node: strings as they are, anything else as JSON. */
function plaintext(node: ConfigNode): string {
    if (typeof node === "string") {
        return node;
    }
    if (node instanceof SecureText) {
        return node.text;
    }
    return goJson(node, true);
}

/** A stack file's `config:` block as the CLI loads it (Value.UnmarshalYAML for each entry). */
export function readStackConfig(stackFileText: string): ConfigMap {
    const map = new ConfigMap();
    const document = YAML.parse(stackFileText) as { config?: Record<string, unknown> } | null;
    for (const [key, raw] of Object.entries(document?.config ?? {})) {
        map.set(key, fromNode(nodeFromJson(raw)), false);
    }
    return map;
}

/** What the program receives: every top-level key, decrypted, objects as JSON (Map.Decrypt), and the secure keys. */
export function programConfig(map: ConfigMap): { config: Record<string, string>; secretKeys: string[] } {
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of map.values) {
        config[key] = plaintext(toNode(value));
        if (value.secure) {
            secretKeys.push(key);
        }
    }
    return { config, secretKeys };
}

/** The nodejs language host's PULUMI_CONFIG: keys rewritten to the old `<namespace>:config:<name>` form. */
export function languageHostConfig(config: Record<string, string>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(config).map(([key, value]) => {
            const { namespace, name } = parseKey(key);
            return [`${namespace}:config:${name}`, value];
        }),
    );
}

/** `pulumi config set [--path] [--secret] [--type T] KEY VALUE` (configSetCmd.Run, with parseConfigKey). */
export function configSet(
    map: ConfigMap,
    projectName: string,
    command: { key: string; value: string; path?: boolean; secret?: boolean; type?: Exclude<ValueType, "unknown"> },
): void {
    const key = cliConfigKey(projectName, command.key, command.path ?? false);
    const value = command.secret ? newSecureValue(command.value) : newValue(command.value, command.type ?? "unknown");
    map.set(key, value, command.path ?? false);
}

/** pkg/cmd/pulumi/config parseConfigKey: with --path only the first segment needs (or gets) a namespace. */
export function cliConfigKey(projectName: string, key: string, path: boolean): string {
    if (path) {
        const split = key.search(/[.[]/);
        if (split > 0) {
            const top = cliConfigKey(projectName, key.slice(0, split), false);
            return `${top}${key.slice(split)}`;
        }
    }
    if (!key.includes(":")) {
        return canonical(`${projectName}:${key}`);
    }
    return canonical(key);
}
