/**
 * Pod security hardening of the agent chart as it renders, applied by a Pulumi `transforms` callback on the
 * helm.v4.Chart (the engine calls it for each of the chart's children): what the vendor's chart does not set, set
 * here. Each hardening fills only what the chart leaves unset, so an explicit choice of the chart (a root user, a
 * privileged container) stays visible to the policy pack, which judges it.
 */
import * as pulumi from "@pulumi/pulumi";
import { CHART_IMAGES } from "../../images/catalog";
import { DOCUMENTED_USERS, RunAs, runAsFor } from "../../images/users";
import { isPlainObject } from "../../common/objects";

/** The hardenings, each one step of the transform (the engine-tier test removes them one at a time). */
export const HARDENINGS = ["runAsNonRoot", "seccomp", "allowPrivilegeEscalation", "capabilities", "fsGroup"] as const;
export type Hardening = (typeof HARDENINGS)[number];

/** How one chart image is hardened. */
export interface ImageHardening {
    component: string;
    repository: string;
    runAs: RunAs;
    /** Capabilities the component documents it needs, added back after dropping ALL. */
    addCapabilities: string[];
    /** Set when the pods running this image are left as the chart renders them, with the reason. */
    untouched?: string;
}

export interface ChartHardening {
    images: ImageHardening[];
    /** Hardenings applied (all of them unless a test leaves one out). */
    apply: readonly Hardening[];
}

/** Per component, what hardening must not do: decided here, cited in docs/policy-pack.md. */
const COMPONENT_NEEDS: Readonly<Record<string, Pick<ImageHardening, "addCapabilities" | "untouched">>> = {
    // NVIDIA's DCGM exporter reads GPU profiling metrics with SYS_ADMIN (FACTS.md, the vendor's FAQ: root).
    dcgmExporter: { addCapabilities: ["SYS_ADMIN"] },
    datadog: {
        addCapabilities: [],
        untouched:
            "the vendor documents the Datadog agent as privileged; the capabilities and syscalls its other containers need " +
            "are not documented, so none are taken away",
    },
};

/**
 * The plan for every chart image: its user from the lock's recorded image config (`recordedUser(component)`,
 * undefined when not recorded) or the vendor's documentation (images/users.ts).
 */
export function chartHardening(
    recordedUser: (component: string) => string | undefined,
    apply: readonly Hardening[] = HARDENINGS,
): ChartHardening {
    return {
        apply,
        images: CHART_IMAGES.map((image) => ({
            component: image.component,
            repository: image.repository,
            runAs: runAsFor(image.component, recordedUser(image.component)),
            addCapabilities: COMPONENT_NEEDS[image.component]?.addCapabilities ?? [],
            untouched: COMPONENT_NEEDS[image.component]?.untouched,
        })),
    };
}

/**
 * Each image the hardening does not run as a non-root user, saying why; `expected` when the vendor documents it (the
 * host agents the pack's exceptions cover), else the pack will stop the deploy on it.
 */
export function notForced(plan: ChartHardening): { message: string; expected: boolean }[] {
    return plan.images.flatMap((image) => {
        const expected = image.untouched !== undefined || DOCUMENTED_USERS[image.component]?.root === true;
        if (image.untouched) {
            return [{ message: `${image.repository}: left as the chart renders it: ${image.untouched}`, expected }];
        }
        if (image.runAs.kind !== "user") {
            return [{ message: `${image.repository}: not run as a non-root user: ${image.runAs.why}`, expected }];
        }
        return [];
    });
}

/** `public.ecr.aws/nops/opencost:1.111.0@sha256:…` → `public.ecr.aws/nops/opencost`. */
export function repositoryOf(image: string): string {
    const name = image.split("@")[0];
    const slash = name.lastIndexOf("/");
    const colon = name.lastIndexOf(":");
    return colon > slash ? name.slice(0, colon) : name;
}

type Obj = Record<string, unknown>;
const record = (value: unknown): Obj => (isPlainObject(value) ? value : {});
const CONTAINER_LISTS = ["initContainers", "containers"] as const;
/** Volume sources a container may write to; with fsGroup their files belong to the pod's group. */
const WRITABLE_VOLUMES = ["persistentVolumeClaim", "emptyDir", "ephemeral"];

function imageOf(plan: ChartHardening, container: Obj): ImageHardening | undefined {
    return typeof container.image === "string"
        ? plan.images.find((i) => i.repository === repositoryOf(container.image as string))
        : undefined;
}

/** The user a container ends up with, or undefined when it is root or not known (never forced). */
function userOf(
    plan: ChartHardening,
    pod: Obj,
    container: Obj,
): { uid: number; gid: number; set: boolean } | undefined {
    const own = record(container.securityContext);
    const podSc = record(pod.securityContext);
    if ((own.runAsNonRoot ?? podSc.runAsNonRoot) === false) {
        return undefined;
    }
    const explicit = own.runAsUser ?? podSc.runAsUser;
    if (typeof explicit === "number") {
        const gid = own.runAsGroup ?? podSc.runAsGroup;
        return explicit === 0
            ? undefined
            : { uid: explicit, gid: typeof gid === "number" ? gid : explicit, set: false };
    }
    const runAs = imageOf(plan, container)?.runAs;
    return runAs?.kind === "user" ? { uid: runAs.uid, gid: runAs.gid, set: true } : undefined;
}

const SYS_ADMIN = new Set(["SYS_ADMIN", "CAP_SYS_ADMIN"]);

function hardenContainer(plan: ChartHardening, pod: Obj, container: Obj): Obj {
    const apply = new Set(plan.apply);
    const sc: Obj = { ...record(container.securityContext) };
    const image = imageOf(plan, container);
    if (apply.has("runAsNonRoot")) {
        const user = userOf(plan, pod, container);
        const podSc = record(pod.securityContext);
        if (user && sc.runAsNonRoot === undefined && podSc.runAsNonRoot !== false) {
            sc.runAsNonRoot = true;
        }
        if (user?.set) {
            sc.runAsUser = user.uid;
            sc.runAsGroup ??= podSc.runAsGroup ?? user.gid;
        }
    }
    if (apply.has("capabilities")) {
        const capabilities = record(sc.capabilities);
        const drop = Array.isArray(capabilities.drop) ? (capabilities.drop as unknown[]) : [];
        const add = Array.isArray(capabilities.add) ? (capabilities.add as unknown[]) : [];
        const added = [...add, ...(image?.addCapabilities ?? []).filter((c) => !add.includes(c))];
        sc.capabilities = {
            ...capabilities,
            drop: drop.includes("ALL") ? drop : [...drop, "ALL"],
            ...(added.length > 0 ? { add: added } : {}),
        };
    }
    if (apply.has("allowPrivilegeEscalation") && sc.allowPrivilegeEscalation === undefined) {
        const adds = record(sc.capabilities).add;
        const sysAdmin = Array.isArray(adds) && adds.some((c) => SYS_ADMIN.has(String(c)));
        // The API server rejects allowPrivilegeEscalation: false on a privileged container; SYS_ADMIN allows escalation anyway.
        if (sc.privileged !== true && !sysAdmin) {
            sc.allowPrivilegeEscalation = false;
        }
    }
    return { ...container, securityContext: sc };
}

/** The pod spec hardened by the plan; unchanged when one of its images is to be left untouched. */
export function hardenPodSpec(spec: Obj, plan: ChartHardening): Obj {
    const containers = CONTAINER_LISTS.flatMap((list) =>
        Array.isArray(spec[list]) ? (spec[list] as unknown[]).map(record) : [],
    );
    if (containers.some((c) => imageOf(plan, c)?.untouched)) {
        return spec;
    }
    const apply = new Set(plan.apply);
    const podSc: Obj = { ...record(spec.securityContext) };
    const users = containers.map((c) => userOf(plan, spec, c));
    if (apply.has("runAsNonRoot") && containers.length > 0 && users.every((u) => u !== undefined)) {
        podSc.runAsNonRoot ??= true;
    }
    if (apply.has("seccomp") && podSc.seccompProfile === undefined) {
        podSc.seccompProfile = { type: "RuntimeDefault" };
    }
    if (apply.has("fsGroup") && podSc.fsGroup === undefined) {
        const writable = new Set(
            (Array.isArray(spec.volumes) ? (spec.volumes as unknown[]) : [])
                .map(record)
                .filter((v) => WRITABLE_VOLUMES.some((type) => v[type] !== undefined))
                .map((v) => v.name),
        );
        const writers = containers.flatMap((c, i) =>
            (Array.isArray(c.volumeMounts) ? (c.volumeMounts as unknown[]) : [])
                .map(record)
                .some((m) => writable.has(m.name) && m.readOnly !== true)
                ? [users[i]]
                : [],
        );
        const groups = new Set(writers.map((u) => u?.gid));
        if (writers.length > 0 && groups.size === 1 && !groups.has(undefined)) {
            podSc.fsGroup = [...groups][0];
        }
    }
    const hardened: Obj = { ...spec, securityContext: podSc };
    for (const list of CONTAINER_LISTS) {
        if (Array.isArray(spec[list])) {
            hardened[list] = (spec[list] as unknown[]).map((c) => hardenContainer(plan, spec, record(c)));
        }
    }
    return hardened;
}

/** Where the built-in workload kinds keep their pod spec. */
const POD_SPEC_PATHS: Readonly<Record<string, string[]>> = {
    Pod: ["spec"],
    Deployment: ["spec", "template", "spec"],
    StatefulSet: ["spec", "template", "spec"],
    DaemonSet: ["spec", "template", "spec"],
    ReplicaSet: ["spec", "template", "spec"],
    Job: ["spec", "template", "spec"],
    CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** A path's value replaced, copying only the objects along the path (the rest, Outputs included, is shared). */
function updateAt(value: Obj, path: string[], update: (spec: Obj) => Obj): Obj {
    const [key, ...rest] = path;
    const child = value[key];
    if (!isPlainObject(child)) {
        return value;
    }
    return { ...value, [key]: rest.length === 0 ? update(child) : updateAt(child, rest, update) };
}

/** A Kubernetes object of this kind hardened by the plan; kinds without a pod spec come back unchanged. */
export function hardenObject(kind: string, object: Obj, plan: ChartHardening): Obj {
    const path = POD_SPEC_PATHS[kind];
    return path ? updateAt(object, path, (spec) => hardenPodSpec(spec, plan)) : object;
}

/** `kubernetes:apps/v1:Deployment` → `Deployment`. */
const kindOf = (type: string) => /^kubernetes:[^:]+:([A-Za-z0-9]+)$/.exec(type)?.[1];

/** The transform for the chart's `transforms` option: hardens each rendered workload as the engine registers it. */
export function hardeningTransform(plan: ChartHardening): pulumi.ResourceTransform {
    return (args) => {
        const kind = kindOf(args.type);
        if (!kind || !POD_SPEC_PATHS[kind]) {
            return undefined;
        }
        return { props: hardenObject(kind, args.props, plan), opts: args.opts };
    };
}
