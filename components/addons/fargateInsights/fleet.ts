/**
 * Container Insights for EKS Fargate over the planned fleet: what it reads before registering, its stack-level
 * boundary, and each cluster's entry. Loaded when the program plans (index.ts), so reading the add-on's config does
 * not load the providers.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { addonBoundaryName } from "../../../common/naming";
import { collectorBoundaryPolicy } from "./documents";
import { Check, oidcProviderCheck } from "../../cluster/checks";
import { DiscoveredCluster } from "../../cluster/types";
import type { Addon } from "../contract";
import type { fargateInsightsConfig } from "./config";
import { FargateInsights, FargateInsightsAddon } from "./deployer";
import { COLLECTOR_ROLE_PURPOSE } from "./naming";
import { FargateAgent, FargateDecision, FargateInsightsOptions, fargateStatus, planFargateInsights } from "./plan";
import { FargateInsightsStatus } from "./status";
import { FargateProfileLookup } from "./profiles";
import { classifySubnets } from "./privateSubnets";
import { performanceLogGroupLookup } from "./performanceLogGroup";
import { performanceLogGroupName } from "./naming";

interface FargateContext {
    decisions: Map<string, FargateDecision>;
    /** The collector image, pinned. */
    image: string;
    account: { accountId: string; partition: string };
    stackName: string;
    logRetentionDays: number;
    tags: Record<string, string>;
    /** The collector roles' permissions boundary (one managed policy per stack). */
    collectorBoundaryArn: pulumi.Input<string>;
}

/** Decides, before anything is registered, which agent clusters get the add-on (undefined while it is off). */
async function resolveFargateInsights(args: {
    options: FargateInsightsOptions;
    agents: FargateAgent[];
    oidcChecks: Map<string, Check>;
    profiles?: FargateProfileLookup;
    image?: string;
    account: { accountId: string; partition: string };
    stackName: string;
    /** The value of the stack's ownership tag (an existing performance log group with it is the stack's own). */
    stackId: string;
    tags: Record<string, string>;
}): Promise<FargateContext | undefined> {
    if (!args.options.enabled || !args.image) {
        return undefined;
    }
    const decisions = await planFargateInsights({
        options: args.options,
        agents: args.agents,
        oidcChecks: args.oidcChecks,
        lookups: {
            profiles: args.profiles,
            oidcProvider: (issuer) => oidcProviderCheck(issuer, args.account),
            subnets: classifySubnets,
            logGroup: performanceLogGroupLookup(args.stackId),
        },
    });
    const boundary = new aws.iam.Policy("fargate-collector-boundary", {
        name: addonBoundaryName(args.stackName, COLLECTOR_ROLE_PURPOSE),
        description: "Permissions boundary of the container insights Fargate ADOT collector roles",
        policy: JSON.stringify(collectorBoundaryPolicy(args.account)),
        tags: args.tags,
    });
    return {
        decisions,
        image: args.image,
        account: args.account,
        stackName: args.stackName,
        logRetentionDays: args.options.logRetentionDays,
        tags: args.tags,
        collectorBoundaryArn: boundary.arn,
    };
}

/** One cluster's add-on arguments (when it gets the add-on) and its `clusters` output entry; says why not when it matters. */
function fargateInsightsFor(
    context: FargateContext | undefined,
    cluster: Pick<DiscoveredCluster, "name" | "region">,
): { addon?: FargateInsightsAddon; status?: FargateInsightsStatus } {
    const decision = context?.decisions.get(`${cluster.region}/${cluster.name}`);
    if (!context || !decision) {
        return {};
    }
    const where = `cluster ${cluster.name} (${cluster.region})`;
    if (decision.status === "skipped") {
        const message = `${where}: no Container Insights for Fargate: ${decision.reason}`;
        if (decision.warn) {
            pulumi.log.warn(message);
        } else {
            pulumi.log.info(message);
        }
        return { status: fargateStatus(decision) };
    }
    if (decision.reason) {
        pulumi.log.warn(`${where}: ${decision.reason}`);
    }
    if (decision.record.existingLogGroup) {
        pulumi.log.warn(
            `${where}: the log group ${performanceLogGroupName(cluster.name)} exists and is not this stack's (the amazon-cloudwatch-observability ` +
                "add-on or a manual setup made it): the collector writes to it; the program neither changes its retention nor deletes it",
        );
    }
    return {
        addon: {
            account: context.account,
            stackName: context.stackName,
            oidcIssuer: decision.record.oidcIssuer,
            subnetIds: decision.record.subnetIds,
            logRetentionDays: context.logRetentionDays,
            image: context.image,
            tags: context.tags,
            collectorBoundaryArn: context.collectorBoundaryArn,
            manageLogGroup: !decision.record.existingLogGroup,
        },
        status: fargateStatus(decision),
    };
}

/** The add-on's plan over the fleet (Addon.plan). */
export const planFargateFleet: Addon<typeof fargateInsightsConfig>["plan"] = async (fleet) => {
    const { settings } = fleet;
    const context = await resolveFargateInsights({
        options: settings.addons.fargateInsights,
        agents: fleet.agents,
        oidcChecks: fleet.oidcChecks,
        profiles: fleet.reads.fargateProfiles,
        image: fleet.images.adotCollector,
        account: fleet.account,
        stackName: settings.stackName,
        stackId: settings.stackId,
        tags: fleet.tags,
    });
    return {
        forCluster(cluster) {
            const { addon, status } = fargateInsightsFor(context, cluster);
            return {
                ...(status ? { status: { fargateInsights: status } } : {}),
                ...(addon
                    ? {
                          installer: {
                              addon: "fargateInsights",
                              install: (name, install, parent) =>
                                  new FargateInsights(`${name}-fargate-insights`, { ...addon, ...install }, { parent }),
                          },
                      }
                    : {}),
            };
        },
    };
};
