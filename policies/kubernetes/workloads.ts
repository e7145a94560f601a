/**
 * Finding pod specs in Kubernetes objects by their shape, not by a list of kinds: a Pod's `spec`, and every
 * `…template.spec` that holds containers (Deployments, CronJobs, PodTemplates, ReplicationControllers, Argo Rollouts,
 * Knative Services, KEDA ScaledJobs, any custom resource), in objects and in server-side apply patches alike.
 */
import { isUnknown } from "../lib/unknown";
import { asArray, asRecord } from "../lib/objects";

export const CONTAINER_LISTS = ["containers", "initContainers", "ephemeralContainers"] as const;

/** Where the built-in kinds keep their pod spec: used to say "unknown" when a parent of it is unknown in preview. */
const TEMPLATE = ["spec", "template", "spec"];
const KNOWN_PATHS: Record<string, string[]> = {
    Pod: ["spec"],
    PodTemplate: ["template", "spec"],
    Deployment: TEMPLATE,
    StatefulSet: TEMPLATE,
    DaemonSet: TEMPLATE,
    ReplicaSet: TEMPLATE,
    ReplicationController: TEMPLATE,
    Job: TEMPLATE,
    CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

/**
 * Pulumi's Kubernetes component resources, by exact type token: their inputs describe objects registered separately
 * (and so checked separately). helm.v3.Release is no component, but its inputs are chart values, not an object
 * (helm-release-values checks them). A custom resource of API group helm.sh, yaml or kustomize is an object like any other.
 */
const NOT_OBJECTS = new Set([
    "kubernetes:helm.sh/v2:Chart",
    "kubernetes:helm.sh/v3:Chart",
    "kubernetes:helm.sh/v4:Chart",
    "kubernetes:helm.sh/v3:Release",
    "kubernetes:yaml:ConfigFile",
    "kubernetes:yaml:ConfigGroup",
    "kubernetes:yaml/v2:ConfigFile",
    "kubernetes:yaml/v2:ConfigGroup",
    "kubernetes:kustomize:Directory",
    "kubernetes:kustomize/v2:Directory",
]);

/**
 * `kubernetes:apps/v1:Deployment` → `Deployment`; `kubernetes:apps/v1:DeploymentPatch` → `Deployment` (a server-side
 * apply patch carries the fields it sets in the object's own shape); undefined for anything that is not an object.
 */
export function kubernetesKind(type: string): string | undefined {
    const match = /^kubernetes:([^:]+):([A-Za-z0-9]+)$/.exec(type);
    if (!match || NOT_OBJECTS.has(type)) {
        return undefined;
    }
    return match[2].endsWith("Patch") && match[2] !== "Patch" ? match[2].slice(0, -"Patch".length) : match[2];
}

export interface PodSpecSite {
    /** Dotted path of the pod spec inside the object, for messages (e.g. spec.jobTemplate.spec.template.spec). */
    path: string;
    /** undefined when the pod spec (or a parent of it) is unknown during preview. */
    spec: Record<string, unknown> | undefined;
    /** The pod's metadata.annotations (AppArmor's annotation form lives there). */
    annotations: Record<string, unknown>;
}

export interface Workload {
    kind: string;
    namespace: string;
    name: string;
    podSpecs: PodSpecSite[];
}

export interface WorkloadContainer {
    list: (typeof CONTAINER_LISTS)[number];
    name: string;
    /** Path inside the object, e.g. spec.template.spec.initContainers[0]. */
    path: string;
    container: Record<string, unknown>;
}

/**
 * What makes a `template.spec` a pod spec: containers, or a pod-level field a control reads. A patch sets only the
 * fields it changes (`spec.template.spec: {hostNetwork: true}`), for any kind, so containers cannot be required.
 */
const POD_FIELDS = [...CONTAINER_LISTS, "hostNetwork", "hostPID", "hostIPC", "securityContext", "volumes"];
const holdsPodFields = (spec: Record<string, unknown>) => POD_FIELDS.some((field) => field in spec);
const APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";
const holdsAppArmorAnnotation = (template: Record<string, unknown>) =>
    Object.keys(asRecord(asRecord(template.metadata)?.annotations) ?? {}).some((key) =>
        key.startsWith(APPARMOR_ANNOTATION),
    );

/** Every pod template's spec, found without recursion (inputs can nest deeply). */
function templatedPodSpecs(props: Record<string, unknown>): PodSpecSite[] {
    const sites: PodSpecSite[] = [];
    const stack: [unknown, string][] = [[props, ""]];
    const at = (path: string, key: string) => (path ? `${path}.${key}` : key);
    while (stack.length > 0) {
        const [node, path] = stack.pop()!;
        if (Array.isArray(node)) {
            node.forEach((child, index) => stack.push([child, `${path}[${index}]`]));
            continue;
        }
        const record = asRecord(node);
        if (!record) {
            continue;
        }
        // A Pod nested in another object (a list's items, say) keeps its pod spec at spec.
        if (record !== props && record.kind === "Pod" && asRecord(record.spec)) {
            sites.push({
                path: at(path, "spec"),
                spec: asRecord(record.spec),
                annotations: asRecord(asRecord(record.metadata)?.annotations) ?? {},
            });
            continue;
        }
        const template = asRecord(record.template);
        const spec = asRecord(template?.spec);
        const isPodTemplate =
            template !== undefined &&
            (isUnknown(template.spec) ||
                (spec !== undefined && holdsPodFields(spec)) ||
                (template.spec === undefined && holdsAppArmorAnnotation(template)));
        if (isPodTemplate) {
            const podSpec = isUnknown(template.spec) ? undefined : (spec ?? {});
            sites.push({
                path: at(path, "template.spec"),
                spec: podSpec,
                annotations: asRecord(asRecord(template.metadata)?.annotations) ?? {},
            });
        }
        for (const [key, child] of Object.entries(record)) {
            const skipped =
                (isPodTemplate && key === "template") || (node === props && (key === "metadata" || key === "status"));
            if (!skipped) {
                stack.push([child, at(path, key)]);
            }
        }
    }
    return sites.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * A built-in kind's pod spec at its usual path, even without containers (a patch may set only hostNetwork), or
 * unknown when a parent of it is unknown during preview.
 */
function knownKindSite(kind: string, props: Record<string, unknown>): PodSpecSite | undefined {
    const path = KNOWN_PATHS[kind];
    if (!path) {
        return undefined;
    }
    let node: unknown = props;
    for (const key of path) {
        if (isUnknown(node)) {
            return { path: path.join("."), spec: undefined, annotations: {} };
        }
        node = asRecord(node)?.[key];
    }
    if (!isUnknown(node) && !asRecord(node)) {
        return undefined;
    }
    // The pod's metadata sits beside its spec: the object's own for a Pod, the template's otherwise.
    const metadata = asRecord(navigate(props, path.slice(0, -1)))?.metadata;
    return { path: path.join("."), spec: asRecord(node), annotations: asRecord(asRecord(metadata)?.annotations) ?? {} };
}

function navigate(root: unknown, path: string[]): unknown {
    return path.reduce<unknown>((node, key) => asRecord(node)?.[key], root);
}

const sites = new WeakMap<object, PodSpecSite[]>();

function podSpecSites(kind: string, props: Record<string, unknown>): PodSpecSite[] {
    let found = sites.get(props);
    if (!found) {
        found = templatedPodSpecs(props);
        const known = knownKindSite(kind, props);
        if (known && !found.some((s) => s.path === known.path)) {
            found.unshift(known);
        }
        sites.set(props, found);
    }
    return found;
}

/** The workload behind a resource, or undefined when the resource holds no pod spec. */
export function workloadOf(type: string, props: Record<string, unknown>, fallbackName: string): Workload | undefined {
    const kind = kubernetesKind(type);
    if (!kind) {
        return undefined;
    }
    const podSpecs = podSpecSites(kind, props);
    if (podSpecs.length === 0) {
        return undefined;
    }
    const metadata = asRecord(props.metadata);
    const namespace = metadata?.namespace;
    const name = metadata?.name;
    return {
        kind: type.slice(type.lastIndexOf(":") + 1),
        namespace: typeof namespace === "string" && namespace !== "" ? namespace : "default",
        name: typeof name === "string" && name !== "" ? name : fallbackName,
        podSpecs,
    };
}

/** Every container of every list of one pod spec, and the paths of lists or entries unknown during preview. */
export function containersOf(site: PodSpecSite): { containers: WorkloadContainer[]; unknownPaths: string[] } {
    const containers: WorkloadContainer[] = [];
    const unknownPaths: string[] = [];
    for (const list of CONTAINER_LISTS) {
        const entries = site.spec?.[list];
        if (isUnknown(entries)) {
            unknownPaths.push(`${site.path}.${list}`);
            continue;
        }
        asArray(entries).forEach((entry, index) => {
            const path = `${site.path}.${list}[${index}]`;
            const container = asRecord(entry);
            if (!container) {
                unknownPaths.push(path);
                return;
            }
            const name = typeof container.name === "string" ? container.name : `#${index}`;
            containers.push({ list, name, path, container });
        });
    }
    return { containers, unknownPaths };
}
