/** Documented waivers of non-root rules: who they apply to, which rules they waive, and why. */
import { parseImageReference } from "../images/reference";
import { wildcardMatch } from "../lib/wildcard";
import { Rule, RULES } from "./securityContext";
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

export interface NonRootException {
    selector: ExceptionSelector;
    rules: Rule[];
    reason: string;
}

export const DEFAULT_EXCEPTIONS: NonRootException[] = [
    {
        selector: { namespace: "nops", image: "public.ecr.aws/nops/nvidia/dcgm-exporter" },
        rules: ["runAsNonRoot", "runAsUser", "capabilities", "allowPrivilegeEscalation"],
        reason:
            "NVIDIA's DCGM exporter runs as root with SYS_ADMIN to read GPU profiling metrics and the kubelet's " +
            "pod-resources socket; Kubernetes rejects allowPrivilegeEscalation: false alongside SYS_ADMIN.",
    },
    {
        selector: { namespace: "nops", image: "public.ecr.aws/nops/datadog/agent" },
        rules: ["privileged", "allowPrivilegeEscalation"],
        reason:
            "The Datadog agent runs as a non-root user but privileged, to read host-level metrics; Kubernetes rejects " +
            "allowPrivilegeEscalation: false on a privileged container.",
    },
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

export function selects(selector: ExceptionSelector, workload: Workload, container: WorkloadContainer): boolean {
    return (
        (selector.namespace === undefined || wildcardMatch(selector.namespace, workload.namespace)) &&
        (selector.workload === undefined || wildcardMatch(selector.workload, workload.name)) &&
        (selector.container === undefined || wildcardMatch(selector.container, container.name)) &&
        (selector.image === undefined || imageMatches(selector.image, container.container.image))
    );
}

/** The exception that waives this rule for this container, if any. */
export function waiverFor(
    exceptions: NonRootException[],
    rule: Rule,
    workload: Workload,
    container: WorkloadContainer,
): NonRootException | undefined {
    return exceptions.find((e) => e.rules.includes(rule) && selects(e.selector, workload, container));
}

/** Rejects exceptions without a reason or selector (the pack's config schema does too; this guards direct use). */
export function assertValidExceptions(exceptions: unknown): asserts exceptions is NonRootException[] {
    if (!Array.isArray(exceptions)) {
        throw new Error("k8s-containers-non-root: exceptions must be a list");
    }
    exceptions.forEach((e, index) => {
        const reason = (e as NonRootException | undefined)?.reason;
        if (typeof reason !== "string" || reason.trim().length < 10) {
            throw new Error(`k8s-containers-non-root: exceptions[${index}] needs a reason (at least 10 characters) saying why the rule is waived`);
        }
        if (Object.keys((e as NonRootException).selector ?? {}).length === 0) {
            throw new Error(`k8s-containers-non-root: exceptions[${index}] needs a selector (namespace, workload, container or image)`);
        }
        const unknownRules = asArrayOfStrings((e as NonRootException).rules).filter((r) => !(RULES as readonly string[]).includes(r));
        if (asArrayOfStrings((e as NonRootException).rules).length === 0 || unknownRules.length > 0) {
            throw new Error(`k8s-containers-non-root: exceptions[${index}].rules must name rules from ${RULES.join(", ")}`);
        }
    });
}

function asArrayOfStrings(value: unknown): string[] {
    return Array.isArray(value) ? value.map(String) : [];
}
