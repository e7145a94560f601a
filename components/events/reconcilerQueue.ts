import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { eventResourceNames } from "../../common/naming";
import { MAX_RECEIVE_COUNT } from "../../lambda/reconciler/queueRun";
import { RECONCILER_RULE_PATTERN } from "./patterns";
import { AlarmedQueue, EventQueueArgs } from "./alarmedQueue";

/** Lambda polls with up to this many records a batch; the consumer reconciles each subject once per batch. */
export const RECONCILER_BATCH_SIZE = 10;
/** Two concurrent consumers at most (the event source mapping's minimum): runs take the lease anyway. */
export const RECONCILER_MAX_CONCURRENCY = 2;

export interface ReconcilerQueueArgs extends EventQueueArgs {
    /** The function that consumes the queue (the management function) and its timeout. */
    functionName: pulumi.Input<string>;
    functionTimeoutSeconds: number;
    /** What the mapping needs first: the function's role must already allow receiving from the queue. */
    ready: pulumi.Resource[];
}

/**
 * The home bus's EKS and IAM events → the reconciler queue (with its dead-letter queue and an alarm on it) → the
 * reconciler, with partial batch failures. The queue's visibility timeout covers the function's timeout (Lambda
 * refuses the mapping otherwise), and its maxReceiveCount the consumer's bounded wait for a cluster still CREATING.
 */
export class ReconcilerQueue extends AlarmedQueue {
    readonly mapping: aws.lambda.EventSourceMapping;

    constructor(name: string, args: ReconcilerQueueArgs, opts?: pulumi.ComponentResourceOptions) {
        const names = eventResourceNames(args.stackName);
        super(
            "container-insights:events:ReconcilerQueue",
            name,
            args,
            {
                queueName: names.reconcilerQueue,
                deadLetterQueueName: names.reconcilerDeadLetterQueue,
                ruleName: names.reconcilerRule,
                ruleDescription: "EKS and IAM changes forwarded from every included region, for the reconciler",
                pattern: RECONCILER_RULE_PATTERN,
                visibilityTimeoutSeconds: args.functionTimeoutSeconds + 60,
                // Messages older than the consumer's bounded wait are dropped by it anyway.
                messageRetentionSeconds: 24 * 3600,
                maxReceiveCount: MAX_RECEIVE_COUNT,
            },
            {
                alarmName: names.deadLetterAlarm,
                description:
                    "Reconciler events failed repeatedly and went to the dead-letter queue; the 2-hourly run still covers the clusters",
            },
            opts,
        );
        this.mapping = new aws.lambda.EventSourceMapping(
            name,
            {
                region: args.region,
                eventSourceArn: this.queueArn,
                functionName: args.functionName,
                batchSize: RECONCILER_BATCH_SIZE,
                maximumBatchingWindowInSeconds: 5,
                functionResponseTypes: ["ReportBatchItemFailures"],
                scalingConfig: { maximumConcurrency: RECONCILER_MAX_CONCURRENCY },
                tags: args.tags,
            },
            { parent: this, dependsOn: args.ready },
        );
        this.registerOutputs({ queueUrl: this.queueUrl, queueArn: this.queueArn });
    }
}
