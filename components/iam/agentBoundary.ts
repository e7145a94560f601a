import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BucketKey, agentPermissions } from "../../common/documents";
import { agentBoundaryPolicyName, clusterRolePath } from "../../common/naming";

export interface AgentBoundaryArgs {
    stackName: string;
    partition: string;
    bucketName: pulumi.Input<string>;
    queueArnPattern: string;
    /** The bucket's KMS key, when it has one. */
    kms?: BucketKey;
    tags: Record<string, string>;
}

/**
 * The agents' permissions (common/documents.ts agentPermissions) as the policy text, once the bucket's name is known:
 * the boundary's, the Pod Identity role's and the IAM user's.
 */
export function agentPermissionsJson(args: {
    partition: pulumi.Input<string>;
    bucketName: pulumi.Input<string>;
    queueArnPattern: string;
    kms?: BucketKey;
}): pulumi.Output<string> {
    return pulumi
        .all([args.partition, args.bucketName])
        .apply(([partition, bucketName]) =>
            JSON.stringify(
                agentPermissions({ partition, bucketName, queueArnPattern: args.queueArnPattern, kms: args.kms }),
            ),
        );
}

/**
 * The ceiling of every per-cluster agent role: a managed policy used as their permissions boundary. Whoever may write
 * those roles (the reconciler, the platform's auto-update role) may do so only with this boundary in place, so no
 * inline policy they put can grant more than the agents need.
 */
export class AgentBoundary extends pulumi.ComponentResource {
    readonly policyArn: pulumi.Output<string>;

    constructor(name: string, args: AgentBoundaryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("container-insights:iam:AgentBoundary", name, {}, opts);
        const boundary = new aws.iam.Policy(
            name,
            {
                name: agentBoundaryPolicyName(args.stackName),
                path: clusterRolePath(args.stackName),
                description: "Permissions boundary of the container insights per-cluster agent roles",
                policy: agentPermissionsJson(args),
                tags: args.tags,
            },
            { parent: this },
        );
        this.policyArn = boundary.arn;
        this.registerOutputs({ policyArn: this.policyArn });
    }
}
