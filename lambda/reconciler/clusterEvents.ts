/**
 * The events the reconciler publishes on the stack's home event bus (contract with the watch service): one per cluster
 * whose identity a run made ready, or removed because the cluster is gone. The watch queue's rule matches exactly
 * `source` and these two detail-types; SQS receives the whole EventBridge event as the message body.
 */
import { ClusterChange } from "./types";

export const CLUSTER_EVENT_SOURCE = "container-insights";
export const CLUSTER_IDENTITY_READY = "Cluster Identity Ready";
export const CLUSTER_REMOVED = "Cluster Removed";
export const CLUSTER_EVENT_DETAIL_TYPES = [CLUSTER_IDENTITY_READY, CLUSTER_REMOVED] as const;
export type ClusterEventType = (typeof CLUSTER_EVENT_DETAIL_TYPES)[number];

export interface ClusterEventDetail {
    stack: string;
    environment: string;
    clusterName: string;
    clusterArn: string;
    region: string;
    identityMode: "irsa" | "podIdentity";
}

/** One PutEvents entry, as the SDK's PutEventsRequestEntry spells it. */
export interface ClusterEventEntry {
    Source: typeof CLUSTER_EVENT_SOURCE;
    DetailType: ClusterEventType;
    Resources: [string];
    Detail: string;
    EventBusName: string;
}

function entry(detailType: ClusterEventType, eventBusName: string, detail: ClusterEventDetail): ClusterEventEntry {
    return {
        Source: CLUSTER_EVENT_SOURCE,
        DetailType: detailType,
        Resources: [detail.clusterArn],
        Detail: JSON.stringify(detail),
        EventBusName: eventBusName,
    };
}

export function identityReadyEvent(eventBusName: string, detail: ClusterEventDetail): ClusterEventEntry {
    return entry(CLUSTER_IDENTITY_READY, eventBusName, detail);
}

export function clusterRemovedEvent(eventBusName: string, detail: ClusterEventDetail): ClusterEventEntry {
    return entry(CLUSTER_REMOVED, eventBusName, detail);
}

/** The cluster's name from its ARN (`arn:aws:eks:<region>:<account>:cluster/<name>`). */
export function clusterNameOfArn(arn: string): string {
    return arn.slice(arn.indexOf(":cluster/") + ":cluster/".length);
}

/** The entries for a run's changes; none when the stack has no event bus (events off). */
export function clusterEventEntries(
    context: { eventBusName?: string; stackName: string; environment?: string },
    changes: { ready: ClusterChange[]; removed: ClusterChange[] },
): ClusterEventEntry[] {
    const { eventBusName } = context;
    if (!eventBusName) {
        return [];
    }
    const detail = (change: ClusterChange): ClusterEventDetail => ({
        stack: context.stackName,
        environment: context.environment ?? "",
        clusterName: change.cluster.name,
        clusterArn: change.cluster.arn,
        region: change.cluster.region,
        identityMode: change.identityMode,
    });
    return [
        ...changes.ready.map((change) => identityReadyEvent(eventBusName, detail(change))),
        ...changes.removed.map((change) => clusterRemovedEvent(eventBusName, detail(change))),
    ];
}
