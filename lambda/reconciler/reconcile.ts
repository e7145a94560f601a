import { CLUSTER_ARN_TAG_KEY, STACK_TAG_KEY, clusterRoleName, clusterRolePath } from "../../common/naming";
import { accountOfArn, desiredRoles } from "./desired";
import { AssociationStep, associationSteps, executeAssociation } from "./associations";
import { POD_IDENTITY_AGENT_ADDON } from "../../common/identity";
import { selectCluster } from "../../common/selection";
import { samePolicy } from "./documents";
import { Gateway } from "./gateway";
import { EntityAlreadyExistsException, NoSuchEntityException } from "@aws-sdk/client-iam";
import { errorText } from "../../common/errors";
import { Step, plan, planTeardown } from "./plan";
import { DeadlineReached, limiter, settleAll } from "./timing";
import {
    ActualRole,
    ClusterFacts,
    ClusterResult,
    Outcome,
    ReconcileResult,
    ReconcilerSettings,
    zeroCounts,
} from "./types";
import { clusterNameOfArn } from "./clusterEvents";

export interface Log {
    info(message: string, ...extra: Array<Record<string, unknown>>): void;
    warn(message: string, ...extra: Array<Record<string, unknown>>): void;
    error(message: string, ...extra: Array<Record<string, unknown>>): void;
}

export interface Concurrency {
    regions: number;
    describes: number;
    /** Steps (per-cluster role work) in flight at once. */
    steps: number;
    /** IAM writes in flight at once: IAM's write quota is per account and low. */
    writes: number;
}

export const DEFAULT_CONCURRENCY: Concurrency = { regions: 5, describes: 16, steps: 16, writes: 4 };

/** Work cut short by the run's deadline is deferred to the next run, not failed. */
const outcomeOf = (error: unknown): Outcome => (error instanceof DeadlineReached ? "deferred" : "failed");

interface Fleet {
    clusters: ClusterFacts[];
    failed: ClusterResult[];
    regions: ReconcileResult["regions"];
    unreadRegions: Set<string>;
}

async function scanFleet(
    settings: ReconcilerSettings,
    gateway: Gateway,
    concurrency: Concurrency,
    log: Log,
): Promise<Fleet> {
    const describeLimit = limiter(concurrency.describes);
    const fleet: Fleet = { clusters: [], failed: [], regions: {}, unreadRegions: new Set() };
    const scans = await settleAll(settings.regions, concurrency.regions, async (region) => {
        const names = await gateway.listClusterNames(region);
        const described = await Promise.allSettled(
            names.map((name) => describeLimit(() => gateway.describeCluster(region, name))),
        );
        return { names, described };
    });
    scans.forEach((scan, index) => {
        const region = settings.regions[index];
        if (scan.status === "rejected") {
            fleet.regions[region] = { clusters: 0, error: errorText(scan.reason) };
            fleet.unreadRegions.add(region);
            log.error("could not list the clusters of a region; its roles are left as they are", {
                region,
                error: errorText(scan.reason),
            });
            return;
        }
        fleet.regions[region] = { clusters: scan.value.names.length };
        scan.value.described.forEach((result, i) => {
            const name = scan.value.names[i];
            if (result.status === "fulfilled") {
                fleet.clusters.push(result.value);
            } else {
                fleet.failed.push({
                    cluster: name,
                    region,
                    roleName: clusterRoleName(name, region),
                    outcome: outcomeOf(result.reason),
                    reason: errorText(result.reason),
                });
            }
        });
    });
    return fleet;
}

/** Every cluster of the managed regions, by name only (a region that cannot be listed is left out). */
async function listFleet(
    settings: ReconcilerSettings,
    gateway: Gateway,
    concurrency: Concurrency,
): Promise<ClusterFacts[]> {
    const scans = await settleAll(settings.regions, concurrency.regions, (region) => gateway.listClusterNames(region));
    return scans.flatMap((scan, i) =>
        scan.status === "fulfilled"
            ? scan.value.map((name) => ({ name, region: settings.regions[i], arn: "", status: "ACTIVE", tags: {} }))
            : [],
    );
}

/**
 * The owned roles with their permissions boundaries: ListRoles omits boundaries, so one paginated
 * ListEntitiesForPolicy on the stack's boundary says which roles carry it. A listed role missing from its answer has no
 * boundary or another one, and gets the stack's back (putting it back is harmless).
 */
async function ownedRoles(settings: ReconcilerSettings, gateway: Gateway): Promise<ActualRole[]> {
    const path = clusterRolePath(settings.stackName);
    const [roles, bounded] = await Promise.all([
        gateway.listOwnedRoles(path),
        gateway.rolesBoundedBy(settings.boundaryPolicyArn, path),
    ]);
    return roles.map((role) => ({
        ...role,
        boundary: bounded.has(role.roleName.toLowerCase()) ? settings.boundaryPolicyArn : undefined,
    }));
}

export type AnyStep = Step | AssociationStep;

/** Carries out one step; every failure stays inside the step's own result. */
async function execute(
    step: AnyStep,
    settings: ReconcilerSettings,
    gateway: Gateway,
    writeLimit: ReturnType<typeof limiter>,
): Promise<ClusterResult | undefined> {
    if (step.kind === "associate" || step.kind === "dissociate") {
        return executeAssociation(step, settings, gateway, writeLimit);
    }
    return executeRole(step, settings, gateway, writeLimit);
}

async function executeRole(
    step: Step,
    settings: ReconcilerSettings,
    gateway: Gateway,
    writeLimit: ReturnType<typeof limiter>,
): Promise<ClusterResult> {
    const path = clusterRolePath(settings.stackName);
    if (step.kind === "delete") {
        const tags = await gateway.roleTags(step.actual.roleName);
        const base = {
            roleName: step.actual.roleName,
            reason: step.reason,
            ...(tags[CLUSTER_ARN_TAG_KEY] ? { roleClusterArn: tags[CLUSTER_ARN_TAG_KEY] } : {}),
        };
        if (tags[STACK_TAG_KEY] !== settings.stackId) {
            return {
                ...base,
                outcome: "skipped",
                reason: `not tagged ${STACK_TAG_KEY}=${settings.stackId}; left alone`,
            };
        }
        if (step.boundaryMissing) {
            // IAM lets the reconciler change only roles that carry the stack's boundary, deleting included.
            await writeLimit(() => gateway.putBoundary(step.actual.roleName, settings.boundaryPolicyArn));
        }
        try {
            await writeLimit(() => gateway.deleteRole(step.actual.roleName));
        } catch (error) {
            if (!(error instanceof NoSuchEntityException)) {
                throw error;
            }
        }
        return { ...base, outcome: "deleted" };
    }

    const role = step.role;
    const base = {
        cluster: role.cluster.name,
        region: role.cluster.region,
        clusterArn: role.cluster.arn,
        roleName: role.roleName,
    };
    let trustDrifted = step.kind === "converge" && step.trustDrifted;
    let boundaryMissing = step.kind === "converge" && step.boundaryMissing;
    if (step.kind === "create") {
        try {
            await writeLimit(() => gateway.createRole(role, path));
            await writeLimit(() => gateway.putInlinePolicy(role.roleName, role.permissions));
            return { ...base, outcome: "created" };
        } catch (error) {
            if (!(error instanceof EntityAlreadyExistsException)) {
                throw error;
            }
            const existingPath = await gateway.rolePath(role.roleName);
            if (existingPath !== path) {
                return {
                    ...base,
                    outcome: "skipped",
                    reason: `role name is taken by a role this stack does not own (path ${existingPath})`,
                };
            }
            // Another run created it a moment ago: converge it like any existing role.
            trustDrifted = true;
            boundaryMissing = (await gateway.roleBoundary(role.roleName)) !== role.boundary;
        }
    }
    let wrote = false;
    if (boundaryMissing) {
        // First: until the boundary is back, IAM refuses every other write to the role.
        await writeLimit(() => gateway.putBoundary(role.roleName, role.boundary));
        wrote = true;
    }
    if (trustDrifted) {
        await writeLimit(() => gateway.updateTrust(role.roleName, role.trust));
        wrote = true;
    }
    const current = await gateway.inlinePolicy(role.roleName);
    if (!samePolicy(current, role.permissions)) {
        await writeLimit(() => gateway.putInlinePolicy(role.roleName, role.permissions));
        wrote = true;
    }
    const newIssuer = step.kind === "converge" && step.trustDrifted && step.newIssuer === true;
    return { ...base, outcome: wrote ? "updated" : "unchanged", ...(wrote && newIssuer ? { newIssuer: true } : {}) };
}

function stepIdentity(step: AnyStep): Omit<ClusterResult, "outcome"> {
    if (step.kind === "associate" || step.kind === "dissociate") {
        return { cluster: step.cluster.name, region: step.cluster.region, clusterArn: step.cluster.arn };
    }
    if (step.kind === "delete") {
        return { roleName: step.actual.roleName };
    }
    const { cluster } = step.role;
    return { cluster: cluster.name, region: cluster.region, clusterArn: cluster.arn, roleName: step.role.roleName };
}

export function summarize(
    action: ReconcileResult["action"],
    regions: ReconcileResult["regions"],
    results: ClusterResult[],
    gateway: Gateway,
): ReconcileResult {
    const counts = zeroCounts();
    for (const result of results) {
        counts[result.outcome]++;
    }
    return {
        action,
        regions,
        results,
        counts,
        calls: gateway.calls,
        writes: gateway.writes,
        throttled: gateway.throttled,
    };
}

const subject = (step: AnyStep) => (step.kind === "associate" || step.kind === "dissociate" ? "association" : "role");

export async function runSteps(
    steps: AnyStep[],
    settings: ReconcilerSettings,
    gateway: Gateway,
    concurrency: Concurrency,
    log: Log,
): Promise<ClusterResult[]> {
    const writeLimit = limiter(concurrency.writes);
    const settled = await settleAll(steps, concurrency.steps, (step) => execute(step, settings, gateway, writeLimit));
    return settled.flatMap((result, index) => {
        if (result.status === "fulfilled") {
            if (result.value === undefined) {
                return [];
            }
            if (result.value.outcome !== "unchanged") {
                log.info(`${subject(steps[index])} ${result.value.outcome}`, { ...result.value });
            }
            return [result.value];
        }
        const failed: ClusterResult = {
            ...stepIdentity(steps[index]),
            outcome: outcomeOf(result.reason),
            reason: errorText(result.reason),
        };
        if (failed.outcome === "deferred") {
            log.warn(`${subject(steps[index])} step deferred to the next run`, { ...failed });
        } else {
            log.error(`${subject(steps[index])} step failed; the run goes on`, { ...failed });
        }
        return [failed];
    });
}

/** Brings the stack's per-cluster roles in step with the fleet. Never throws for one cluster's trouble. */
export async function reconcile(
    settings: ReconcilerSettings,
    gateway: Gateway,
    log: Log,
    concurrency: Concurrency = DEFAULT_CONCURRENCY,
): Promise<ReconcileResult> {
    const account = accountOfArn(settings.boundaryPolicyArn);
    const [fleet, providers, actual] = await Promise.all([
        scanFleet(settings, gateway, concurrency, log),
        gateway.listOidcProviderArns(),
        ownedRoles(settings, gateway),
    ]);
    if (settings.identityMode === "auto") {
        await checkPodIdentityAgents(fleet.clusters, settings, gateway, concurrency);
    }
    const { desired, skipped, selected, associations, dropAssociations } = desiredRoles(
        fleet.clusters,
        providers,
        account,
        settings,
    );
    for (const skip of skipped) {
        log.warn("cluster skipped", { ...skip });
    }
    const keep = new Set([...selected, ...fleet.failed.map((f) => f.roleName!)]);
    const steps = plan({
        desired,
        actual,
        keep,
        managedRegions: settings.regions,
        unreadRegions: fleet.unreadRegions,
        boundary: settings.boundaryPolicyArn,
    });
    const results = await runSteps(
        [...steps, ...associationSteps(settings, associations, dropAssociations)],
        settings,
        gateway,
        concurrency,
        log,
    );
    return {
        ...summarize("reconcile", fleet.regions, [...results, ...skipped, ...fleet.failed], gateway),
        changes: changesOf(results, fleet, settings),
    };
}

/** Statuses in which a cluster serves the Kubernetes API, so its identity is ready for the agent (an UPDATING cluster keeps serving). */
export const OPERATIONAL_STATUSES = ["ACTIVE", "UPDATING"];

/**
 * What a scheduled or deploy-time run publishes: only clusters whose identity it created (an ACTIVE or UPDATING
 * cluster's new role or association, or a role whose trust it moved to a new OIDC issuer: a cluster recreated under
 * the same name, which keeps its ARN and role name), and clusters gone from a region it read completely whose role it
 * deleted; never every steady one.
 */
export function changesOf(
    results: ClusterResult[],
    fleet: Pick<Fleet, "clusters" | "unreadRegions">,
    settings: Pick<ReconcilerSettings, "regions">,
): NonNullable<ReconcileResult["changes"]> {
    const byArn = new Map(fleet.clusters.map((c) => [c.arn, c]));
    const ready = results
        .filter((r) => (r.outcome === "created" || (r.outcome === "updated" && r.newIssuer)) && r.clusterArn)
        .filter((r) => OPERATIONAL_STATUSES.includes(byArn.get(r.clusterArn!)?.status ?? ""))
        .map((r) => ({
            cluster: { name: r.cluster!, region: r.region!, arn: r.clusterArn! },
            identityMode: r.roleName ? ("irsa" as const) : ("podIdentity" as const),
        }));
    const removed = results
        .filter((r) => r.outcome === "deleted" && r.roleName && r.roleClusterArn && !byArn.has(r.roleClusterArn))
        .map((r) => {
            const [, , , region] = r.roleClusterArn!.split(":");
            return {
                cluster: { name: clusterNameOfArn(r.roleClusterArn!), region, arn: r.roleClusterArn! },
                identityMode: "irsa" as const,
            };
        })
        .filter(
            (change) =>
                settings.regions.includes(change.cluster.region) && !fleet.unreadRegions.has(change.cluster.region),
        );
    return { ready, removed };
}

/**
 * identityMode auto: whether each selected cluster that can get the agent has the eks-pod-identity-agent add-on (one
 * DescribeAddon each). A failed check leaves it unknown, which skips the cluster and keeps what it has.
 */
async function checkPodIdentityAgents(
    clusters: ClusterFacts[],
    settings: ReconcilerSettings,
    gateway: Gateway,
    concurrency: Concurrency,
): Promise<void> {
    const candidates = clusters.filter((c) => selectCluster(c, settings.clusters).selected);
    const checks = await settleAll(candidates, concurrency.describes, (c) =>
        gateway.addonInstalled(c.region, c.name, POD_IDENTITY_AGENT_ADDON),
    );
    candidates.forEach((cluster, i) => {
        const check = checks[i];
        cluster.podIdentityAgent = check.status === "fulfilled" ? check.value : undefined;
    });
}

/**
 * Stack deletion: removes exactly the roles this stack owns, whatever region they were for, and, unless the stack
 * is IRSA-only, the Pod Identity associations the reconciler made in the managed regions (the program's go with the
 * Pulumi state).
 */
export async function teardown(
    settings: ReconcilerSettings,
    gateway: Gateway,
    log: Log,
    concurrency: Concurrency = DEFAULT_CONCURRENCY,
): Promise<ReconcileResult> {
    const [actual, clusters] = await Promise.all([
        ownedRoles(settings, gateway),
        settings.identityMode === "irsa" ? [] : listFleet(settings, gateway, concurrency),
    ]);
    const dissociations = clusters.map((cluster): AssociationStep => ({
        kind: "dissociate",
        cluster,
        reason: "stack is being deleted",
    }));
    const results = await runSteps(
        [...planTeardown(actual, settings.boundaryPolicyArn), ...dissociations],
        settings,
        gateway,
        concurrency,
        log,
    );
    return summarize("delete", {}, results, gateway);
}
