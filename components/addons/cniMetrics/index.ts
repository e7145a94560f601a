/** The cni-metrics-helper as an add-on (components/addons/contract.ts): its plan over the fleet and each cluster's entry. */
import * as pulumi from "@pulumi/pulumi";
import { Addon } from "../contract";
import { cniMetricsConfig } from "./config";
import { CniMetrics } from "./deployer";
import { cniMetricsDeployerPermissions } from "./permissions";
import { planCniMetrics } from "./plan";

export const cniMetrics: Addon<typeof cniMetricsConfig> = {
    config: cniMetricsConfig,
    async plan(fleet) {
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
    },
    permissions: cniMetricsDeployerPermissions,
};
