/**
 * Which clusters the stack onboards, by name globs and tags. The program (installing the agent) and the reconciler
 * (creating the agents' roles) both decide with this one function, so they can never disagree.
 */
import { minimatch } from "minimatch";

/** `clusters.include` / `clusters.exclude` / `clusters.tags` as the config validates them. */
export interface ClusterFilters {
    /** Name globs; empty means every cluster. */
    include: string[];
    /** Name globs that win over `include`. */
    exclude: string[];
    /** Tags a cluster must carry, all of them, with exactly these values. */
    tags: Record<string, string>;
}

export const NO_FILTERS: ClusterFilters = { include: [], exclude: [], tags: {} };

/**
 * Why the filters leave a cluster out, or undefined when they select it. `keyPrefix` names the config object the
 * globs come from in the reason (`addons.cniMetrics` for an add-on's globs).
 */
export function filterReason(
    cluster: { name: string; tags?: Record<string, string> },
    filters: ClusterFilters,
    keyPrefix = "clusters",
): string | undefined {
    const excludedBy = filters.exclude.find((glob) => minimatch(cluster.name, glob));
    if (excludedBy) {
        return `excluded by ${keyPrefix}.exclude pattern ${excludedBy}`;
    }
    if (filters.include.length > 0 && !filters.include.some((glob) => minimatch(cluster.name, glob))) {
        return `matches no ${keyPrefix}.include pattern (${filters.include.join(", ")})`;
    }
    const tags = cluster.tags ?? {};
    for (const [key, value] of Object.entries(filters.tags)) {
        if (tags[key] !== value) {
            return `tag ${key} is ${tags[key] === undefined ? "missing" : `"${tags[key]}"`}, clusters.tags wants "${value}"`;
        }
    }
    return undefined;
}

/**
 * EKS statuses whose cluster gets neither agent nor role: it is not there yet, going away, or broken. An UPDATING
 * cluster keeps serving its API (version upgrades, config changes), so it keeps or gets both. Roles of selected
 * clusters in these states stay; the program keeps a FAILED cluster's agent if it had one.
 */
export const NOT_INSTALLED_STATUSES = ["CREATING", "DELETING", "FAILED", "PENDING"];

/** The stack's decision on one cluster: selected, or left out by the filters or for its status, with the reason. */
export type ClusterSelection = { selected: true } | { selected: false; filtered: boolean; reason: string };

/**
 * Whether the stack onboards a cluster now, decided once for the program and the reconciler: the filters first, then
 * its status. `hadAgent`: the last deploy installed the agent there, which a FAILED cluster keeps.
 */
export function selectCluster(
    cluster: { name: string; tags?: Record<string, string>; status: string },
    filters: ClusterFilters,
    hadAgent = false,
): ClusterSelection {
    const filtered = filterReason(cluster, filters);
    if (filtered) {
        return { selected: false, filtered: true, reason: filtered };
    }
    if (NOT_INSTALLED_STATUSES.includes(cluster.status) && !(cluster.status === "FAILED" && hadAgent)) {
        return { selected: false, filtered: false, reason: `cluster status is ${cluster.status}` };
    }
    return { selected: true };
}
