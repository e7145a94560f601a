/**
 * Moving resources from one stack's state to another's, as a pure function over two exported deployments: what
 * `pulumi state move` (CLI v3.276.0) cannot do for an agent, whose Kubernetes provider is a child of its component
 * (state move copies providers and writes them before the resources it moves, parents included: docs/fleet.md).
 *
 * What moves: the selected resources and all their descendants, providers among them. What is copied (kept in both
 * stacks, as the engine needs them in each): providers the moved resources use that do not move (the default AWS
 * provider), and the component ancestors of the selected resources (a `ContainerInsights` component the stack program
 * may register them under). In the destination everything keeps the source's order, which already puts parents,
 * providers and dependencies first. Dependencies between what moves and what stays are dropped in both stacks and
 * reported: the next `up` of each stack records the dependencies its program declares.
 */
import {
    Deployment,
    DependencyKind,
    StateResource,
    dependenciesOf,
    integrityProblem,
    isProvider,
    isRootStack,
    parseUrn,
    providerUrn,
    renameUrnStack,
    resourcesOf,
    rootStackUrn,
} from "./deployment";

/** The state cannot be moved as asked; nothing was written. */
export class MigrationError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "MigrationError";
    }
}

export interface DroppedDependency {
    /** The resource that depended (its URN in the source stack). */
    resource: string;
    dependency: string;
    kind: DependencyKind;
    property?: string;
    /** Where the resource is after the move. */
    in: "source" | "destination";
}

export interface MoveReport {
    destination: string;
    /** The moved resources' URNs in the source stack, in state order. */
    moved: string[];
    /** Resources copied to the destination and kept in the source. */
    copied: { urn: string; as: "provider" | "component" }[];
    dropped: DroppedDependency[];
}

export interface MoveResult {
    source: Deployment;
    destination: Deployment;
    report: MoveReport;
}

/** The stack a deployment belongs to (its root stack resource's, else its first resource's). */
function stackOf(deployment: Deployment): { stack: string; project: string } | undefined {
    const resources = resourcesOf(deployment);
    const resource = resources.find(isRootStack) ?? resources[0];
    return resource ? parseUrn(resource.urn) : undefined;
}

function refusePending(deployment: Deployment, stack: string): void {
    const pending = deployment.deployment.pending_operations ?? [];
    if (pending.length > 0) {
        const listed = pending.map((op) => `${op.type} ${op.resource.urn}`).join("; ");
        throw new MigrationError(
            `stack ${stack} has ${pending.length} pending operation(s) from an interrupted update (${listed}): ` +
                `run \`pulumi refresh --stack ${stack}\` and resolve them first`,
        );
    }
}

/** Rewrites every string that is one of `urns` (or a provider reference to one), at any depth. */
function rewriteUrns<T>(value: T, urns: Map<string, string>): T {
    if (typeof value === "string") {
        const direct = urns.get(value);
        if (direct !== undefined) {
            return direct as T;
        }
        const separator = value.lastIndexOf("::");
        const provider = separator > 0 ? urns.get(value.slice(0, separator)) : undefined;
        return (provider !== undefined ? provider + value.slice(separator) : value) as T;
    }
    if (Array.isArray(value)) {
        return value.map((item) => rewriteUrns(item, urns)) as T;
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, rewriteUrns(item, urns)])) as T;
    }
    return value;
}

/** The resource without the dependencies `keep` refuses, and what was dropped. */
function pruneDependencies(
    resource: StateResource,
    keep: (urn: string) => boolean,
    side: DroppedDependency["in"],
): { resource: StateResource; dropped: DroppedDependency[] } {
    const dropped = dependenciesOf(resource)
        .filter((dependency) => !keep(dependency.urn))
        .map((dependency) => ({
            resource: resource.urn,
            dependency: dependency.urn,
            kind: dependency.kind,
            ...(dependency.property ? { property: dependency.property } : {}),
            in: side,
        }));
    if (dropped.length === 0) {
        return { resource, dropped };
    }
    const pruned: StateResource = { ...resource };
    if (resource.dependencies) {
        pruned.dependencies = resource.dependencies.filter(keep);
    }
    if (resource.propertyDependencies) {
        pruned.propertyDependencies = Object.fromEntries(
            Object.entries(resource.propertyDependencies).map(([key, urns]) => [key, urns.filter(keep)]),
        );
    }
    if (resource.deletedWith && !keep(resource.deletedWith)) {
        delete pruned.deletedWith;
    }
    if (resource.replaceWith) {
        pruned.replaceWith = resource.replaceWith.filter(keep);
    }
    return { resource: pruned, dropped };
}

/** The moved set: the selected resources and, in state order, every resource whose parent moves. */
function movedUrns(resources: StateResource[], selects: (resource: StateResource) => boolean): Set<string> {
    const moved = new Set<string>();
    for (const resource of resources) {
        if (!isRootStack(resource) && (selects(resource) || (resource.parent && moved.has(resource.parent)))) {
            moved.add(resource.urn);
        }
    }
    return moved;
}

/** What the destination needs besides the moved resources: their providers and component ancestors that stay. */
function copiedUrns(resources: StateResource[], moved: Set<string>): Map<string, "provider" | "component"> {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const copied = new Map<string, "provider" | "component">();
    const queue = resources.filter((r) => moved.has(r.urn));
    const need = (urn: string | undefined, from: StateResource) => {
        if (urn === undefined || moved.has(urn) || copied.has(urn)) {
            return;
        }
        const needed = byUrn.get(urn);
        if (needed === undefined || isRootStack(needed)) {
            return;
        }
        if (isProvider(needed)) {
            copied.set(urn, "provider");
        } else if (!needed.custom) {
            copied.set(urn, "component");
        } else {
            throw new MigrationError(
                `${from.urn} is a child of ${urn}, a ${needed.type} that stays in the source stack: only components can be kept in both stacks`,
            );
        }
        queue.push(needed);
    };
    for (let i = 0; i < queue.length; i++) {
        const resource = queue[i];
        need(resource.parent, resource);
        need(resource.provider ? providerUrn(resource.provider) : undefined, resource);
    }
    return copied;
}

/**
 * Moves the resources `selects` picks, with their descendants, from `source` into `destination` (a stack with no
 * resources yet but its root). Refuses pending operations in either, a destination that already holds resources, and
 * a selected resource under a custom resource that stays. Nothing selected: both come back unchanged (a second run is
 * a no-op).
 */
export function moveResources(
    source: Deployment,
    destination: Deployment,
    destinationStack: string,
    selects: (resource: StateResource) => boolean,
): MoveResult {
    const from = stackOf(source);
    const report: MoveReport = { destination: destinationStack, moved: [], copied: [], dropped: [] };
    if (from === undefined) {
        return { source, destination, report };
    }
    refusePending(source, from.stack);
    refusePending(destination, destinationStack);
    const resources = resourcesOf(source);
    const moved = movedUrns(resources, selects);
    if (moved.size === 0) {
        return { source, destination, report };
    }
    const held = resourcesOf(destination).filter((r) => !isRootStack(r) || Object.keys(r.outputs ?? {}).length > 0);
    if (held.length > 0) {
        throw new MigrationError(
            `stack ${destinationStack} already holds ${held.length} resource(s) (${held[0].urn}${held.length > 1 ? ", …" : ""}): ` +
                `it was deployed or migrated to before; the agents of ${from.stack} cannot be moved into it`,
        );
    }
    const copied = copiedUrns(resources, moved);
    const goes = (urn: string) => moved.has(urn) || copied.has(urn);

    const sourceRoot = resources.find(isRootStack);
    const destinationRoot =
        resourcesOf(destination).find(isRootStack) ??
        ({
            urn: rootStackUrn(destinationStack, from.project),
            custom: false,
            type: sourceRoot?.type ?? "pulumi:pulumi:Stack",
        } satisfies StateResource);
    const renamed = new Map<string, string>();
    for (const resource of resources.filter((r) => goes(r.urn))) {
        renamed.set(resource.urn, renameUrnStack(resource.urn, destinationStack));
    }
    if (sourceRoot) {
        renamed.set(sourceRoot.urn, destinationRoot.urn);
    }

    const dropped: DroppedDependency[] = [];
    const moving: StateResource[] = [];
    const staying: StateResource[] = [];
    for (const resource of resources) {
        if (goes(resource.urn)) {
            const pruned = pruneDependencies(resource, (urn) => goes(urn), "destination");
            dropped.push(...pruned.dropped);
            moving.push(rewriteUrns(pruned.resource, renamed));
        }
        if (!moved.has(resource.urn)) {
            const pruned = pruneDependencies(resource, (urn) => !moved.has(urn), "source");
            dropped.push(...pruned.dropped);
            staying.push(pruned.resource);
        }
    }

    const result: MoveResult = {
        source: { ...source, deployment: { ...source.deployment, resources: staying } },
        destination: {
            ...destination,
            deployment: {
                manifest: source.deployment.manifest,
                ...destination.deployment,
                // The moved secrets stay ciphertext: the destination reads them with the source's secrets provider
                // (it holds nothing encrypted of its own yet), and its next update re-encrypts them with its own.
                secrets_providers: source.deployment.secrets_providers,
                resources: [destinationRoot, ...moving],
            },
        },
        report: {
            destination: destinationStack,
            moved: resources.filter((r) => moved.has(r.urn)).map((r) => r.urn),
            copied: [...copied].map(([urn, as]) => ({ urn, as })),
            dropped,
        },
    };
    for (const [stack, deployment] of [
        [from.stack, result.source],
        [destinationStack, result.destination],
    ] as const) {
        const problem = integrityProblem(deployment, stack);
        if (problem) {
            throw new MigrationError(
                `the moved state of ${stack} would not pass the engine's integrity check: ${problem}`,
            );
        }
    }
    return result;
}
