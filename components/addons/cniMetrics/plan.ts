/**
 * Which clusters get the cni-metrics-helper and what each needs: the stack's boundary, the alarm topic of each region
 * with alarmed clusters, the role name, the image of the cluster's region (pinned by the images lock) and its identity.
 */
import * as pulumi from "@pulumi/pulumi";
import { ClusterIdentity } from "../../../common/identity";
import { addonRoleName } from "../../../common/naming";
import { CNI_METRICS_ROLE_PURPOSE } from "./naming";
import { OwnConfig } from "../contract";
import { cniMetricsConfig } from "./config";
import { ImageLock } from "../../../images/lock";
import { LOCK_FILE, UNPINNED_WARNING, allowUnpinnedHint, pinAddonImage } from "../../../images/pin";
import { DiscoveredCluster } from "../../cluster/types";
import { AlarmTopic } from "./alarmTopic";
import { CniMetricsArgs } from "./deployer";
import { CniMetricsBoundary } from "./boundary";
import { CNI_METRICS_TAG, cniMetricsRepository } from "./image";
import { addonFilterReason } from "../selection";
import { errorMessage } from "../../../common/errors";

export type CniMetricsOptions = OwnConfig<typeof cniMetricsConfig>["addons"]["cniMetrics"];

export interface CniMetricsFleetArgs {
    options: CniMetricsOptions;
    stackName: string;
    stackId: string;
    accountId: string;
    partition: string;
    tags: Record<string, string>;
    imageLock: ImageLock;
    allowUnpinnedImages: boolean;
    /** The clusters that get the agent, with the identity each got. */
    clusters: Array<{ cluster: DiscoveredCluster; identity: ClusterIdentity }>;
}

/** Why a cluster that gets the agent gets no helper, or undefined when it gets one. */
export function cniMetricsSkipReason(
    options: CniMetricsOptions,
    cluster: DiscoveredCluster,
    identity: ClusterIdentity,
): string | undefined {
    if (!options.enabled) {
        return "addons.cniMetrics.enabled is false";
    }
    const filtered = addonFilterReason("cniMetrics", cluster, options);
    if (filtered) {
        return filtered;
    }
    if (identity === "iamUser") {
        // The only credentials would be long-lived keys in the cluster, which the stack never puts there for an add-on.
        return "identityMode iamUser: the helper needs an IRSA role or a Pod Identity association, and no access key is put in the cluster for it";
    }
    if (identity === "irsa" && !cluster.oidcIssuer) {
        return "its OIDC issuer is not known (the cluster could not be read and the last deploy did not record it), so its IRSA role cannot be written";
    }
    return undefined;
}

/** The helper's args per cluster key (`<region>/<name>`), and a warning per cluster left out for a reason worth saying. */
export function planCniMetrics(args: CniMetricsFleetArgs): {
    byCluster: Map<string, CniMetricsArgs>;
    warnings: string[];
} {
    const byCluster = new Map<string, CniMetricsArgs>();
    const warnings: string[] = [];
    const { options } = args;
    if (!options.enabled) {
        return { byCluster, warnings };
    }
    const chosen: Array<{ cluster: DiscoveredCluster; identity: ClusterIdentity }> = [];
    const unknownRegions: string[] = [];
    for (const entry of args.clusters) {
        const reason = cniMetricsSkipReason(options, entry.cluster, entry.identity);
        if (reason === undefined) {
            chosen.push(entry);
        } else if (!reason.startsWith("matches no addons.") && !reason.startsWith("excluded by addons.")) {
            warnings.push(`cluster ${entry.cluster.name} (${entry.cluster.region}): no cni-metrics-helper: ${reason}`);
        }
    }
    for (const { cluster } of chosen) {
        try {
            cniMetricsRepository(cluster.region);
        } catch (error) {
            unknownRegions.push(errorMessage(error));
        }
    }
    if (unknownRegions.length > 0) {
        throw new pulumi.RunError([...new Set(unknownRegions)].join("\n"));
    }
    const unpinned = new Set<string>();
    // Each region's repository is pinned on its own: the same tag is a separate image (and digest) in each registry.
    const image = (region: string) => {
        const pinned = pinAddonImage(
            { addon: "cniMetrics", repository: cniMetricsRepository(region), tag: CNI_METRICS_TAG },
            args.imageLock,
            true,
        );
        if (pinned.unpinned) {
            unpinned.add(pinned.unpinned);
        }
        return pinned.reference;
    };
    const regions = [...new Set(chosen.map((c) => c.cluster.region))].sort();
    const images = new Map(regions.map((region) => [region, image(region)]));
    if (unpinned.size > 0) {
        if (!args.allowUnpinnedImages) {
            const missing = regions.filter((region) =>
                unpinned.has(`${cniMetricsRepository(region)}:${CNI_METRICS_TAG}`),
            );
            throw new pulumi.RunError(
                `the cni-metrics-helper image is not pinned by digest in ${LOCK_FILE}: ${[...unpinned].sort().join(", ")}. ` +
                    `Run npm run images:lock -- --cni-metrics-regions ${missing.join(",")} (AWS credentials needed: these are private ECR registries) and commit the lock, ` +
                    allowUnpinnedHint("it"),
            );
        }
        pulumi.log.warn(`${UNPINNED_WARNING}: ${[...unpinned].sort().join(", ")}`);
    }
    if (chosen.length === 0) {
        return { byCluster, warnings };
    }
    const boundary = new CniMetricsBoundary("cni-metrics-boundary", { stackName: args.stackName, tags: args.tags });
    const topics = new Map<string, pulumi.Input<string>>();
    const topicFor = (region: string): pulumi.Input<string> => {
        if (options.alarmTopicArn) {
            return options.alarmTopicArn;
        }
        if (!topics.has(region)) {
            const topic = new AlarmTopic(`alarms-${region}`, {
                stackName: args.stackName,
                accountId: args.accountId,
                partition: args.partition,
                region,
                email: options.alarmEmail,
                tags: args.tags,
            });
            topics.set(region, topic.topicArn);
        }
        return topics.get(region)!;
    };
    for (const { cluster, identity } of chosen) {
        byCluster.set(`${cluster.region}/${cluster.name}`, {
            stackName: args.stackName,
            stackId: args.stackId,
            accountId: args.accountId,
            partition: args.partition,
            identity: identity === "irsa" ? { kind: "irsa", oidcIssuer: cluster.oidcIssuer! } : { kind: "podIdentity" },
            roleName: addonRoleName(CNI_METRICS_ROLE_PURPOSE, cluster.name, cluster.region),
            boundaryPolicyArn: boundary.policyArn,
            image: images.get(cluster.region)!,
            alarm:
                options.freeIpAlarmPercent > 0
                    ? { freeIpPercent: options.freeIpAlarmPercent, topicArn: topicFor(cluster.region) }
                    : undefined,
            tags: args.tags,
        });
    }
    return { byCluster, warnings };
}
