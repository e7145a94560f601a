import * as pulumi from "@pulumi/pulumi";
import { eventResourceNames } from "../../common/naming";
import { WATCH_RULE_PATTERN } from "./patterns";
import { RuleQueue } from "./ruleQueue";

/** How long a message the watch service received stays invisible (it extends it itself while an update runs). */
export const WATCH_VISIBILITY_TIMEOUT_S = 600;
export const WATCH_MAX_RECEIVE_COUNT = 5;

export interface WatchQueueArgs {
    stackName: string;
    region: string;
    busName: pulumi.Input<string>;
    tags: Record<string, string>;
}

/** The reconciler's "Cluster Identity Ready" / "Cluster Removed" events → the queue the watch service consumes. */
export class WatchQueue extends pulumi.ComponentResource {
    readonly queueUrl: pulumi.Output<string>;
    readonly queueArn: pulumi.Output<string>;

    constructor(name: string, args: WatchQueueArgs, opts?: pulumi.ComponentResourceOptions) {
        super("container-insights:events:WatchQueue", name, {}, opts);
        const names = eventResourceNames(args.stackName);
        const queue = new RuleQueue(
            name,
            {
                region: args.region,
                queueName: names.watchQueue,
                deadLetterQueueName: names.watchDeadLetterQueue,
                ruleName: names.watchRule,
                ruleDescription: "Clusters whose identity the reconciler made ready or removed, for the watch service",
                busName: args.busName,
                pattern: WATCH_RULE_PATTERN,
                visibilityTimeoutSeconds: WATCH_VISIBILITY_TIMEOUT_S,
                messageRetentionSeconds: 4 * 24 * 3600,
                maxReceiveCount: WATCH_MAX_RECEIVE_COUNT,
                tags: args.tags,
            },
            { parent: this },
        );
        this.queueUrl = queue.queue.url;
        this.queueArn = queue.queue.arn;
        this.registerOutputs({ queueUrl: this.queueUrl, queueArn: this.queueArn });
    }
}
