/**
 * What the deploying identity's calls are, by what the program registers or asks: the provider's calls per resource
 * type and per invoke, and the program's own SDK reads. The components' statements (each concern's permissions.ts)
 * take their actions from here.
 */

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

/** The provider's actions for these resource types, sorted, each once. */
export function actions(...types: string[]): string[] {
    return [...new Set(types.flatMap((type) => PROVIDER_ACTIONS[type]))].sort();
}
