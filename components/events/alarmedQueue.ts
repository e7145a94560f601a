import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { deadLetterAlarm } from "./deadLetterAlarm";
import { RuleQueue, RuleQueueArgs } from "./ruleQueue";

/** Where a queue of the stack's events lives: the home region, on a rule of the home bus. */
export interface EventQueueArgs {
    stackName: string;
    /** The stack's aws:region. */
    region: string;
    busName: pulumi.Input<string>;
    tags: Record<string, string>;
}

/** What sets one queue apart from the other: its names, rule, timeouts and receive count. */
export type QueueSettings = Omit<RuleQueueArgs, "region" | "busName" | "tags">;

export interface QueueAlarm {
    alarmName: string;
    description: string;
}

/**
 * What the reconciler's and the watch service's queues share: a RuleQueue on the home bus and the alarm on its
 * dead-letter queue, both children of the component (so their URNs stay under it). Each subclass names its own type,
 * adds what is its own, and registers the outputs when done.
 */
export abstract class AlarmedQueue extends pulumi.ComponentResource {
    readonly queueUrl: pulumi.Output<string>;
    readonly queueArn: pulumi.Output<string>;
    readonly deadLetterAlarm: aws.cloudwatch.MetricAlarm;

    protected constructor(
        type: string,
        name: string,
        args: EventQueueArgs,
        queue: QueueSettings,
        alarm: QueueAlarm,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super(type, name, {}, opts);
        const { region, busName, tags } = args;
        const ruleQueue = new RuleQueue(name, { ...queue, region, busName, tags }, { parent: this });
        this.deadLetterAlarm = deadLetterAlarm(
            name,
            { ...alarm, region, queueName: ruleQueue.deadLetterQueue.name, tags },
            { parent: this },
        );
        this.queueUrl = ruleQueue.queue.url;
        this.queueArn = ruleQueue.queue.arn;
    }
}
