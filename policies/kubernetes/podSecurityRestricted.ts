/** Every pod spec meets the Pod Security Standards "restricted" profile, unless a documented exception waives a control. */
import { Finding, resourcePolicy, Subject, unknownValue, violation } from "../lib/policy";
import { containerWaiver, DEFAULT_EXCEPTIONS, EXCEPTION_SCHEMA, PodSecurityException, podWaiver } from "./exceptions";
import { evaluateContainer, evaluatePod, pssName, RuleResult } from "./podSecurity";
import { containersOf, workloadOf } from "./workloads";

export interface PodSecurityConfig {
    exceptions: PodSecurityException[];
}

const finding = (where: string, result: RuleResult): Finding =>
    result.unknown
        ? unknownValue(`${where}: ${result.message} (${pssName(result.rule)})`)
        : violation(`${where} ${result.message} (${pssName(result.rule)}) [${result.rule}]`);

/** The config has been validated against EXCEPTION_SCHEMA (lib/policy.ts, once per configuration). */
export function checkPodSecurity(subject: Subject, config: PodSecurityConfig): Finding[] {
    const workload = workloadOf(subject.type, subject.props, subject.name);
    if (!workload) {
        return [];
    }
    const label = `${workload.kind} ${workload.namespace}/${workload.name}`;
    const findings: Finding[] = [];
    for (const site of workload.podSpecs) {
        if (!site.spec) {
            findings.push(unknownValue(`${label}: the pod spec at ${site.path}`));
            continue;
        }
        const { containers, unknownPaths } = containersOf(site);
        findings.push(...unknownPaths.map((path) => unknownValue(`${label}: ${path}`)));
        const podWhere = `${label}, pod (${site.path})`;
        for (const result of evaluatePod(site)) {
            if (!podWaiver(config.exceptions, result.rule, workload, containers)) {
                findings.push(finding(podWhere, result));
            }
        }
        for (const container of containers) {
            const where = `${label}, container ${container.name} (${container.path})`;
            for (const result of evaluateContainer(site, container)) {
                if (!containerWaiver(config.exceptions, result.rule, workload, container)) {
                    findings.push(finding(where, result));
                }
            }
        }
    }
    return findings;
}

export const k8sPodSecurityRestricted = resourcePolicy<PodSecurityConfig>({
    name: "k8s-pod-security-restricted",
    description:
        "Every pod spec (Pods, workloads, PodTemplates, custom resources embedding a pod template, server-side apply " +
        "patches) meets the Pod Security Standards restricted profile, baseline included, in containers, initContainers " +
        "and ephemeralContainers; documented exceptions waive named controls.",
    severity: "high",
    remediationSteps:
        "Set on the pod securityContext runAsNonRoot: true and seccompProfile.type: RuntimeDefault; on each container " +
        "allowPrivilegeEscalation: false and capabilities.drop: [ALL]; no privileged, host namespaces, hostPath or " +
        "other non-ephemeral volume types, hostPort, unsafe sysctls, custom SELinux user/role/type, Unconfined " +
        "seccomp/AppArmor or unmasked procMount. If a workload truly needs one, add an exception to this policy's config " +
        "with a selector, the controls it waives and the reason.",
    configSchema: {
        properties: { exceptions: { ...EXCEPTION_SCHEMA, default: DEFAULT_EXCEPTIONS } as never },
    },
    defaults: { exceptions: DEFAULT_EXCEPTIONS },
    check: checkPodSecurity,
});
