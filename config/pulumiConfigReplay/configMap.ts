/** A stack's config map and `--path` access into its object values (Go: config.Map, object.Get/Set). */
import { errorMessage } from "../../common/errors";
import { PathElement, parseKey, parsePropertyPath } from "./paths";
import { ConfigNode, StoredValue, coerceNode, fromNode, isMap, newValue, toNode } from "./values";

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
            const value = this.values.get(configKey(key));
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
            this.values.set(configKey(key), value);
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

/** A key as the map stores it, `<namespace>:<name>` (the old `config:` form folded). */
export function configKey(key: string): string {
    const { namespace, name } = parseKey(key);
    return `${namespace}:${name}`;
}
