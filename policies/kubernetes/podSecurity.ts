/**
 * The Pod Security Standards "restricted" profile (which includes "baseline"), control by control, in the version a
 * PssProfile describes (pssVersions.ts), judged as Kubernetes' Pod Security Admission judges it. Pure: the policy
 * decides what is waived.
 */
import { isUnknown } from "../lib/unknown";
import { asArray, asRecord } from "../lib/objects";
import { Rule } from "./controls";
import { PssProfile } from "./pssVersions";
import { PodSpecSite, WorkloadContainer } from "./workloads";

export interface RuleResult {
    rule: Rule;
    message: string;
    /** The setting the control reads is unknown during preview. */
    unknown?: boolean;
    /** Root asked for in so many words (`runAsNonRoot: false`, `runAsUser: 0`): only an exception that expects root waives it. */
    explicitRoot?: boolean;
}

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
const explicitRoot = (rule: Rule, message: string): RuleResult => ({ rule, message, explicitRoot: true });

function seLinux(options: Value, where: string, types: ReadonlySet<string>): RuleResult[] {
    if (options === UNKNOWN) {
        return [unknownResult("seLinux", `${where}.seLinuxOptions`)];
    }
    const results: RuleResult[] = [];
    for (const key of ["type", "user", "role"]) {
        const value = read(options, key);
        if (value === UNKNOWN) {
            results.push(unknownResult("seLinux", `${where}.seLinuxOptions.${key}`));
        } else if (value !== undefined && (key === "type" ? !types.has(String(value)) : value !== "")) {
            results.push(fail("seLinux", `sets ${where}.seLinuxOptions.${key}: ${JSON.stringify(value)}`));
        }
    }
    return results;
}

function profileType(
    rule: "seccomp" | "appArmor",
    value: Value,
    where: string,
    allowed: ReadonlySet<string>,
): RuleResult[] {
    if (value === UNKNOWN) {
        return [unknownResult(rule, where)];
    }
    return value === undefined || allowed.has(String(value))
        ? []
        : [fail(rule, `sets ${where}: ${JSON.stringify(value)} (allowed: ${[...allowed].join(", ")})`)];
}

/**
 * A profile's type, "" for a profile object without one (Pod Security Admission reads it as the empty type, which
 * no control allows), undefined when no profile is set.
 */
function profileTypeOf(sc: Value, key: "seccompProfile" | "appArmorProfile"): Value {
    const profile = read(sc, key);
    return profile === UNKNOWN || profile === undefined ? profile : (read(profile, "type") ?? "");
}

/** A pod's or a container's securityContext.appArmorProfile: the same control at both levels. */
function appArmorProfile(sc: Value): RuleResult[] {
    return profileType(
        "appArmor",
        profileTypeOf(sc, "appArmorProfile"),
        "securityContext.appArmorProfile.type",
        APPARMOR_TYPES,
    );
}

/**
 * Host ports as the cluster sees them: with hostNetwork, the API server gives every port of containers and
 * initContainers without a hostPort its containerPort as hostPort (kubernetes pkg/apis/core/v1 SetDefaults_Pod).
 */
function hostPorts(site: PodSpecSite, container: WorkloadContainer): RuleResult[] {
    const ports = read(container.container, "ports");
    const hostNetwork = container.list === "ephemeralContainers" ? false : read(site.spec, "hostNetwork");
    const results: RuleResult[] = [];
    if (ports === UNKNOWN) {
        results.push(unknownResult("hostPorts", "ports"));
    }
    asArray(ports).forEach((port, index) => {
        const hostPort = read(port, "hostPort");
        const containerPort = read(port, "containerPort");
        if (hostPort === UNKNOWN) {
            results.push(unknownResult("hostPorts", `ports[${index}].hostPort`));
        } else if (hostPort !== undefined && hostPort !== 0) {
            results.push(fail("hostPorts", `uses hostPort ${String(hostPort)}`));
        } else if (hostNetwork === UNKNOWN || containerPort === UNKNOWN) {
            results.push(unknownResult("hostPorts", `hostNetwork or ports[${index}].containerPort`));
        } else if (hostNetwork === true && containerPort !== undefined && containerPort !== 0) {
            results.push(
                fail(
                    "hostPorts",
                    `uses hostPort ${String(containerPort)} (with hostNetwork: true the API server sets hostPort to the containerPort)`,
                ),
            );
        }
    });
    return results;
}

const PROBES = ["livenessProbe", "readinessProbe", "startupProbe"];
const LIFECYCLE_HANDLERS = ["postStart", "preStop"];
const HANDLER_TYPES = ["httpGet", "tcpSocket"];

/** A probe or lifecycle handler that names a host makes the kubelet connect there from the node's network. */
function hostProbes(container: Record<string, unknown>): RuleResult[] {
    const handlers = [
        ...PROBES.map((probe) => [probe]),
        ...LIFECYCLE_HANDLERS.map((handler) => ["lifecycle", handler]),
    ];
    const results: RuleResult[] = [];
    for (const path of handlers) {
        for (const type of HANDLER_TYPES) {
            const where = [...path, type, "host"].join(".");
            const host = read(container, ...path, type, "host");
            if (host === UNKNOWN) {
                results.push(unknownResult("hostProbes", where));
            } else if (host !== undefined && host !== "") {
                results.push(fail("hostProbes", `sets ${where}: ${JSON.stringify(host)} (allowed: empty or unset)`));
            }
        }
    }
    return results;
}

/**
 * Keeps the results of controls in force in this version that do not exempt this pod: Windows pods (`spec.os.name:
 * windows`) and pods in a user namespace (`hostUsers: false`) pass the controls the version exempts them from. While
 * the field is unknown during preview, a failure of such a control is reported as unknown, not as a violation.
 */
function inScope(results: RuleResult[], spec: Record<string, unknown>, profile: PssProfile): RuleResult[] {
    const os = read(spec, "os", "name");
    const hostUsers = read(spec, "hostUsers");
    return results.flatMap((result) => {
        const behaviour = profile[result.rule];
        if (!behaviour.inForce) {
            return [];
        }
        for (const [exempts, value, exempt, field] of [
            [behaviour.exemptsWindows, os, os === "windows", "spec.os.name"],
            [behaviour.exemptsUserNamespaces, hostUsers, hostUsers === false, "spec.hostUsers"],
        ] as const) {
            if (exempts && exempt) {
                return [];
            }
            if (exempts && value === UNKNOWN && !result.unknown) {
                return [
                    {
                        rule: result.rule,
                        message: `${field} is unknown (it decides whether the control applies)`,
                        unknown: true,
                    },
                ];
            }
        }
        return [result];
    });
}

/** Controls that read the pod as a whole: reported once per pod spec. */
export function evaluatePod(site: PodSpecSite, profile: PssProfile): RuleResult[] {
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
            if (!profile.volumeTypes.allowed.has(type)) {
                results.push(
                    fail(
                        "volumeTypes",
                        `uses volume ${name} of type ${type} (allowed: ${[...profile.volumeTypes.allowed].join(", ")})`,
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
        } else if (!profile.sysctls.allowed.has(String(name))) {
            results.push(fail("sysctls", `sets unsafe sysctl ${String(name)}`));
        }
    });
    results.push(...seLinux(read(sc, "seLinuxOptions"), "securityContext", profile.seLinux.allowed));
    results.push(...appArmorProfile(sc));
    for (const [key, value] of Object.entries(site.annotations)) {
        if (!key.startsWith(APPARMOR_ANNOTATION)) {
            continue;
        }
        if (isUnknown(value)) {
            results.push(unknownResult("appArmor", `annotation ${key}`));
        } else if (
            value !== "" &&
            value !== "runtime/default" &&
            !(typeof value === "string" && value.startsWith("localhost/"))
        ) {
            results.push(
                fail(
                    "appArmor",
                    `sets annotation ${key}: ${JSON.stringify(value)} (allowed: runtime/default, localhost/*, empty)`,
                ),
            );
        }
    }
    const seccomp = profileTypeOf(sc, "seccompProfile");
    if (seccomp !== undefined) {
        results.push(...profileType("seccomp", seccomp, "securityContext.seccompProfile.type", SECCOMP_TYPES));
    }
    // PSS restricted allows only true or unset at the pod level: an explicit false fails even when every container sets true.
    const runAsNonRoot = read(sc, "runAsNonRoot");
    if (runAsNonRoot === UNKNOWN) {
        results.push(unknownResult("runAsNonRoot", "securityContext.runAsNonRoot"));
    } else if (runAsNonRoot !== undefined && runAsNonRoot !== true) {
        results.push(
            (runAsNonRoot === false ? explicitRoot : fail)(
                "runAsNonRoot",
                `sets securityContext.runAsNonRoot: ${JSON.stringify(runAsNonRoot)} (allowed: true or unset)`,
            ),
        );
    }
    const runAsUser = read(sc, "runAsUser");
    if (runAsUser === UNKNOWN) {
        results.push(unknownResult("runAsUser", "securityContext.runAsUser"));
    } else if (runAsUser === 0) {
        results.push(explicitRoot("runAsUser", "runs as root: securityContext.runAsUser is 0"));
    }
    return inScope(results, spec, profile);
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
export function evaluateContainer(site: PodSpecSite, container: WorkloadContainer, profile: PssProfile): RuleResult[] {
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
    results.push(...hostPorts(site, container));
    results.push(...appArmorProfile(sc));
    results.push(...seLinux(read(sc, "seLinuxOptions"), "securityContext", profile.seLinux.allowed));
    results.push(...hostProbes(container.container));
    flag("procMount", ["procMount"], (v) =>
        v !== undefined && v !== "Default"
            ? `sets securityContext.procMount: ${JSON.stringify(v)} (allowed: Default)`
            : undefined,
    );
    const ownSeccomp = profileTypeOf(sc, "seccompProfile");
    const seccomp = ownSeccomp === undefined ? profileTypeOf(podSc, "seccompProfile") : ownSeccomp;
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
            (nonRoot === false ? explicitRoot : fail)(
                "runAsNonRoot",
                ownNonRoot === false && podNonRoot === true
                    ? "sets securityContext.runAsNonRoot: false, overriding the pod's true"
                    : nonRoot === false
                      ? `${ownNonRoot === false ? "sets" : "inherits the pod's"} runAsNonRoot: false`
                      : "does not set runAsNonRoot: true (on the pod's or the container's securityContext)",
            ),
        );
    }
    const ownUser = read(sc, "runAsUser");
    if (ownUser === UNKNOWN) {
        results.push(unknownResult("runAsUser", "securityContext.runAsUser"));
    } else if (ownUser === 0) {
        results.push(explicitRoot("runAsUser", "runs as root: securityContext.runAsUser is 0"));
    }
    return inScope(results, site.spec ?? {}, profile);
}
