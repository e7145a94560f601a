/** What a watch-queue message says: the whole EventBridge event as SQS delivers it (pure). */
import { CLUSTER_EVENT_SOURCE, CLUSTER_IDENTITY_READY, CLUSTER_REMOVED } from "./clusterEventTypes";

export interface ClusterChange {
    kind: "ready" | "removed";
    stack: string;
    clusterName: string;
    clusterArn: string;
    region: string;
}

export type ParsedMessage = { ok: true; change: ClusterChange } | { ok: false; reason: string };

const KINDS: Record<string, ClusterChange["kind"]> = {
    [CLUSTER_IDENTITY_READY]: "ready",
    [CLUSTER_REMOVED]: "removed",
};

/** The change a message body announces, or why it is not one (it is then deleted: redelivering it changes nothing). */
export function parseMessage(body: string | undefined): ParsedMessage {
    let event: Record<string, unknown>;
    try {
        event = JSON.parse(body ?? "");
    } catch {
        return { ok: false, reason: "the body is not JSON" };
    }
    if (event === null || typeof event !== "object") {
        return { ok: false, reason: "the body is not an EventBridge event" };
    }
    if (event.source !== CLUSTER_EVENT_SOURCE) {
        return { ok: false, reason: `source ${JSON.stringify(event.source)} is not ${CLUSTER_EVENT_SOURCE}` };
    }
    const kind = KINDS[String(event["detail-type"])];
    if (!kind) {
        return {
            ok: false,
            reason: `detail-type ${JSON.stringify(event["detail-type"])} is not one of ${Object.keys(KINDS).join(", ")}`,
        };
    }
    const detail = (event.detail ?? {}) as Record<string, unknown>;
    const fields = ["stack", "clusterName", "clusterArn", "region"] as const;
    const missing = fields.filter((field) => typeof detail[field] !== "string" || detail[field] === "");
    if (missing.length > 0) {
        return { ok: false, reason: `detail lacks ${missing.join(", ")}` };
    }
    const [stack, clusterName, clusterArn, region] = fields.map((field) => detail[field] as string);
    return { ok: true, change: { kind, stack, clusterName, clusterArn, region } };
}
