import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { POD_IDENTITY_AGENT_ADDON, associationTags } from "../../common/identity";
import { AGENT_POD_IDENTITY_TYPE } from "./agentNames";
import { DiscoveredCluster } from "./types";

export interface AgentPodIdentityArgs {
    cluster: Pick<DiscoveredCluster, "name" | "region" | "arn">;
    namespace: string;
    serviceAccount: string;
    /** The stack's Pod Identity agent role. */
    roleArn: pulumi.Input<string>;
    stackId: string;
    /** The user's tags; the ownership tags are added and win. */
    tags: Record<string, string>;
    /** Install the eks-pod-identity-agent add-on (it is missing and `installPodIdentityAgent` is on). */
    installAgent: boolean;
    /**
     * The reconciler's deploy-time run: it hands over any association it made for this cluster between deploys before
     * this one is created (EKS allows one per cluster, namespace and service account).
     */
    dependsOn?: pulumi.Input<pulumi.Resource[]>;
}

/**
 * One cluster's EKS Pod Identity: the association of the agent's service account with the stack's agent role, tagged
 * as the program's (`container-insights:managed-by=pulumi`, which the reconciler never changes), and the
 * eks-pod-identity-agent add-on when the program installs it.
 */
export class AgentPodIdentity extends pulumi.ComponentResource {
    readonly association: aws.eks.PodIdentityAssociation;
    readonly addon?: aws.eks.Addon;

    constructor(name: string, args: AgentPodIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
        super(AGENT_POD_IDENTITY_TYPE, name, {}, opts);
        const { cluster } = args;
        const tags = { ...args.tags, ...associationTags(args.stackId, "pulumi", cluster.arn) };
        if (args.installAgent) {
            this.addon = new aws.eks.Addon(
                name,
                {
                    clusterName: cluster.name,
                    region: cluster.region,
                    addonName: POD_IDENTITY_AGENT_ADDON,
                    // An add-on installed by hand since the check is adopted, not fought.
                    resolveConflictsOnCreate: "OVERWRITE",
                    tags: args.tags,
                },
                // Cluster-wide: other workloads' Pod Identity associations need it too, so neither a destroy nor a
                // deselected cluster removes it (Pulumi forgets it; delete it by hand when nothing uses it).
                { parent: this, retainOnDelete: true },
            );
        }
        this.association = new aws.eks.PodIdentityAssociation(
            name,
            {
                clusterName: cluster.name,
                region: cluster.region,
                namespace: args.namespace,
                serviceAccount: args.serviceAccount,
                roleArn: args.roleArn,
                tags,
            },
            { parent: this, dependsOn: args.dependsOn },
        );
        this.registerOutputs({ associationArn: this.association.associationArn });
    }
}
