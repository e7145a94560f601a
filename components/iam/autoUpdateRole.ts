import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument, policy } from "../../common/documents";
import { CLUSTER_ROLE_READ_ACTIONS, CLUSTER_ROLE_WRITE_ACTIONS, StackScope, ownedArns } from "./scope";

export interface AutoUpdateRoleArgs {
    scope: pulumi.Input<StackScope>;
    /** The platform account that assumes the role. */
    platformAccountId: string;
    /** Shared secret the platform must present (sts:ExternalId), a Pulumi secret. */
    externalId: pulumi.Output<string>;
    tags: Record<string, string>;
}

/** Trust: only the platform account, and only with the external id. */
export function autoUpdateTrust(partition: string, platformAccountId: string, externalId: string): PolicyDocument {
    return policy({
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${platformAccountId}:root` },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "sts:ExternalId": externalId } },
    });
}

/** What the platform may do when it updates the onboarding: this stack's resources and nothing else. */
export function autoUpdatePermissions(scope: StackScope): PolicyDocument {
    const arns = ownedArns(scope);
    return policy(
        {
            Sid: "RunAndUpdateReconciler",
            Effect: "Allow",
            Action: [
                "lambda:InvokeFunction",
                "lambda:GetFunction",
                "lambda:GetFunctionConfiguration",
                "lambda:UpdateFunctionCode",
                "lambda:UpdateFunctionConfiguration",
            ],
            Resource: arns.functions,
        },
        {
            Sid: "MaintainClusterRoles",
            Effect: "Allow",
            Action: [...CLUSTER_ROLE_READ_ACTIONS, ...CLUSTER_ROLE_WRITE_ACTIONS],
            Resource: arns.clusterRoles,
        },
        {
            Sid: "MaintainBucket",
            Effect: "Allow",
            Action: [
                "s3:GetBucketLocation",
                "s3:GetBucketPolicy",
                "s3:GetEncryptionConfiguration",
                "s3:GetLifecycleConfiguration",
                "s3:PutLifecycleConfiguration",
                "s3:GetBucketTagging",
            ],
            Resource: arns.bucket,
        },
        { Sid: "ReadFleet", Effect: "Allow", Action: ["eks:ListClusters", "eks:DescribeCluster"], Resource: "*" },
    );
}

/** The cross-account role the platform assumes for auto-update. */
export class AutoUpdateRole extends pulumi.ComponentResource {
    readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: AutoUpdateRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("container-insights:iam:AutoUpdateRole", name, {}, opts);
        const scope = pulumi.output(args.scope);
        const role = new aws.iam.Role(
            name,
            {
                description: "Assumed by the container insights platform to keep this onboarding up to date",
                assumeRolePolicy: pulumi
                    .all([scope, args.externalId])
                    .apply(([s, externalId]) => JSON.stringify(autoUpdateTrust(s.partition, args.platformAccountId, externalId))),
                maxSessionDuration: 3600,
                tags: args.tags,
            },
            { parent: this },
        );
        new aws.iam.RolePolicy(
            name,
            { role: role.name, policy: scope.apply((s) => JSON.stringify(autoUpdatePermissions(s))) },
            { parent: this },
        );
        this.roleArn = role.arn;
        this.registerOutputs({ roleArn: this.roleArn });
    }
}
