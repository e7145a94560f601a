/**
 * Documented waivers of Pod Security Standards controls: who they apply to, which controls they waive, and why.
 * The defaults cover exactly what the agent chart still needs once the program has hardened it
 * (components/cluster/hardening.ts): the host agents the vendor documents as root or privileged.
 */
import { parseImageReference } from "../images/reference";
import { wildcardMatch } from "../lib/wildcard";
import { Rule, RULES } from "./controls";
import { RuleResult } from "./podSecurity";
import { Workload, WorkloadContainer } from "./workloads";

export interface ExceptionSelector {
    /** Workload kind glob (`DaemonSet`, `CronJob`). */
    kind?: string;
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
    /**
     * The selected containers are expected to run as root. Only then does waiving runAsNonRoot or runAsUser cover an
     * explicit `runAsNonRoot: false` or `runAsUser: 0`; otherwise it covers an unset user only.
     */
    runsAsRoot?: boolean;
}

/** A host agent of the chart: a DaemonSet in `nops` running the image. */
const daemonSet = (
    image: string,
    rules: Rule[],
    reason: string,
    options: { runsAsRoot?: boolean } = {},
): PodSecurityException => ({
    selector: { kind: "DaemonSet", namespace: "nops", image: `public.ecr.aws/${image}` },
    rules,
    reason,
    ...options,
});

export const DEFAULT_EXCEPTIONS: PodSecurityException[] = [
    daemonSet(
        "nops/nvidia/dcgm-exporter",
        ["runAsNonRoot", "runAsUser", "capabilities", "allowPrivilegeEscalation", "hostPathVolumes", "volumeTypes"],
        "NVIDIA's DCGM exporter runs as root with SYS_ADMIN (added back after drop ALL) to read GPU profiling metrics and " +
            "mounts the kubelet's pod-resources socket (hostPath /var/lib/kubelet/pod-resources); with SYS_ADMIN a process " +
            "can escalate anyway, so allowPrivilegeEscalation is left unset. It runs on GPU nodes only.",
        { runsAsRoot: true },
    ),
    daemonSet(
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
        "The Datadog agent DaemonSet is privileged, runs as root (the rendered pod sets runAsUser 0), shares the host PID " +
            "namespace for process and origin detection, and mounts host paths (/proc, /sys/fs/cgroup, the container " +
            "runtime socket, logs); the capabilities and syscalls of its containers are not documented, so the program " +
            "leaves the pod as the chart renders it.",
        { runsAsRoot: true },
    ),
    daemonSet(
        "nops/prom/node-exporter",
        ["hostNamespaces", "hostPorts", "hostPathVolumes", "volumeTypes"],
        "The node exporter reads the node's metrics: it uses the host network (so its metrics port 9100 is a host port) " +
            "and PID namespaces and mounts /, /proc and /sys read-only. It runs as 65534 and is otherwise restricted.",
    ),
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
                    kind: { type: "string", minLength: 1 },
                    namespace: { type: "string", minLength: 1 },
                    workload: { type: "string", minLength: 1 },
                    container: { type: "string", minLength: 1 },
                    image: { type: "string", minLength: 1 },
                },
            },
            rules: { type: "array", minItems: 1, uniqueItems: true, items: { enum: [...RULES] } },
            reason: { type: "string", minLength: 10 },
            runsAsRoot: { type: "boolean" },
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
        (selector.kind === undefined || wildcardMatch(selector.kind, workload.kind)) &&
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

/** Whether the exception may waive this result: explicit root only when the exception expects root. */
const covers = (exception: PodSecurityException, result: RuleResult) =>
    exception.rules.includes(result.rule) && (!result.explicitRoot || exception.runsAsRoot === true);

/** The exception that waives this finding for this container, if any. */
export function containerWaiver(
    exceptions: PodSecurityException[],
    result: RuleResult,
    workload: Workload,
    container: WorkloadContainer,
) {
    return exceptions.find((e) => covers(e, result) && selects(e.selector, workload, container));
}

/**
 * The exception that waives a pod-level control: one that selects every container of the pod (so a sidecar with a
 * waived image cannot lend its waiver to the rest of the pod), or, for a pod spec without containers (a patch), one
 * that selects by namespace and workload alone.
 */
export function podWaiver(
    exceptions: PodSecurityException[],
    result: RuleResult,
    workload: Workload,
    containers: WorkloadContainer[],
) {
    return exceptions.find(
        (e) =>
            covers(e, result) &&
            (containers.length > 0
                ? containers.every((c) => selects(e.selector, workload, c))
                : e.selector.container === undefined &&
                  e.selector.image === undefined &&
                  selectsWorkload(e.selector, workload)),
    );
}
