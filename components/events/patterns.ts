/**
 * The EventBridge event patterns of the stack's rules, as data: the program registers them and the tests match the
 * recorded sample events (test/fixtures/events) against them with a faithful matcher.
 */
import {
    ADDON_EVENT_NAMES,
    CLOUDTRAIL_DETAIL_TYPE,
    EKS_EVENT_NAMES,
    IAM_EVENT_NAMES,
} from "../../lambda/reconciler/queueEvents";
import { CLUSTER_EVENT_DETAIL_TYPES, CLUSTER_EVENT_SOURCE } from "../../lambda/reconciler/clusterEvents";
import { POD_IDENTITY_AGENT_ADDON } from "../../common/identity";

export type EventPattern = Record<string, unknown>;

/** IAM is global: its CloudTrail events reach EventBridge in us-east-1 only (us-gov-west-1, cn-north-1 in the others). */
export function iamEventRegion(partition: string): string {
    return partition === "aws-us-gov" ? "us-gov-west-1" : partition === "aws-cn" ? "cn-north-1" : "us-east-1";
}

const cloudTrail = (source: string, eventSource: string, detail: Record<string, unknown>) => ({
    source: [source],
    "detail-type": [CLOUDTRAIL_DETAIL_TYPE],
    detail: { eventSource: [eventSource], ...detail },
});

/** EKS calls that change the fleet or a cluster's identity options (CloudTrail, in every included region). */
const eksClusterCalls = cloudTrail("aws.eks", "eks.amazonaws.com", { eventName: [...EKS_EVENT_NAMES] });
/** The eks-pod-identity-agent add-on appearing or going (identityMode auto chooses by it). */
const podIdentityAgentCalls = cloudTrail("aws.eks", "eks.amazonaws.com", {
    eventName: [...ADDON_EVENT_NAMES],
    requestParameters: { addonName: [POD_IDENTITY_AGENT_ADDON] },
});
/** OIDC providers registered or removed (IAM's CloudTrail events, in the partition's IAM region). */
const oidcProviderCalls = cloudTrail("aws.iam", "iam.amazonaws.com", { eventName: [...IAM_EVENT_NAMES] });

/** The rule on the default bus of every included region. */
export const EKS_RULE_PATTERN: EventPattern = { $or: [eksClusterCalls, podIdentityAgentCalls] };
/** The rule on the default bus of the IAM region (whether it is included or not). */
export const IAM_RULE_PATTERN: EventPattern = oidcProviderCalls;
/** The home bus's rule feeding the reconciler queue: exactly what the regional rules forward. */
export const RECONCILER_RULE_PATTERN: EventPattern = {
    $or: [eksClusterCalls, podIdentityAgentCalls, oidcProviderCalls],
};
/** The home bus's rule feeding the watch queue: the reconciler's cluster events. */
export const WATCH_RULE_PATTERN: EventPattern = {
    source: [CLUSTER_EVENT_SOURCE],
    "detail-type": [...CLUSTER_EVENT_DETAIL_TYPES],
};
