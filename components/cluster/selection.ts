import { minimatch } from "minimatch";
import { ClusterFilters } from "../../config";
import { DiscoveredCluster } from "./types";

export interface Selection {
    selected: DiscoveredCluster[];
    skipped: Array<{ cluster: DiscoveredCluster; reason: string }>;
}

/** Why a cluster gets no agent, or undefined when it gets one. */
export function skipReason(cluster: DiscoveredCluster, filters: ClusterFilters, irsa: boolean): string | undefined {
    const excludedBy = filters.exclude.find((glob) => minimatch(cluster.name, glob));
    if (excludedBy) {
        return `excluded by clusters.exclude pattern ${excludedBy}`;
    }
    if (filters.include.length > 0 && !filters.include.some((glob) => minimatch(cluster.name, glob))) {
        return `matches no clusters.include pattern (${filters.include.join(", ")})`;
    }
    for (const [key, value] of Object.entries(filters.tags)) {
        if (cluster.tags[key] !== value) {
            return `tag ${key} is ${cluster.tags[key] === undefined ? "missing" : `"${cluster.tags[key]}"`}, clusters.tags wants "${value}"`;
        }
    }
    if (cluster.status !== "ACTIVE") {
        return `cluster status is ${cluster.status}, not ACTIVE`;
    }
    if (irsa && !cluster.oidcIssuer) {
        return "cluster has no OIDC issuer, which IRSA needs (or use createIamUser)";
    }
    return undefined;
}

export function selectClusters(clusters: DiscoveredCluster[], filters: ClusterFilters, irsa: boolean): Selection {
    const selection: Selection = { selected: [], skipped: [] };
    for (const cluster of clusters) {
        const reason = skipReason(cluster, filters, irsa);
        if (reason) {
            selection.skipped.push({ cluster, reason });
        } else {
            selection.selected.push(cluster);
        }
    }
    return selection;
}
