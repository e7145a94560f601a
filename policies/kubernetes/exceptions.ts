/**
 * Documented waivers of Pod Security Standards controls: who they apply to, which controls they waive, and why.
 * The defaults cover exactly what the vendor's agent chart needs (test/policies/fixtures/agent-chart.yaml).
 */
import { parseImageReference } from "../images/reference";
import { wildcardMatch } from "../lib/wildcard";
import { Rule, RULES } from "./controls";
import { Workload, WorkloadContainer } from "./workloads";

export interface ExceptionSelector {
    /** Namespace glob. */
    namespace?: string;
    /** Workload (metadata.name) glob. */
    workload?: string;
    /** Container name glob. */
    container?: string;
    /** Image glob, matched against the full reference and against the repository alone (no tag or digest). */
    image?: string;
}

export interface PodSecurityException {
    selector: ExceptionSelector;
    rules: Rule[];
    reason: string;
}

/** What a container of the vendor's chart gets when the chart sets no securityContext for it. */
const UNHARDENED: Rule[] = ["runAsNonRoot", "allowPrivilegeEscalation", "capabilities", "seccomp"];
const NOT_RESTRICTED =
    "its chart sets no container securityContext (no drop ALL, no allowPrivilegeEscalation: false, no seccomp profile)";

const nops = (image: string, rules: Rule[], reason: string): PodSecurityException => ({
    selector: { namespace: "nops", image: `public.ecr.aws/${image}` },
    rules,
    reason,
});

export const DEFAULT_EXCEPTIONS: PodSecurityException[] = [
    nops(
        "nops/nvidia/dcgm-exporter",
        [
            "runAsNonRoot",
            "runAsUser",
            "capabilities",
            "allowPrivilegeEscalation",
            "seccomp",
            "hostPathVolumes",
            "volumeTypes",
        ],
        "NVIDIA's DCGM exporter runs as root with SYS_ADMIN to read GPU profiling metrics and mounts the kubelet's " +
            "pod-resources socket (hostPath /var/lib/kubelet/pod-resources); Kubernetes rejects allowPrivilegeEscalation: false alongside SYS_ADMIN.",
    ),
    nops(
        "nops/datadog/agent",
        [
            "privileged",
            "runAsNonRoot",
            "runAsUser",
            "hostNamespaces",
            "hostPathVolumes",
            "volumeTypes",
            "allowPrivilegeEscalation",
            "capabilities",
            "seccomp",
        ],
        "The Datadog agent DaemonSet runs as root (pod runAsUser 0) and privileged, shares the host PID namespace for " +
            "process and origin detection, and mounts host paths (/proc, /sys/fs/cgroup, the container runtime socket, logs).",
    ),
    nops(
        "nops/prom/node-exporter",
        [
            "hostNamespaces",
            "hostPorts",
            "hostPathVolumes",
            "volumeTypes",
            ...UNHARDENED.filter((r) => r !== "runAsNonRoot"),
        ],
        "The node exporter reads node metrics: it uses the host network (so its metrics port 9100 is a host port) and " +
            "PID namespaces and mounts /, /proc and /sys read-only; it runs as 65534, but " +
            NOT_RESTRICTED +
            ".",
    ),
    nops(
        "nops/prom/prometheus",
        UNHARDENED.filter((r) => r !== "runAsNonRoot"),
        "The Prometheus server runs as 65534 (pod runAsNonRoot: true), but " + NOT_RESTRICTED + ".",
    ),
    nops(
        "nops/prom/config-reloader",
        UNHARDENED.filter((r) => r !== "runAsNonRoot"),
        "The Prometheus config reloader sidecar inherits the server pod's non-root user, but " + NOT_RESTRICTED + ".",
    ),
    nops(
        "nops/container-insights-agent",
        UNHARDENED,
        `The container insights CronJobs: ${NOT_RESTRICTED} and no runAsNonRoot.`,
    ),
    nops(
        "nops/opencost",
        UNHARDENED,
        `OpenCost: ${NOT_RESTRICTED} and no runAsNonRoot (the chart's podSecurityContext is empty).`,
    ),
    nops("nops/karpenops", UNHARDENED, `KarpenOps: ${NOT_RESTRICTED} and no runAsNonRoot.`),
    nops(
        "nops/alpine/k8s",
        UNHARDENED,
        `The auto-updater CronJob (kubectl/helm image): ${NOT_RESTRICTED} and no runAsNonRoot.`,
    ),
    nops("docker/library/busybox", UNHARDENED, `The busybox log cleaner: ${NOT_RESTRICTED} and no runAsNonRoot.`),
];

export const EXCEPTION_SCHEMA = {
    type: "array",
    items: {
        type: "object",
        required: ["selector", "rules", "reason"],
        additionalProperties: false,
        properties: {
            selector: {
                type: "object",
                minProperties: 1,
                additionalProperties: false,
                properties: {
                    namespace: { type: "string", minLength: 1 },
                    workload: { type: "string", minLength: 1 },
                    container: { type: "string", minLength: 1 },
                    image: { type: "string", minLength: 1 },
                },
            },
            rules: { type: "array", minItems: 1, uniqueItems: true, items: { enum: [...RULES] } },
            reason: { type: "string", minLength: 10 },
        },
    },
} as const;

function imageMatches(pattern: string, image: unknown): boolean {
    if (typeof image !== "string") {
        return false;
    }
    const reference = parseImageReference(image);
    return wildcardMatch(pattern, image) || (reference !== undefined && wildcardMatch(pattern, reference.repository));
}

function selectsWorkload(selector: ExceptionSelector, workload: Workload): boolean {
    return (
        (selector.namespace === undefined || wildcardMatch(selector.namespace, workload.namespace)) &&
        (selector.workload === undefined || wildcardMatch(selector.workload, workload.name))
    );
}

export function selects(selector: ExceptionSelector, workload: Workload, container: WorkloadContainer): boolean {
    return (
        selectsWorkload(selector, workload) &&
        (selector.container === undefined || wildcardMatch(selector.container, container.name)) &&
        (selector.image === undefined || imageMatches(selector.image, container.container.image))
    );
}

/** The exception that waives this control for this container, if any. */
export function containerWaiver(
    exceptions: PodSecurityException[],
    rule: Rule,
    workload: Workload,
    container: WorkloadContainer,
) {
    return exceptions.find((e) => e.rules.includes(rule) && selects(e.selector, workload, container));
}

/**
 * The exception that waives a pod-level control: one that selects every container of the pod (so a sidecar with a
 * waived image cannot lend its waiver to the rest of the pod), or, for a pod spec without containers (a patch), one
 * that selects by namespace and workload alone.
 */
export function podWaiver(
    exceptions: PodSecurityException[],
    rule: Rule,
    workload: Workload,
    containers: WorkloadContainer[],
) {
    return exceptions.find(
        (e) =>
            e.rules.includes(rule) &&
            (containers.length > 0
                ? containers.every((c) => selects(e.selector, workload, c))
                : e.selector.container === undefined &&
                  e.selector.image === undefined &&
                  selectsWorkload(e.selector, workload)),
    );
}
