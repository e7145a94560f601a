/**
 * Which cluster stack each agent of a whole stack goes to, and the migration of all of them as one pure plan: the
 * whole stack's deployment and the cluster stacks' in, every deployment to import and a report per cluster stack out.
 * Agents are found by their components' type and name (components/cluster/agentNames.ts), never by a full URN, so a
 * program that registers them under a component of its own migrates the same way.
 */
import { AGENT_COMPONENT_TYPES, clusterOfAgentName } from "../../../components/cluster/agentNames";
import { clusterGroup } from "../../../components/fleet/accountStack";
import { clusterStackName } from "../stacks";
import { Deployment, StateResource, isRootStack, parseUrn, resourcesOf } from "./deployment";
import { MigrationError, MoveReport, moveResources } from "./move";

export interface ClusterStackTarget {
    stack: string;
    region: string;
    /** With --groups N: the group of N this stack holds. */
    group?: { index: number; groups: number };
}

export interface MigrationPlan {
    source: Deployment;
    destinations: { target: ClusterStackTarget; deployment: Deployment; report: MoveReport }[];
}

const isAgentComponent = (resource: StateResource) =>
    AGENT_COMPONENT_TYPES.includes(resource.type) && !isRootStack(resource);

/** The agent components a stack's state holds (a whole stack's; an account stack of a fleet holds none). */
export const agentComponents = (deployment: Deployment): StateResource[] =>
    resourcesOf(deployment).filter(isAgentComponent);

function targetOf(accountStack: string, resource: StateResource, groups: number): ClusterStackTarget {
    const cluster = clusterOfAgentName(parseUrn(resource.urn).name);
    if (!cluster) {
        throw new MigrationError(
            `${resource.urn}: an agent component's name is <region>-<cluster>; this one does not start with an AWS region`,
        );
    }
    const group = groups > 1 ? { index: clusterGroup(cluster, groups), groups } : undefined;
    return {
        stack: clusterStackName(accountStack, cluster.region, group?.index),
        region: cluster.region,
        ...(group ? { group } : {}),
    };
}

/** The cluster stacks the whole stack's agents go to (by name, sorted), each once. */
export function clusterStackTargets(accountStack: string, source: Deployment, groups = 1): ClusterStackTarget[] {
    const targets = new Map<string, ClusterStackTarget>();
    for (const resource of resourcesOf(source).filter(isAgentComponent)) {
        const target = targetOf(accountStack, resource, groups);
        targets.set(target.stack, target);
    }
    return [...targets.values()].sort((a, b) => a.stack.localeCompare(b.stack));
}

/**
 * Moves each agent of `source` (the whole stack `accountStack`) into its cluster stack's deployment in
 * `destinations` (by stack name; a missing one is an empty new stack). Throws MigrationError before anything is
 * written when a move is refused. No agent left: no destination (a second run is a no-op).
 */
export function planMigration(
    accountStack: string,
    source: Deployment,
    destinations: Record<string, Deployment>,
    groups = 1,
): MigrationPlan {
    let remaining = source;
    const planned: MigrationPlan["destinations"] = [];
    for (const target of clusterStackTargets(accountStack, source, groups)) {
        const empty: Deployment = { version: 3, deployment: {} };
        const moved = moveResources(
            remaining,
            destinations[target.stack] ?? empty,
            target.stack,
            (resource) => isAgentComponent(resource) && targetOf(accountStack, resource, groups).stack === target.stack,
        );
        remaining = moved.source;
        planned.push({ target, deployment: moved.destination, report: moved.report });
    }
    return { source: remaining, destinations: planned };
}
