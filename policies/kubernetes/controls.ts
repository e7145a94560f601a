/** The Pod Security Standards controls the policy enforces, keyed by the name exceptions and findings use. */
export const CONTROLS = {
    hostProcess: { pss: "HostProcess", profile: "baseline" },
    hostNamespaces: { pss: "Host Namespaces", profile: "baseline" },
    privileged: { pss: "Privileged Containers", profile: "baseline" },
    capabilities: { pss: "Capabilities", profile: "restricted" },
    hostPathVolumes: { pss: "HostPath Volumes", profile: "baseline" },
    hostPorts: { pss: "Host Ports", profile: "baseline" },
    hostProbes: { pss: "Host Probes / Lifecycle Hooks", profile: "baseline" },
    appArmor: { pss: "AppArmor", profile: "baseline" },
    seLinux: { pss: "SELinux", profile: "baseline" },
    procMount: { pss: "/proc Mount Type", profile: "baseline" },
    seccomp: { pss: "Seccomp", profile: "restricted" },
    sysctls: { pss: "Sysctls", profile: "baseline" },
    volumeTypes: { pss: "Volume Types", profile: "restricted" },
    allowPrivilegeEscalation: { pss: "Privilege Escalation", profile: "restricted" },
    runAsNonRoot: { pss: "Running as Non-root", profile: "restricted" },
    runAsUser: { pss: "Running as Non-root user", profile: "restricted" },
} as const;

export type Rule = keyof typeof CONTROLS;
export const RULES = Object.keys(CONTROLS) as Rule[];

/** The control's name as Pod Security Standards spell it, for messages. */
export const pssName = (rule: Rule) => `Pod Security Standards ${CONTROLS[rule].profile} "${CONTROLS[rule].pss}"`;
