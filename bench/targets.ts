/** What the reconciler benchmark promises, checked on its own figures. Pure, so a test can feed it bad figures. */

export interface Figures {
    calls: number;
    /** IAM writes the account accepted. */
    writes: number;
    ms: number;
    failed: number;
    deferred: number;
}

export interface CaseFigures {
    /** The identity mode the fleet runs in; IRSA when absent. The vendor's figures are always its IRSA run's. */
    mode?: "irsa" | "podIdentity";
    regions: number;
    clusters: number;
    run: "first" | "steady";
    /** 1-based; the 1,000-cluster case runs several times with different jitter. */
    repetition: number;
    /** Seed of this repetition's back-off jitter: rerun with `--seed <seed> --repeat 1` to replay it. */
    seed: number;
    ours: Figures;
    vendor: Figures;
    /** Time our accepted writes need at the account's write quota. */
    lowerBoundMs: number;
}

export interface TargetCheck {
    target: string;
    pass: boolean;
    detail: string;
}

export const BOUND_FACTOR = 1.25;
export const BOUNDED_CLUSTERS = 1000;

export function checkTargets(all: CaseFigures[]): TargetCheck[] {
    const cases = all.filter((c) => (c.mode ?? "irsa") === "irsa");
    const first = cases.filter((c) => c.run === "first");
    const steady = cases.filter((c) => c.run === "steady");
    const where = (list: CaseFigures[]) =>
        list.map((c) => `${c.clusters} clusters #${c.repetition}`).join(", ") || "none";

    const failing = first.filter((c) => c.ours.failed > 0);
    const writing = steady.filter((c) => c.ours.writes > 0);
    const bounded = first.filter((c) => c.clusters === BOUNDED_CLUSTERS);
    const worstRatio = Math.max(...bounded.map((c) => (c.lowerBoundMs > 0 ? c.ours.ms / c.lowerBoundMs : Infinity)));
    const chatty = steady.filter((c) => c.ours.calls * 3 > c.vendor.calls);
    return [
        {
            target: "first run: 0 failed in every repetition",
            pass: first.length > 0 && failing.length === 0,
            detail: `failed in: ${where(failing)}`,
        },
        {
            target: "steady run: 0 writes in every repetition",
            pass: steady.length > 0 && writing.length === 0,
            detail: `writes in: ${where(writing)}`,
        },
        {
            target: `first run at ${BOUNDED_CLUSTERS.toLocaleString("en-US")} clusters: within ${BOUND_FACTOR}x the write-rate bound`,
            pass: bounded.length > 0 && worstRatio <= BOUND_FACTOR,
            detail: `worst ${bounded.length > 0 ? worstRatio.toFixed(2) : "-"}x over ${bounded.length} repetitions`,
        },
        {
            target: "steady run: at most a third of the vendor's calls",
            pass: steady.length > 0 && chatty.length === 0,
            detail: `worst ${Math.max(...steady.map((c) => c.ours.calls / c.vendor.calls)).toFixed(2)}; above a third in: ${where(chatty)}`,
        },
    ];
}

/**
 * EKS Pod Identity: one association per cluster and no IAM write at all, so the first run is one EKS write per
 * cluster; a steady run reads each cluster and its association (DescribeCluster, ListPodIdentityAssociations,
 * DescribePodIdentityAssociation), against the vendor's IRSA run on the same fleet.
 */
export function checkPodIdentityTargets(all: CaseFigures[]): TargetCheck[] {
    const cases = all.filter((c) => c.mode === "podIdentity");
    const where = (list: CaseFigures[]) =>
        list.map((c) => `${c.clusters} clusters #${c.repetition}`).join(", ") || "none";
    const first = cases.filter((c) => c.run === "first");
    const steady = cases.filter((c) => c.run === "steady");
    const offFirst = first.filter((c) => c.ours.failed > 0 || c.ours.deferred > 0 || c.ours.writes !== c.clusters);
    const writing = steady.filter((c) => c.ours.writes > 0);
    const chatty = steady.filter((c) => c.ours.calls * 2 > c.vendor.calls);
    return [
        {
            target: "Pod Identity first run: 0 failed, one write per cluster",
            pass: first.length > 0 && offFirst.length === 0,
            detail: `off in: ${where(offFirst)}`,
        },
        {
            target: "Pod Identity steady run: 0 writes",
            pass: steady.length > 0 && writing.length === 0,
            detail: `writes in: ${where(writing)}`,
        },
        {
            target: "Pod Identity steady run: at most half the vendor's (IRSA) calls",
            pass: steady.length > 0 && chatty.length === 0,
            detail: `worst ${steady.length > 0 ? Math.max(...steady.map((c) => c.ours.calls / c.vendor.calls)).toFixed(2) : "-"}; above half in: ${where(chatty)}`,
        },
    ];
}
