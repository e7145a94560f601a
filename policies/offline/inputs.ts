/**
 * Reads Kubernetes manifests (multi-document YAML, directories of them) and `pulumi stack export` files, with the
 * semantics the cluster applies: YAML 1.1 as sigs.k8s.io/yaml reads it (see kubernetesYaml.ts), any object with an
 * `items` list is a list, and nothing at all is an error.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { readYamlDocuments, YamlError } from "./kubernetesYaml";
import { InputError, InputGroup, OfflineResource, readProblem } from "./types";
import { isRecord } from "../lib/objects";

const MANIFEST_EXTENSIONS = new Set([".yaml", ".yml", ".json"]);
const CLUSTER_SCOPED = new Set([
    "Namespace",
    "Node",
    "PersistentVolume",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "StorageClass",
    "PriorityClass",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "APIService",
    "CSIDriver",
    "IngressClass",
    "RuntimeClass",
]);
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** Deeper than any real object; recursion in policies stays far from the stack limit. */
export const MAX_DEPTH = 256;
/** Values per document once aliases are expanded: a billion-laughs document stops here instead of hanging the check. */
export const MAX_NODES = 1_000_000;
/** The depth of a resource's props inside a stack export. */
const PROPS_DEPTH = 5;

type Json = Record<string, unknown>;
const isObject = isRecord;

/**
 * Throws when a value nests deeper than MAX_DEPTH or, once its aliases are expanded, holds more than MAX_NODES values
 * (a "billion laughs" alias bomb), checked without recursion.
 */
function assertBounded(value: unknown, source: string, where: string, startDepth = 1): void {
    const stack: [unknown, number][] = [[value, startDepth]];
    let nodes = 0;
    while (stack.length > 0) {
        const [node, depth] = stack.pop()!;
        if (++nodes > MAX_NODES) {
            throw new InputError(
                source,
                `${where} expands to more than ${MAX_NODES.toLocaleString("en-US")} values (aliases repeated too often)`,
            );
        }
        if (typeof node !== "object" || node === null) {
            continue;
        }
        if (depth > MAX_DEPTH) {
            throw new InputError(source, `${where} nests deeper than ${MAX_DEPTH} levels`);
        }
        for (const child of Object.values(node)) {
            stack.push([child, depth + 1]);
        }
    }
}

/** `apps/v1` + `Deployment` → `kubernetes:apps/v1:Deployment`; `v1` → `kubernetes:core/v1:…`, as Pulumi types them. */
function pulumiType(apiVersion: string, kind: string): string {
    return `kubernetes:${apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`}:${kind}`;
}

function kubernetesResource(object: Json, source: string, where: string): OfflineResource {
    const { apiVersion, kind } = object;
    const metadata = isObject(object.metadata) ? object.metadata : {};
    const name = typeof metadata.name === "string" && metadata.name !== "" ? metadata.name : metadata.generateName;
    if (typeof apiVersion !== "string" || typeof kind !== "string" || typeof name !== "string" || name === "") {
        throw new InputError(
            source,
            `${where} is not a Kubernetes object (it needs apiVersion, kind and metadata.name)`,
        );
    }
    const namespace = CLUSTER_SCOPED.has(kind)
        ? ""
        : typeof metadata.namespace === "string" && metadata.namespace
          ? metadata.namespace
          : "default";
    const type = pulumiType(apiVersion, kind);
    const qualified = namespace ? `${namespace}/${name}` : name;
    return {
        id: `${kind}/${namespace}/${name}`,
        type,
        urn: `urn:pulumi:offline::manifests::${type}::${qualified}`,
        name,
        props: object,
        propertyDependencies: {},
    };
}

/** Any object with an `items` list stands for its items, whatever its kind (List, DeploymentList, …), as kubectl reads it. */
function expandLists(object: Json, source: string, where: string): [Json, string][] {
    if (!Array.isArray(object.items)) {
        return [[object, where]];
    }
    return object.items.flatMap((item: unknown, index: number) => {
        const path = `${where} items[${index}]`;
        if (!isObject(item)) {
            throw new InputError(source, `${path} is not a Kubernetes object`);
        }
        return expandLists(item, source, path);
    });
}

/** A .json file's problem in JSON's words (it is read as YAML, JSON's superset, whose message would puzzle). */
function jsonProblem(text: string): string {
    try {
        JSON.parse(text);
        return "not valid JSON";
    } catch (error) {
        return `not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
    }
}

function manifestResources(text: string, source: string): OfflineResource[] {
    let documents: unknown[];
    try {
        documents = readYamlDocuments(text);
    } catch (error) {
        if (error instanceof YamlError) {
            throw new InputError(source, extname(source).toLowerCase() === ".json" ? jsonProblem(text) : error.message);
        }
        throw error;
    }
    return documents.flatMap((value, index) => {
        const where = `document ${index + 1}`;
        if (value === null || value === undefined) {
            return [];
        }
        if (!isObject(value)) {
            throw new InputError(source, `${where} is not a Kubernetes object`);
        }
        assertBounded(value, source, where);
        return expandLists(value, source, where).map(([object, path]) => kubernetesResource(object, source, path));
    });
}

/**
 * Secret values in an export, opened (exports made with --show-secrets carry their plaintext, itself JSON that may
 * hold further secrets), without recursion: a plaintext can nest as deeply as it likes and is bounded afterwards.
 */
function openSecrets(value: unknown, source: string, where: string): unknown {
    const root: { value: unknown } = { value };
    const stack: [Record<string, unknown> | unknown[], string | number, string][] = [
        [root as Record<string, unknown>, "value", where],
    ];
    while (stack.length > 0) {
        const [parent, key, path] = stack.pop()!;
        let node = (parent as Record<string | number, unknown>)[key];
        while (isObject(node) && node[SECRET_SIG_KEY] === SECRET_SIG) {
            if (typeof node.plaintext !== "string") {
                throw new InputError(
                    source,
                    `${path} is an encrypted secret the check cannot read: export with --show-secrets`,
                );
            }
            try {
                node = JSON.parse(node.plaintext);
            } catch (error) {
                throw new InputError(
                    source,
                    error instanceof RangeError
                        ? `${path} is a secret whose plaintext nests too deeply to parse`
                        : `${path} is a secret whose plaintext is not JSON`,
                );
            }
        }
        if (Array.isArray(node)) {
            const copy = [...node];
            copy.forEach((_, index) => stack.push([copy, index, `${path}[${index}]`]));
            node = copy;
        } else if (isObject(node)) {
            const copy: Json = { ...node };
            Object.keys(copy).forEach((childKey) => stack.push([copy, childKey, `${path}.${childKey}`]));
            node = copy;
        }
        (parent as Record<string | number, unknown>)[key] = node;
    }
    return root.value;
}

/** The shape `pulumi stack export` writes: {"version": N, "deployment": {"manifest": …, "resources": […]}}. */
function isStackExport(parsed: unknown): parsed is { version: number; deployment: Json } {
    return (
        isObject(parsed) &&
        typeof parsed.version === "number" &&
        isObject(parsed.deployment) &&
        !("apiVersion" in parsed) &&
        !("kind" in parsed)
    );
}

function stackExportResources(exported: { deployment: Json }, source: string): OfflineResource[] {
    const listed = exported.deployment.resources ?? [];
    if (!Array.isArray(listed)) {
        throw new InputError(source, "not a stack export: deployment.resources is not a list");
    }
    return listed.flatMap((entry: unknown, index: number): OfflineResource[] => {
        if (!isObject(entry) || typeof entry.urn !== "string" || typeof entry.type !== "string") {
            throw new InputError(source, `deployment.resources[${index}] has no urn or type`);
        }
        if (entry.delete === true) {
            return [];
        }
        const inputs = isObject(entry.inputs) ? entry.inputs : {};
        const outputs = isObject(entry.outputs) ? entry.outputs : {};
        const props = openSecrets(
            { ...inputs, ...outputs, ...(typeof entry.id === "string" ? { id: entry.id } : {}) },
            source,
            `resource ${entry.urn}`,
        ) as Json;
        // Props sit where an entry's inputs do (export, deployment, resources, entry, inputs): the export's bound holds inside secrets too.
        assertBounded(props, source, `resource ${entry.urn} (secrets opened)`, PROPS_DEPTH);
        const dependencies = isObject(entry.propertyDependencies) ? entry.propertyDependencies : {};
        return [
            {
                id: entry.urn,
                type: entry.type,
                urn: entry.urn,
                name: entry.urn.split("::").pop() ?? entry.urn,
                props,
                propertyDependencies: Object.fromEntries(
                    Object.entries(dependencies).map(([key, urns]) => [
                        key,
                        Array.isArray(urns) ? urns.map(String) : [],
                    ]),
                ),
            },
        ];
    });
}

/** The parsed JSON when the text is JSON with a stack export's shape; undefined for anything else (YAML, manifests). */
function asStackExport(text: string, source: string): { deployment: Json } | undefined {
    if (!text.trimStart().startsWith("{")) {
        return undefined;
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch {
        return undefined; // a YAML flow mapping, or broken JSON: the YAML reader says which
    }
    if (!isStackExport(parsed)) {
        return undefined;
    }
    assertBounded(parsed, source, "the stack export");
    return parsed;
}

/** One input's resources: a stack export when the JSON has an export's shape, Kubernetes objects otherwise. */
export function parseInput(raw: string, source: string): InputGroup {
    const text = raw.replace(/^\uFEFF/, "");
    const exported = asStackExport(text, source);
    const resources = exported ? stackExportResources(exported, source) : manifestResources(text, source);
    if (resources.length === 0) {
        throw new InputError(source, `no resources in ${source}`, { bare: true });
    }
    return { source, resources };
}

function filesUnder(directory: string): string[] {
    return readdirSync(directory, { withFileTypes: true })
        .sort((a, b) => a.name.localeCompare(b.name))
        .flatMap((entry) => {
            const path = join(directory, entry.name);
            if (entry.isDirectory()) {
                return filesUnder(path);
            }
            return MANIFEST_EXTENSIONS.has(extname(entry.name).toLowerCase()) ? [path] : [];
        });
}

function read(path: string, readStdin: () => string): string {
    try {
        return path === "-" ? readStdin() : readFileSync(path, "utf8");
    } catch (error) {
        throw new InputError(path === "-" ? "stdin" : path, readProblem(error));
    }
}

/** Every input, read and parsed before any policy runs: one bad file stops the check with nothing reported. */
export function readInputs(paths: string[], readStdin: () => string = () => readFileSync(0, "utf8")): InputGroup[] {
    return paths.flatMap((path) => {
        let files = [path];
        if (path !== "-") {
            let isDirectory: boolean;
            try {
                isDirectory = statSync(path).isDirectory();
            } catch (error) {
                throw new InputError(path, readProblem(error));
            }
            if (isDirectory) {
                files = filesUnder(path);
                if (files.length === 0) {
                    throw new InputError(path, "directory holds no .yaml, .yml or .json file");
                }
            }
        }
        return files.map((file) => parseInput(read(file, readStdin), file === "-" ? "stdin" : file));
    });
}
