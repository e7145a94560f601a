/**
 * Which clusters get Container Insights for EKS Fargate this deploy, decided before anything is registered. Like the
 * agent (components/cluster/fleet.ts), nothing is removed on a transient problem: a cluster that had the add-on and
 * cannot be read now (its Fargate profiles, OIDC provider or subnets) keeps it as the last deploy recorded it; a
 * cluster that did not have it waits, with a warning.
 */
import { minimatch } from "minimatch";
import { AddonAgent, OwnConfig, StatusOf } from "../contract";
import { fargateInsightsConfig } from "./config";
import { limiter } from "../../../common/limit";
import { Check, eksctlOidcHint } from "../../cluster/checks";
import { DiscoveredCluster } from "../../cluster/types";
import { describeError } from "../../../common/errors";
import { FargateProfileLookup } from "./profiles";
import { addonFilterReason } from "../selection";
import { SubnetLookup } from "./privateSubnets";
import { LogGroupLookup } from "./performanceLogGroup";
import { performanceLogGroupName } from "./naming";
import { FargateInsightsRecord, FargateInsightsStatus } from "./status";

export type FargateInsightsOptions = OwnConfig<typeof fargateInsightsConfig>["addons"]["fargateInsights"];

/** An agent cluster, whose line of the last deploy's output may have the add-on's entry. */
export type FargateAgent = AddonAgent<StatusOf<typeof fargateInsightsConfig>>;

export type FargateDecision =
    | { status: "installed" | "kept"; record: FargateInsightsRecord; reason?: string }
    | {
          status: "skipped";
          reason: string;
          /** Worth a warning: something is in the way, not just a cluster without Fargate. */ warn: boolean;
      };

export interface FargateLookups {
    /** Absent: profiles cannot be listed (only alwaysInclude clusters qualify). */
    profiles?: FargateProfileLookup;
    oidcProvider: (issuer: string) => Promise<Check>;
    subnets: (cluster: { region: string; vpcId: string; subnetIds: string[] }) => Promise<SubnetLookup>;
    logGroup: LogGroupLookup;
}

const matches = (name: string, globs: readonly string[]) => globs.find((glob) => minimatch(name, glob));

/** Whether the add-on's globs select the cluster at all: include/exclude as for every add-on, and alwaysInclude (exclude wins). */
export function inAddonScope(
    name: string,
    options: Pick<FargateInsightsOptions, "include" | "exclude" | "alwaysInclude">,
): boolean {
    if (addonFilterReason("fargateInsights", { name }, options) === undefined) {
        return true;
    }
    return !matches(name, options.exclude) && matches(name, options.alwaysInclude) !== undefined;
}

function previousRecord(agent: FargateAgent): FargateInsightsRecord | undefined {
    const previous = agent.previous?.fargateInsights;
    if (previous && previous.status !== "skipped" && previous.subnetIds?.length && previous.oidcIssuer) {
        return {
            subnetIds: previous.subnetIds,
            oidcIssuer: previous.oidcIssuer,
            ...(previous.existingLogGroup ? { existingLogGroup: true } : {}),
        };
    }
    return undefined;
}

/** A lookup failed: keep what the last deploy installed, else wait. */
function unknown(agent: FargateAgent, what: string): FargateDecision {
    const kept = previousRecord(agent);
    return kept
        ? {
              status: "kept",
              record: kept,
              reason: `${what}; Container Insights for Fargate stays as the last deploy installed it`,
          }
        : { status: "skipped", reason: what, warn: true };
}

async function decide(
    agent: FargateAgent,
    options: FargateInsightsOptions,
    oidcChecks: Map<string, Check>,
    lookups: FargateLookups,
): Promise<FargateDecision> {
    const cluster: DiscoveredCluster = agent.cluster;
    if (cluster.status === "UNKNOWN" || cluster.status === "FAILED") {
        // The agent is kept from the last deploy; so is the add-on, or it stays off.
        const kept = previousRecord(agent);
        return kept
            ? {
                  status: "kept",
                  record: kept,
                  reason: `cluster status is ${cluster.status}; kept as the last deploy installed it`,
              }
            : { status: "skipped", reason: `cluster status is ${cluster.status}`, warn: false };
    }
    const optedIn = matches(cluster.name, options.alwaysInclude);
    if (!optedIn) {
        if (!lookups.profiles) {
            return unknown(agent, "its Fargate profiles cannot be listed here");
        }
        let profile: string | undefined;
        try {
            profile = await lookups.profiles(cluster);
        } catch (error) {
            return unknown(agent, `its Fargate profiles could not be listed (${describeError(error)})`);
        }
        if (profile === undefined) {
            return {
                status: "skipped",
                reason: "the cluster has no Fargate profile (addons.fargateInsights.alwaysInclude installs it anyway)",
                warn: false,
            };
        }
    }
    // Pods on Fargate cannot use EKS Pod Identity (EKS User Guide, "EKS Pod Identity restrictions"): IRSA only.
    const issuer = cluster.oidcIssuer;
    if (!issuer) {
        return {
            status: "skipped",
            reason: "the cluster has no OIDC issuer, and the collector on Fargate can only get AWS credentials through IRSA",
            warn: true,
        };
    }
    const oidc = oidcChecks.get(issuer) ?? (await lookups.oidcProvider(issuer));
    if ("error" in oidc) {
        return unknown(agent, `its IAM OIDC provider could not be checked (${oidc.error})`);
    }
    if (!oidc.found) {
        return {
            status: "skipped",
            reason:
                `the IAM OIDC provider for ${issuer} is not registered, and the collector on Fargate can only get AWS credentials through IRSA ` +
                `(EKS Pod Identity does not support Fargate pods); run: ${eksctlOidcHint(cluster)}`,
            warn: true,
        };
    }
    if (!cluster.vpcId || !cluster.subnetIds?.length) {
        return unknown(agent, "the cluster's VPC subnets are not known");
    }
    const subnets = await lookups.subnets({
        region: cluster.region,
        vpcId: cluster.vpcId,
        subnetIds: cluster.subnetIds,
    });
    if ("error" in subnets) {
        return unknown(agent, `its subnets' route tables could not be read (${subnets.error})`);
    }
    if (subnets.privateSubnetIds.length === 0) {
        return {
            status: "skipped",
            reason: `none of the cluster's subnets is private (each routes to an internet gateway: ${subnets.publicSubnetIds.join(", ")}), and a Fargate profile takes private subnets only`,
            warn: true,
        };
    }
    const logGroup = await lookups.logGroup({ region: cluster.region, name: performanceLogGroupName(cluster.name) });
    if (typeof logGroup !== "string") {
        return unknown(agent, `its performance log group could not be looked up (${logGroup.error})`);
    }
    const record = {
        subnetIds: [...subnets.privateSubnetIds].sort(),
        oidcIssuer: issuer,
        ...(logGroup === "foreign" ? { existingLogGroup: true } : {}),
    };
    return { status: "installed", record };
}

/** The decision for every agent cluster the add-on's globs select, by `<region>/<name>`; none when it is off. */
export async function planFargateInsights(args: {
    options: FargateInsightsOptions;
    agents: FargateAgent[];
    /** OIDC provider checks the fleet already made, by issuer. */
    oidcChecks: Map<string, Check>;
    lookups: FargateLookups;
    concurrency?: number;
}): Promise<Map<string, FargateDecision>> {
    const decisions = new Map<string, FargateDecision>();
    if (!args.options.enabled) {
        return decisions;
    }
    const limit = limiter(args.concurrency ?? 16);
    const inScope = args.agents.filter((agent) => inAddonScope(agent.cluster.name, args.options));
    const results = await Promise.all(
        inScope.map((agent) => limit(() => decide(agent, args.options, args.oidcChecks, args.lookups))),
    );
    inScope.forEach((agent, i) => decisions.set(`${agent.cluster.region}/${agent.cluster.name}`, results[i]));
    return decisions;
}

/** The add-on's entry in the `clusters` output. */
export function fargateStatus(decision: FargateDecision): FargateInsightsStatus {
    if (decision.status === "skipped") {
        return { status: "skipped", reason: decision.reason };
    }
    return { status: decision.status, ...decision.record, ...(decision.reason ? { reason: decision.reason } : {}) };
}
