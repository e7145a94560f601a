/** Every resource type the program creates, by its @pulumi/aws token. */
import { addon, fargateProfile, podIdentityAssociation } from "./eks";
import { eventBus, eventRule, eventTarget } from "./events";
import { accessKey, policy, role, rolePolicy, rolePolicyAttachment, user, userPolicy } from "./iam";
import { invocation } from "./invocation";
import { key } from "./kms";
import { eventSourceMapping, lambdaFunction, permission } from "./lambda";
import { logGroup } from "./logs";
import {
    bucket,
    bucketLifecycleConfiguration,
    bucketOwnershipControls,
    bucketPolicy,
    bucketPublicAccessBlock,
    bucketServerSideEncryptionConfiguration,
} from "./s3";
import { secret, secretVersion } from "./secrets";
import { queue, queuePolicy } from "./sqs";
import { metricAlarm, topic, topicPolicy, topicSubscription, trail } from "./stateOnly";
import { ResourceType } from "./types";

export const RESOURCE_TYPES: Record<string, ResourceType> = {
    "aws:cloudtrail/trail:Trail": trail,
    "aws:cloudwatch/eventBus:EventBus": eventBus,
    "aws:cloudwatch/eventRule:EventRule": eventRule,
    "aws:cloudwatch/eventTarget:EventTarget": eventTarget,
    "aws:cloudwatch/logGroup:LogGroup": logGroup,
    "aws:cloudwatch/metricAlarm:MetricAlarm": metricAlarm,
    "aws:eks/addon:Addon": addon,
    "aws:eks/fargateProfile:FargateProfile": fargateProfile,
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": podIdentityAssociation,
    "aws:iam/accessKey:AccessKey": accessKey,
    "aws:iam/policy:Policy": policy,
    "aws:iam/role:Role": role,
    "aws:iam/rolePolicy:RolePolicy": rolePolicy,
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": rolePolicyAttachment,
    "aws:iam/user:User": user,
    "aws:iam/userPolicy:UserPolicy": userPolicy,
    "aws:kms/key:Key": key,
    "aws:lambda/eventSourceMapping:EventSourceMapping": eventSourceMapping,
    "aws:lambda/function:Function": lambdaFunction,
    "aws:lambda/invocation:Invocation": invocation,
    "aws:lambda/permission:Permission": permission,
    "aws:s3/bucket:Bucket": bucket,
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": bucketLifecycleConfiguration,
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": bucketOwnershipControls,
    "aws:s3/bucketPolicy:BucketPolicy": bucketPolicy,
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": bucketPublicAccessBlock,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
        bucketServerSideEncryptionConfiguration,
    "aws:secretsmanager/secret:Secret": secret,
    "aws:secretsmanager/secretVersion:SecretVersion": secretVersion,
    "aws:sns/topic:Topic": topic,
    "aws:sns/topicPolicy:TopicPolicy": topicPolicy,
    "aws:sns/topicSubscription:TopicSubscription": topicSubscription,
    "aws:sqs/queue:Queue": queue,
    "aws:sqs/queuePolicy:QueuePolicy": queuePolicy,
};
