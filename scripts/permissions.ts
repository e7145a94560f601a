/**
 * `npm run --silent permissions -- <stack> [--account <id>] [--set key=value ...]` prints the least-privilege IAM
 * policy the identity running `pulumi up` (and `destroy`) needs for that stack's configuration. Every ARN comes from
 * the naming functions the program itself uses; without --account the policy serves whichever account it is created in
 * (see CALLER_ACCOUNT).
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { PolicyDocument, PolicyStatement, bucketArn, policy } from "../common/documents";
import {
    addonRoleArnPattern,
    agentBoundaryPolicyArn,
    alarmNamePrefix,
    alarmTopicName,
    cniMetricsBoundaryName,
    collectorBoundaryName,
    addonBoundaryArn,
    CNI_METRICS_ROLE_PURPOSE,
    bucketNameFor,
    eventResourceNames,
    partitionOf,
    reconcilerFunctionNames,
    reconcilerScheduleName,
    secretNamePrefixes,
    stackRoleNames,
    stateBucketPrefix,
    STACK_TAG_KEY,
    stackIdOf,
} from "../common/naming";
import { AGENT_USER_NAME } from "../components/iam/agentUser";
import { performanceLogGroupName } from "../components/addons/fargateInsights/collectorConfig";
import { COLLECTOR_ROLE_PURPOSE, FARGATE_POD_ROLE_PURPOSE } from "../components/addons/fargateInsights/deployer";
import { fargatePodExecutionPolicyArn } from "../components/addons/fargateInsights/documents";
import { FARGATE_PROFILE_NAME } from "../components/addons/fargateInsights/manifests";
import { iamEventRegion } from "../components/events/patterns";
import { ConfigError, ParsedConfig, parseConfig } from "../config";
import { SECRET_PLACEHOLDER, readStackConfig } from "./stackConfig";
import { errorMessage } from "../common/errors";
import { PACKAGE_ROOT as PROJECT_DIR } from "../common/packageRoot";
import { didYouMean } from "../config/suggest";
import {
    USAGE_EXIT_CODE,
    UsageError,
    UsageProblems,
    parseFlags,
    usageMessage,
    wantsHelp,
} from "../policies/lib/cliArgs";

/**
 * The provider calls behind each resource type the program registers (create, read, update, delete, tags), by IAM
 * action. Adding a resource type to the program without adding it here fails the permissions test.
 */
export const PROVIDER_ACTIONS: Record<string, string[]> = {
    "aws:s3/bucket:Bucket": [
        "s3:CreateBucket",
        "s3:DeleteBucket",
        "s3:ListBucket",
        "s3:GetBucketLocation",
        "s3:GetBucketPolicy",
        "s3:GetBucketAcl",
        "s3:GetBucketCORS",
        "s3:GetBucketWebsite",
        "s3:GetBucketVersioning",
        "s3:GetAccelerateConfiguration",
        "s3:GetBucketRequestPayment",
        "s3:GetBucketLogging",
        "s3:GetLifecycleConfiguration",
        "s3:GetReplicationConfiguration",
        "s3:GetEncryptionConfiguration",
        "s3:GetBucketObjectLockConfiguration",
        "s3:GetBucketTagging",
        "s3:PutBucketTagging",
    ],
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": [
        "s3:PutEncryptionConfiguration",
        "s3:GetEncryptionConfiguration",
    ],
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": [
        "s3:PutBucketPublicAccessBlock",
        "s3:GetBucketPublicAccessBlock",
    ],
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": [
        "s3:PutBucketOwnershipControls",
        "s3:GetBucketOwnershipControls",
    ],
    "aws:s3/bucketPolicy:BucketPolicy": ["s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:DeleteBucketPolicy"],
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": [
        "s3:PutLifecycleConfiguration",
        "s3:GetLifecycleConfiguration",
    ],
    "aws:iam/role:Role": [
        "iam:CreateRole",
        "iam:GetRole",
        "iam:DeleteRole",
        "iam:UpdateRole",
        "iam:UpdateRoleDescription",
        "iam:UpdateAssumeRolePolicy",
        "iam:TagRole",
        "iam:UntagRole",
        "iam:ListRolePolicies",
        "iam:ListAttachedRolePolicies",
        "iam:ListInstanceProfilesForRole",
    ],
    "aws:iam/rolePolicy:RolePolicy": ["iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy"],
    "aws:iam/policy:Policy": [
        "iam:CreatePolicy",
        "iam:GetPolicy",
        "iam:GetPolicyVersion",
        "iam:ListPolicyVersions",
        "iam:CreatePolicyVersion",
        "iam:DeletePolicyVersion",
        "iam:DeletePolicy",
        "iam:TagPolicy",
        "iam:UntagPolicy",
    ],
    // The List actions are also the program's own reads of an existing user (components/adoption/existingResources.ts).
    "aws:iam/user:User": [
        "iam:CreateUser",
        "iam:GetUser",
        "iam:DeleteUser",
        "iam:TagUser",
        "iam:UntagUser",
        "iam:ListGroupsForUser",
        "iam:ListUserPolicies",
        "iam:ListAttachedUserPolicies",
        "iam:ListAccessKeys",
    ],
    "aws:iam/userPolicy:UserPolicy": ["iam:PutUserPolicy", "iam:GetUserPolicy", "iam:DeleteUserPolicy"],
    "aws:iam/accessKey:AccessKey": [
        "iam:CreateAccessKey",
        "iam:ListAccessKeys",
        "iam:UpdateAccessKey",
        "iam:DeleteAccessKey",
    ],
    "aws:secretsmanager/secret:Secret": [
        "secretsmanager:CreateSecret",
        "secretsmanager:DescribeSecret",
        "secretsmanager:GetResourcePolicy",
        "secretsmanager:UpdateSecret",
        "secretsmanager:DeleteSecret",
        "secretsmanager:TagResource",
        "secretsmanager:UntagResource",
    ],
    "aws:secretsmanager/secretVersion:SecretVersion": [
        "secretsmanager:PutSecretValue",
        "secretsmanager:GetSecretValue",
        "secretsmanager:DescribeSecret",
        "secretsmanager:UpdateSecretVersionStage",
    ],
    "aws:cloudwatch/logGroup:LogGroup": [
        "logs:CreateLogGroup",
        "logs:DeleteLogGroup",
        "logs:PutRetentionPolicy",
        "logs:DeleteRetentionPolicy",
        "logs:TagResource",
        "logs:UntagResource",
        "logs:ListTagsForResource",
    ],
    "aws:lambda/function:Function": [
        "lambda:CreateFunction",
        "lambda:GetFunction",
        "lambda:GetFunctionConfiguration",
        "lambda:GetFunctionCodeSigningConfig",
        "lambda:ListVersionsByFunction",
        "lambda:UpdateFunctionCode",
        "lambda:UpdateFunctionConfiguration",
        // The functions reserve no concurrency (PutFunctionConcurrency is never called); the provider calls
        // DeleteFunctionConcurrency once on a function an earlier version gave a reservation.
        "lambda:DeleteFunctionConcurrency",
        "lambda:DeleteFunction",
        "lambda:TagResource",
        "lambda:UntagResource",
        "lambda:ListTags",
    ],
    "aws:lambda/invocation:Invocation": ["lambda:InvokeFunction"],
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": [
        "eks:CreatePodIdentityAssociation",
        "eks:DescribePodIdentityAssociation",
        "eks:UpdatePodIdentityAssociation",
        "eks:DeletePodIdentityAssociation",
        "eks:TagResource",
        "eks:UntagResource",
    ],
    "aws:eks/fargateProfile:FargateProfile": [
        "eks:CreateFargateProfile",
        "eks:DescribeFargateProfile",
        "eks:DeleteFargateProfile",
        "eks:TagResource",
        "eks:UntagResource",
    ],
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": [
        "iam:AttachRolePolicy",
        "iam:DetachRolePolicy",
        "iam:ListAttachedRolePolicies",
    ],
    "aws:eks/addon:Addon": [
        "eks:CreateAddon",
        "eks:DescribeAddon",
        "eks:UpdateAddon",
        "eks:DeleteAddon",
        "eks:TagResource",
        "eks:UntagResource",
    ],
    "aws:lambda/permission:Permission": ["lambda:AddPermission", "lambda:RemovePermission", "lambda:GetPolicy"],
    "aws:cloudwatch/eventRule:EventRule": [
        "events:PutRule",
        "events:DescribeRule",
        "events:DeleteRule",
        "events:TagResource",
        "events:UntagResource",
        "events:ListTagsForResource",
        "events:ListTargetsByRule",
    ],
    "aws:cloudwatch/eventTarget:EventTarget": ["events:PutTargets", "events:RemoveTargets", "events:ListTargetsByRule"],
    // addons.cniMetrics: the free-IP alarms and their encrypted topic.
    "aws:cloudwatch/metricAlarm:MetricAlarm": [
        "cloudwatch:PutMetricAlarm",
        "cloudwatch:DescribeAlarms",
        "cloudwatch:DeleteAlarms",
        "cloudwatch:TagResource",
        "cloudwatch:UntagResource",
        "cloudwatch:ListTagsForResource",
    ],
    "aws:kms/key:Key": [
        "kms:CreateKey",
        "kms:DescribeKey",
        "kms:GetKeyPolicy",
        "kms:PutKeyPolicy",
        "kms:GetKeyRotationStatus",
        "kms:EnableKeyRotation",
        "kms:ListResourceTags",
        "kms:TagResource",
        "kms:UntagResource",
        "kms:UpdateKeyDescription",
        "kms:ScheduleKeyDeletion",
    ],
    "aws:sns/topic:Topic": [
        "sns:CreateTopic",
        "sns:GetTopicAttributes",
        "sns:SetTopicAttributes",
        "sns:DeleteTopic",
        "sns:ListTagsForResource",
        "sns:TagResource",
        "sns:UntagResource",
    ],
    "aws:sns/topicPolicy:TopicPolicy": ["sns:SetTopicAttributes", "sns:GetTopicAttributes"],
    "aws:sns/topicSubscription:TopicSubscription": [
        "sns:Subscribe",
        "sns:Unsubscribe",
        "sns:GetSubscriptionAttributes",
        "sns:SetSubscriptionAttributes",
    ],
    "aws:cloudwatch/eventBus:EventBus": [
        "events:CreateEventBus",
        "events:DescribeEventBus",
        "events:UpdateEventBus",
        "events:DeleteEventBus",
        "events:TagResource",
        "events:UntagResource",
        "events:ListTagsForResource",
    ],
    "aws:sqs/queue:Queue": [
        "sqs:CreateQueue",
        "sqs:GetQueueAttributes",
        "sqs:SetQueueAttributes",
        "sqs:GetQueueUrl",
        "sqs:DeleteQueue",
        "sqs:TagQueue",
        "sqs:UntagQueue",
        "sqs:ListQueueTags",
    ],
    "aws:sqs/queuePolicy:QueuePolicy": ["sqs:SetQueueAttributes", "sqs:GetQueueAttributes"],
    "aws:lambda/eventSourceMapping:EventSourceMapping": [
        "lambda:CreateEventSourceMapping",
        "lambda:GetEventSourceMapping",
        "lambda:UpdateEventSourceMapping",
        "lambda:DeleteEventSourceMapping",
        "lambda:TagResource",
        "lambda:UntagResource",
        "lambda:ListTags",
    ],
    "aws:cloudtrail/trail:Trail": [
        "cloudtrail:CreateTrail",
        "cloudtrail:DescribeTrails",
        "cloudtrail:GetTrail",
        "cloudtrail:GetTrailStatus",
        "cloudtrail:GetEventSelectors",
        "cloudtrail:PutEventSelectors",
        "cloudtrail:GetInsightSelectors",
        "cloudtrail:UpdateTrail",
        "cloudtrail:StartLogging",
        "cloudtrail:StopLogging",
        "cloudtrail:DeleteTrail",
        "cloudtrail:AddTags",
        "cloudtrail:RemoveTags",
        "cloudtrail:ListTags",
    ],
};

/** The program's own read of the account's trails (components/events/trailCheck.ts), when events are on. */
export const TRAIL_CHECK_ACTIONS = [
    "cloudtrail:DescribeTrails",
    "cloudtrail:GetTrailStatus",
    "cloudtrail:GetEventSelectors",
];

/** Calls behind each invoke the program makes; GetCallerIdentity needs no permission (AWS STS API reference). */
export const INVOKE_ACTIONS: Record<string, string[]> = {
    "aws:index/getCallerIdentity:getCallerIdentity": [],
    "aws:eks/getClusters:getClusters": ["eks:ListClusters"],
    "aws:eks/getCluster:getCluster": ["eks:DescribeCluster"],
    "aws:kms/getKey:getKey": ["kms:DescribeKey"],
    "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider": ["iam:GetOpenIDConnectProvider"],
    "aws:eks/getAddon:getAddon": ["eks:DescribeAddon"],
    "aws:ec2/getRouteTables:getRouteTables": ["ec2:DescribeRouteTables"],
    "aws:cloudwatch/getLogGroups:getLogGroups": ["logs:DescribeLogGroups"],
    "aws:cloudwatch/getLogGroup:getLogGroup": ["logs:DescribeLogGroups", "logs:ListTagsForResource"],
    "aws:ec2/getRouteTable:getRouteTable": ["ec2:DescribeRouteTables"],
};

/** What a bucket's forceDestroy does on delete: list every object version and delete them (DeleteObjects). */
export const FORCE_DESTROY_ACTIONS = ["s3:ListBucketVersions", "s3:DeleteObject", "s3:DeleteObjectVersion"];

/** What the program asks AWS through the SDK rather than invokes (components/addons/fargateInsights/profiles.ts). */
export const SDK_ACTIONS = { fargateProfiles: ["eks:ListFargateProfiles"] };

/** Actions for which IAM has no resource-level permissions (Service Authorization Reference): only "*" works. */
export const UNSCOPED_ACTIONS = [
    "eks:ListClusters",
    "ec2:DescribeRouteTables",
    "kms:CreateKey",
    "cloudtrail:DescribeTrails",
    "logs:DescribeLogGroups",
    "lambda:CreateEventSourceMapping",
];

/** What a deploy of this stack touches. */
export interface DeployTarget {
    stackName: string;
    /** The stack's aws:region: where the bucket, functions, logs, rule and secrets live. */
    stackRegion: string;
    /** The account id; absent: whichever account the policy is created in (see CALLER_ACCOUNT). */
    accountId?: string;
    config: Pick<
        ParsedConfig,
        | "regions"
        | "roleName"
        | "identityMode"
        | "installPodIdentityAgent"
        | "autoUpdate"
        | "kmsKeyId"
        | "lifecycleDays"
        | "agent"
        | "clusters"
        | "addons"
        | "events"
    >;
}

/**
 * Without an account id, the policy names the account of the identity it is attached to. IAM substitutes a policy
 * variable in the resource part of an ARN (after the fifth colon) and in condition values, never in the account field
 * (IAM User Guide, "IAM policy elements: Variables and tags"): an ARN with `${aws:PrincipalAccount}` there matches no
 * request. So the account field gets `*`, and every statement with such an ARN the condition aws:ResourceAccount =
 * ${aws:PrincipalAccount}, which allows exactly what the ARN with the id would; bucket names and condition values carry
 * the variable itself. Reading the id with STS instead would make printing the policy need credentials and a network,
 * and make the output depend on who runs it; this way one document is right in any account, and --account still
 * prints the exact ARNs.
 */
export const CALLER_ACCOUNT = "${aws:PrincipalAccount}";

/** What an ARN's account field holds: the id, or `*` (bound to the caller's account by callerAccountOnly). */
function arnAccount(accountId: string | undefined): string {
    return accountId ?? "*";
}

/** The account where IAM substitutes variables: in a resource name (the bucket's) or a condition value. */
function accountValue(accountId: string | undefined): string {
    return accountId ?? CALLER_ACCOUNT;
}

/** A statement whose ARNs have `*` for the account, limited to resources of the caller's account. */
function callerAccountOnly(statement: PolicyStatement): PolicyStatement {
    const resources = ([] as string[]).concat(statement.Resource ?? []);
    if (!resources.some((arn) => arn.split(":")[4] === "*")) {
        return statement;
    }
    const condition = statement.Condition ?? {};
    return {
        ...statement,
        Condition: {
            ...condition,
            StringEquals: { ...condition.StringEquals, "aws:ResourceAccount": CALLER_ACCOUNT },
        },
    };
}

function actions(...types: string[]): string[] {
    return [...new Set(types.flatMap((type) => PROVIDER_ACTIONS[type]))].sort();
}

export function deployerPolicy(target: DeployTarget): PolicyDocument {
    const { stackName, stackRegion: region, config } = target;
    const accountId = arnAccount(target.accountId);
    const partition = partitionOf(region);
    const account = { accountId, partition, stackName };
    const iamArn = (kind: string, path: string) => `arn:${partition}:iam::${accountId}:${kind}${path}`;
    const bucket = bucketArn(partition, bucketNameFor(accountValue(target.accountId)));
    const roles = stackRoleNames(stackName);
    const functions = reconcilerFunctionNames(stackName);
    const secrets = secretNamePrefixes(stackName);
    const secretArn = (prefix: string) => `arn:${partition}:secretsmanager:${region}:${accountId}:secret:${prefix}*`;
    // Every mode but the IAM user has the reconciler.
    const irsa = config.identityMode !== "iamUser";
    const podIdentity = config.identityMode === "podIdentity" || config.identityMode === "auto";

    // With the reconciler, also the stack's state buckets (named by S3 from the prefix), which destroy empties
    // (forceDestroy) unless one keeps a trail's logs. One statement with the agents' bucket: IAM's size limit.
    const stateBuckets = bucketArn(partition, `${stateBucketPrefix(accountValue(target.accountId))}*`);
    const statements: PolicyStatement[] = [
        {
            Sid: "Bucket",
            Effect: "Allow",
            Action: [
                ...actions(
                    "aws:s3/bucket:Bucket",
                    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
                    "aws:s3/bucketPolicy:BucketPolicy",
                    ...(config.lifecycleDays
                        ? ["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"]
                        : []),
                ),
                ...(irsa ? FORCE_DESTROY_ACTIONS : []),
            ],
            Resource: irsa ? [bucket, stateBuckets, `${stateBuckets}/*`] : bucket,
        },
        {
            Sid: "PlatformReadPolicy",
            Effect: "Allow",
            Action: actions("aws:iam/rolePolicy:RolePolicy"),
            // The platform's integration role, at the root path or any other.
            Resource: [iamArn("role/", config.roleName), iamArn("role/*/", config.roleName)],
        },
        {
            Sid: "AgentBoundaryPolicy",
            Effect: "Allow",
            Action: actions("aws:iam/policy:Policy"),
            Resource: agentBoundaryPolicyArn(account),
        },
    ];
    // Events need the reconciler: nothing of them in IAM-user mode.
    const events = irsa && config.events.enabled;
    const eventNames = eventResourceNames(stackName);
    const stackRoles = [
        ...(irsa ? [roles.reconciler] : []),
        ...(config.autoUpdate ? [roles.autoUpdate] : []),
        ...(podIdentity ? [roles.podIdentity] : []),
        ...(events ? [eventNames.forwardRole] : []),
    ];
    if (stackRoles.length > 0) {
        statements.push({
            Sid: "StackRoles",
            Effect: "Allow",
            Action: actions("aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy"),
            Resource: stackRoles.map((name) => iamArn("role/", name)),
        });
    }
    if (irsa) {
        const functionArns = [functions.creation, functions.management].map(
            (fn) => `arn:${partition}:lambda:${region}:${accountId}:function:${fn}`,
        );
        statements.push(
            {
                Sid: "PassReconcilerRoleToLambda",
                Effect: "Allow",
                Action: "iam:PassRole",
                Resource: iamArn("role/", roles.reconciler),
                Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } },
            },
            {
                Sid: "PlatformToken",
                Effect: "Allow",
                Action: actions("aws:secretsmanager/secret:Secret", "aws:secretsmanager/secretVersion:SecretVersion"),
                Resource: secretArn(secrets.platformToken),
            },
            {
                Sid: "ReconcilerFunctions",
                Effect: "Allow",
                Action: actions(
                    "aws:lambda/function:Function",
                    "aws:lambda/invocation:Invocation",
                    "aws:lambda/permission:Permission",
                ),
                Resource: functionArns,
            },
            {
                Sid: "ReconcilerLogs",
                Effect: "Allow",
                Action: actions("aws:cloudwatch/logGroup:LogGroup"),
                Resource: [functions.creation, functions.management].flatMap((fn) => {
                    const group = `arn:${partition}:logs:${region}:${accountId}:log-group:/aws/lambda/${fn}`;
                    return [group, `${group}:*`];
                }),
            },
            {
                // The provider finds a log group by listing with its name as prefix. DescribeLogGroups has no resource-level
                // permissions (Service Authorization Reference); AWS reports a denial on log-group::log-stream:, which
                // `log-group:*` would match, but only "*" matches in both readings.
                Sid: "FindLogGroups",
                Effect: "Allow",
                Action: "logs:DescribeLogGroups",
                Resource: "*",
                Condition: { StringEquals: { "aws:RequestedRegion": region } },
            },
            {
                // With events, also the stack's bus and its rules (one statement: IAM's managed-policy size limit).
                Sid: "ReconcilerSchedule",
                Effect: "Allow",
                Action: actions(
                    "aws:cloudwatch/eventRule:EventRule",
                    "aws:cloudwatch/eventTarget:EventTarget",
                    ...(events ? ["aws:cloudwatch/eventBus:EventBus"] : []),
                ),
                Resource: [
                    `arn:${partition}:events:${region}:${accountId}:rule/${reconcilerScheduleName(stackName)}`,
                    ...(events ? eventBridgeResources(target) : []),
                ],
            },
        );
        if (events) {
            statements.push(...eventStatements(target));
        }
    } else {
        statements.push(
            {
                Sid: "AgentUser",
                Effect: "Allow",
                Action: actions("aws:iam/user:User", "aws:iam/userPolicy:UserPolicy", "aws:iam/accessKey:AccessKey"),
                Resource: iamArn("user/", AGENT_USER_NAME),
            },
            {
                Sid: "AgentUserCredentials",
                Effect: "Allow",
                Action: actions("aws:secretsmanager/secret:Secret", "aws:secretsmanager/secretVersion:SecretVersion"),
                Resource: secretArn(secrets.agentUserCredentials),
            },
        );
    }
    const key = config.kmsKeyId;
    if (key && !/^arn:[^:]+:kms:[^:]+:[0-9]{12}:key\//.test(key)) {
        // Resolving an alias or key id to the key ARN (aws.kms.getKey = DescribeKey).
        const alias = key.includes("alias/") ? key.slice(key.indexOf("alias/")) : undefined;
        statements.push({
            Sid: "ResolveBucketKey",
            Effect: "Allow",
            Action: "kms:DescribeKey",
            Resource: alias
                ? `arn:${partition}:kms:${region}:${accountId}:key/*`
                : `arn:${partition}:kms:${region}:${accountId}:key/${key}`,
            ...(alias ? { Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": alias } } } : {}),
        });
    }
    if (config.agent.install) {
        statements.push(
            {
                Sid: "ListClustersInIncludedRegions",
                Effect: "Allow",
                Action: "eks:ListClusters",
                Resource: "*",
                Condition: { StringEquals: { "aws:RequestedRegion": config.regions } },
            },
            {
                // Discovery, and the cluster endpoint `aws eks get-token` kubeconfigs point at.
                Sid: "DescribeClustersInIncludedRegions",
                Effect: "Allow",
                Action: "eks:DescribeCluster",
                Resource: config.regions.map((r) => `arn:${partition}:eks:${r}:${accountId}:cluster/*`),
            },
            {
                // Whether the chart's Prometheus volume can be provisioned (components/cluster/checks.ts).
                Sid: "CheckEbsCsiAddon",
                Effect: "Allow",
                Action: "eks:DescribeAddon",
                Resource: config.regions.map(
                    (r) => `arn:${partition}:eks:${r}:${accountId}:addon/*/aws-ebs-csi-driver/*`,
                ),
            },
        );
        if (podIdentity) {
            const clusterArns = config.regions.map((r) => `arn:${partition}:eks:${r}:${accountId}:cluster/*`);
            const associationArns = config.regions.map(
                (r) => `arn:${partition}:eks:${r}:${accountId}:podidentityassociation/*`,
            );
            statements.push(
                {
                    // One association per cluster (components/cluster/podIdentity.ts): created on the cluster, then its own ARN.
                    Sid: "PodIdentityAssociations",
                    Effect: "Allow",
                    Action: actions("aws:eks/podIdentityAssociation:PodIdentityAssociation"),
                    Resource: [...clusterArns, ...associationArns],
                },
                {
                    Sid: "PassPodIdentityRole",
                    Effect: "Allow",
                    Action: "iam:PassRole",
                    Resource: iamArn("role/", roles.podIdentity),
                    Condition: { StringEquals: { "iam:PassedToService": "pods.eks.amazonaws.com" } },
                },
                {
                    Sid: "CheckPodIdentityAgentAddon",
                    Effect: "Allow",
                    Action: "eks:DescribeAddon",
                    Resource: config.regions.map(
                        (r) => `arn:${partition}:eks:${r}:${accountId}:addon/*/eks-pod-identity-agent/*`,
                    ),
                },
            );
            if (config.installPodIdentityAgent) {
                statements.push({
                    Sid: "InstallPodIdentityAgentAddon",
                    Effect: "Allow",
                    Action: actions("aws:eks/addon:Addon"),
                    Resource: [
                        ...clusterArns,
                        ...config.regions.map(
                            (r) => `arn:${partition}:eks:${r}:${accountId}:addon/*/eks-pod-identity-agent/*`,
                        ),
                    ],
                });
            }
        }
        const fargate = config.addons.fargateInsights.enabled;
        if (fargate) {
            statements.push(
                ...fargateInsightsStatements({
                    partition,
                    accountId: target.accountId,
                    stackName,
                    regions: config.regions,
                }),
            );
        }
        if (config.identityMode === "irsa" || config.identityMode === "auto" || fargate) {
            // IRSA (the agent's, or the Fargate collector's in any mode): whether each cluster's IAM OIDC provider is registered.
            statements.push({
                Sid: "CheckOidcProviders",
                Effect: "Allow",
                Action: "iam:GetOpenIDConnectProvider",
                Resource: `arn:${partition}:iam::${accountId}:oidc-provider/*`,
            });
        }
        const cni = config.addons.cniMetrics;
        if (cni.enabled && config.identityMode !== "iamUser") {
            statements.push(
                ...cniMetricsStatements({
                    partition,
                    accountId: target.accountId,
                    stackName,
                    regions: config.regions,
                    options: cni,
                    podIdentity,
                }),
            );
        }
        if (config.clusters.assumeRoleArn) {
            statements.push({
                Sid: "AssumeClusterAccessRole",
                Effect: "Allow",
                Action: "sts:AssumeRole",
                Resource: config.clusters.assumeRoleArn,
            });
        }
    }
    return policy(...(target.accountId === undefined ? statements.map(callerAccountOnly) : statements));
}

/**
 * What the watch service (`container-insights watch`) needs beyond the deployer's policy: to consume the stack's watch
 * queue. The batch calls it makes (DeleteMessageBatch, ChangeMessageVisibilityBatch) are authorized as the single
 * actions. The queue is encrypted with SSE-SQS, so no KMS permission is needed.
 */
export const WATCH_QUEUE_ACTIONS = [
    "sqs:ChangeMessageVisibility",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:ReceiveMessage",
];

/** The watch queue's name: the events module's (events.enabled), in the stack's region. */
export function watchQueueName(stackName: string): string {
    return eventResourceNames(stackName).watchQueue;
}

export function watchStatement(target: Pick<DeployTarget, "stackName" | "stackRegion" | "accountId">): PolicyStatement {
    const partition = partitionOf(target.stackRegion);
    const statement: PolicyStatement = {
        Sid: "WatchQueue",
        Effect: "Allow",
        Action: WATCH_QUEUE_ACTIONS,
        Resource: `arn:${partition}:sqs:${target.stackRegion}:${arnAccount(target.accountId)}:${watchQueueName(target.stackName)}`,
    };
    return target.accountId === undefined ? callerAccountOnly(statement) : statement;
}

const FARGATE_SERVICE = "eks-fargate.amazonaws.com";

/**
 * Container Insights for EKS Fargate (components/addons/fargateInsights/): per cluster a pod execution role and a collector
 * role under the add-ons' role path, the managed Fargate policy on the first, a Fargate profile of that one name, the
 * performance log group; at deploy, the clusters' Fargate profiles (SDK) and route tables (invoke).
 */
function fargateInsightsStatements(args: {
    partition: string;
    accountId: string | undefined;
    stackName: string;
    regions: string[];
}): PolicyStatement[] {
    const { partition, regions } = args;
    const accountId = arnAccount(args.accountId);
    const podRoles = addonRoleArnPattern({ ...args, accountId, purpose: FARGATE_POD_ROLE_PURPOSE });
    const collectorRoles = addonRoleArnPattern({ ...args, accountId, purpose: COLLECTOR_ROLE_PURPOSE });
    const boundary = (arnField: string) =>
        addonBoundaryArn({ partition, accountId: arnField, policyName: collectorBoundaryName(args.stackName) });
    const eks = (rest: string) => regions.map((r) => `arn:${partition}:eks:${r}:${accountId}:${rest}`);
    return [
        // The pod execution roles get no inline policy and, as managed policy, only AWS's Fargate one (below): that is their ceiling.
        { Sid: "FargatePodExecutionRoles", Effect: "Allow", Action: actions("aws:iam/role:Role"), Resource: podRoles },
        ...addonRoleStatements("FargateCollectorRoles", collectorRoles, boundary(accountValue(args.accountId))),
        {
            Sid: "FargateCollectorBoundaryPolicy",
            Effect: "Allow",
            Action: actions("aws:iam/policy:Policy"),
            Resource: boundary(accountId),
        },
        {
            // The pod execution role gets AWS's managed Fargate policy and no other.
            Sid: "FargatePodExecutionPolicy",
            Effect: "Allow",
            // iam:PolicyARN is in the request context of these two only; ListAttachedRolePolicies comes with the role's actions.
            Action: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
            Resource: podRoles,
            Condition: { ArnEquals: { "iam:PolicyARN": fargatePodExecutionPolicyArn(partition) } },
        },
        {
            // CreateFargateProfile passes the pod execution role to EKS: iam:PassedToService is the service whose API
            // takes the role (eks.amazonaws.com), not the role's trusted principal (eks-fargate-pods.amazonaws.com);
            // EKS User Guide, "Amazon EKS identity-based policy examples", the console policy that creates profiles.
            Sid: "PassFargatePodExecutionRole",
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: podRoles,
            Condition: { StringEquals: { "iam:PassedToService": "eks.amazonaws.com" } },
        },
        {
            // An account's first Fargate profile makes EKS create its Fargate service-linked role, as the caller.
            Sid: "FargateServiceLinkedRole",
            Effect: "Allow",
            Action: "iam:CreateServiceLinkedRole",
            Resource: `arn:${partition}:iam::${accountId}:role/aws-service-role/${FARGATE_SERVICE}/AWSServiceRoleForAmazonEKSForFargate`,
            Condition: { StringEquals: { "iam:AWSServiceName": FARGATE_SERVICE } },
        },
        {
            Sid: "FargateInsightsProfiles",
            Effect: "Allow",
            Action: actions("aws:eks/fargateProfile:FargateProfile"),
            Resource: [...eks("cluster/*"), ...eks(`fargateprofile/*/${FARGATE_PROFILE_NAME}/*`)],
        },
        {
            Sid: "FindFargateProfiles",
            Effect: "Allow",
            Action: SDK_ACTIONS.fargateProfiles,
            Resource: eks("cluster/*"),
        },
        {
            Sid: "FargatePerformanceLogGroups",
            Effect: "Allow",
            Action: actions("aws:cloudwatch/logGroup:LogGroup"),
            Resource: regions.flatMap((r) => {
                const group = `arn:${partition}:logs:${r}:${accountId}:log-group:${performanceLogGroupName("*")}`;
                return [group, `${group}:*`];
            }),
        },
        {
            Sid: "FindPerformanceLogGroups",
            Effect: "Allow",
            Action: "logs:DescribeLogGroups",
            Resource: "*",
            Condition: { StringEquals: { "aws:RequestedRegion": regions } },
        },
        // Which of a cluster's subnets are private (DescribeRouteTables has no resource-level permissions).
        {
            Sid: "ReadRouteTables",
            Effect: "Allow",
            Action: "ec2:DescribeRouteTables",
            Resource: "*",
            Condition: { StringEquals: { "aws:RequestedRegion": regions } },
        },
    ];
}

/** Role writes that set or use a role's permissions: IAM puts the role's (new) boundary in iam:PermissionsBoundary. */
const BOUNDED_ROLE_WRITES = [
    "iam:CreateRole",
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
    "iam:PutRolePermissionsBoundary",
];

/**
 * An add-on's roles: the writes only for a role under the add-on's boundary (so a role the deployer makes or edits can
 * never exceed it), the rest unconditioned; removing a boundary is denied outright.
 */
function addonRoleStatements(sid: string, roleArns: string, boundaryArn: string): PolicyStatement[] {
    const all = actions("aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy");
    return [
        { Sid: sid, Effect: "Allow", Action: all.filter((a) => !BOUNDED_ROLE_WRITES.includes(a)), Resource: roleArns },
        {
            Sid: `${sid}UnderBoundary`,
            Effect: "Allow",
            Action: [...all.filter((a) => BOUNDED_ROLE_WRITES.includes(a)), "iam:PutRolePermissionsBoundary"],
            Resource: roleArns,
            Condition: { StringEquals: { "iam:PermissionsBoundary": boundaryArn } },
        },
        { Sid: `${sid}KeepBoundary`, Effect: "Deny", Action: "iam:DeleteRolePermissionsBoundary", Resource: roleArns },
    ];
}

/** addons.cniMetrics: the helpers' roles and boundary, their Pod Identity associations, the alarms and the alarm topics. */
function cniMetricsStatements(args: {
    partition: string;
    accountId: string | undefined;
    stackName: string;
    regions: string[];
    options: ParsedConfig["addons"]["cniMetrics"];
    podIdentity: boolean;
}): PolicyStatement[] {
    const { partition, stackName, regions, options } = args;
    const accountId = arnAccount(args.accountId);
    const roleArns = addonRoleArnPattern({ ...args, accountId, purpose: CNI_METRICS_ROLE_PURPOSE });
    const keys = regions.map((r) => `arn:${partition}:kms:${r}:${accountId}:key/*`);
    const stackId = stackIdOf(stackName);
    const boundary = (arnField: string) =>
        addonBoundaryArn({ partition, accountId: arnField, policyName: cniMetricsBoundaryName(stackName) });
    const statements: PolicyStatement[] = [
        ...addonRoleStatements("CniMetricsRoles", roleArns, boundary(accountValue(args.accountId))),
        {
            Sid: "CniMetricsBoundaryPolicy",
            Effect: "Allow",
            Action: actions("aws:iam/policy:Policy"),
            Resource: boundary(accountId),
        },
    ];
    if (args.podIdentity) {
        statements.push(
            {
                Sid: "CniMetricsPodIdentityAssociations",
                Effect: "Allow",
                Action: actions("aws:eks/podIdentityAssociation:PodIdentityAssociation"),
                Resource: regions.flatMap((r) => [
                    `arn:${partition}:eks:${r}:${accountId}:cluster/*`,
                    `arn:${partition}:eks:${r}:${accountId}:podidentityassociation/*`,
                ]),
            },
            {
                Sid: "PassCniMetricsRoles",
                Effect: "Allow",
                Action: "iam:PassRole",
                Resource: roleArns,
                Condition: { StringEquals: { "iam:PassedToService": "pods.eks.amazonaws.com" } },
            },
        );
    }
    if (options.freeIpAlarmPercent > 0) {
        statements.push({
            Sid: "CniMetricsAlarms",
            Effect: "Allow",
            Action: actions("aws:cloudwatch/metricAlarm:MetricAlarm"),
            Resource: regions.map(
                (r) => `arn:${partition}:cloudwatch:${r}:${accountId}:alarm:${alarmNamePrefix(stackName)}*`,
            ),
        });
        if (!options.alarmTopicArn) {
            statements.push(
                {
                    // Only keys tagged as this stack's (alarmTopic.ts tags its key with the stack's ownership tag).
                    Sid: "AlarmTopicKeys",
                    Effect: "Allow",
                    Action: actions("aws:kms/key:Key").filter((a) => a !== "kms:CreateKey"),
                    Resource: keys,
                    Condition: { StringEquals: { [`aws:ResourceTag/${STACK_TAG_KEY}`]: stackId } },
                },
                {
                    // CreateKey has no resource to scope to: only with the stack's ownership tag.
                    Sid: "CreateAlarmTopicKeys",
                    Effect: "Allow",
                    Action: "kms:CreateKey",
                    Resource: "*",
                    Condition: {
                        StringEquals: { "aws:RequestedRegion": regions, [`aws:RequestTag/${STACK_TAG_KEY}`]: stackId },
                    },
                },
                {
                    // The tags of a CreateKey are authorized as kms:TagResource on the region's keys, with no resource
                    // tags (KMS Developer Guide, "Controlling access to tags"). Only the stack's tag, and only where no
                    // stack's ownership tag is yet: a key of this stack is managed by AlarmTopicKeys, another stack's
                    // key can never be taken over. IAM cannot tell a key being created from an existing key without
                    // that tag key; the README names the SCP that closes this.
                    Sid: "TagAlarmTopicKeysAtCreation",
                    Effect: "Allow",
                    Action: "kms:TagResource",
                    Resource: keys,
                    Condition: {
                        StringEquals: { [`aws:RequestTag/${STACK_TAG_KEY}`]: stackId },
                        Null: { [`aws:ResourceTag/${STACK_TAG_KEY}`]: "true" },
                    },
                },
                {
                    Sid: "AlarmTopics",
                    Effect: "Allow",
                    Action: actions(
                        "aws:sns/topic:Topic",
                        "aws:sns/topicPolicy:TopicPolicy",
                        "aws:sns/topicSubscription:TopicSubscription",
                    ),
                    Resource: regions.flatMap((r) => [
                        `arn:${partition}:sns:${r}:${accountId}:${alarmTopicName(stackName)}`,
                        `arn:${partition}:sns:${r}:${accountId}:${alarmTopicName(stackName)}:*`,
                    ]),
                },
            );
        }
    }
    return statements;
}

/** events.enabled: the stack's bus, its two rules there, and the regional rules (included regions and IAM's). */
function eventBridgeResources(target: DeployTarget): string[] {
    const { stackName, stackRegion: region, config } = target;
    const accountId = arnAccount(target.accountId);
    const partition = partitionOf(region);
    const names = eventResourceNames(stackName);
    const arn = (rest: string, r = region) => `arn:${partition}:events:${r}:${accountId}:${rest}`;
    const iamRegion = iamEventRegion(partition);
    return [
        arn(`event-bus/${names.bus}`),
        arn(`rule/${names.bus}/${names.reconcilerRule}`),
        arn(`rule/${names.bus}/${names.watchRule}`),
        ...config.regions.map((r) => arn(`rule/${names.eksRule}`, r)),
        arn(`rule/${names.iamRule}`, iamRegion),
    ];
}

/** events.enabled: passing the forwarding role to EventBridge, the queues, the alarm, the mapping, the trail or its check. */
function eventStatements(target: DeployTarget): PolicyStatement[] {
    const { stackName, stackRegion: region, config } = target;
    const accountId = arnAccount(target.accountId);
    const partition = partitionOf(region);
    const names = eventResourceNames(stackName);
    const regional = (service: string, rest: string) => `arn:${partition}:${service}:${region}:${accountId}:${rest}`;
    const queues = [
        names.reconcilerQueue,
        names.reconcilerDeadLetterQueue,
        names.watchQueue,
        names.watchDeadLetterQueue,
    ];
    const statements: PolicyStatement[] = [
        {
            Sid: "PassEventForwardRole",
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: `arn:${partition}:iam::${accountId}:role/${names.forwardRole}`,
            Condition: { StringEquals: { "iam:PassedToService": "events.amazonaws.com" } },
        },
        {
            Sid: "EventQueues",
            Effect: "Allow",
            Action: actions("aws:sqs/queue:Queue", "aws:sqs/queuePolicy:QueuePolicy"),
            Resource: queues.map((q) => regional("sqs", q)),
        },
        {
            Sid: "EventDeadLetterAlarm",
            Effect: "Allow",
            Action: actions("aws:cloudwatch/metricAlarm:MetricAlarm"),
            Resource: [names.deadLetterAlarm, names.watchDeadLetterAlarm].map((alarm) =>
                regional("cloudwatch", `alarm:${alarm}`),
            ),
        },
        ...eventSourceMappingStatements(target),
    ];
    // DescribeTrails has no resource-level permissions: the provider's read of the stack's trail and the trail check both list.
    statements.push({ Sid: "FindTrails", Effect: "Allow", Action: "cloudtrail:DescribeTrails", Resource: "*" });
    if (config.events.createTrail) {
        statements.push({
            Sid: "ManagementTrail",
            Effect: "Allow",
            Action: actions("aws:cloudtrail/trail:Trail").filter((a) => a !== "cloudtrail:DescribeTrails"),
            Resource: regional("cloudtrail", `trail/${names.trail}`),
        });
    } else {
        statements.push({
            Sid: "CheckTrails",
            Effect: "Allow",
            Action: ["cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"],
            Resource: `arn:${partition}:cloudtrail:*:${accountId}:trail/*`,
        });
    }
    return statements;
}

/**
 * The reconciler queue's mapping onto the management function. CreateEventSourceMapping has no resource-level
 * permissions: it is authorized on "*" and scoped by lambda:FunctionArn, as are the calls on a mapping; tagging a
 * mapping carries no lambda:FunctionArn (Service Authorization Reference, AWS Lambda).
 */
function eventSourceMappingStatements(target: DeployTarget): PolicyStatement[] {
    const partition = partitionOf(target.stackRegion);
    const lambdaArn = (account: string, rest: string) =>
        `arn:${partition}:lambda:${target.stackRegion}:${account}:${rest}`;
    const management = reconcilerFunctionNames(target.stackName).management;
    // StringEquals, not ArnEquals: the value holds the ${aws:PrincipalAccount} variable, which the reference evaluator
    // (iam-simulate) does not substitute inside an ARN operator's value.
    const ownFunction = {
        StringEquals: { "lambda:FunctionArn": lambdaArn(accountValue(target.accountId), `function:${management}`) },
    };
    const mappingActions = actions("aws:lambda/eventSourceMapping:EventSourceMapping");
    const onMappings = [
        "lambda:GetEventSourceMapping",
        "lambda:UpdateEventSourceMapping",
        "lambda:DeleteEventSourceMapping",
    ];
    const mappings = lambdaArn(arnAccount(target.accountId), "event-source-mapping:*");
    return [
        {
            Sid: "CreateReconcilerEventSourceMapping",
            Effect: "Allow",
            Action: "lambda:CreateEventSourceMapping",
            Resource: "*",
            Condition: {
                StringEquals: { ...ownFunction.StringEquals, "aws:RequestedRegion": target.stackRegion },
            },
        },
        {
            Sid: "ReconcilerEventSourceMapping",
            Effect: "Allow",
            Action: onMappings,
            Resource: mappings,
            Condition: ownFunction,
        },
        {
            Sid: "TagReconcilerEventSourceMapping",
            Effect: "Allow",
            Action: mappingActions.filter((a) => a !== "lambda:CreateEventSourceMapping" && !onMappings.includes(a)),
            Resource: mappings,
        },
    ];
}

/** IAM's limit on a customer managed policy document, in characters not counting white space. */
export const MANAGED_POLICY_LIMIT = 6144;

/** A document's size as IAM counts it against MANAGED_POLICY_LIMIT. */
export function policySize(document: PolicyDocument): number {
    return JSON.stringify(document).replace(/\s/g, "").length;
}

/**
 * Packs a document's statements into as few documents as fit IAM's managed-policy limit, in order; a statement too
 * big on its own is cut into statements over parts of its Resource list (Sids numbered). Together they allow
 * exactly what the document allows.
 */
export function splitPolicy(document: PolicyDocument, limit: number = MANAGED_POLICY_LIMIT): PolicyDocument[] {
    const parts: PolicyDocument[] = [];
    let current = policy();
    for (const statement of document.Statement.flatMap((s) => fitStatement(s, limit))) {
        const candidate = policy(...current.Statement, statement);
        if (current.Statement.length > 0 && policySize(candidate) > limit) {
            parts.push(current);
            current = policy(statement);
        } else {
            current = candidate;
        }
    }
    if (current.Statement.length > 0) {
        parts.push(current);
    }
    return parts;
}

function fitStatement(statement: PolicyStatement, limit: number): PolicyStatement[] {
    const resources = statement.Resource;
    if (policySize(policy(statement)) <= limit || !Array.isArray(resources) || resources.length < 2) {
        return [statement];
    }
    const half = Math.ceil(resources.length / 2);
    const sid = (n: number) => (statement.Sid ? { Sid: `${statement.Sid}${n}` } : {});
    return [
        ...fitStatement({ ...statement, ...sid(1), Resource: resources.slice(0, half) }, limit),
        ...fitStatement({ ...statement, ...sid(2), Resource: resources.slice(half) }, limit),
    ];
}

/** Reads a stack's config like the program does and builds its deployer policy. */
export function stackDeployerPolicy(
    stack: string,
    options: { projectDir: string; accountId?: string; overrides?: Record<string, string>; watch?: boolean },
): PolicyDocument {
    const { raw, awsRegion } = readStackConfig(stack, options.projectDir, options.overrides ?? {});
    // Secrets do not shape the policy, and the reader never sees their values: stand-ins let the config validate.
    for (const key of ["token", "externalId", "datadogApiKey"]) {
        if (!raw[key] || raw[key] === SECRET_PLACEHOLDER) {
            raw[key] = "placeholder";
        }
    }
    const config = parseConfig(raw, { awsRegion, stackName: stack });
    const target = {
        stackName: stack,
        stackRegion: config.stackRegion,
        accountId: options.accountId,
        config,
    };
    const document = deployerPolicy(target);
    return options.watch ? policy(...document.Statement, watchStatement(target)) : document;
}

const USAGE =
    "usage: npm run --silent permissions -- <stack> [--account <id>] [--set key=value ...] [--split <directory>] [--watch]";

const HELP = [
    USAGE,
    "  prints the deployer's IAM policy as one minified JSON document; --set applies `pulumi config set --path` (e.g.",
    "  --set clusters.assumeRoleArn=arn:...); --split writes deployer-policy-<n>.json files, each within IAM's 6,144-character",
    "  limit, into the directory (a policy over the limit is written so by default, into deployer-policy-<stack>/);",
    "  --watch adds what the watch service (container-insights watch) needs on top: SQS on the stack's watch queue",
    "exit codes: 0 printed or written; 1 the stack's config is not valid; 2 bad usage (an unknown flag, no such stack file)",
].join("\n");

interface PermissionsArguments {
    stack: string;
    accountId?: string;
    overrides: Record<string, string>;
    splitDir?: string;
    watch: boolean;
}

function knownStacks(projectDir: string): string[] {
    const dir = join(projectDir, "stacks");
    return existsSync(dir)
        ? readdirSync(dir)
              .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
              .filter((name): name is string => name !== undefined)
        : [];
}

/** The command line, every problem together (an unknown flag, a bad value, no such stack file) in one UsageError. */
export function parsePermissionsArguments(argv: readonly string[], projectDir = PROJECT_DIR): PermissionsArguments {
    const problems = new UsageProblems();
    const flags = parseFlags(
        undefined,
        argv,
        {
            values: ["account", "set", "split"],
            repeatable: ["set"],
            switches: { watch: undefined },
            hints: {
                account: "a 12-digit AWS account id",
                set: "key=value",
                split: "a directory to write deployer-policy-<n>.json into",
            },
        },
        problems,
    );
    const known = knownStacks(projectDir);
    const [stack, ...extra] = flags.positionals;
    if (stack === undefined) {
        problems.add(`name a stack: ${known.join(" or ")}`);
    } else if (!existsSync(join(projectDir, "stacks", `Pulumi.${stack}.yaml`))) {
        problems.add(
            `no stack file stacks/Pulumi.${stack}.yaml${didYouMean(stack, known)}; known stacks: ${known.join(", ")}`,
        );
    }
    if (extra.length > 0) {
        problems.add(`unexpected argument ${extra[0]}`);
    }
    const accountId = flags.values.account;
    if (accountId !== undefined && !/^[0-9]{12}$/.test(accountId)) {
        problems.add(`--account ${JSON.stringify(accountId)} is not a 12-digit AWS account id`);
    }
    const overrides: Record<string, string> = {};
    for (const pair of flags.repeated.set ?? []) {
        const eq = pair.indexOf("=");
        if (eq < 1) {
            problems.add(
                `--set takes key=value (a key of the container-insights namespace, dotted for a field: clusters.assumeRoleArn=...), got ${JSON.stringify(pair)}`,
            );
        } else {
            overrides[pair.slice(0, eq)] = pair.slice(eq + 1);
        }
    }
    problems.throwIfAny();
    return {
        stack: stack!,
        ...(accountId === undefined ? {} : { accountId }),
        overrides,
        ...(flags.values.split === undefined ? {} : { splitDir: flags.values.split }),
        watch: flags.switches.has("watch"),
    };
}

/** Where a policy over the limit is written when no --split directory is given. */
export function defaultSplitDir(stack: string): string {
    return `deployer-policy-${stack}`;
}

export function main(argv: string[], io: { cwd: string } = { cwd: process.cwd() }): number {
    if (wantsHelp(argv)) {
        process.stdout.write(`${HELP}\n`);
        return 0;
    }
    let args: PermissionsArguments;
    try {
        args = parsePermissionsArguments(argv);
    } catch (error) {
        if (error instanceof UsageError) {
            process.stderr.write(`${usageMessage("permissions", error.message, USAGE)}\n`);
            return USAGE_EXIT_CODE;
        }
        throw error;
    }
    try {
        const document = stackDeployerPolicy(args.stack, {
            projectDir: PROJECT_DIR,
            accountId: args.accountId,
            overrides: args.overrides,
            watch: args.watch,
        });
        const parts = splitPolicy(document);
        if (args.splitDir === undefined && parts.length === 1) {
            process.stdout.write(`${JSON.stringify(document)}\n`);
            return 0;
        }
        const dir = resolve(io.cwd, args.splitDir ?? defaultSplitDir(args.stack));
        if (args.splitDir === undefined) {
            process.stderr.write(
                `the policy is ${policySize(document)} characters, over IAM's ${MANAGED_POLICY_LIMIT}-character limit for a managed policy: ` +
                    `written as ${parts.length} policies, each within the limit; attach each (--split <directory> chooses where)\n`,
            );
        }
        mkdirSync(dir, { recursive: true });
        parts.forEach((part, i) => {
            const file = join(dir, `deployer-policy-${i + 1}.json`);
            writeFileSync(file, `${JSON.stringify(part)}\n`);
            process.stdout.write(`${args.splitDir === undefined ? relative(io.cwd, file) : file}\n`);
        });
        return 0;
    } catch (error) {
        const hint =
            error instanceof ConfigError
                ? " (keys that are not committed can be given with --set key=value, e.g. --set roleName=NopsIntegrationRole)"
                : "";
        process.stderr.write(`${errorMessage(error)}${hint}\n`);
        return 1;
    }
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2));
}
