/**
 * Pod Security Admission's check IDs (k8s.io/pod-security-admission/policy) mapped to the pack's controls, in one
 * place. The pack enforces the restricted profile, so each control is read from the restricted-level evaluation,
 * where a restricted check replaces the baseline one it overrides (capabilities, seccomp, procMount from 1.35). The
 * one exception is hostPathVolumes: at the restricted level PSA folds it into restrictedVolumes, so the pack's own
 * hostPathVolumes control is compared with PSA's baseline-level hostPathVolumes check.
 */
import { Rule, RULES } from "../../policies/kubernetes/controls";
import { PsaLevel } from "./oracle";

interface Reference {
    level: PsaLevel;
    /** The control fails when any of these checks, where the evaluator ran it for that level and version, fails. */
    checks: string[];
}

export const PSA_CHECKS: Record<Rule, Reference> = {
    hostProcess: { level: "restricted", checks: ["windowsHostProcess"] },
    hostNamespaces: { level: "restricted", checks: ["hostNamespaces"] },
    privileged: { level: "restricted", checks: ["privileged"] },
    capabilities: { level: "restricted", checks: ["capabilities_restricted"] },
    hostPathVolumes: { level: "baseline", checks: ["hostPathVolumes"] },
    hostPorts: { level: "restricted", checks: ["hostPorts"] },
    hostProbes: { level: "restricted", checks: ["hostProbesAndHostLifecycle"] },
    appArmor: { level: "restricted", checks: ["appArmorProfile"] },
    seLinux: { level: "restricted", checks: ["seLinuxOptions"] },
    procMount: { level: "restricted", checks: ["procMount", "procMount_restricted"] },
    seccomp: { level: "restricted", checks: ["seccompProfile_restricted"] },
    sysctls: { level: "restricted", checks: ["sysctls"] },
    volumeTypes: { level: "restricted", checks: ["restrictedVolumes"] },
    allowPrivilegeEscalation: { level: "restricted", checks: ["allowPrivilegeEscalation"] },
    runAsNonRoot: { level: "restricted", checks: ["runAsNonRoot"] },
    runAsUser: { level: "restricted", checks: ["runAsUser"] },
};

/**
 * Baseline checks the restricted level never runs in the versions the pack knows: a restricted check overrides them
 * (k8s.io/pod-security-admission OverrideCheckIDs), and the pack's control follows the restricted one.
 */
export const OVERRIDDEN_AT_RESTRICTED: Record<string, string> = {
    capabilities_baseline: "capabilities_restricted",
    seccompProfile_baseline: "seccompProfile_restricted",
};

/** Every check ID the mapping names at a level. */
export const mappedChecks = (level: PsaLevel) =>
    new Set(RULES.filter((rule) => PSA_CHECKS[rule].level === level).flatMap((rule) => PSA_CHECKS[rule].checks));

/** The pack's controls PSA fails, from the restricted- and baseline-level answers for one pod and version. */
export function failingControls(answers: Record<PsaLevel, { id: string; allowed: boolean }[]>): Rule[] {
    return RULES.filter((rule) => {
        const { level, checks } = PSA_CHECKS[rule];
        return answers[level].some((check) => checks.includes(check.id) && !check.allowed);
    });
}
