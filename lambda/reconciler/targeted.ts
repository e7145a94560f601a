/**
 * A targeted reconcile: one cluster (or the clusters of one OIDC issuer), decided from the cluster's current state as
 * DescribeCluster answers it, never from what the event claimed. Only that cluster's role and Pod Identity association
 * are read or written: no ListClusters (but for an issuer, in its one region), no ListRoles.
 */
import { clusterRoleName, clusterRolePath } from "../../common/naming";
import { POD_IDENTITY_AGENT_ADDON } from "../../common/identity";
import { associationSteps } from "./associations";
import { accountOfArn, desiredRoles } from "./desired";
import { Gateway, addonInstalledOf } from "./gateway";
import { ResourceNotFoundException } from "@aws-sdk/client-eks";
import { plan } from "./plan";
import { AnyStep, Concurrency, DEFAULT_CONCURRENCY, Log, OPERATIONAL_STATUSES, runSteps } from "./reconcile";
import { settleAll } from "./timing";
import { ClusterChange, ClusterFacts, ClusterRef, ClusterResult, ReconcilerSettings } from "./types";
import { QueueTarget } from "./queueEvents";

/** What DescribeCluster says now: the cluster's facts, or that there is no such cluster. */
export type ClusterState = { found: false } | { found: true; status: string };

export type Decision = { action: "ensure" } | { action: "remove"; reason: string } | { action: "wait"; reason: string };

/** Statuses a cluster leaves on its own: the message comes back later. */
export const WAIT_STATUSES = ["CREATING", "PENDING"];

/**
 * The one rule of a targeted reconcile. Gone or DELETING: this cluster's role and association go (if this stack's).
 * CREATING or PENDING: wait. Anything else (ACTIVE, UPDATING, FAILED): bring it in step as a scheduled run would,
 * which gives an ACTIVE or UPDATING cluster its identity and leaves a FAILED one's as it is.
 */
export function decide(state: ClusterState): Decision {
    if (!state.found) {
        return { action: "remove", reason: "the cluster no longer exists" };
    }
    if (state.status === "DELETING") {
        return { action: "remove", reason: "the cluster is being deleted" };
    }
    if (WAIT_STATUSES.includes(state.status)) {
        return { action: "wait", reason: `the cluster is ${state.status}` };
    }
    return { action: "ensure" };
}

export interface TargetOutcome {
    /** `wait`: nothing is decided yet; the message comes back after a delay. */
    status: "done" | "wait";
    reason?: string;
    results: ClusterResult[];
    /** Clusters this run confirmed ready (ACTIVE or UPDATING, with their role or association in step). */
    ready: ClusterChange[];
    /** Clusters this run found gone whose role or association it removed. */
    removed: ClusterChange[];
}

const IDENTITY_OUTCOMES = new Set(["created", "updated", "unchanged"]);

async function describe(gateway: Gateway, region: string, name: string): Promise<ClusterFacts | undefined> {
    try {
        return await gateway.describeCluster(region, name);
    } catch (error) {
        if (error instanceof ResourceNotFoundException) {
            return undefined;
        }
        throw error;
    }
}

/** Reconciles what one message names. Throws on trouble that a retry may cure (the message comes back). */
export async function reconcileTarget(
    target: Exclude<QueueTarget, { kind: "ignore" }>,
    settings: ReconcilerSettings,
    gateway: Gateway,
    log: Log,
    concurrency: Concurrency = DEFAULT_CONCURRENCY,
): Promise<TargetOutcome> {
    const done: TargetOutcome = { status: "done", results: [], ready: [], removed: [] };
    if (!settings.regions.includes(target.region)) {
        return { ...done, reason: `region ${target.region} is not managed by this stack` };
    }
    if (target.kind === "cluster") {
        return reconcileCluster(
            target.region,
            target.name,
            await describe(gateway, target.region, target.name),
            settings,
            gateway,
            log,
            concurrency,
        );
    }
    // An OIDC provider names an issuer, not a cluster: only the issuer's region is looked at.
    const names = await gateway.listClusterNames(target.region);
    const described = await settleAll(names, concurrency.describes, (name) => describe(gateway, target.region, name));
    const matching = described.flatMap((d) =>
        d.status === "fulfilled" && d.value?.oidcIssuer?.replace(/^https:\/\//, "") === target.issuerHostPath
            ? [d.value]
            : [],
    );
    const failed = described.find((d) => d.status === "rejected");
    if (matching.length === 0 && failed) {
        throw (failed as PromiseRejectedResult).reason;
    }
    const outcomes = [];
    for (const cluster of matching) {
        outcomes.push(
            await reconcileCluster(target.region, cluster.name, cluster, settings, gateway, log, concurrency),
        );
    }
    return {
        status: outcomes.some((o) => o.status === "wait") ? "wait" : "done",
        reason:
            matching.length === 0
                ? `no cluster in ${target.region} has the issuer ${target.issuerHostPath}`
                : outcomes.find((o) => o.reason)?.reason,
        results: outcomes.flatMap((o) => o.results),
        ready: outcomes.flatMap((o) => o.ready),
        removed: outcomes.flatMap((o) => o.removed),
    };
}

async function reconcileCluster(
    region: string,
    name: string,
    cluster: ClusterFacts | undefined,
    settings: ReconcilerSettings,
    gateway: Gateway,
    log: Log,
    concurrency: Concurrency,
): Promise<TargetOutcome> {
    const decision = decide(cluster ? { found: true, status: cluster.status } : { found: false });
    const account = accountOfArn(settings.boundaryPolicyArn);
    const ref: ClusterRef = {
        name,
        region,
        arn: cluster?.arn ?? `arn:${account.partition}:eks:${region}:${account.accountId}:cluster/${name}`,
    };
    const path = clusterRolePath(settings.stackName);
    const roleName = clusterRoleName(name, region);
    if (decision.action === "wait") {
        return { status: "wait", reason: decision.reason, results: [], ready: [], removed: [] };
    }
    if (decision.action === "remove") {
        const actual = await gateway.ownedRole(roleName, path);
        const steps: AnyStep[] = actual
            ? [
                  {
                      kind: "delete",
                      actual,
                      reason: decision.reason,
                      boundaryMissing: actual.boundary !== settings.boundaryPolicyArn,
                  },
              ]
            : [];
        // A cluster still DELETING may hold the reconciler's association; EKS removes a deleted cluster's itself.
        if (cluster) {
            steps.push(...associationSteps({ ...settings, handover: [] }, [], [{ cluster, reason: decision.reason }]));
        }
        const results = await runSteps(steps, settings, gateway, concurrency, log);
        const troubled = results.find((r) => r.outcome === "failed" || r.outcome === "deferred");
        if (troubled) {
            throw new Error(`removing the identity of ${name} (${region}): ${troubled.reason}`);
        }
        // Only a cluster that had an identity here is announced: every DeleteCluster in the account (excluded clusters,
        // clusters of other stacks, copies of the event) reaches this queue, and each announcement starts an up.
        const deleted = results.filter((r) => r.outcome === "deleted");
        if (deleted.length === 0) {
            return {
                status: "done",
                reason: `${decision.reason}; it had no identity from this stack`,
                results,
                ready: [],
                removed: [],
            };
        }
        const identityMode = deleted.some((r) => r.roleName) ? "irsa" : "podIdentity";
        return {
            status: "done",
            reason: decision.reason,
            results,
            ready: [],
            removed: [{ cluster: ref, identityMode }],
        };
    }

    const facts = cluster!;
    if (settings.identityMode === "auto") {
        const addon = await gateway.addonStatus(region, name, POD_IDENTITY_AGENT_ADDON).then(
            (status) => ({ status }),
            () => undefined,
        );
        if (addon?.status === "CREATING") {
            // The add-on's own event (or this message) comes back once it is ACTIVE or failed: decide then.
            return {
                status: "wait",
                reason: `the ${POD_IDENTITY_AGENT_ADDON} add-on is CREATING`,
                results: [],
                ready: [],
                removed: [],
            };
        }
        facts.podIdentityAgent = addon ? addonInstalledOf(addon.status) : undefined;
    }
    const [providers, actual] = await Promise.all([gateway.listOidcProviderArns(), gateway.ownedRole(roleName, path)]);
    const wanted = desiredRoles([facts], providers, account, settings);
    for (const skip of wanted.skipped) {
        log.warn("cluster skipped", { ...skip });
    }
    const steps: AnyStep[] = [
        ...plan({
            desired: wanted.desired,
            actual: actual ? [actual] : [],
            keep: new Set(wanted.selected),
            managedRegions: settings.regions,
            unreadRegions: new Set(),
            boundary: settings.boundaryPolicyArn,
        }),
        ...associationSteps(settings, wanted.associations, wanted.dropAssociations),
    ];
    const results = await runSteps(steps, settings, gateway, concurrency, log);
    const troubled = results.find((r) => r.outcome === "failed" || r.outcome === "deferred");
    if (troubled) {
        throw new Error(`reconciling ${name} (${region}): ${troubled.reason}`);
    }
    const identity = results.find((r) => r.clusterArn === facts.arn && IDENTITY_OUTCOMES.has(r.outcome));
    const ready =
        OPERATIONAL_STATUSES.includes(facts.status) && identity
            ? [{ cluster: ref, identityMode: identity.roleName ? ("irsa" as const) : ("podIdentity" as const) }]
            : [];
    return { status: "done", results: [...results, ...wanted.skipped], ready, removed: [] };
}
