/** Pulumi.yaml's config declarations: their types, validation and defaults (Go: workspace.ProjectConfigType). */
import { isPlainObject } from "../../common/objects";
import { ConfigMap, configKey } from "./configMap";
import { parseKey } from "./paths";
import { StoredValue, goJson, newObjectValue, newValue, nodeFromJson, plaintext, toNode } from "./values";

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
    return key.includes(":") ? configKey(key) : `${projectName}:${key}`;
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
