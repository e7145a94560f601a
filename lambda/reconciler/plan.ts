import { samePolicy } from "./documents";
import { ActualRole, DesiredRole } from "./types";

export type Step =
    | { kind: "create"; role: DesiredRole }
    /**
     * The role exists; its trust and/or inline policy are checked against the desired ones. A role whose boundary
     * is not the stack's gets it back first: until then IAM refuses every other write to it.
     */
    /** `newIssuer`: the trust names another OIDC provider than the role's (a cluster recreated under the same name). */
    | { kind: "converge"; role: DesiredRole; trustDrifted: boolean; boundaryMissing: boolean; newIssuer?: boolean }
    /** `boundaryMissing`: the boundary goes back on before the role can be emptied and deleted. */
    | { kind: "delete"; actual: ActualRole; reason: string; boundaryMissing: boolean };

/** The trust's federated principals (the OIDC provider ARNs, one per cluster issuer), sorted. */
export function federatedPrincipals(trust: unknown): string[] {
    const statements = (trust as { Statement?: unknown })?.Statement;
    const list = Array.isArray(statements) ? statements : statements ? [statements] : [];
    return list
        .flatMap((s: { Principal?: { Federated?: string | string[] } }) => [s?.Principal?.Federated ?? []].flat())
        .filter((p): p is string => typeof p === "string")
        .sort();
}

function sameFederatedPrincipals(a: unknown, b: unknown): boolean {
    return JSON.stringify(federatedPrincipals(a)) === JSON.stringify(federatedPrincipals(b));
}

/** Region of a per-cluster role, from its name (`..._<region>`; regions never contain `_`). */
export function regionOfRole(roleName: string): string {
    return roleName.slice(roleName.lastIndexOf("_") + 1);
}

/**
 * Decides what to do from the desired roles and the roles this stack owns. A role is an orphan only when its region
 * was scanned completely and no selected cluster there maps to it, or when its region is no longer managed: selected
 * clusters that exist but were skipped or failed keep their roles; clusters the selection leaves out lose theirs.
 */
export function plan(args: {
    desired: DesiredRole[];
    actual: ActualRole[];
    /** Every role name that belongs to a selected cluster that exists, including skipped and failed ones. */
    keep: Set<string>;
    managedRegions: string[];
    /** Regions whose cluster list could not be read: nothing there is deleted. */
    unreadRegions: Set<string>;
    /** The permissions boundary every role of the stack must carry. */
    boundary: string;
}): Step[] {
    const actualByName = new Map(args.actual.map((role) => [role.roleName.toLowerCase(), role]));
    const desiredNames = new Set(args.desired.map((role) => role.roleName.toLowerCase()));
    const steps: Step[] = [];
    for (const role of args.desired) {
        const actual = actualByName.get(role.roleName.toLowerCase());
        steps.push(
            actual
                ? {
                      kind: "converge",
                      role,
                      trustDrifted: !samePolicy(actual.trust, role.trust),
                      boundaryMissing: actual.boundary !== role.boundary,
                      newIssuer: !sameFederatedPrincipals(actual.trust, role.trust),
                  }
                : { kind: "create", role },
        );
    }
    const keep = new Set([...args.keep].map((name) => name.toLowerCase()));
    for (const actual of args.actual) {
        const name = actual.roleName.toLowerCase();
        if (desiredNames.has(name) || keep.has(name)) {
            continue;
        }
        const region = regionOfRole(actual.roleName);
        const boundaryMissing = actual.boundary !== args.boundary;
        if (!args.managedRegions.includes(region)) {
            steps.push({ kind: "delete", actual, reason: `region ${region} is no longer managed`, boundaryMissing });
        } else if (!args.unreadRegions.has(region)) {
            steps.push({
                kind: "delete",
                actual,
                reason: `no cluster in ${region} maps to this role or it is not selected`,
                boundaryMissing,
            });
        }
    }
    return steps;
}

/** Stack deletion: every role this stack owns goes. */
export function planTeardown(actual: ActualRole[], boundary: string): Step[] {
    return actual.map((role) => ({
        kind: "delete",
        actual: role,
        reason: "stack is being deleted",
        boundaryMissing: role.boundary !== boundary,
    }));
}
