/** SQS queues and SNS topics encrypt messages at rest. (Secrets Manager always encrypts; its default key is fine.) */
import { Finding, resourcePolicy, Subject, unknownValue, violation } from "../lib/policy";
import { isUnknown } from "../lib/unknown";

const isSet = (value: unknown) => typeof value === "string" && value !== "";

function checkQueue(queue: Subject): Finding[] {
    const { kmsMasterKeyId, sqsManagedSseEnabled } = queue.props;
    if (isSet(kmsMasterKeyId) || sqsManagedSseEnabled === true) {
        return [];
    }
    if (isUnknown(kmsMasterKeyId) || isUnknown(sqsManagedSseEnabled)) {
        return [unknownValue(`the encryption of queue ${queue.name}`)];
    }
    return [violation(`queue ${queue.name} is not encrypted: set sqsManagedSseEnabled: true or kmsMasterKeyId`)];
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
    description: "SQS queues encrypt messages at rest with SSE-SQS or a KMS key.",
    severity: "medium",
    remediationSteps: "Set sqsManagedSseEnabled: true on the aws.sqs.Queue, or kmsMasterKeyId to a KMS key.",
    check: (subject) => (subject.type === "aws:sqs/queue:Queue" ? checkQueue(subject) : []),
});

export const snsTopicEncrypted = resourcePolicy<object>({
    name: "sns-topic-encrypted",
    description: "SNS topics encrypt messages at rest with a KMS key.",
    severity: "medium",
    remediationSteps: "Set kmsMasterKeyId on the aws.sns.Topic: alias/aws/sns, or a customer managed key.",
    check: (subject) => (subject.type === "aws:sns/topic:Topic" ? checkTopic(subject) : []),
});
