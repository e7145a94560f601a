import { ClusterFilters, filterReason } from "../../common/selection";
import { DiscoveredCluster } from "./types";

export interface Selection {
    selected: DiscoveredCluster[];
    skipped: Array<{ cluster: DiscoveredCluster; reason: string }>;
}

/** Why a cluster gets no agent, or undefined when it gets one. */
export function skipReason(cluster: DiscoveredCluster, filters: ClusterFilters, irsa: boolean): string | undefined {
    const filtered = filterReason(cluster, filters);
    if (filtered) {
        return filtered;
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
