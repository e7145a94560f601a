/**
 * Seeded pod specs for the differential test: a pod that meets the restricted profile (Linux or Windows), then a few
 * changes drawn from every control's settings, allowed and forbidden values alike, in containers, initContainers
 * and ephemeralContainers, wrapped in every workload shape the pack reads. Only fields k8s.io/api knows (the oracle
 * decodes strictly), one source per volume (as the API server requires).
 */
import { seededRandom } from "../../bench/seededRandom";

export const WORKLOAD_SHAPES = [
    "Pod",
    "Deployment",
    "DaemonSet",
    "StatefulSet",
    "ReplicaSet",
    "Job",
    "CronJob",
] as const;
export type WorkloadShape = (typeof WORKLOAD_SHAPES)[number];

type Json = Record<string, any>;

export interface PodCase {
    name: string;
    shape: WorkloadShape;
    podMetadata: Json;
    podSpec: Json;
    /** What the generator did, to read a disagreement without decoding the spec. */
    changes: string[];
}

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];

const CONTAINER_LISTS = ["containers", "initContainers", "ephemeralContainers"] as const;

// Every name some version allows, and names no version allows.
const SYSCTLS = [
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
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
    "net.ipv4.tcp_slow_start_after_idle",
    "net.ipv4.tcp_notsent_lowat",
    "kernel.msgmax",
    "net.core.somaxconn",
    "net.ipv4.tcp_congestion_control",
];
const VOLUMES: Record<string, Json> = {
    configMap: { name: "settings" },
    secret: { secretName: "credentials" },
    emptyDir: {},
    projected: { sources: [] },
    downwardAPI: { items: [] },
    csi: { driver: "ebs.csi.aws.com" },
    persistentVolumeClaim: { claimName: "data" },
    ephemeral: { volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"] } } },
    image: { reference: "public.ecr.aws/nops/models:1" },
    hostPath: { path: "/var/run" },
    nfs: { server: "10.0.0.2", path: "/exports" },
    gitRepo: { repository: "https://example.com/repo.git" },
    awsElasticBlockStore: { volumeID: "vol-0abc" },
    iscsi: { targetPortal: "10.0.0.3:3260", iqn: "iqn.2001-04.com.example:storage", lun: 0 },
    cephfs: { monitors: ["10.0.0.4:6789"] },
    flexVolume: { driver: "example/flex" },
    azureFile: { secretName: "azure", shareName: "share" },
    rbd: { monitors: ["10.0.0.5:6789"], image: "disk" },
};
const SELINUX_TYPES = ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t", "spc_t"];
const PROFILE_TYPES = ["RuntimeDefault", "Localhost", "Unconfined", "none"];
const CAPABILITIES = ["NET_BIND_SERVICE", "CHOWN", "SYS_ADMIN", "NET_RAW", "ALL"];
const HOSTS = ["", "10.0.0.1", "metadata.internal", "127.0.0.1"];

const securityContext = (container: Json): Json => (container.securityContext ??= {});
const podSecurityContext = (pod: Json): Json => (pod.securityContext ??= {});

/** A seccomp or AppArmor profile; "none" is a profile without a type (which the API server would reject). */
function profileValue(random: Random, type: string): Json {
    if (type === "none") {
        return {};
    }
    return type === "Localhost" ? { type, localhostProfile: "profiles/audit.json" } : { type };
}

/** One change: it sets one control's field on the pod, or on one container, to a value drawn from allowed and not. */
type Change = (pod: Json, random: Random, container: Json, metadata: Json) => string;

const CHANGES: Record<string, Change> = {
    podHostProcess: (pod, random) => {
        const value = random() < 0.6;
        podSecurityContext(pod).windowsOptions = { hostProcess: value };
        return `pod hostProcess ${value}`;
    },
    containerHostProcess: (_pod, random, c) => {
        const value = random() < 0.6;
        securityContext(c).windowsOptions = { hostProcess: value };
        return `${c.name} hostProcess ${value}`;
    },
    hostNamespace: (pod, random) => {
        const key = pick(random, ["hostNetwork", "hostPID", "hostIPC"]);
        pod[key] = random() < 0.7;
        return `${key} ${pod[key]}`;
    },
    privileged: (_pod, random, c) => {
        securityContext(c).privileged = random() < 0.7;
        return `${c.name} privileged ${c.securityContext.privileged}`;
    },
    capabilities: (_pod, random, c) => {
        const drop = pick(random, [["ALL"], [], ["NET_RAW"], ["all"], undefined]);
        const add = pick(random, [undefined, [], ["NET_BIND_SERVICE"], [pick(random, CAPABILITIES)]]);
        securityContext(c).capabilities = { ...(drop ? { drop } : {}), ...(add ? { add } : {}) };
        return `${c.name} capabilities ${JSON.stringify(c.securityContext.capabilities)}`;
    },
    volume: (pod, random) => {
        const type = random() < 0.25 ? "hostPath" : pick(random, Object.keys(VOLUMES));
        const name = `v${(pod.volumes ?? []).length}`;
        (pod.volumes ??= []).push({ name, [type]: VOLUMES[type] });
        return `volume ${type}`;
    },
    hostPort: (_pod, random, c) => {
        const hostPort = pick(random, [undefined, 0, 8080]);
        c.ports = [{ containerPort: 8080, ...(hostPort === undefined ? {} : { hostPort }) }];
        return `${c.name} hostPort ${hostPort}`;
    },
    probeHost: (_pod, random, c) => {
        const type = pick(random, ["httpGet", "tcpSocket"]);
        const host = pick(random, HOSTS);
        const handler = { [type]: { port: 8080, ...(random() < 0.8 ? { host } : {}) } };
        if (random() < 0.6) {
            c[pick(random, ["livenessProbe", "readinessProbe", "startupProbe"])] = handler;
        } else {
            c.lifecycle = { [pick(random, ["postStart", "preStop"])]: handler };
        }
        return `${c.name} probe/lifecycle ${JSON.stringify(handler)}`;
    },
    appArmorField: (pod, random, c) => {
        const target = random() < 0.5 ? podSecurityContext(pod) : securityContext(c);
        target.appArmorProfile = profileValue(random, pick(random, PROFILE_TYPES));
        return `${target === pod.securityContext ? "pod" : c.name} appArmorProfile ${target.appArmorProfile.type}`;
    },
    appArmorAnnotation: (_pod, random, c, metadata) => {
        const value = pick(random, ["runtime/default", "localhost/audit", "unconfined", ""]);
        (metadata.annotations ??= {})[`container.apparmor.security.beta.kubernetes.io/${c.name}`] = value;
        return `${c.name} AppArmor annotation ${JSON.stringify(value)}`;
    },
    seLinux: (pod, random, c) => {
        const target = random() < 0.5 ? podSecurityContext(pod) : securityContext(c);
        target.seLinuxOptions = {
            type: pick(random, SELINUX_TYPES),
            level: "s0:c1,c2",
            ...(random() < 0.15 ? { user: "system_u" } : {}),
            ...(random() < 0.15 ? { role: "system_r" } : {}),
        };
        return `${target === pod.securityContext ? "pod" : c.name} seLinuxOptions ${JSON.stringify(target.seLinuxOptions)}`;
    },
    procMount: (_pod, random, c) => {
        securityContext(c).procMount = pick(random, ["Default", "Unmasked"]);
        return `${c.name} procMount ${c.securityContext.procMount}`;
    },
    podSeccomp: (pod, random) => {
        const type = pick(random, [...PROFILE_TYPES, "unset"]);
        if (type === "unset") {
            delete podSecurityContext(pod).seccompProfile;
        } else {
            podSecurityContext(pod).seccompProfile = profileValue(random, type);
        }
        return `pod seccomp ${type}`;
    },
    containerSeccomp: (_pod, random, c) => {
        const type = pick(random, PROFILE_TYPES);
        securityContext(c).seccompProfile = profileValue(random, type);
        return `${c.name} seccomp ${type}`;
    },
    sysctls: (pod, random) => {
        const names = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(random, SYSCTLS));
        podSecurityContext(pod).sysctls = names.map((name) => ({ name, value: "1" }));
        return `sysctls ${names.join(",")}`;
    },
    allowPrivilegeEscalation: (_pod, random, c) => {
        const value = pick(random, [true, false, undefined]);
        if (value === undefined) {
            delete securityContext(c).allowPrivilegeEscalation;
        } else {
            securityContext(c).allowPrivilegeEscalation = value;
        }
        return `${c.name} allowPrivilegeEscalation ${value}`;
    },
    podRunAsNonRoot: (pod, random) => {
        const value = pick(random, [true, false, undefined]);
        podSecurityContext(pod).runAsNonRoot = value;
        if (value === undefined) {
            delete pod.securityContext.runAsNonRoot;
        }
        return `pod runAsNonRoot ${value}`;
    },
    containerRunAsNonRoot: (_pod, random, c) => {
        securityContext(c).runAsNonRoot = random() < 0.5;
        return `${c.name} runAsNonRoot ${c.securityContext.runAsNonRoot}`;
    },
    runAsUser: (pod, random, c) => {
        const target = random() < 0.5 ? podSecurityContext(pod) : securityContext(c);
        target.runAsUser = pick(random, [0, 1000]);
        return `${target === pod.securityContext ? "pod" : c.name} runAsUser ${target.runAsUser}`;
    },
    noSecurityContext: (_pod, _random, c) => {
        delete c.securityContext;
        return `${c.name} no securityContext`;
    },
    os: (pod, random) => {
        pod.os = { name: pick(random, ["windows", "linux"]) };
        return `os ${pod.os.name}`;
    },
    hostUsers: (pod, random) => {
        pod.hostUsers = random() < 0.7 ? false : true;
        return `hostUsers ${pod.hostUsers}`;
    },
};

const RESTRICTED_CONTAINER = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };

/** A pod the restricted profile admits: on Linux, and on Windows without the settings Windows pods are exempt from. */
function basePod(random: Random, shape: WorkloadShape, windows: boolean): Json {
    const container = (name: string) => ({
        name,
        image: "public.ecr.aws/nops/app:1",
        ...(windows ? {} : { securityContext: structuredClone(RESTRICTED_CONTAINER) }),
    });
    const counts = {
        containers: 1 + Math.floor(random() * 2),
        initContainers: Math.floor(random() * 2),
        // Ephemeral containers are added to running Pods only, never to templates.
        ephemeralContainers: shape === "Pod" ? Math.floor(random() * 2) : 0,
    };
    const pod: Json = {
        securityContext: windows
            ? { runAsNonRoot: true, windowsOptions: { runAsUserName: "ContainerUser" } }
            : { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        ...(windows ? { os: { name: "windows" } } : {}),
    };
    for (const list of CONTAINER_LISTS) {
        if (counts[list] > 0) {
            pod[list] = Array.from({ length: counts[list] }, (_, i) => container(`${list.slice(0, 4)}${i}`));
        }
    }
    return pod;
}

/** `count` pods from `seed`; the same seed gives the same pods. */
export function generatePods(seed: number, count: number): PodCase[] {
    const random = seededRandom(seed);
    const changeNames = Object.keys(CHANGES);
    return Array.from({ length: count }, (_, index) => {
        const shape = WORKLOAD_SHAPES[index % WORKLOAD_SHAPES.length];
        const windows = random() < 0.2;
        const podSpec = basePod(random, shape, windows);
        const podMetadata: Json = { labels: { app: `case-${index}` } };
        const changes = windows ? ["windows base"] : [];
        // Settings whose verdict changes between versions, often enough that every change is exercised.
        if (random() < 0.12) {
            podSpec.hostUsers = false;
            changes.push("hostUsers false");
            if (random() < 0.5) {
                podSpec.securityContext.runAsUser = 0;
                changes.push("pod runAsUser 0");
            }
        }
        if (random() < 0.2) {
            const name = pick(random, SYSCTLS);
            podSpec.securityContext.sysctls = [{ name, value: "1" }];
            changes.push(`sysctls ${name}`);
        }
        const howMany = pick(random, [0, 1, 1, 2, 2, 3, 4]);
        for (let i = 0; i < howMany; i++) {
            const containers = CONTAINER_LISTS.flatMap((list) => (podSpec[list] ?? []) as Json[]);
            changes.push(CHANGES[pick(random, changeNames)](podSpec, random, pick(random, containers), podMetadata));
        }
        return { name: `case-${String(index).padStart(4, "0")}`, shape, podMetadata, podSpec, changes };
    });
}

const API_GROUPS: Record<WorkloadShape, string> = {
    Pod: "core/v1",
    Deployment: "apps/v1",
    DaemonSet: "apps/v1",
    StatefulSet: "apps/v1",
    ReplicaSet: "apps/v1",
    Job: "batch/v1",
    CronJob: "batch/v1",
};

/** The case as the resource the pack checks: its pod spec where that shape keeps it. */
export function asResource(pod: PodCase): { type: string; props: Json } {
    const template = { metadata: pod.podMetadata, spec: pod.podSpec };
    const metadata = { name: pod.name, namespace: "oracle" };
    const spec: Record<WorkloadShape, Json> = {
        Pod: template.spec,
        Deployment: { selector: {}, template },
        DaemonSet: { selector: {}, template },
        StatefulSet: { selector: {}, serviceName: pod.name, template },
        ReplicaSet: { selector: {}, template },
        Job: { template },
        CronJob: { schedule: "@hourly", jobTemplate: { spec: { template } } },
    };
    const props =
        pod.shape === "Pod"
            ? { metadata: { ...pod.podMetadata, ...metadata }, spec: pod.podSpec }
            : { metadata, spec: spec[pod.shape] };
    return { type: `kubernetes:${API_GROUPS[pod.shape]}:${pod.shape}`, props };
}
