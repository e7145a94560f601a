/**
 * What one reconciler-queue message asks for. The bus delivers the whole EventBridge event as the SQS body: a
 * CloudTrail "AWS API Call via CloudTrail" event from EKS (a cluster by name in the event's region) or IAM (an OIDC
 * provider, whose issuer URL names the region of its cluster). The event's claim is never trusted beyond naming the
 * subject: what to do is decided from the cluster's current state (targeted.ts).
 */
export const CLOUDTRAIL_DETAIL_TYPE = "AWS API Call via CloudTrail";

/** EKS calls that change the fleet or a cluster's identity options. */
export const EKS_EVENT_NAMES = ["CreateCluster", "DeleteCluster", "AssociateIdentityProviderConfig"] as const;
/** Add-on calls, matched only for this add-on (identityMode auto chooses Pod Identity where it is installed). */
export const ADDON_EVENT_NAMES = ["CreateAddon", "DeleteAddon"] as const;
export const IAM_EVENT_NAMES = ["CreateOpenIDConnectProvider", "DeleteOpenIDConnectProvider"] as const;

export type QueueTarget =
    | { kind: "cluster"; region: string; name: string }
    /** Every cluster of `region` whose OIDC issuer is `issuerHostPath` (oidc.eks.<region>.amazonaws.com/id/<id>). */
    | { kind: "issuer"; region: string; issuerHostPath: string }
    | { kind: "ignore"; reason: string };

interface CloudTrailEvent {
    source?: string;
    region?: string;
    "detail-type"?: string;
    detail?: {
        eventName?: string;
        awsRegion?: string;
        errorCode?: string;
        requestParameters?: Record<string, unknown> | null;
        responseElements?: Record<string, unknown> | null;
    };
}

const ISSUER_HOST_PATH = /^oidc\.eks\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/id\/[A-Za-z0-9]+$/;

/** The subject of one message body; `ignore` (with why) for anything else, including a call that failed. */
export function targetOf(body: string): QueueTarget {
    let event: CloudTrailEvent;
    try {
        event = JSON.parse(body) as CloudTrailEvent;
    } catch {
        return { kind: "ignore", reason: "the message is not JSON" };
    }
    const detail = event?.detail;
    if (event?.["detail-type"] !== CLOUDTRAIL_DETAIL_TYPE || !detail?.eventName) {
        return {
            kind: "ignore",
            reason: `not a CloudTrail API call event (detail-type ${JSON.stringify(event?.["detail-type"])})`,
        };
    }
    if (detail.errorCode) {
        return { kind: "ignore", reason: `${detail.eventName} failed (${detail.errorCode}); nothing changed` };
    }
    const request = detail.requestParameters ?? {};
    if (event.source === "aws.eks") {
        const region = detail.awsRegion ?? event.region;
        const name = request.name ?? request.clusterName;
        if (typeof name !== "string" || !name || !region) {
            return { kind: "ignore", reason: `${detail.eventName} names no cluster` };
        }
        return { kind: "cluster", region, name };
    }
    if (event.source === "aws.iam") {
        const raw =
            detail.eventName === "CreateOpenIDConnectProvider"
                ? request.url
                : typeof request.openIDConnectProviderArn === "string"
                  ? request.openIDConnectProviderArn.slice(
                        request.openIDConnectProviderArn.indexOf("oidc-provider/") + "oidc-provider/".length,
                    )
                  : undefined;
        const issuerHostPath = typeof raw === "string" ? raw.replace(/^https:\/\//, "").replace(/\/+$/, "") : "";
        const match = ISSUER_HOST_PATH.exec(issuerHostPath);
        if (!match) {
            return {
                kind: "ignore",
                reason: `${detail.eventName}: ${JSON.stringify(raw)} is not an EKS cluster's OIDC issuer`,
            };
        }
        return { kind: "issuer", region: match[1], issuerHostPath };
    }
    return { kind: "ignore", reason: `source ${JSON.stringify(event.source)} is not aws.eks or aws.iam` };
}

/** One key per subject: records about the same cluster or issuer in one batch are reconciled once. */
export function targetKey(target: Exclude<QueueTarget, { kind: "ignore" }>): string {
    return target.kind === "cluster" ? `cluster:${target.region}/${target.name}` : `issuer:${target.issuerHostPath}`;
}
