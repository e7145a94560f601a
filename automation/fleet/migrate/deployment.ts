/**
 * A stack's state as `pulumi stack export` prints it (apitype.UntypedDeployment, version 3), the fields the migration
 * reads and writes, and the engine's URN and provider-reference forms. Secrets stay ciphertext: the migration never
 * decrypts anything (`pulumi stack export` without --show-secrets).
 */

export const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";
export const PROVIDER_TYPE_PREFIX = "pulumi:providers:";

/** One resource of a deployment; fields the migration does not read are kept as they are. */
export interface StateResource {
    urn: string;
    type: string;
    custom?: boolean;
    id?: string;
    parent?: string;
    /** `<provider urn>::<provider id>`. */
    provider?: string;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
    deletedWith?: string;
    replaceWith?: string[];
    [field: string]: unknown;
}

export interface PendingOperation {
    resource: StateResource;
    type: string;
}

export interface Deployment {
    version: number;
    deployment: {
        manifest?: unknown;
        secrets_providers?: unknown;
        resources?: StateResource[];
        pending_operations?: PendingOperation[];
        [field: string]: unknown;
    };
}

/** `urn:pulumi:<stack>::<project>::<qualified type>::<name>` (a name may itself hold `::`). */
export function parseUrn(urn: string): { stack: string; project: string; qualifiedType: string; name: string } {
    const match = /^urn:pulumi:([^:]*)::([^:]*)::(.*?)::(.*)$/s.exec(urn);
    if (!match) {
        throw new Error(`not a Pulumi URN: ${urn}`);
    }
    const [, stack, project, qualifiedType, name] = match;
    return { stack, project, qualifiedType, name };
}

/** The same resource's URN in another stack of the project. */
export function renameUrnStack(urn: string, stack: string): string {
    const { project, qualifiedType, name } = parseUrn(urn);
    return `urn:pulumi:${stack}::${project}::${qualifiedType}::${name}`;
}

/** A provider reference's URN (`<urn>::<id>`: the id follows the last `::`). */
export function providerUrn(reference: string): string {
    return reference.slice(0, reference.lastIndexOf("::"));
}

/** The root stack resource of a project's stack, as the engine names it. */
export function rootStackUrn(stack: string, project: string): string {
    return `urn:pulumi:${stack}::${project}::${ROOT_STACK_TYPE}::${project}-${stack}`;
}

export const isProvider = (resource: StateResource) => resource.type.startsWith(PROVIDER_TYPE_PREFIX);
export const isRootStack = (resource: StateResource) => resource.type === ROOT_STACK_TYPE && !resource.parent;

export const resourcesOf = (deployment: Deployment): StateResource[] => deployment.deployment.resources ?? [];

export type DependencyKind = "dependency" | "propertyDependency" | "deletedWith" | "replaceWith";

/** Every resource a resource depends on, by kind (parent and provider apart). */
export function dependenciesOf(resource: StateResource): { urn: string; kind: DependencyKind; property?: string }[] {
    return [
        ...(resource.dependencies ?? []).map((urn) => ({ urn, kind: "dependency" as const })),
        ...Object.entries(resource.propertyDependencies ?? {}).flatMap(([property, urns]) =>
            urns.map((urn) => ({ urn, kind: "propertyDependency" as const, property })),
        ),
        ...(resource.deletedWith ? [{ urn: resource.deletedWith, kind: "deletedWith" as const }] : []),
        ...(resource.replaceWith ?? []).map((urn) => ({ urn, kind: "replaceWith" as const })),
    ];
}

/**
 * The first place where a deployment breaks the engine's snapshot integrity rules (pulumi/pulumi
 * pkg/resource/deploy/snapshot.go VerifyIntegrity): a resource's parent, provider and dependencies come before it and
 * exist, URNs are unique, every URN is of the stack. Undefined when there is none. `pulumi stack import` checks the
 * same; this lets the migration stop before it writes anything.
 */
export function integrityProblem(deployment: Deployment, stack: string): string | undefined {
    const seen = new Set<string>();
    const all = new Set(resourcesOf(deployment).map((r) => r.urn));
    const order = (urn: string, what: string, of: string) =>
        all.has(urn) ? `${of}'s ${what} ${urn} comes after it` : `${of}'s ${what} ${urn} is missing`;
    for (const resource of resourcesOf(deployment)) {
        if (parseUrn(resource.urn).stack !== stack) {
            return `${resource.urn} is not a resource of stack ${stack}`;
        }
        if (seen.has(resource.urn) && !resource.delete) {
            return `${resource.urn} is there twice`;
        }
        if (resource.parent && !seen.has(resource.parent)) {
            return order(resource.parent, "parent", resource.urn);
        }
        if (resource.provider && !seen.has(providerUrn(resource.provider))) {
            return order(providerUrn(resource.provider), "provider", resource.urn);
        }
        for (const dependency of dependenciesOf(resource)) {
            if (!seen.has(dependency.urn)) {
                return order(dependency.urn, dependency.kind, resource.urn);
            }
        }
        seen.add(resource.urn);
    }
    return undefined;
}
