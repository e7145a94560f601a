/**
 * The Pod Security Standards "restricted" profile (which includes "baseline"), control by control, as
 * kubernetes.io/docs/concepts/security/pod-security-standards defines them. Pure: the policy decides what is waived.
 */
import { isUnknown } from "../lib/unknown";
import { asArray, asRecord } from "../lib/objects";
import { PodSpecSite, WorkloadContainer } from "./workloads";

/** Every control, keyed by the name exceptions use, with its PSS name and the profile that introduces it. */
export const CONTROLS = {
    hostProcess: { pss: "HostProcess", profile: "baseline" },
    hostNamespaces: { pss: "Host Namespaces", profile: "baseline" },
    privileged: { pss: "Privileged Containers", profile: "baseline" },
    capabilities: { pss: "Capabilities", profile: "restricted" },
    hostPathVolumes: { pss: "HostPath Volumes", profile: "baseline" },
    hostPorts: { pss: "Host Ports", profile: "baseline" },
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

export interface RuleResult {
    rule: Rule;
    message: string;
    /** The setting the control reads is unknown during preview. */
    unknown?: boolean;
}

const ALLOWED_VOLUME_TYPES = new Set([
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
]);
const SAFE_SYSCTLS = new Set([
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
]);
const SELINUX_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);
const SECCOMP_TYPES = new Set(["RuntimeDefault", "Localhost"]);
const APPARMOR_TYPES = new Set(["RuntimeDefault", "Localhost"]);
const APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";

const UNKNOWN = Symbol("unknown");
type Value = unknown;

/** Reads a path, answering UNKNOWN when the value or any parent is unknown during preview; null counts as unset. */
function read(root: unknown, ...path: string[]): Value {
    let node = root;
    for (const key of path) {
        if (node === UNKNOWN || isUnknown(node)) {
            return UNKNOWN;
        }
        node = asRecord(node)?.[key];
    }
    return isUnknown(node) ? UNKNOWN : (node ?? undefined);
}

const unknownResult = (rule: Rule, what: string): RuleResult => ({
    rule,
    message: `${what} is unknown`,
    unknown: true,
});
const fail = (rule: Rule, message: string): RuleResult => ({ rule, message });

function seLinux(options: Value, where: string): RuleResult[] {
    if (options === UNKNOWN) {
        return [unknownResult("seLinux", `${where}.seLinuxOptions`)];
    }
    const results: RuleResult[] = [];
    for (const key of ["type", "user", "role"]) {
        const value = read(options, key);
        if (value === UNKNOWN) {
            results.push(unknownResult("seLinux", `${where}.seLinuxOptions.${key}`));
        } else if (value !== undefined && (key === "type" ? !SELINUX_TYPES.has(String(value)) : value !== "")) {
            results.push(fail("seLinux", `sets ${where}.seLinuxOptions.${key}: ${JSON.stringify(value)}`));
        }
    }
    return results;
}

function profileType(rule: "seccomp" | "appArmor", value: Value, where: string, allowed: Set<string>): RuleResult[] {
    if (value === UNKNOWN) {
        return [unknownResult(rule, where)];
    }
    return value === undefined || allowed.has(String(value))
        ? []
        : [fail(rule, `sets ${where}: ${JSON.stringify(value)} (allowed: ${[...allowed].join(", ")})`)];
}

/** Controls that read the pod as a whole: reported once per pod spec. */
export function evaluatePod(site: PodSpecSite): RuleResult[] {
    const spec = site.spec ?? {};
    const sc = read(spec, "securityContext");
    const results: RuleResult[] = [];
    const hostProcess = read(sc, "windowsOptions", "hostProcess");
    if (hostProcess === UNKNOWN) {
        results.push(unknownResult("hostProcess", "securityContext.windowsOptions.hostProcess"));
    } else if (hostProcess === true) {
        results.push(fail("hostProcess", "sets securityContext.windowsOptions.hostProcess: true"));
    }
    for (const key of ["hostNetwork", "hostPID", "hostIPC"]) {
        const value = read(spec, key);
        if (value === UNKNOWN) {
            results.push(unknownResult("hostNamespaces", key));
        } else if (value === true) {
            results.push(fail("hostNamespaces", `sets ${key}: true`));
        }
    }
    const volumes = read(spec, "volumes");
    if (volumes === UNKNOWN) {
        results.push(unknownResult("hostPathVolumes", "volumes"), unknownResult("volumeTypes", "volumes"));
    }
    asArray(volumes).forEach((volume, index) => {
        const record = asRecord(volume);
        if (!record) {
            results.push(unknownResult("volumeTypes", `volumes[${index}]`));
            return;
        }
        const name = typeof record.name === "string" ? record.name : `#${index}`;
        for (const [type, source] of Object.entries(record)) {
            if (type === "name" || source === null || source === undefined) {
                continue;
            }
            if (type === "hostPath") {
                results.push(
                    fail(
                        "hostPathVolumes",
                        `mounts hostPath volume ${name} (${String(read(source, "path") === UNKNOWN ? "unknown path" : read(source, "path"))})`,
                    ),
                );
            }
            if (!ALLOWED_VOLUME_TYPES.has(type)) {
                results.push(
                    fail(
                        "volumeTypes",
                        `uses volume ${name} of type ${type} (allowed: ${[...ALLOWED_VOLUME_TYPES].join(", ")})`,
                    ),
                );
            }
        }
    });
    const sysctls = read(sc, "sysctls");
    if (sysctls === UNKNOWN) {
        results.push(unknownResult("sysctls", "securityContext.sysctls"));
    }
    asArray(sysctls).forEach((sysctl) => {
        const name = read(sysctl, "name");
        if (name === UNKNOWN) {
            results.push(unknownResult("sysctls", "a sysctl name"));
        } else if (!SAFE_SYSCTLS.has(String(name))) {
            results.push(fail("sysctls", `sets unsafe sysctl ${String(name)}`));
        }
    });
    results.push(...seLinux(read(sc, "seLinuxOptions"), "securityContext"));
    results.push(
        ...profileType(
            "appArmor",
            read(sc, "appArmorProfile", "type"),
            "securityContext.appArmorProfile.type",
            APPARMOR_TYPES,
        ),
    );
    for (const [key, value] of Object.entries(site.annotations)) {
        if (!key.startsWith(APPARMOR_ANNOTATION)) {
            continue;
        }
        if (isUnknown(value)) {
            results.push(unknownResult("appArmor", `annotation ${key}`));
        } else if (value !== "runtime/default" && !(typeof value === "string" && value.startsWith("localhost/"))) {
            results.push(
                fail(
                    "appArmor",
                    `sets annotation ${key}: ${JSON.stringify(value)} (allowed: runtime/default, localhost/*)`,
                ),
            );
        }
    }
    const seccomp = read(sc, "seccompProfile", "type");
    if (seccomp !== undefined) {
        results.push(...profileType("seccomp", seccomp, "securityContext.seccompProfile.type", SECCOMP_TYPES));
    }
    // PSS restricted allows only true or unset at the pod level: an explicit false fails even when every container sets true.
    const runAsNonRoot = read(sc, "runAsNonRoot");
    if (runAsNonRoot === UNKNOWN) {
        results.push(unknownResult("runAsNonRoot", "securityContext.runAsNonRoot"));
    } else if (runAsNonRoot !== undefined && runAsNonRoot !== true) {
        results.push(
            fail(
                "runAsNonRoot",
                `sets securityContext.runAsNonRoot: ${JSON.stringify(runAsNonRoot)} (allowed: true or unset)`,
            ),
        );
    }
    const runAsUser = read(sc, "runAsUser");
    if (runAsUser === UNKNOWN) {
        results.push(unknownResult("runAsUser", "securityContext.runAsUser"));
    } else if (runAsUser === 0) {
        results.push(fail("runAsUser", "runs as root: securityContext.runAsUser is 0"));
    }
    return results;
}

function capabilities(sc: Value): RuleResult[] {
    const drop = read(sc, "capabilities", "drop");
    const add = read(sc, "capabilities", "add");
    const results: RuleResult[] = [];
    if (drop === UNKNOWN || asArray(drop).some(isUnknown)) {
        results.push(unknownResult("capabilities", "securityContext.capabilities.drop"));
    } else if (!asArray(drop).includes("ALL")) {
        results.push(
            fail("capabilities", "does not drop ALL capabilities (securityContext.capabilities.drop must include ALL)"),
        );
    }
    if (add === UNKNOWN || asArray(add).some(isUnknown)) {
        results.push(unknownResult("capabilities", "securityContext.capabilities.add"));
    } else {
        const extra = asArray(add).filter((c) => c !== "NET_BIND_SERVICE");
        if (extra.length > 0) {
            results.push(
                fail(
                    "capabilities",
                    `adds capabilities ${extra.map(String).join(", ")} (only NET_BIND_SERVICE may be added)`,
                ),
            );
        }
    }
    return results;
}

/** Controls that read one container, with the pod's settings it inherits. */
export function evaluateContainer(site: PodSpecSite, container: WorkloadContainer): RuleResult[] {
    const podSc = read(site.spec, "securityContext");
    const sc = read(container.container, "securityContext");
    const results: RuleResult[] = [];
    const flag = (rule: Rule, key: string[], bad: (value: Value) => string | undefined) => {
        const value = read(sc, ...key);
        if (value === UNKNOWN) {
            results.push(unknownResult(rule, `securityContext.${key.join(".")}`));
        } else {
            const problem = bad(value);
            if (problem) {
                results.push(fail(rule, problem));
            }
        }
    };
    flag("hostProcess", ["windowsOptions", "hostProcess"], (v) =>
        v === true ? "sets securityContext.windowsOptions.hostProcess: true" : undefined,
    );
    flag("privileged", ["privileged"], (v) =>
        v === true ? "is privileged (securityContext.privileged: true)" : undefined,
    );
    results.push(...capabilities(sc));
    const ports = read(container.container, "ports");
    if (ports === UNKNOWN) {
        results.push(unknownResult("hostPorts", "ports"));
    }
    asArray(ports).forEach((port, index) => {
        const hostPort = read(port, "hostPort");
        if (hostPort === UNKNOWN) {
            results.push(unknownResult("hostPorts", `ports[${index}].hostPort`));
        } else if (hostPort !== undefined && hostPort !== 0) {
            results.push(fail("hostPorts", `uses hostPort ${String(hostPort)}`));
        }
    });
    results.push(
        ...profileType(
            "appArmor",
            read(sc, "appArmorProfile", "type"),
            "securityContext.appArmorProfile.type",
            APPARMOR_TYPES,
        ),
    );
    results.push(...seLinux(read(sc, "seLinuxOptions"), "securityContext"));
    flag("procMount", ["procMount"], (v) =>
        v !== undefined && v !== "Default"
            ? `sets securityContext.procMount: ${JSON.stringify(v)} (allowed: Default)`
            : undefined,
    );
    const ownSeccomp = read(sc, "seccompProfile", "type");
    const seccomp = ownSeccomp === undefined ? read(podSc, "seccompProfile", "type") : ownSeccomp;
    if (seccomp === UNKNOWN) {
        results.push(unknownResult("seccomp", "securityContext.seccompProfile.type"));
    } else if (seccomp === undefined) {
        results.push(
            fail(
                "seccomp",
                "has no seccomp profile: set seccompProfile.type RuntimeDefault or Localhost on the pod or the container",
            ),
        );
    } else if (!SECCOMP_TYPES.has(String(seccomp))) {
        results.push(
            fail(
                "seccomp",
                `runs with seccomp profile ${JSON.stringify(seccomp)} (allowed: RuntimeDefault, Localhost)`,
            ),
        );
    }
    flag("allowPrivilegeEscalation", ["allowPrivilegeEscalation"], (v) =>
        v === false ? undefined : "does not set securityContext.allowPrivilegeEscalation: false",
    );
    const ownNonRoot = read(sc, "runAsNonRoot");
    const podNonRoot = read(podSc, "runAsNonRoot");
    const nonRoot = ownNonRoot === undefined ? podNonRoot : ownNonRoot;
    if (nonRoot === UNKNOWN) {
        results.push(unknownResult("runAsNonRoot", "runAsNonRoot"));
    } else if (nonRoot !== true) {
        results.push(
            fail(
                "runAsNonRoot",
                ownNonRoot === false && podNonRoot === true
                    ? "sets securityContext.runAsNonRoot: false, overriding the pod's true"
                    : "does not set runAsNonRoot: true (on the pod's or the container's securityContext)",
            ),
        );
    }
    flag("runAsUser", ["runAsUser"], (v) => (v === 0 ? "runs as root: securityContext.runAsUser is 0" : undefined));
    return results;
}

/** The control's name as Pod Security Standards spell it, for messages. */
export const pssName = (rule: Rule) => `Pod Security Standards ${CONTROLS[rule].profile} "${CONTROLS[rule].pss}"`;
