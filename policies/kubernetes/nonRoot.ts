/** Containers run as non-root, unprivileged, without privilege escalation, unless a documented exception waives it. */
import { Finding, resourcePolicy, Subject, unknownValue, violation } from "../lib/policy";
import { DEFAULT_EXCEPTIONS, EXCEPTION_SCHEMA, NonRootException, assertValidExceptions, waiverFor } from "./exceptions";
import { evaluateContainer } from "./securityContext";
import { containersOf, workloadOf } from "./workloads";

export interface NonRootConfig {
    exceptions: NonRootException[];
}

export function checkNonRoot(subject: Subject, config: NonRootConfig): Finding[] {
    assertValidExceptions(config.exceptions);
    const workload = workloadOf(subject.type, subject.props, subject.name);
    if (!workload) {
        return [];
    }
    const label = `${workload.kind} ${workload.namespace}/${workload.name}`;
    if (!workload.podSpec) {
        return [unknownValue(`${label}: the pod spec at ${workload.podSpecPath}`)];
    }
    const { containers, unknownPaths } = containersOf(workload);
    const findings = unknownPaths.map((path) => unknownValue(`${label}: ${path}`));
    for (const container of containers) {
        const where = `${label}, container ${container.name} (${container.path})`;
        for (const result of evaluateContainer(workload.podSpec.securityContext, container.container.securityContext)) {
            if (waiverFor(config.exceptions, result.rule, workload, container)) {
                continue;
            }
            findings.push(result.unknown ? unknownValue(`${where}: ${result.message}`) : violation(`${where} ${result.message} [${result.rule}]`));
        }
    }
    return findings;
}

export const k8sContainersNonRoot = resourcePolicy<NonRootConfig>({
    name: "k8s-containers-non-root",
    description:
        "Kubernetes containers (containers, initContainers, ephemeralContainers) run as non-root, are not privileged, " +
        "set allowPrivilegeEscalation: false and add no capability beyond NET_BIND_SERVICE (Pod Security Standards, restricted).",
    severity: "high",
    remediationSteps:
        "Set securityContext.runAsNonRoot: true on the pod (or every container), never runAsUser: 0, and on each container " +
        "allowPrivilegeEscalation: false and privileged unset. If a workload truly needs root or privileges, add an " +
        "exception to this policy's config with a selector, the rules it waives and the reason.",
    configSchema: {
        properties: { exceptions: { ...EXCEPTION_SCHEMA, default: DEFAULT_EXCEPTIONS } as never },
    },
    defaults: { exceptions: DEFAULT_EXCEPTIONS },
    check: checkNonRoot,
});
