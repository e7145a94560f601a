/**
 * Which numeric user each chart image runs as, decided in one place from what the image's OCI config says (recorded in
 * the lock by `npm run images:lock`) and, until then, from what the vendor documents. The kubelet refuses to start a
 * container with `runAsNonRoot: true` whose image user is root or a name (not a number) unless `runAsUser` is set, so a
 * hardened pod always gets a numeric user; an image that is root, or whose user is not known, is never forced.
 */

/** An OCI image config's `User` ("", "name", "uid", "name:group", "uid:gid"), split; undefined parts are absent. */
export interface OciUser {
    user: string;
    group?: string;
}

export function parseOciUser(value: string): OciUser {
    const colon = value.indexOf(":");
    return colon < 0 ? { user: value } : { user: value.slice(0, colon), group: value.slice(colon + 1) };
}

const numeric = (value: string | undefined) => (value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined);

/** Root as the runtime reads it: no user at all (the runtime's default), `root`, or uid 0. */
export const isRootUser = (user: OciUser) => user.user === "" || user.user === "root" || numeric(user.user) === 0;

/** What the vendor documents about one component's user, quoted in docs/policy-pack.md. */
export interface DocumentedUser {
    /** As the vendor words it. */
    says: string;
    /** The numeric user and group it means, when it names one; absent when the documentation gives no number. */
    uid?: number;
    gid?: number;
    /** The image is root and the component needs it. */
    root?: boolean;
}

/**
 * The vendor's FAQ ("Do containers run as root?", nops-container-insights-overview, /work/shared/reference): "Most
 * containers run as nobody with the exception of the datadog agent, which is non root but privileged, and the DCGM
 * exporter which runs as root." `nobody` is uid and gid 65534 in the Debian, Alpine and busybox bases these images use.
 * This is documentation, not a reading of the images: `npm run images:lock` records each image's own user.
 */
export const VENDOR_FAQ = 'nOps Container Insights FAQ, "Do containers run as root?"';
const NOBODY: DocumentedUser = { says: "runs as nobody", uid: 65534, gid: 65534 };

export const DOCUMENTED_USERS: Readonly<Record<string, DocumentedUser>> = {
    autoUpdater: NOBODY,
    busybox: NOBODY,
    configReloader: NOBODY,
    containerInsights: NOBODY,
    dataFetcher: NOBODY,
    heartbeat: NOBODY,
    karpenops: NOBODY,
    kubeStateMetrics: NOBODY,
    nodeExporter: NOBODY,
    opencost: NOBODY,
    prometheus: NOBODY,
    datadog: { says: "non root but privileged (no user named)" },
    dcgmExporter: { says: "runs as root", root: true },
};

/**
 * Images whose own config is root but whose job in this chart needs no root: run as the given user anyway, said per
 * image at every deploy. Nothing else is ever forced over an image's root user.
 */
export const NON_ROOT_DESPITE_IMAGE: Readonly<Record<string, { uid: number; gid: number; why: string }>> = {
    busybox: {
        uid: 65534,
        gid: 65534,
        why:
            "the busybox image has no USER (root), but the log cleaner only deletes Prometheus's old WAL files, which " +
            "Prometheus writes as 65534 on a volume owned by fsGroup 65534; the vendor's FAQ says it runs as nobody",
    },
};

/** How one image runs: as a numeric non-root user (forced), or left as the image has it (root, or not known). */
export type RunAs =
    | { kind: "user"; uid: number; gid: number; source: string }
    | { kind: "root"; why: string }
    | { kind: "unknown"; why: string };

/**
 * The user to run a component's image as. `recorded` is the image config's `User` from the lock (undefined: not
 * recorded yet). Precedence: an explicit override of a root image, then the recorded user, then the vendor's
 * documentation; a root or unknown user is never forced.
 */
export function runAsFor(component: string, recorded: string | undefined): RunAs {
    const documented = DOCUMENTED_USERS[component];
    const override = NON_ROOT_DESPITE_IMAGE[component];
    if (recorded === undefined) {
        if (override) {
            return { kind: "user", uid: override.uid, gid: override.gid, source: `override: ${override.why}` };
        }
        if (documented?.root) {
            return { kind: "root", why: `the vendor documents that it ${documented.says} (${VENDOR_FAQ})` };
        }
        if (documented?.uid !== undefined) {
            return {
                kind: "user",
                uid: documented.uid,
                gid: documented.gid ?? documented.uid,
                source: `vendor documentation, not read from the image: ${documented.says} (${VENDOR_FAQ})`,
            };
        }
        return {
            kind: "unknown",
            why: `its user is not recorded in the images lock (npm run images:lock) and the vendor documents none${documented ? ` (${documented.says})` : ""}`,
        };
    }
    const user = parseOciUser(recorded);
    if (isRootUser(user)) {
        if (override) {
            return { kind: "user", uid: override.uid, gid: override.gid, source: `override: ${override.why}` };
        }
        return { kind: "root", why: `its image config's User is ${JSON.stringify(recorded)} (root)` };
    }
    const uid = numeric(user.user);
    const source = `image config User ${JSON.stringify(recorded)}`;
    if (uid !== undefined) {
        return { kind: "user", uid, gid: numeric(user.group) ?? uid, source };
    }
    if (documented?.uid !== undefined && documented.says.includes(user.user)) {
        return {
            kind: "user",
            uid: documented.uid,
            gid: documented.gid ?? documented.uid,
            source: `${source}, numbered as the vendor documents it (${VENDOR_FAQ})`,
        };
    }
    return {
        kind: "unknown",
        why: `its image config's User ${JSON.stringify(recorded)} is a name the kubelet cannot check as non-root, and no number is documented for it`,
    };
}
