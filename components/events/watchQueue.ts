import * as pulumi from "@pulumi/pulumi";
import { eventResourceNames } from "../../common/naming";
import { WATCH_RULE_PATTERN } from "./patterns";
import { AlarmedQueue, EventQueueArgs } from "./alarmedQueue";

/** How long a message the watch service received stays invisible (it extends it itself while an update runs). */
export const WATCH_VISIBILITY_TIMEOUT_S = 600;
/**
 * Receives of a message while it waits for a successful up: each stop of the service (deploy, scale-in, SIGTERM)
 * releases its messages, and each restart receives them again; a failed up keeps them without new receives. 50
 * survives days of ordinary restarts; a crash-looping service (restarts every few minutes) still puts the change in
 * the dead-letter queue, and its alarm, within hours rather than never.
 */
export const WATCH_MAX_RECEIVE_COUNT = 50;

export type WatchQueueArgs = EventQueueArgs;

/** The reconciler's "Cluster Identity Ready" / "Cluster Removed" events → the queue the watch service consumes. */
export class WatchQueue extends AlarmedQueue {
    constructor(name: string, args: WatchQueueArgs, opts?: pulumi.ComponentResourceOptions) {
        const names = eventResourceNames(args.stackName);
        super(
            "container-insights:events:WatchQueue",
            name,
            args,
            {
                queueName: names.watchQueue,
                deadLetterQueueName: names.watchDeadLetterQueue,
                ruleName: names.watchRule,
                ruleDescription: "Clusters whose identity the reconciler made ready or removed, for the watch service",
                pattern: WATCH_RULE_PATTERN,
                visibilityTimeoutSeconds: WATCH_VISIBILITY_TIMEOUT_S,
                messageRetentionSeconds: 4 * 24 * 3600,
                maxReceiveCount: WATCH_MAX_RECEIVE_COUNT,
            },
            {
                alarmName: names.watchDeadLetterAlarm,
                description:
                    "Cluster changes the watch service could not deploy went to the dead-letter queue; run up, then redrive or purge it",
            },
            opts,
        );
        this.registerOutputs({ queueUrl: this.queueUrl, queueArn: this.queueArn });
    }
}
