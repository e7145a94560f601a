import { PolicyDocument, policy } from "../../common/documents";

/**
 * A rule-fed queue's policy: only EventBridge, only for this one rule (aws:SourceArn), may send; and nobody reaches the
 * queue without TLS. Consumers in the account get their rights from their own identity policies.
 */
export function busRuleQueuePolicy(queueArn: string, ruleArn: string): PolicyDocument {
    return policy(
        {
            Sid: "BusRuleSends",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: queueArn,
            Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
        },
        {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "sqs:*",
            Resource: queueArn,
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
    );
}

/** A queue's redrive policy as SQS takes it (a JSON string). */
export function redrivePolicy(deadLetterTargetArn: string, maxReceiveCount: number): string {
    return JSON.stringify({ deadLetterTargetArn, maxReceiveCount });
}
