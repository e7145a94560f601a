import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument, PolicyStatement, policy } from "../../common/documents";
import { stackRoleNames } from "../../common/naming";
import { CLUSTER_ROLE_READ_ACTIONS, StackScope, guardStatements, ownedArns } from "./scope";

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

/**
 * What the platform may do when it updates the onboarding: run the management function (never the deploy-time one,
 * whose delete event tears every per-cluster role down, and never change its code), read the stack's per-cluster
 * roles, read the agents' bucket's settings, and read the fleet. No IAM write of any kind: IAM has no condition key on
 * the content of a trust policy, so a role write here could plant a role that anyone may assume; the platform keeps
 * the roles in step by invoking the reconciler, which writes only its own fixed trust. No lifecycle write either: IAM
 * has no condition key on a lifecycle rule's content, so that right is the right to expire every object. The guard
 * denies, and the denies of autoUpdateDenies, stay, so that nothing attached later can lift this role either.
 */
export function autoUpdatePermissions(scope: StackScope): PolicyDocument {
    const arns = ownedArns(scope);
    return policy(
        {
            Sid: "RunReconciler",
            Effect: "Allow",
            Action: ["lambda:InvokeFunction", "lambda:GetFunctionConfiguration"],
            Resource: arns.managementFunction,
        },
        { Sid: "ReadClusterRoles", Effect: "Allow", Action: CLUSTER_ROLE_READ_ACTIONS, Resource: arns.clusterRoles },
        {
            Sid: "ReadBucketSettings",
            Effect: "Allow",
            Action: [
                "s3:GetBucketLocation",
                "s3:GetBucketPolicy",
                "s3:GetEncryptionConfiguration",
                "s3:GetLifecycleConfiguration",
                "s3:GetBucketTagging",
            ],
            Resource: arns.bucket,
        },
        // ListClusters has no resource-level permissions.
        { Sid: "ListFleet", Effect: "Allow", Action: "eks:ListClusters", Resource: "*" },
        { Sid: "DescribeClusters", Effect: "Allow", Action: "eks:DescribeCluster", Resource: arns.clusters },
        ...guardStatements(scope),
        ...autoUpdateDenies(scope),
    );
}

/**
 * What the platform's role must never do, whatever is attached to it later: start the deploy-time function (a forged
 * `tf.action = "delete"` is the one event that may tear down), set any lifecycle rule, or touch the stack's state
 * buckets (the deployment record that decides a teardown, the run lease, the trail's logs).
 */
export function autoUpdateDenies(scope: StackScope): PolicyStatement[] {
    const arns = ownedArns(scope);
    return [
        { Sid: "DenyDeployTimeRun", Effect: "Deny", Action: "lambda:Invoke*", Resource: arns.creationFunction },
        { Sid: "DenyLifecycleChanges", Effect: "Deny", Action: "s3:PutLifecycleConfiguration", Resource: "*" },
        { Sid: "DenyStackState", Effect: "Deny", Action: "s3:*", Resource: arns.stateBuckets },
    ];
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
                name: scope.apply((s) => stackRoleNames(s.stackName).autoUpdate),
                description: "Assumed by the container insights platform to keep this onboarding up to date",
                assumeRolePolicy: pulumi
                    .all([scope, args.externalId])
                    .apply(([s, externalId]) =>
                        JSON.stringify(autoUpdateTrust(s.partition, args.platformAccountId, externalId)),
                    ),
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
