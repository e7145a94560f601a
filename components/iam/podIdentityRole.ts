import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BucketKey, podIdentityTrust } from "../../common/documents";
import { agentPermissionsJson } from "./agentBoundary";
import { AGENT_POLICY_NAME, stackRoleNames } from "../../common/naming";

export interface PodIdentityRoleArgs {
    stackName: string;
    accountId: string;
    partition: string;
    bucketName: pulumi.Input<string>;
    queueArnPattern: string;
    kms?: BucketKey;
    /** The agents' namespace and service account: the only session tags the trust accepts. */
    namespace: string;
    serviceAccount: string;
    /** The stack's agent boundary: the same ceiling as every per-cluster IRSA role. */
    boundaryPolicyArn: pulumi.Input<string>;
    tags: Record<string, string>;
}

/**
 * The one agent role of EKS Pod Identity mode, shared by every cluster's association: trusted by the Pod Identity
 * service for this account and the agent's service account only, with the agent policy under the agents' boundary.
 * It lives at the root path, outside the per-cluster path the reconciler owns.
 */
export class PodIdentityRole extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    readonly policy: aws.iam.RolePolicy;
    readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: PodIdentityRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("container-insights:iam:PodIdentityRole", name, {}, opts);
        this.role = new aws.iam.Role(
            name,
            {
                name: stackRoleNames(args.stackName).podIdentity,
                description: "Container insights agents of every EKS Pod Identity cluster of the stack",
                assumeRolePolicy: JSON.stringify(
                    podIdentityTrust({
                        accountId: args.accountId,
                        namespace: args.namespace,
                        serviceAccount: args.serviceAccount,
                    }),
                ),
                permissionsBoundary: args.boundaryPolicyArn,
                maxSessionDuration: 3600,
                tags: args.tags,
            },
            { parent: this },
        );
        this.policy = new aws.iam.RolePolicy(
            name,
            {
                role: this.role.name,
                name: AGENT_POLICY_NAME,
                policy: agentPermissionsJson(args),
            },
            { parent: this },
        );
        this.roleArn = this.role.arn;
        this.registerOutputs({ roleArn: this.roleArn });
    }
}
