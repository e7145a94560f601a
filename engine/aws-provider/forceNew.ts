/**
 * Which input changes replace a resource instead of updating it: terraform-provider-aws's `ForceNew: true`
 * (SDKv2) and `RequiresReplace()` (plugin framework) flags, under the Pulumi property names of @pulumi/aws. This
 * table is the one place the stand-in provider keeps these facts; each row names the schema file of
 * hashicorp/terraform-provider-aws it was read from. Only the resource types the program creates are here.
 */
import { plain, Props } from "./values";

export interface Replacement {
    /** The terraform resource type. */
    terraform: string;
    /** hashicorp/terraform-provider-aws file whose schema marks these properties. */
    source: string;
    /** Top-level inputs whose change replaces the resource (a ForceNew nested field is listed by its parent). */
    forceNew: string[];
    /** Inputs that replace only under a condition of the resource's CustomizeDiff. */
    forceNewWhen?: Record<string, (news: Props) => boolean>;
    /**
     * The resource takes a `region` argument (terraform-provider-aws v6): changing it replaces the resource
     * (internal/provider/sdkv2/region.go, forceNewIfRegionChanges) unless it only goes between unset and the
     * provider's region. IAM is global and has no `region`.
     */
    regional: boolean;
}

export const REPLACEMENTS: Record<string, Replacement> = {
    "aws:iam/role:Role": {
        terraform: "aws_iam_role",
        source: "internal/service/iam/role.go",
        forceNew: ["name", "namePrefix", "path"],
        regional: false,
    },
    "aws:iam/policy:Policy": {
        terraform: "aws_iam_policy",
        source: "internal/service/iam/policy.go",
        forceNew: ["description", "name", "namePrefix", "path"],
        regional: false,
    },
    "aws:iam/rolePolicy:RolePolicy": {
        terraform: "aws_iam_role_policy",
        source: "internal/service/iam/role_policy.go",
        forceNew: ["name", "namePrefix", "role"],
        regional: false,
    },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
        terraform: "aws_iam_role_policy_attachment",
        source: "internal/service/iam/role_policy_attachment.go",
        forceNew: ["policyArn", "role"],
        regional: false,
    },
    "aws:iam/user:User": {
        terraform: "aws_iam_user",
        source: "internal/service/iam/user.go (name and path are updated in place with UpdateUser)",
        forceNew: [],
        regional: false,
    },
    "aws:iam/userPolicy:UserPolicy": {
        terraform: "aws_iam_user_policy",
        source: "internal/service/iam/user_policy.go",
        forceNew: ["name", "namePrefix", "user"],
        regional: false,
    },
    "aws:iam/accessKey:AccessKey": {
        terraform: "aws_iam_access_key",
        source: "internal/service/iam/access_key.go",
        forceNew: ["pgpKey", "user"],
        regional: false,
    },
    "aws:s3/bucket:Bucket": {
        terraform: "aws_s3_bucket",
        source: "internal/service/s3/bucket.go",
        forceNew: ["bucket", "bucketPrefix"],
        regional: true,
    },
    "aws:s3/bucketPolicy:BucketPolicy": {
        terraform: "aws_s3_bucket_policy",
        source: "internal/service/s3/bucket_policy.go",
        forceNew: ["bucket"],
        regional: true,
    },
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": {
        terraform: "aws_s3_bucket_public_access_block",
        source: "internal/service/s3/bucket_public_access_block.go",
        forceNew: ["bucket"],
        regional: true,
    },
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": {
        terraform: "aws_s3_bucket_ownership_controls",
        source: "internal/service/s3/bucket_ownership_controls.go",
        forceNew: ["bucket"],
        regional: true,
    },
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
        terraform: "aws_s3_bucket_server_side_encryption_configuration",
        source: "internal/service/s3/bucket_server_side_encryption_configuration.go",
        forceNew: ["bucket", "expectedBucketOwner"],
        regional: true,
    },
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": {
        terraform: "aws_s3_bucket_lifecycle_configuration",
        source: "internal/service/s3/bucket_lifecycle_configuration.go (RequiresReplace)",
        forceNew: ["bucket", "expectedBucketOwner"],
        regional: true,
    },
    "aws:secretsmanager/secret:Secret": {
        terraform: "aws_secretsmanager_secret",
        source: "internal/service/secretsmanager/secret.go",
        forceNew: ["name", "namePrefix"],
        regional: true,
    },
    "aws:secretsmanager/secretVersion:SecretVersion": {
        terraform: "aws_secretsmanager_secret_version",
        source: "internal/service/secretsmanager/secret_version.go",
        forceNew: ["secretBinary", "secretId", "secretString", "secretStringWoVersion"],
        regional: true,
    },
    "aws:cloudwatch/eventBus:EventBus": {
        terraform: "aws_cloudwatch_event_bus",
        source: "internal/service/events/bus.go",
        forceNew: ["eventSourceName", "name"],
        regional: true,
    },
    "aws:cloudwatch/eventRule:EventRule": {
        terraform: "aws_cloudwatch_event_rule",
        source: "internal/service/events/rule.go",
        forceNew: ["eventBusName", "name", "namePrefix"],
        regional: true,
    },
    "aws:cloudwatch/eventTarget:EventTarget": {
        terraform: "aws_cloudwatch_event_target",
        source: "internal/service/events/target.go",
        forceNew: ["eventBusName", "rule", "targetId"],
        regional: true,
    },
    "aws:cloudwatch/logGroup:LogGroup": {
        terraform: "aws_cloudwatch_log_group",
        source: "internal/service/logs/group.go",
        forceNew: ["logGroupClass", "name", "namePrefix"],
        regional: true,
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": {
        terraform: "aws_cloudwatch_metric_alarm",
        source: "internal/service/cloudwatch/metric_alarm.go (alarm_name, Pulumi's `name`)",
        forceNew: ["name"],
        regional: true,
    },
    "aws:sqs/queue:Queue": {
        terraform: "aws_sqs_queue",
        source: "internal/service/sqs/queue.go",
        forceNew: ["fifoQueue", "name", "namePrefix"],
        regional: true,
    },
    "aws:sqs/queuePolicy:QueuePolicy": {
        terraform: "aws_sqs_queue_policy",
        source: "internal/service/sqs/queue_policy.go",
        forceNew: ["queueUrl"],
        regional: true,
    },
    "aws:lambda/function:Function": {
        terraform: "aws_lambda_function",
        source: "internal/service/lambda/function.go (function_name, Pulumi's `name`)",
        forceNew: ["name", "packageType", "tenancyConfig"],
        regional: true,
    },
    "aws:lambda/invocation:Invocation": {
        terraform: "aws_lambda_invocation",
        source: "internal/service/lambda/invocation.go",
        forceNew: ["functionName", "qualifier", "triggers"],
        // customizeDiffInputChangeWithCreateOnlyScope: with the default CREATE_ONLY scope an input change replaces.
        forceNewWhen: { input: (news) => (plain(news.lifecycleScope) ?? "CREATE_ONLY") === "CREATE_ONLY" },
        regional: true,
    },
    "aws:lambda/permission:Permission": {
        terraform: "aws_lambda_permission",
        source: "internal/service/lambda/permission.go (function_name, Pulumi's `function`)",
        forceNew: [
            "action",
            "eventSourceToken",
            "function",
            "functionUrlAuthType",
            "invokedViaFunctionUrl",
            "principal",
            "principalOrgId",
            "qualifier",
            "sourceAccount",
            "sourceArn",
            "statementId",
            "statementIdPrefix",
        ],
        regional: true,
    },
    "aws:lambda/eventSourceMapping:EventSourceMapping": {
        terraform: "aws_lambda_event_source_mapping",
        source: "internal/service/lambda/event_source_mapping.go",
        forceNew: ["eventSourceArn"],
        regional: true,
    },
    "aws:kms/key:Key": {
        terraform: "aws_kms_key",
        source: "internal/service/kms/key.go",
        forceNew: ["customKeyStoreId", "customerMasterKeySpec", "keyUsage"],
        regional: true,
    },
    "aws:sns/topic:Topic": {
        terraform: "aws_sns_topic",
        source: "internal/service/sns/topic.go",
        forceNew: ["fifoTopic", "name", "namePrefix"],
        regional: true,
    },
    "aws:sns/topicPolicy:TopicPolicy": {
        terraform: "aws_sns_topic_policy",
        source: "internal/service/sns/topic_policy.go",
        forceNew: ["arn"],
        regional: true,
    },
    "aws:sns/topicSubscription:TopicSubscription": {
        terraform: "aws_sns_topic_subscription",
        source: "internal/service/sns/topic_subscription.go (topic_arn, Pulumi's `topic`)",
        forceNew: ["endpoint", "protocol", "topic"],
        regional: true,
    },
    "aws:cloudtrail/trail:Trail": {
        terraform: "aws_cloudtrail",
        source: "internal/service/cloudtrail/trail.go",
        forceNew: ["name"],
        regional: true,
    },
    "aws:eks/addon:Addon": {
        terraform: "aws_eks_addon",
        source: "internal/service/eks/addon.go",
        forceNew: ["addonName", "clusterName"],
        regional: true,
    },
    "aws:eks/fargateProfile:FargateProfile": {
        terraform: "aws_eks_fargate_profile",
        source: "internal/service/eks/fargate_profile.go",
        forceNew: ["clusterName", "fargateProfileName", "podExecutionRoleArn", "selectors", "subnetIds"],
        regional: true,
    },
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": {
        terraform: "aws_eks_pod_identity_association",
        source: "internal/service/eks/pod_identity_association.go (RequiresReplace)",
        forceNew: ["clusterName", "namespace", "serviceAccount"],
        regional: true,
    },
};

/** The properties a change of which replaces the resource, given the new inputs. */
export function replacingProperties(type: string, news: Props): string[] {
    const row = REPLACEMENTS[type];
    if (!row) {
        return [];
    }
    const conditional = Object.entries(row.forceNewWhen ?? {})
        .filter(([, when]) => when(news))
        .map(([property]) => property);
    return [...row.forceNew, ...conditional, ...(row.regional ? ["region"] : [])];
}
