/**
 * Which identity each cluster's agent gets this deploy (identityMode podIdentity and auto), from the checks the fleet
 * pass already made (components/cluster/fleet.ts): no extra lookups. The choice itself is common/identity.ts's, the
 * one the reconciler makes between deploys.
 */
import { ClusterIdentity, IdentityMode, chooseIdentity } from "../../common/identity";
import { Check } from "./checks";
import { AgentPlan, FleetPlan, clusterKey } from "./fleet";

export interface IdentityPlan {
    identity: ClusterIdentity;
    /** Install the eks-pod-identity-agent add-on on this cluster. */
    installAgent: boolean;
}

const known = (check: Check | undefined): boolean | undefined => (check && "found" in check ? check.found : undefined);

/** Splits the planned agents by identity; a cluster that gets none moves to `skipped` with the reason. */
export function planIdentities(
    plan: FleetPlan,
    mode: IdentityMode,
    checks: { oidc: Map<string, Check>; podIdentityAgent: Map<string, Check>; installsAgent: boolean },
): { plan: FleetPlan; identities: Map<string, IdentityPlan> } {
    const identities = new Map<string, IdentityPlan>();
    if (mode === "irsa" || mode === "iamUser") {
        for (const agent of plan.agents) {
            identities.set(clusterKey(agent.cluster), { identity: mode, installAgent: false });
        }
        return { plan, identities };
    }
    const agents: AgentPlan[] = [];
    const skipped = [...plan.skipped];
    for (const agent of plan.agents) {
        const addon = checks.podIdentityAgent.get(clusterKey(agent.cluster));
        const oidc = agent.cluster.oidcIssuer ? checks.oidc.get(agent.cluster.oidcIssuer) : { found: false };
        const facts = {
            podIdentityAgent: known(addon),
            oidcProvider: known(oidc),
            installsAgent: checks.installsAgent,
        };
        const choice = chooseIdentity(mode, facts);
        if ("identity" in choice) {
            identities.set(clusterKey(agent.cluster), {
                identity: choice.identity,
                installAgent: choice.installAgent ?? false,
            });
            agents.push(agent);
            continue;
        }
        const unchecked = [addon, oidc].find((c): c is { error: string } => c !== undefined && "error" in c);
        const before = agent.previous?.identityMode;
        if (unchecked && before) {
            // A check failed for a cluster that had the agent: it keeps what the last deploy gave it.
            identities.set(clusterKey(agent.cluster), { identity: before, installAgent: false });
            agents.push({
                ...agent,
                reason: `${choice.skip} (${unchecked.error}); it keeps ${before} from the last deploy`,
            });
        } else {
            skipped.push({
                cluster: agent.cluster,
                reason: unchecked ? `${choice.skip}: ${unchecked.error}` : choice.skip,
            });
        }
    }
    return { plan: { ...plan, agents, skipped }, identities };
}
