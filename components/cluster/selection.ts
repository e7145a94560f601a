import { ClusterFilters, selectCluster } from "../../common/selection";
import { DiscoveredCluster } from "./types";

/** Why a cluster gets no agent, or undefined when it gets one. `hadAgent`: the last deploy installed it. */
export function skipReason(
    cluster: DiscoveredCluster,
    filters: ClusterFilters,
    irsa: boolean,
    hadAgent = false,
): string | undefined {
    const selection = selectCluster(cluster, filters, hadAgent);
    if (!selection.selected) {
        return selection.reason;
    }
    if (irsa && !cluster.oidcIssuer) {
        return "cluster has no OIDC issuer, which IRSA needs (or use createIamUser)";
    }
    return undefined;
}
