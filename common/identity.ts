/**
 * How the agents get AWS credentials, per cluster. The program (choosing what the chart is told) and the reconciler
 * (creating roles and Pod Identity associations between deploys) decide with this one function, so they agree.
 */
import { CLUSTER_ARN_TAG_KEY, STACK_TAG_KEY } from "./naming";

/** `identityMode` as configured; `auto` is resolved per cluster. */
export type IdentityMode = "irsa" | "podIdentity" | "iamUser" | "auto";
/** What one cluster got. */
export type ClusterIdentity = "irsa" | "podIdentity" | "iamUser";

export const IDENTITY_MODES: readonly IdentityMode[] = ["irsa", "podIdentity", "iamUser", "auto"];

/** Whether clusters may get Pod Identity in this mode (`podIdentity`, or `auto`'s choice). */
export function mayUsePodIdentity(mode: IdentityMode): boolean {
    return mode === "podIdentity" || mode === "auto";
}

/** Whether clusters may get IRSA roles in this mode (`irsa`, or `auto`'s choice). */
export function mayUseIrsa(mode: IdentityMode): boolean {
    return mode === "irsa" || mode === "auto";
}

/** The EKS add-on that runs the Pod Identity agent on every node. */
export const POD_IDENTITY_AGENT_ADDON = "eks-pod-identity-agent";
/** The service principal that assumes Pod Identity roles (and the iam:PassedToService of CreatePodIdentityAssociation). */
export const POD_IDENTITY_SERVICE = "pods.eks.amazonaws.com";

/** Who made a Pod Identity association: the program (Pulumi state) or the reconciler (clusters new since the deploy). */
export const MANAGED_BY_TAG_KEY = "container-insights:managed-by";
export type AssociationOwner = "pulumi" | "reconciler";
/** The only tag keys the reconciler puts on an association (its policy allows no other). */
export const ASSOCIATION_TAG_KEYS = [STACK_TAG_KEY, MANAGED_BY_TAG_KEY, CLUSTER_ARN_TAG_KEY];

/** What is known about one cluster when its identity is chosen; `undefined` = could not be checked. */
export interface IdentityFacts {
    /** The eks-pod-identity-agent add-on is on the cluster. */
    podIdentityAgent?: boolean;
    /** The cluster's issuer has a registered IAM OIDC provider. */
    oidcProvider?: boolean;
    /** The program installs the add-on where it is missing (`installPodIdentityAgent`). */
    installsAgent?: boolean;
}

export type IdentityChoice = { identity: ClusterIdentity; installAgent?: boolean } | { skip: string };

/**
 * The identity one cluster gets. `auto`: Pod Identity where the add-on is on the cluster (or will be installed),
 * else IRSA where its OIDC provider is registered, else no agent, with the reason. A fact that could not be checked
 * never picks a mode in `auto`: it skips with the reason. `podIdentity` skips only a cluster known to lack the add-on
 * that the program does not install.
 */
export function chooseIdentity(mode: IdentityMode, facts: IdentityFacts): IdentityChoice {
    if (mode === "iamUser" || mode === "irsa") {
        return { identity: mode };
    }
    if (mode === "podIdentity") {
        if (facts.podIdentityAgent !== false) {
            // Unknown (the reconciler does not ask in this mode): an association is harmless without the agent.
            return { identity: "podIdentity" };
        }
        return facts.installsAgent
            ? { identity: "podIdentity", installAgent: true }
            : {
                  skip: `identityMode podIdentity: the cluster has no ${POD_IDENTITY_AGENT_ADDON} add-on (install it, or set installPodIdentityAgent)`,
              };
    }
    if (facts.podIdentityAgent === true) {
        return { identity: "podIdentity" };
    }
    if (facts.podIdentityAgent === undefined) {
        return {
            skip: `identityMode auto: whether the ${POD_IDENTITY_AGENT_ADDON} add-on is installed could not be checked`,
        };
    }
    if (facts.installsAgent) {
        return { identity: "podIdentity", installAgent: true };
    }
    if (facts.oidcProvider === true) {
        return { identity: "irsa" };
    }
    if (facts.oidcProvider === undefined) {
        return {
            skip: "identityMode auto: no eks-pod-identity-agent add-on, and whether its IAM OIDC provider is registered could not be checked",
        };
    }
    return {
        skip:
            `identityMode auto: the cluster has neither the ${POD_IDENTITY_AGENT_ADDON} add-on nor a registered IAM OIDC provider ` +
            "(install the add-on, set installPodIdentityAgent, or register the provider)",
    };
}

/** Tags of an association: the stack's ownership tag, who made it, and the cluster. */
export function associationTags(stackId: string, owner: AssociationOwner, clusterArn: string): Record<string, string> {
    return { [STACK_TAG_KEY]: stackId, [MANAGED_BY_TAG_KEY]: owner, [CLUSTER_ARN_TAG_KEY]: clusterArn };
}
