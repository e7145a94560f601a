/**
 * Pod Security Standards versions, like Pod Security Admission's `pod-security.kubernetes.io/enforce-version`:
 * `latest` or a pinned `v1.N`, and each control's behaviour per version in one table. Read from Kubernetes' own
 * evaluator (k8s.io/pod-security-admission v0.37.2, policy/check_*.go); test/pss checks every version listed here
 * against that library, control by control.
 */
import { Rule } from "./controls";

/** The oldest and newest Kubernetes minor versions (1.N) the policy knows; `latest` means the newest. */
export const OLDEST_MINOR = 25;
export const NEWEST_MINOR = 37;

export const LATEST = "latest";
export const PINNED_VERSIONS = Array.from(
    { length: NEWEST_MINOR - OLDEST_MINOR + 1 },
    (_, i) => `v1.${OLDEST_MINOR + i}`,
);
/** What the policy config's `version` accepts. */
export const PSS_VERSIONS = [LATEST, ...PINNED_VERSIONS];
export type PssVersion = string;

/** How one control behaves in one version. */
export interface ControlBehaviour {
    /** False before the version that introduced the control. */
    inForce: boolean;
    /** Pods with `spec.os.name: windows` pass the control. */
    exemptsWindows: boolean;
    /** Pods with `hostUsers: false` (in a user namespace) pass the control. */
    exemptsUserNamespaces: boolean;
    /** The values the control allows, for controls with a list (sysctl names, SELinux types, volume types). */
    allowed: ReadonlySet<string>;
}

/** A control's behaviour from Kubernetes 1.`since` until the next entry; unset fields take their defaults. */
interface Step {
    since: number;
    inForce?: boolean;
    exemptsWindows?: boolean;
    exemptsUserNamespaces?: boolean;
    allowed?: readonly string[];
}

const SYSCTLS_1_27 = [
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
];
const SYSCTLS_1_29 = [
    ...SYSCTLS_1_27,
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];
const SYSCTLS_1_32 = [...SYSCTLS_1_29, "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"];
const SYSCTLS_1_37 = [...SYSCTLS_1_32, "net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"];
const SELINUX_TYPES = ["", "container_t", "container_init_t", "container_kvm_t"];
const VOLUME_TYPES = [
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

/** Every control, from the oldest version the policy knows; a new entry where Kubernetes changed the control. */
const TABLE: Record<Rule, readonly Step[]> = {
    hostProcess: [{ since: 25 }],
    hostNamespaces: [{ since: 25 }],
    privileged: [{ since: 25 }],
    capabilities: [{ since: 25, exemptsWindows: true }],
    hostPathVolumes: [{ since: 25 }],
    hostPorts: [{ since: 25 }],
    hostProbes: [{ since: 25, inForce: false }, { since: 34 }],
    appArmor: [{ since: 25 }],
    seLinux: [
        { since: 25, allowed: SELINUX_TYPES },
        { since: 31, allowed: [...SELINUX_TYPES, "container_engine_t"] },
    ],
    // The restricted profile keeps requiring the default /proc mask in user namespaces (baseline relaxed it in 1.35).
    procMount: [{ since: 25 }],
    seccomp: [{ since: 25, exemptsWindows: true }],
    sysctls: [
        { since: 25, allowed: SYSCTLS_1_27.filter((name) => name !== "net.ipv4.ip_local_reserved_ports") },
        { since: 27, allowed: SYSCTLS_1_27 },
        { since: 29, allowed: SYSCTLS_1_29 },
        { since: 32, allowed: SYSCTLS_1_32 },
        { since: 37, allowed: SYSCTLS_1_37 },
    ],
    volumeTypes: [{ since: 25, allowed: VOLUME_TYPES }],
    allowPrivilegeEscalation: [{ since: 25, exemptsWindows: true }],
    runAsNonRoot: [{ since: 25 }, { since: 35, exemptsUserNamespaces: true }],
    runAsUser: [{ since: 25 }, { since: 35, exemptsUserNamespaces: true }],
};

/** The versions after the oldest in which a control changed (the differential test checks each is exercised). */
export const changesOf = (rule: Rule): number[] =>
    TABLE[rule].map((step) => step.since).filter((since) => since > OLDEST_MINOR);

/** Every control's behaviour in one version. */
export type PssProfile = Record<Rule, ControlBehaviour>;

/** The Kubernetes minor version a config value names: `latest` is the newest the policy knows. */
export function minorOf(version: PssVersion): number {
    if (version === LATEST) {
        return NEWEST_MINOR;
    }
    const minor = PSS_VERSIONS.includes(version) ? Number(version.slice("v1.".length)) : NaN;
    if (Number.isNaN(minor)) {
        throw new Error(
            `Pod Security Standards version ${JSON.stringify(version)}: use one of ${PSS_VERSIONS.join(", ")}`,
        );
    }
    return minor;
}

function behaviourAt(steps: readonly Step[], minor: number): ControlBehaviour {
    const step = steps.filter((s) => s.since <= minor).at(-1) ?? { since: minor, inForce: false };
    return {
        inForce: step.inForce ?? true,
        exemptsWindows: step.exemptsWindows ?? false,
        exemptsUserNamespaces: step.exemptsUserNamespaces ?? false,
        allowed: new Set(step.allowed ?? []),
    };
}

const profiles = new Map<number, PssProfile>();

/** Every control's behaviour in the version a config names (resolved once per version). */
export function profileFor(version: PssVersion): PssProfile {
    const minor = minorOf(version);
    let profile = profiles.get(minor);
    if (!profile) {
        profile = Object.fromEntries(
            Object.entries(TABLE).map(([rule, steps]) => [rule, behaviourAt(steps, minor)]),
        ) as PssProfile;
        profiles.set(minor, profile);
    }
    return profile;
}
