import * as pulumi from "@pulumi/pulumi";
import { eventResourceNames } from "../../common/naming";
import { HomeEventBus } from "./eventBus";
import { EKS_RULE_PATTERN, IAM_RULE_PATTERN, iamEventRegion } from "./patterns";
import { ReconcilerQueue } from "./reconcilerQueue";
import { RegionForwarder } from "./regionForwarder";
import { WatchQueue } from "./watchQueue";

export interface ReconcileEventsArgs {
    stackName: string;
    accountId: string;
    partition: string;
    /** The stack's aws:region (the home bus, the queues). */
    homeRegion: string;
    /** The included regions: each gets a rule on its default bus for the EKS events. */
    regions: string[];
    /** The reconciler's management function, which consumes the reconciler queue, and its timeout. */
    functionName: pulumi.Input<string>;
    functionTimeoutSeconds: number;
    /** The reconciler role's policy: the event source mapping is refused until the role may receive from the queue. */
    ready: pulumi.Resource[];
    tags: Record<string, string>;
}

/** Which rules each region's default bus gets: the EKS rule where included, the IAM rule in the IAM region. */
export function forwardedRules(regions: string[], partition: string): Map<string, Array<"eks" | "iam">> {
    const byRegion = new Map<string, Array<"eks" | "iam">>(regions.map((region) => [region, ["eks"]]));
    const iamRegion = iamEventRegion(partition);
    byRegion.set(iamRegion, [...(byRegion.get(iamRegion) ?? []), "iam"]);
    return byRegion;
}

/**
 * events.enabled: every included region's EKS control-plane calls (and IAM's OIDC provider calls) go to the stack's
 * home bus; there one rule feeds the reconciler queue, another the watch queue with the reconciler's cluster events.
 */
export class ReconcileEvents extends pulumi.ComponentResource {
    readonly busName: pulumi.Output<string>;
    readonly reconcilerQueueUrl: pulumi.Output<string>;
    readonly watchQueueUrl: pulumi.Output<string>;
    readonly watchQueueArn: pulumi.Output<string>;

    constructor(name: string, args: ReconcileEventsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("container-insights:events:ReconcileEvents", name, {}, opts);
        const names = eventResourceNames(args.stackName);
        const bus = new HomeEventBus(
            name,
            { stackName: args.stackName, accountId: args.accountId, region: args.homeRegion, tags: args.tags },
            { parent: this },
        );
        for (const [region, kinds] of forwardedRules(args.regions, args.partition)) {
            new RegionForwarder(
                `${name}-${region}`,
                {
                    region,
                    rules: kinds.map((kind) =>
                        kind === "eks"
                            ? {
                                  name: names.eksRule,
                                  description:
                                      "EKS cluster, identity provider and Pod Identity agent changes, for container insights",
                                  pattern: EKS_RULE_PATTERN,
                              }
                            : {
                                  name: names.iamRule,
                                  description: "IAM OIDC provider changes, for container insights",
                                  pattern: IAM_RULE_PATTERN,
                              },
                    ),
                    busArn: bus.busArn,
                    forwardRoleArn: bus.forwardRoleArn,
                    ready: [bus.forwardPolicy],
                    tags: args.tags,
                },
                { parent: this },
            );
        }
        const reconcilerQueue = new ReconcilerQueue(
            `${name}-reconciler`,
            {
                stackName: args.stackName,
                region: args.homeRegion,
                busName: bus.busName,
                functionName: args.functionName,
                functionTimeoutSeconds: args.functionTimeoutSeconds,
                ready: args.ready,
                tags: args.tags,
            },
            { parent: this },
        );
        const watchQueue = new WatchQueue(
            `${name}-watch`,
            { stackName: args.stackName, region: args.homeRegion, busName: bus.busName, tags: args.tags },
            { parent: this },
        );
        this.busName = bus.busName;
        this.reconcilerQueueUrl = reconcilerQueue.queueUrl;
        this.watchQueueUrl = watchQueue.queueUrl;
        this.watchQueueArn = watchQueue.queueArn;
        this.registerOutputs({
            busName: this.busName,
            reconcilerQueueUrl: this.reconcilerQueueUrl,
            watchQueueUrl: this.watchQueueUrl,
            watchQueueArn: this.watchQueueArn,
        });
    }
}
