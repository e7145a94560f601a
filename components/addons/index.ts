/**
 * The add-ons of one cluster, installed by its ClusterAgent (components/cluster/clusterAgent.ts) with the cluster's
 * Kubernetes provider. An add-on is installed exactly when its entry is present.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DiscoveredCluster } from "../cluster/types";
import { ADDON_NAMES, AddonName } from "./types";
import { FargateInsights, FargateInsightsAddon } from "./fargateInsights";
import { CniMetrics, CniMetricsArgs } from "./cniMetrics";

export { ADDON_NAMES, AddonName } from "./types";
export { addonFilterReason } from "./selection";

/** Per add-on, what it needs in one cluster; absent: not installed there. */
export interface ClusterAddons {
    /** The cni-metrics-helper (components/addons/cniMetrics*.ts). */
    cniMetrics?: CniMetricsArgs;
    /** Filled by the Fargate Container Insights add-on (components/addons/fargate*.ts). */
    fargateInsights?: FargateInsightsAddon;
}

/** The add-ons a cluster gets, in ADDON_NAMES order: what the `clusters` output lists. */
export function addonNames(addons: ClusterAddons | undefined): AddonName[] {
    return ADDON_NAMES.filter((name) => addons?.[name] !== undefined);
}

export interface AddonContext {
    cluster: DiscoveredCluster;
    /** The cluster's Kubernetes provider (owned by the ClusterAgent). */
    provider: k8s.Provider;
}

/**
 * Registers each present add-on's component as a child of `parent` (the ClusterAgent), named after it, and returns
 * them. Each add-on adds its line here.
 */
export function installAddons(
    name: string,
    addons: ClusterAddons | undefined,
    context: AddonContext,
    parent: pulumi.Resource,
): pulumi.Resource[] {
    const installed: pulumi.Resource[] = [];
    if (addons?.fargateInsights) {
        installed.push(
            new FargateInsights(`${name}-fargate-insights`, { ...addons.fargateInsights, ...context }, { parent }),
        );
    }
    if (addons?.cniMetrics) {
        installed.push(new CniMetrics(`${name}-cni-metrics`, addons.cniMetrics, context, { parent }));
    }
    return installed;
}
