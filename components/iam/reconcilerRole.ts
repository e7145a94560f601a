import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument, accountServiceTrust, bucketArn, policy } from "../../common/documents";
import { RECONCILER_STATE_KEYS, stackRoleNames } from "../../common/naming";
import {
    StackScope,
    associationCleanupStatements,
    clusterRoleStatements,
    eventStatements,
    guardStatements,
    ownedArns,
    podIdentityStatements,
} from "./scope";

export interface ReconcilerRoleArgs {
    scope: pulumi.Input<StackScope>;
    /** Secrets Manager secret with the platform token, the only secret the reconciler may read. */
    tokenSecretArn: pulumi.Input<string>;
    /** Pod Identity associations: every reconciler may remove its own; in Pod Identity modes it also creates them. */
    associations?: AssociationAccess;
    /** events.enabled: consume the reconciler queue and publish cluster events on the stack's bus. */
    events?: boolean;
    tags: Record<string, string>;
}

export interface AssociationAccess {
    stackId: string;
    /** identityMode podIdentity or auto: create and update its own associations, pass the Pod Identity role. */
    podIdentity: boolean;
    /** identityMode auto: check the eks-pod-identity-agent add-on too. */
    auto: boolean;
}

/**
 * Least privilege for the reconciler: read the fleet, write only the stack's per-cluster roles and only within their
 * boundary, read its token, keep its two objects in the state bucket, and see whether its schedule exists.
 */
export function reconcilerPermissions(
    scope: StackScope,
    tokenSecretArn: string,
    associations?: AssociationAccess,
    events = false,
): PolicyDocument {
    if (!scope.stateBucketName) {
        throw new Error("the reconciler's policy needs the stack's state bucket (StackScope.stateBucketName)");
    }
    const arns = ownedArns(scope);
    return policy(
        // ListClusters, ListRoles and ListOpenIDConnectProviders have no resource-level permissions.
        {
            Sid: "ListFleet",
            Effect: "Allow",
            Action: ["eks:ListClusters", "iam:ListRoles", "iam:ListOpenIDConnectProviders"],
            Resource: "*",
        },
        { Sid: "DescribeClusters", Effect: "Allow", Action: "eks:DescribeCluster", Resource: arns.clusters },
        // Which roles carry the boundary (ListRoles omits boundaries): one paginated call per run.
        { Sid: "ReadBoundaryUse", Effect: "Allow", Action: "iam:ListEntitiesForPolicy", Resource: arns.boundaryPolicy },
        ...clusterRoleStatements(scope),
        ...(associations ? associationCleanupStatements(scope, associations.stackId) : []),
        ...(associations?.podIdentity ? podIdentityStatements(scope, associations.stackId, associations.auto) : []),
        ...(events ? eventStatements(scope) : []),
        { Sid: "ReadToken", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: tokenSecretArn },
        {
            Sid: "RunLease",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            Resource: arns.stateObjects,
        },
        // Whether the schedule still exists: a destroy-time teardown requires it gone (lambda/reconciler/exclusive.ts).
        { Sid: "ReadSchedule", Effect: "Allow", Action: "events:DescribeRule", Resource: arns.scheduleRule },
        // Listing exactly its own objects: S3 answers a read of a missing key with 404 NoSuchKey, not 403, only to a
        // caller that may list the bucket, and the reconciler tells "absent" from "refused" by listing the key.
        {
            Sid: "ListRunLease",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: bucketArn(scope.partition, scope.stateBucketName),
            Condition: { StringEquals: { "s3:prefix": Object.values(RECONCILER_STATE_KEYS) } },
        },
        {
            Sid: "WriteLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: arns.logGroups,
        },
        ...guardStatements(scope, { passesPodIdentityRole: associations?.podIdentity === true }),
    );
}

/** Execution role of the two reconciler Lambdas. */
export class ReconcilerRole extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    /** The role's permissions; anything that runs as the role must wait for it. */
    readonly policy: aws.iam.RolePolicy;
    readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: ReconcilerRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("container-insights:iam:ReconcilerRole", name, {}, opts);
        const scope = pulumi.output(args.scope);
        this.role = new aws.iam.Role(
            name,
            {
                name: scope.apply((s) => stackRoleNames(s.stackName).reconciler),
                description: "Runs the container insights per-cluster role reconciler",
                assumeRolePolicy: scope.apply((s) =>
                    JSON.stringify(accountServiceTrust("lambda.amazonaws.com", s.accountId)),
                ),
                tags: args.tags,
            },
            { parent: this },
        );
        this.policy = new aws.iam.RolePolicy(
            name,
            {
                role: this.role.name,
                policy: pulumi
                    .all([scope, args.tokenSecretArn])
                    .apply(([s, secretArn]) =>
                        JSON.stringify(reconcilerPermissions(s, secretArn, args.associations, args.events === true)),
                    ),
            },
            { parent: this },
        );
        this.roleArn = this.role.arn;
        this.registerOutputs({ roleArn: this.roleArn });
    }
}
