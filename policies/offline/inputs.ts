/** Reads Kubernetes manifests (multi-document YAML, directories of them) and `pulumi stack export` files. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { parseAllDocuments } from "yaml";
import { InputError, InputGroup, OfflineResource } from "./types";

const MANIFEST_EXTENSIONS = new Set([".yaml", ".yml", ".json"]);
const CLUSTER_SCOPED = new Set([
    "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "StorageClass",
    "PriorityClass", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "APIService", "CSIDriver", "IngressClass", "RuntimeClass",
]);
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** `apps/v1` + `Deployment` → `kubernetes:apps/v1:Deployment`; `v1` → `kubernetes:core/v1:…`, as Pulumi types them. */
function pulumiType(apiVersion: string, kind: string): string {
    return `kubernetes:${apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`}:${kind}`;
}

function kubernetesResource(object: Json, source: string, index: number): OfflineResource {
    const { apiVersion, kind } = object;
    const metadata = isObject(object.metadata) ? object.metadata : {};
    if (typeof apiVersion !== "string" || typeof kind !== "string" || typeof metadata.name !== "string") {
        throw new InputError(source, `document ${index + 1} is not a Kubernetes object (it needs apiVersion, kind and metadata.name)`);
    }
    const namespace = CLUSTER_SCOPED.has(kind) ? "" : typeof metadata.namespace === "string" ? metadata.namespace : "default";
    const type = pulumiType(apiVersion, kind);
    const qualified = namespace ? `${namespace}/${metadata.name}` : metadata.name;
    return {
        id: `${kind}/${namespace}/${metadata.name}`,
        type,
        urn: `urn:pulumi:offline::manifests::${type}::${qualified}`,
        name: metadata.name,
        props: object,
        propertyDependencies: {},
    };
}

/** Kubernetes `List` objects stand for their items. */
function expandLists(object: Json): Json[] {
    return object.kind === "List" && Array.isArray(object.items) ? object.items.filter(isObject).flatMap(expandLists) : [object];
}

function manifestResources(text: string, source: string): OfflineResource[] {
    const documents = parseAllDocuments(text);
    if (!Array.isArray(documents)) {
        return [];
    }
    const resources: OfflineResource[] = [];
    documents.forEach((document, index) => {
        const error = document.errors[0];
        if (error) {
            throw new InputError(source, `document ${index + 1} is not valid YAML: ${error.message.split("\n")[0]}`);
        }
        const value: unknown = document.toJS();
        if (value === null || value === undefined) {
            return;
        }
        if (!isObject(value)) {
            throw new InputError(source, `document ${index + 1} is not a Kubernetes object`);
        }
        resources.push(...expandLists(value).map((object) => kubernetesResource(object, source, index)));
    });
    return resources;
}

/** Secret values in an export: plaintext ones (--show-secrets) opened, encrypted ones kept as an opaque literal. */
function openSecrets(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(openSecrets);
    }
    if (!isObject(value)) {
        return value;
    }
    if (SECRET_SIG_KEY in value) {
        return typeof value.plaintext === "string" ? openSecrets(JSON.parse(value.plaintext)) : "[secret]";
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, openSecrets(v)]));
}

function stackExportResources(exported: Json, source: string): OfflineResource[] {
    const deployment = isObject(exported.deployment) ? exported.deployment : exported;
    if (!Array.isArray(deployment.resources)) {
        throw new InputError(source, "not a stack export: no deployment.resources list");
    }
    return deployment.resources.flatMap((entry: unknown, index: number): OfflineResource[] => {
        if (!isObject(entry) || typeof entry.urn !== "string" || typeof entry.type !== "string") {
            throw new InputError(source, `resources[${index}] has no urn or type`);
        }
        if (entry.delete === true) {
            return [];
        }
        const inputs = isObject(entry.inputs) ? entry.inputs : {};
        const outputs = isObject(entry.outputs) ? entry.outputs : {};
        const props = openSecrets({ ...inputs, ...outputs, ...(typeof entry.id === "string" ? { id: entry.id } : {}) }) as Json;
        const dependencies = isObject(entry.propertyDependencies) ? entry.propertyDependencies : {};
        return [{
            id: entry.urn,
            type: entry.type,
            urn: entry.urn,
            name: entry.urn.split("::").pop() ?? entry.urn,
            props,
            propertyDependencies: Object.fromEntries(
                Object.entries(dependencies).map(([key, urns]) => [key, Array.isArray(urns) ? urns.map(String) : []]),
            ),
        }];
    });
}

/** One input's resources: a stack export when the JSON has deployment.resources, Kubernetes objects otherwise. */
export function parseInput(text: string, source: string): InputGroup {
    const trimmed = text.trimStart();
    if (trimmed.startsWith("{")) {
        let parsed: unknown;
        try {
            parsed = JSON.parse(text);
        } catch (error) {
            throw new InputError(source, `not valid JSON: ${(error as Error).message}`);
        }
        if (isObject(parsed) && (isObject(parsed.deployment) || Array.isArray(parsed.resources))) {
            return { source, resources: stackExportResources(parsed, source) };
        }
    }
    return { source, resources: manifestResources(text, source) };
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
        throw new InputError(path === "-" ? "stdin" : path, `cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
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
                throw new InputError(path, `cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
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
