/** Config keys and property paths (Go: config.ParseKey, resource.ParsePropertyPath). */

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
