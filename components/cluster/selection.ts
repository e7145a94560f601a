import { ClusterFilters, NOT_INSTALLED_STATUSES, filterReason } from "../../common/selection";
import { DiscoveredCluster } from "./types";

export interface Selection {
    selected: DiscoveredCluster[];
    skipped: Array<{ cluster: DiscoveredCluster; reason: string }>;
}

/** Why a cluster gets no agent, or undefined when it gets one. `hadAgent`: the last deploy installed it. */
export function skipReason(
    cluster: DiscoveredCluster,
    filters: ClusterFilters,
    irsa: boolean,
    hadAgent = false,
): string | undefined {
    const filtered = filterReason(cluster, filters);
    if (filtered) {
        return filtered;
    }
    if (NOT_INSTALLED_STATUSES.includes(cluster.status) && !(cluster.status === "FAILED" && hadAgent)) {
        return `cluster status is ${cluster.status}`;
    }
    if (irsa && !cluster.oidcIssuer) {
        return "cluster has no OIDC issuer, which IRSA needs (or use createIamUser)";
    }
    return undefined;
}

export function selectClusters(
    clusters: DiscoveredCluster[],
    filters: ClusterFilters,
    irsa: boolean,
    hadAgent: (cluster: DiscoveredCluster) => boolean = () => false,
): Selection {
    const selection: Selection = { selected: [], skipped: [] };
    for (const cluster of clusters) {
        const reason = skipReason(cluster, filters, irsa, hadAgent(cluster));
        if (reason) {
            selection.skipped.push({ cluster, reason });
        } else {
            selection.selected.push(cluster);
        }
    }
    return selection;
}
