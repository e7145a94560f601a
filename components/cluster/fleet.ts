/**
 * Which clusters get (or keep) the agent this deploy. A cluster Pulumi does not register again loses its agent,
 * namespace and provider, so nothing is dropped on a transient problem: a cluster that had the agent on the last deploy
 * and cannot be read now is kept from that deploy's `clusters` output; only a cluster confirmed gone in a completely
 * read region (or in a region no longer included) is removed.
 */
import * as pulumi from "@pulumi/pulumi";
import { ClusterFilters, filterReason } from "../../common/selection";
import { limiter } from "../../common/limit";
import { Check, ebsCsiDriverCheck, eksctlOidcHint, oidcProviderCheck, podIdentityAgentCheck } from "./checks";
import { FleetScan, discoverClusters } from "./discovery";
import { previousClusters } from "./previous";
import { skipReason } from "./selection";
import { ClusterStatus, DiscoveredCluster, EbsCsiDriver } from "./types";

/** A cluster that gets the agent. */
export interface AgentPlan {
    cluster: DiscoveredCluster;
    status: "installed" | "kept";
    reason?: string;
    /** Its line in the last deploy's output, when it had the agent then. */
    previous?: ClusterStatus;
}

export interface FleetPlan {
    agents: AgentPlan[];
    skipped: Array<{ cluster: Pick<DiscoveredCluster, "name" | "region" | "arn">; reason: string }>;
    /** Clusters whose agent resources go, and why. */
    removed: Array<{ name: string; region: string; reason: string }>;
    /** Regions nothing could be read from, and why. */
    unreadRegions: FleetScan["unreadRegions"];
}

const keyOf = (c: { name: string; region: string }) => `${c.region}/${c.name}`;

/** The first pass, from the scan and the last deploy's output alone (no I/O). */
export function planFleet(args: {
    scan: FleetScan;
    previous: ClusterStatus[];
    regions: string[];
    filters: ClusterFilters;
    irsa: boolean;
}): FleetPlan {
    const { scan } = args;
    const had = new Map(args.previous.filter((p) => p.status !== "skipped").map((p) => [keyOf(p), p]));
    const plan: FleetPlan = { agents: [], skipped: [], removed: [], unreadRegions: scan.unreadRegions };

    for (const cluster of scan.clusters) {
        const previous = had.get(keyOf(cluster));
        const reason = skipReason(cluster, args.filters, args.irsa, previous !== undefined);
        if (reason) {
            plan.skipped.push({ cluster, reason });
        } else if (cluster.status === "FAILED") {
            // A failed cluster may describe without an endpoint: the last deploy's then rebuilds the same provider.
            const endpoint = cluster.endpoint || previous?.endpoint || "";
            const certificateAuthority = cluster.certificateAuthority || previous?.certificateAuthority || "";
            plan.agents.push({
                cluster: { ...cluster, endpoint, certificateAuthority },
                previous,
                status: "kept",
                reason: "cluster status is FAILED; the agent installed earlier stays",
            });
        } else {
            plan.agents.push({ cluster, previous, status: "installed" });
        }
    }

    const seen = new Set(scan.clusters.map(keyOf));
    const unreadRegions = new Map(scan.unreadRegions.map((r) => [r.region, r.error]));
    const unreadClusters = new Map(scan.unreadClusters.map((c) => [keyOf(c), c.error]));
    for (const unread of scan.unreadClusters) {
        if (!had.has(keyOf(unread))) {
            plan.skipped.push({
                cluster: { ...unread, arn: "" },
                reason: `cluster could not be read: ${unread.error}`,
            });
        }
    }
    for (const [key, previous] of had) {
        if (seen.has(key)) {
            continue;
        }
        if (!args.regions.includes(previous.region)) {
            plan.removed.push({ ...previous, reason: "its region is no longer in includeRegions" });
            continue;
        }
        // The name globs still apply to a cluster that cannot be read; its tags are unknown, so tag filters do not.
        const excluded = filterReason(previous, { ...args.filters, tags: {} });
        if (excluded) {
            plan.removed.push({ ...previous, reason: excluded });
            continue;
        }
        const error = unreadRegions.get(previous.region) ?? unreadClusters.get(key);
        if (error === undefined) {
            plan.removed.push({ ...previous, reason: "the cluster no longer exists" });
        } else if (!previous.endpoint || !previous.certificateAuthority) {
            plan.removed.push({
                ...previous,
                reason: `cluster could not be read (${error}) and the last deploy did not record its endpoint`,
            });
        } else {
            plan.agents.push({
                cluster: {
                    name: previous.name,
                    region: previous.region,
                    arn: previous.arn,
                    status: "UNKNOWN",
                    endpoint: previous.endpoint,
                    certificateAuthority: previous.certificateAuthority,
                    ...(previous.oidcIssuer ? { oidcIssuer: previous.oidcIssuer } : {}),
                    tags: {},
                },
                previous,
                status: "kept",
                reason: `cluster could not be read now (${error}); the agent installed by the last deploy stays as it was`,
            });
        }
    }
    return plan;
}

/**
 * IRSA: a chart must not point at a role the reconciler will never create, so a cluster whose issuer has no IAM
 * OIDC provider is skipped. When the check itself fails, a cluster that had the agent keeps it; a new one waits.
 */
export function applyOidcChecks(plan: FleetPlan, checks: Map<string, Check>): FleetPlan {
    const agents: AgentPlan[] = [];
    const skipped = [...plan.skipped];
    for (const agent of plan.agents) {
        const result = agent.cluster.oidcIssuer ? checks.get(agent.cluster.oidcIssuer) : undefined;
        if (!result || ("found" in result && result.found)) {
            agents.push(agent);
        } else if ("found" in result) {
            skipped.push({
                cluster: agent.cluster,
                reason: `the IAM OIDC provider for ${agent.cluster.oidcIssuer} is not registered, so its IRSA role cannot exist; run: ${eksctlOidcHint(agent.cluster)}`,
            });
        } else if (agent.previous) {
            agents.push({
                ...agent,
                reason: `its IAM OIDC provider could not be checked (${result.error}); the agent installed earlier stays`,
            });
        } else {
            skipped.push({
                cluster: agent.cluster,
                reason: `its IAM OIDC provider could not be checked: ${result.error}`,
            });
        }
    }
    return { ...plan, agents, skipped };
}

/**
 * Whether `pulumi up` waits for the agent's workloads: only where the chart's Prometheus volume can be provisioned
 * (the aws-ebs-csi-driver add-on is there). Without it the PVC stays Pending and waiting would time the whole `up`
 * out; when the add-on cannot be checked, the last deploy's choice stands (no change to the chart), else no waiting.
 */
export function awaitsReadiness(ebs: EbsCsiDriver, previous?: ClusterStatus): boolean {
    if (ebs === "unknown") {
        return previous?.awaitsReadiness ?? false;
    }
    return ebs === "installed";
}

/**
 * The checks that need invokes, each isolated, at most `concurrency` at a time; OIDC and add-on checks overlap.
 * `irsa`: every cluster uses IRSA, so one without its OIDC provider is skipped here. `oidc` and `podIdentityAgent`
 * (identityMode auto and podIdentity): the checks are only made and returned, for the identity choice.
 */
export async function resolveFleet(
    plan: FleetPlan,
    options: {
        irsa: boolean;
        oidc?: boolean;
        podIdentityAgent?: boolean;
        account: { accountId: string; partition: string };
        concurrency?: number;
    },
): Promise<{
    plan: FleetPlan;
    ebs: Map<string, { state: EbsCsiDriver; error?: string }>;
    /** By issuer URL. */
    oidc: Map<string, Check>;
    /** By cluster key. */
    podIdentityAgent: Map<string, Check>;
}> {
    const limit = limiter(options.concurrency ?? 16);
    const checkOidc = options.irsa || options.oidc === true;
    const issuers = checkOidc
        ? [...new Set(plan.agents.map((a) => a.cluster.oidcIssuer).filter((i): i is string => Boolean(i)))]
        : [];
    const [oidc, ebs, agents] = await Promise.all([
        Promise.all(issuers.map((issuer) => limit(() => oidcProviderCheck(issuer, options.account)))),
        Promise.all(plan.agents.map((a) => limit(() => ebsCsiDriverCheck(a.cluster)))),
        options.podIdentityAgent
            ? Promise.all(plan.agents.map((a) => limit(() => podIdentityAgentCheck(a.cluster))))
            : [],
    ]);
    const oidcChecks = new Map(issuers.map((issuer, i) => [issuer, oidc[i]]));
    const resolved = options.irsa ? applyOidcChecks(plan, oidcChecks) : plan;
    return {
        plan: resolved,
        ebs: new Map(plan.agents.map((a, i) => [keyOf(a.cluster), ebs[i]])),
        oidc: oidcChecks,
        podIdentityAgent: new Map(agents.map((check, i) => [keyOf(plan.agents[i].cluster), check])),
    };
}

export type ResolvedFleet = Awaited<ReturnType<typeof resolveFleet>>;

/** Everything the program decides about the fleet before it registers a resource for it. */
export async function discoverFleet(args: {
    regions: string[];
    filters: ClusterFilters;
    irsa: boolean;
    /** identityMode auto: check OIDC providers without skipping (the identity choice uses them). */
    oidc?: boolean;
    /** identityMode podIdentity and auto: check the eks-pod-identity-agent add-on. */
    podIdentityAgent?: boolean;
    account: { accountId: string; partition: string };
    /** The component the read of the last deploy's outputs belongs to. */
    parent?: pulumi.Resource;
    /** A cluster stack of a fleet split into groups: the clusters of its group (the others belong to other stacks). */
    group?: (cluster: { name: string; region: string }) => boolean;
}): Promise<ResolvedFleet> {
    const [all, previous] = await Promise.all([
        discoverClusters(args.regions),
        previousClusters({ parent: args.parent }),
    ]);
    const group = args.group;
    const scan = group
        ? { ...all, clusters: all.clusters.filter(group), unreadClusters: all.unreadClusters.filter(group) }
        : all;
    const first = planFleet({ scan, previous, regions: args.regions, filters: args.filters, irsa: args.irsa });
    return resolveFleet(first, {
        irsa: args.irsa,
        oidc: args.oidc,
        podIdentityAgent: args.podIdentityAgent,
        account: args.account,
    });
}

export { keyOf as clusterKey };
