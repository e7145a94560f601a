/**
 * YAML as kubectl and the Kubernetes API server read it (sigs.k8s.io/yaml over go-yaml v2, YAML 1.1): scalars resolve
 * as go-yaml v2 resolves them (goYamlScalars.ts), `<<` merge keys apply in document order (a merge after an explicit key
 * overwrites it, as go-yaml's decoder does), `!!binary` decodes to its text, unknown tags keep the node as it is, a
 * duplicate key is an error, and timestamps stay strings.
 * js-yaml parses (it reads 20,000 Deployments several times faster than the `yaml` package); its own merge handling,
 * where explicit keys always win, is replaced: `<<` keys are kept as markers and applied afterwards.
 */
import * as jsYaml from "js-yaml";
import { FAILSAFE_SCHEMA, loadAll, Type, YAMLException } from "js-yaml";
import { decodeBinary, isTimestamp, mayResolve, Resolved, resolvePlain } from "./goYamlScalars";
import { isRecord } from "../lib/objects";

/** js-yaml's built-in types (exported at run time; @types/js-yaml does not declare them). */
const { types } = jsYaml as unknown as { types: Record<"null", Type> };

export class YamlError extends Error {}

const TAG = "tag:yaml.org,2002:";

/** js-yaml asks each implicit type in turn, then constructs: the scalar is resolved once. */
const TEXT: Resolved = { tag: "str", value: "" };
let lastInput: string | undefined;
let lastResolved: Resolved = TEXT;
function resolved(data: string): Resolved {
    if (data !== lastInput) {
        lastResolved = mayResolve(data) ? resolvePlain(data) : TEXT;
        lastInput = data;
    }
    return lastResolved;
}

const yaml11Bool = new Type(`${TAG}bool`, {
    kind: "scalar",
    resolve: (data: string | null) => data !== null && resolved(data).tag === "bool",
    construct: (data: string) => resolved(data).value,
});
const goInt = new Type(`${TAG}int`, {
    kind: "scalar",
    resolve: (data: string | null) => data !== null && resolved(data).tag === "int",
    construct: (data: string) => resolved(data).value,
});
/** Implicitly only what is not an int (the int type comes first); `!!float 1` is 1, as go-yaml converts. */
const goFloat = new Type(`${TAG}float`, {
    kind: "scalar",
    resolve: (data: string | null) => data !== null && (resolved(data).tag === "float" || resolved(data).tag === "int"),
    construct: (data: string) => resolved(data).value,
});
/** go-yaml hands an untyped target the text of a timestamp. */
const timestamp = new Type(`${TAG}timestamp`, {
    kind: "scalar",
    resolve: (data: string | null) => data !== null && isTimestamp(data),
});
const binary = new Type(`${TAG}binary`, {
    kind: "scalar",
    resolve: (data: string | null) => decodeBinary(data ?? "") !== undefined,
    construct: (data: string | null) => decodeBinary(data ?? ""),
});
/** An explicit `!!merge` would get js-yaml's own merge order: refused instead (nobody writes it). */
const explicitMerge = new Type(`${TAG}merge`, { kind: "scalar", resolve: () => false });
/** Any other tag (`!local`, `!!set`, `!<tag:example.com,2000:x>`): go-yaml keeps the node, a scalar as its text. */
const anyTag = (kind: "scalar" | "sequence" | "mapping") =>
    new Type("", { kind, multi: true, construct: (data: unknown) => (kind === "scalar" ? (data ?? "") : data) });

/** A plain `<<` key becomes a unique marker key, applied after parsing (a plain `<<` value becomes "<<" again). */
const MERGE_MARK = "\u0000<<merge:";
let merges = 0;
const mergeKey = new Type("tag:crossguard,2026:merge-key", {
    kind: "scalar",
    resolve: (data: string | null) => data === "<<",
    construct: () => `${MERGE_MARK}${merges++}`,
});

export const KUBERNETES_SCHEMA = FAILSAFE_SCHEMA.extend({
    implicit: [types.null, yaml11Bool, goInt, goFloat, mergeKey],
    explicit: [timestamp, binary, explicitMerge, anyTag("scalar"), anyTag("sequence"), anyTag("mapping")],
});

/** Key copies merges may make in one input: a chain of merges of merges stops here instead of hanging the check. */
export const MAX_MERGE_WORK = 5_000_000;

const isMark = (value: unknown): value is string => typeof value === "string" && value.startsWith(MERGE_MARK);
const isMapping = isRecord;

function set(target: Record<string, unknown>, key: string, value: unknown): void {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * Applies one mapping's merge markers in document order, as go-yaml's decoder does (d.mapping → d.merge): a merged
 * mapping overwrites keys set before it, keys after it overwrite it, and in a list of mappings the earlier ones win.
 * (Integer-like keys come first in a JavaScript object, so they count as written before any merge.)
 */
function applyMerges(mapping: Record<string, unknown>, budget: { left: number }): void {
    const entries = Object.entries(mapping);
    for (const [key] of entries) {
        delete mapping[key];
    }
    for (const [key, value] of entries) {
        if (!isMark(key)) {
            set(mapping, key, value);
            continue;
        }
        const sources = Array.isArray(value) ? [...value].reverse() : [value];
        for (const source of sources) {
            if (!isMapping(source)) {
                throw new YamlError("not valid YAML: map merge requires map or sequence of maps as the value");
            }
            for (const [sourceKey, sourceValue] of Object.entries(source)) {
                if (--budget.left < 0) {
                    throw new YamlError(
                        `not valid YAML: merge keys copy more than ${MAX_MERGE_WORK.toLocaleString("en-US")} values`,
                    );
                }
                set(mapping, sourceKey, sourceValue);
            }
        }
    }
}

/** Applies every merge, innermost first (an anchored mapping is merged before it is merged elsewhere), without recursion. */
function resolveMerges(documents: unknown[]): unknown[] {
    const budget = { left: MAX_MERGE_WORK };
    const done = new WeakSet<object>();
    const stack: [unknown, boolean][] = documents.map((d) => [d, false]);
    while (stack.length > 0) {
        const [node, childrenDone] = stack.pop()!;
        if (typeof node !== "object" || node === null || (done.has(node) && !childrenDone)) {
            continue;
        }
        if (!childrenDone) {
            done.add(node);
            stack.push([node, true]);
            Object.values(node).forEach((child) => stack.push([child, false]));
            continue;
        }
        const record = node as Record<string, unknown>;
        for (const key of Object.keys(record)) {
            if (isMark(record[key]) && !isMark(key)) {
                record[key] = "<<";
            }
        }
        if (Array.isArray(node) === false && Object.keys(node).some(isMark)) {
            applyMerges(record, budget);
        }
    }
    return documents.map((d) => (isMark(d) ? "<<" : d));
}

/** Every document of a multi-document YAML text; throws YamlError saying where and why. */
export function readYamlDocuments(text: string): unknown[] {
    const before = merges;
    let documents: unknown[];
    try {
        documents = loadAll(text, undefined, { schema: KUBERNETES_SCHEMA });
    } catch (error) {
        if (error instanceof YAMLException) {
            const line = error.mark ? ` at line ${error.mark.line + 1}` : "";
            throw new YamlError(`not valid YAML${line}: ${error.reason}`);
        }
        if (error instanceof RangeError) {
            throw new YamlError("nests too deeply to parse");
        }
        throw error;
    }
    return merges === before ? documents : resolveMerges(documents);
}
