/**
 * The cni-metrics-helper over the planned fleet: its stack-level resources and each cluster's entry. Loaded when the
 * program plans (index.ts), so reading the add-on's config does not load the providers.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Addon } from "../contract";
import type { cniMetricsConfig } from "./config";
import { CniMetrics } from "./deployer";
import { planCniMetrics } from "./plan";

/** The add-on's plan over the fleet (Addon.plan). */
export const planCniMetricsFleet: Addon<typeof cniMetricsConfig>["plan"] = async (fleet) => {
    const { settings } = fleet;
    const planned = planCniMetrics({
        options: settings.addons.cniMetrics,
        stackName: settings.stackName,
        stackId: settings.stackId,
        accountId: fleet.account.accountId,
        partition: fleet.account.partition,
        tags: fleet.tags,
        imageLock: fleet.imageLock,
        allowUnpinnedImages: settings.agent.allowUnpinnedImages,
        clusters: fleet.agents.map(({ cluster }) => ({ cluster, identity: fleet.identityOf(cluster) })),
    });
    planned.warnings.forEach((warning) => pulumi.log.warn(warning));
    return {
        forCluster(cluster) {
            const args = planned.byCluster.get(`${cluster.region}/${cluster.name}`);
            return args
                ? {
                      installer: {
                          addon: "cniMetrics",
                          install: (name, context, parent) =>
                              new CniMetrics(`${name}-cni-metrics`, args, context, { parent }),
                      },
                  }
                : {};
        },
    };
};
