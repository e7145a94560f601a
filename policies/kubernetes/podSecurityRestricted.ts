/** Every pod spec meets the Pod Security Standards "restricted" profile, unless a documented exception waives a control. */
import { Finding, resourcePolicy, Subject, unknownValue, violation } from "../lib/policy";
import { containerWaiver, DEFAULT_EXCEPTIONS, EXCEPTION_SCHEMA, PodSecurityException, podWaiver } from "./exceptions";
import { pssName } from "./controls";
import { evaluateContainer, evaluatePod, RuleResult } from "./podSecurity";
import { LATEST, profileFor, PSS_VERSIONS, PssVersion } from "./pssVersions";
import { containersOf, workloadOf } from "./workloads";

export interface PodSecurityConfig {
    exceptions: PodSecurityException[];
    /** The Pod Security Standards version, as Pod Security Admission's enforce-version: `latest` or `v1.N`. */
    version: PssVersion;
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
    const profile = profileFor(config.version);
    const findings: Finding[] = [];
    for (const site of workload.podSpecs) {
        if (!site.spec) {
            findings.push(unknownValue(`${label}: the pod spec at ${site.path}`));
            continue;
        }
        const { containers, unknownPaths } = containersOf(site);
        findings.push(...unknownPaths.map((path) => unknownValue(`${label}: ${path}`)));
        const podWhere = `${label}, pod (${site.path})`;
        for (const result of evaluatePod(site, profile)) {
            if (!podWaiver(config.exceptions, result, workload, containers)) {
                findings.push(finding(podWhere, result));
            }
        }
        for (const container of containers) {
            const where = `${label}, container ${container.name} (${container.path})`;
            for (const result of evaluateContainer(site, container, profile)) {
                if (!containerWaiver(config.exceptions, result, workload, container)) {
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
        "and ephemeralContainers, as the configured version defines it (version: latest or v1.25 to v1.37, like Pod " +
        "Security Admission's enforce-version); documented exceptions waive named controls.",
    severity: "high",
    remediationSteps:
        "Set on the pod securityContext runAsNonRoot: true and seccompProfile.type: RuntimeDefault; on each container " +
        "allowPrivilegeEscalation: false and capabilities.drop: [ALL]; no privileged, host namespaces, hostPath or " +
        "other non-ephemeral volume types, hostPort (hostNetwork makes every containerPort one), a host in probes or " +
        "lifecycle hooks, unsafe sysctls, custom SELinux user/role/type, Unconfined seccomp/AppArmor or unmasked " +
        "procMount. Windows pods (spec.os.name: windows) need no capabilities, seccomp or allowPrivilegeEscalation. If a workload truly needs one, add an exception to this policy's config " +
        "with a selector, the controls it waives and the reason.",
    configSchema: {
        properties: {
            exceptions: { ...EXCEPTION_SCHEMA, default: DEFAULT_EXCEPTIONS } as never,
            version: { enum: PSS_VERSIONS, default: LATEST },
        },
    },
    defaults: { exceptions: DEFAULT_EXCEPTIONS, version: LATEST },
    check: checkPodSecurity,
});
