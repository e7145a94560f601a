import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { busRuleQueuePolicy, redrivePolicy } from "./documents";
import { EventPattern } from "./patterns";

/** SQS keeps a message at most 14 days: the dead-letter queue keeps them that long for a look. */
const DEAD_LETTER_RETENTION_S = 14 * 24 * 3600;

export interface RuleQueueArgs {
    region: string;
    queueName: string;
    deadLetterQueueName: string;
    ruleName: string;
    ruleDescription: string;
    /** The home bus the rule is on. */
    busName: pulumi.Input<string>;
    pattern: EventPattern;
    visibilityTimeoutSeconds: number;
    messageRetentionSeconds: number;
    maxReceiveCount: number;
    tags: Record<string, string>;
}

/**
 * A rule on the home bus feeding an encrypted queue (SSE-SQS) with a dead-letter queue. SQS receives the whole
 * EventBridge event as the message body. Only the rule may send to the queue.
 */
export class RuleQueue extends pulumi.ComponentResource {
    readonly queue: aws.sqs.Queue;
    readonly deadLetterQueue: aws.sqs.Queue;
    readonly rule: aws.cloudwatch.EventRule;

    constructor(name: string, args: RuleQueueArgs, opts?: pulumi.ComponentResourceOptions) {
        super("container-insights:events:RuleQueue", name, {}, opts);
        const regional = { region: args.region, tags: args.tags, sqsManagedSseEnabled: true };
        this.deadLetterQueue = new aws.sqs.Queue(
            `${name}-dlq`,
            { ...regional, name: args.deadLetterQueueName, messageRetentionSeconds: DEAD_LETTER_RETENTION_S },
            { parent: this },
        );
        this.queue = new aws.sqs.Queue(
            name,
            {
                ...regional,
                name: args.queueName,
                visibilityTimeoutSeconds: args.visibilityTimeoutSeconds,
                messageRetentionSeconds: args.messageRetentionSeconds,
                redrivePolicy: this.deadLetterQueue.arn.apply((arn) => redrivePolicy(arn, args.maxReceiveCount)),
            },
            { parent: this },
        );
        this.rule = new aws.cloudwatch.EventRule(
            name,
            {
                name: args.ruleName,
                description: args.ruleDescription,
                region: args.region,
                eventBusName: args.busName,
                eventPattern: JSON.stringify(args.pattern),
                tags: args.tags,
            },
            { parent: this },
        );
        const queuePolicy = new aws.sqs.QueuePolicy(
            name,
            {
                region: args.region,
                queueUrl: this.queue.url,
                policy: pulumi
                    .all([this.queue.arn, this.rule.arn])
                    .apply(([queueArn, ruleArn]) => JSON.stringify(busRuleQueuePolicy(queueArn, ruleArn))),
            },
            { parent: this },
        );
        new aws.cloudwatch.EventTarget(
            name,
            { rule: this.rule.name, eventBusName: args.busName, region: args.region, arn: this.queue.arn },
            // Until the policy lets the rule send, every delivery would be refused.
            { parent: this, dependsOn: [queuePolicy] },
        );
        this.registerOutputs({ queueUrl: this.queue.url, queueArn: this.queue.arn });
    }
}
