/** Finding pod specs and their containers in Kubernetes objects, whatever the workload kind. */
import { asArray, asRecord, isUnknown } from "../lib/unknown";

const TEMPLATE = ["spec", "template", "spec"];
const POD_SPEC_PATHS: Record<string, string[]> = {
    Pod: ["spec"],
    Deployment: TEMPLATE,
    StatefulSet: TEMPLATE,
    DaemonSet: TEMPLATE,
    ReplicaSet: TEMPLATE,
    ReplicationController: TEMPLATE,
    Job: TEMPLATE,
    CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

export const CONTAINER_LISTS = ["containers", "initContainers", "ephemeralContainers"] as const;

/** `kubernetes:apps/v1:Deployment` → `Deployment`; undefined for anything that is not a Kubernetes object. */
export function kubernetesKind(type: string): string | undefined {
    const match = /^kubernetes:[^:]+:([A-Za-z0-9]+)$/.exec(type);
    return match ? match[1] : undefined;
}

export interface Workload {
    kind: string;
    namespace: string;
    name: string;
    /** undefined when the pod spec (or a parent of it) is unknown during preview. */
    podSpec: Record<string, unknown> | undefined;
    /** Dotted path of the pod spec inside the object, for messages. */
    podSpecPath: string;
}

export interface WorkloadContainer {
    list: (typeof CONTAINER_LISTS)[number];
    name: string;
    /** Path inside the object, e.g. spec.template.spec.initContainers[0]. */
    path: string;
    container: Record<string, unknown>;
}

/** The workload behind a resource, or undefined when the resource runs no pods. */
export function workloadOf(type: string, props: Record<string, unknown>, fallbackName: string): Workload | undefined {
    const kind = kubernetesKind(type);
    const path = kind ? POD_SPEC_PATHS[kind] : undefined;
    if (!kind || !path) {
        return undefined;
    }
    const metadata = asRecord(props.metadata);
    const namespace = metadata?.namespace;
    const name = metadata?.name;
    let node: unknown = props;
    for (const key of path) {
        node = isUnknown(node) ? node : asRecord(node)?.[key];
    }
    return {
        kind,
        namespace: typeof namespace === "string" && namespace !== "" ? namespace : "default",
        name: typeof name === "string" && name !== "" ? name : fallbackName,
        podSpec: isUnknown(node) ? undefined : (asRecord(node) ?? {}),
        podSpecPath: path.join("."),
    };
}

/** Every container of every list, or the unknown lists' paths. */
export function containersOf(workload: Workload): { containers: WorkloadContainer[]; unknownPaths: string[] } {
    const containers: WorkloadContainer[] = [];
    const unknownPaths: string[] = [];
    for (const list of CONTAINER_LISTS) {
        const entries = workload.podSpec?.[list];
        if (isUnknown(entries)) {
            unknownPaths.push(`${workload.podSpecPath}.${list}`);
            continue;
        }
        asArray(entries).forEach((entry, index) => {
            const path = `${workload.podSpecPath}.${list}[${index}]`;
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
