/** SQS queues and SNS topics encrypt messages at rest. (Secrets Manager always encrypts; its default key is fine.) */
import { Finding, resourcePolicy, Subject, unknownValue, violation } from "../lib/policy";
import { isUnknown } from "../lib/unknown";

const isSet = (value: unknown) => typeof value === "string" && value !== "" && !isUnknown(value);
const QUEUE_TYPES = new Set(["aws:sqs/queue:Queue", "aws-native:sqs:Queue"]);
/** aws-native's Topic names the key as the classic one does (CloudFormation's KmsMasterKeyId). */
const TOPIC_TYPES = new Set(["aws:sns/topic:Topic", "aws-native:sns:Topic"]);

/**
 * AWS encrypts every queue with SSE-SQS unless told not to: a queue is unencrypted only when sqsManagedSseEnabled is
 * false and no KMS key is set.
 */
function checkQueue(queue: Subject): Finding[] {
    const { kmsMasterKeyId, sqsManagedSseEnabled } = queue.props;
    if (isSet(kmsMasterKeyId) || sqsManagedSseEnabled !== false) {
        return isUnknown(sqsManagedSseEnabled) && !isSet(kmsMasterKeyId)
            ? [unknownValue(`the encryption of queue ${queue.name}`)]
            : [];
    }
    if (isUnknown(kmsMasterKeyId)) {
        return [unknownValue(`the encryption of queue ${queue.name}`)];
    }
    return [
        violation(`queue ${queue.name} is not encrypted: sqsManagedSseEnabled is false and no kmsMasterKeyId is set`),
    ];
}

function checkTopic(topic: Subject): Finding[] {
    const { kmsMasterKeyId } = topic.props;
    if (isSet(kmsMasterKeyId)) {
        return [];
    }
    if (isUnknown(kmsMasterKeyId)) {
        return [unknownValue(`the KMS key of topic ${topic.name}`)];
    }
    return [violation(`topic ${topic.name} is not encrypted: set kmsMasterKeyId (alias/aws/sns or a customer key)`)];
}

export const sqsQueueEncrypted = resourcePolicy<object>({
    name: "sqs-queue-encrypted",
    description:
        "SQS queues encrypt messages at rest: SSE-SQS (AWS's default) or a KMS key; sqsManagedSseEnabled: false without a key fails.",
    severity: "medium",
    remediationSteps: "Leave sqsManagedSseEnabled unset or true on the queue, or set kmsMasterKeyId to a KMS key.",
    check: (subject) => (QUEUE_TYPES.has(subject.type) ? checkQueue(subject) : []),
});

export const snsTopicEncrypted = resourcePolicy<object>({
    name: "sns-topic-encrypted",
    description: "SNS topics encrypt messages at rest with a KMS key.",
    severity: "medium",
    remediationSteps:
        "Set kmsMasterKeyId on the topic (aws.sns.Topic or aws-native sns.Topic): alias/aws/sns, or a customer managed key.",
    check: (subject) => (TOPIC_TYPES.has(subject.type) ? checkTopic(subject) : []),
});
