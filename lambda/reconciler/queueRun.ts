/**
 * The reconciler queue's consumer: each SQS record is one EventBridge event naming a cluster or an OIDC issuer.
 * Records about the same subject are reconciled once per batch; each record's fate is its own (partial batch
 * failures, ReportBatchItemFailures): done ⇒ deleted by Lambda; must wait (cluster CREATING, or another run holds
 * the lease) ⇒ made visible again after REQUEUE_DELAY_S with ChangeMessageVisibility and reported failed, until
 * GIVE_UP_AFTER_MS after it reached the queue (then dropped: the 2-hourly run covers the cluster); trouble ⇒ reported
 * failed, back after the same delay, and after the queue's maxReceiveCount in the dead-letter queue.
 *
 * Why ChangeMessageVisibility rather than re-sending with DelaySeconds: the message stays the one the bus delivered
 * (no body rewriting, no attempt counter to trust), and the reconciler needs no sqs:SendMessage, so the queue policy
 * can keep "only the bus rule sends". The price is that waiting counts as receives: the queue's maxReceiveCount
 * (MAX_RECEIVE_COUNT) is sized above the give-up bound.
 */
import { randomUUID } from "node:crypto";
import { BucketLease, Call, DEFAULT_LEASE, Lease, LeaseOptions } from "./lease";
import { Gateway } from "./gateway";
import { errorText } from "../../common/errors";
import { Log } from "./reconcile";
import { QueueTarget, targetKey, targetOf } from "./queueEvents";
import { TargetOutcome, reconcileTarget } from "./targeted";
import { clusterEventEntries } from "./clusterEvents";
import { Clock } from "./timing";
import { LambdaEnvironment } from "./environment";
import { S3Client } from "@aws-sdk/client-s3";
import { LEASE_WAIT_MS } from "./exclusive";

export interface SqsRecord {
    messageId: string;
    receiptHandle: string;
    body: string;
    eventSource?: string;
    eventSourceARN: string;
    attributes?: { SentTimestamp?: string; ApproximateReceiveCount?: string };
}

export interface SqsEvent {
    Records: SqsRecord[];
}

export interface BatchResponse {
    batchItemFailures: Array<{ itemIdentifier: string }>;
}

/** How long a record that must wait stays invisible before it comes back. */
export const REQUEUE_DELAY_S = 60;
/** EKS takes 10-15 minutes to create a cluster; after this long the message is dropped and the schedule covers it. */
export const GIVE_UP_AFTER_MS = 30 * 60_000;
/** The queue's redrive maxReceiveCount: above GIVE_UP_AFTER_MS / REQUEUE_DELAY_S receives, with room to spare. */
export const MAX_RECEIVE_COUNT = 45;
/** A targeted run gives way quickly: its records come back, the lease's holder may well reconcile the cluster anyway. */
export const EVENT_LEASE_WAIT_MS = LEASE_WAIT_MS.event;

/** Whether a Lambda event is an SQS batch (the event source mapping's), not the schedule's or a deploy's. */
export function isQueueEvent(event: unknown): event is SqsEvent {
    const records = (event as { Records?: Array<{ eventSource?: string }> } | undefined)?.Records;
    return Array.isArray(records) && records.length > 0 && records.every((r) => r?.eventSource === "aws:sqs");
}

/** The queue URL of a queue ARN (arn:<partition>:sqs:<region>:<account>:<name>), as SQS spells it. */
export function queueUrlOf(arn: string): string {
    const [, partition, , region, account, name] = arn.split(":");
    const domain = partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
    return `https://sqs.${region}.${domain}/${account}/${name}`;
}

export interface QueueRunDeps {
    env: LambdaEnvironment;
    gateway: Gateway;
    s3: S3Client;
    clock: Clock;
    log: Log;
    /** The lease's timing; DEFAULT_LEASE and EVENT_LEASE_WAIT_MS by default. */
    lease?: LeaseOptions & { waitMs?: number };
    /** S3 calls of the lease, wrapped with their retries. */
    stateCall: Call;
}

type GroupOutcome = TargetOutcome | { status: "error"; reason: string };

export interface QueueRunResult {
    response: BatchResponse;
    outcomes: GroupOutcome[];
    /** How each record ended: done, ignored, requeued, gave up, failed. */
    records: Record<string, "done" | "ignored" | "requeued" | "gave up" | "failed">;
}

export async function runQueue(event: SqsEvent, deps: QueueRunDeps): Promise<QueueRunResult> {
    const { env, gateway, log, clock } = deps;
    const fates: QueueRunResult["records"] = {};
    const groups = new Map<string, { target: Exclude<QueueTarget, { kind: "ignore" }>; records: SqsRecord[] }>();
    for (const record of event.Records) {
        const target = targetOf(record.body);
        if (target.kind === "ignore") {
            log.info("message ignored", { messageId: record.messageId, reason: target.reason });
            fates[record.messageId] = "ignored";
            continue;
        }
        const key = targetKey(target);
        const group = groups.get(key) ?? { target, records: [] };
        group.records.push(record);
        groups.set(key, group);
    }
    const outcomes = new Map<string, GroupOutcome>();
    if (groups.size > 0) {
        const lease = new BucketLease(deps.s3, env.stateBucketName, clock, deps.stateCall, deps.lease ?? DEFAULT_LEASE);
        const held = await lease.acquire(`event-${randomUUID()}`, deps.lease?.waitMs ?? EVENT_LEASE_WAIT_MS);
        if (!held) {
            log.info("another run holds the lease; the messages come back later", { messages: event.Records.length });
            for (const key of groups.keys()) {
                outcomes.set(key, {
                    status: "wait",
                    reason: "another run holds the lease",
                    results: [],
                    ready: [],
                    removed: [],
                });
            }
        } else {
            try {
                // One subject after another: IAM's write quota is the account's, and the pacing is the gateway's.
                for (const [key, group] of groups) {
                    outcomes.set(key, await settle(() => reconcileTarget(group.target, env, gateway, log)));
                }
            } finally {
                await release(lease, held, log);
            }
        }
    }

    const failures: BatchResponse["batchItemFailures"] = [];
    for (const [key, group] of groups) {
        let outcome = outcomes.get(key)!;
        if (outcome.status === "done") {
            const entries = clusterEventEntries(env, outcome);
            if (entries.length > 0) {
                const published = await settle(() =>
                    gateway.putEvents(entries).then(() => ({ status: "ok" as const })),
                );
                if (published.status === "error") {
                    outcome = { status: "error", reason: `publishing the cluster events: ${published.reason}` };
                    outcomes.set(key, outcome);
                }
            }
        }
        for (const record of group.records) {
            const fate = await settleRecord(record, outcome, deps);
            fates[record.messageId] = fate;
            if (fate === "requeued" || fate === "failed") {
                failures.push({ itemIdentifier: record.messageId });
            }
        }
        if (outcome.status === "error") {
            log.error("message not handled; it comes back", { subject: key, reason: outcome.reason });
        }
    }
    return { response: { batchItemFailures: failures }, outcomes: [...outcomes.values()], records: fates };
}

async function settle<T>(work: () => Promise<T>): Promise<T | { status: "error"; reason: string }> {
    try {
        return await work();
    } catch (error) {
        return { status: "error", reason: errorText(error) };
    }
}

/** A record's fate from its subject's outcome; a record that must come back is delayed first. */
async function settleRecord(
    record: SqsRecord,
    outcome: GroupOutcome,
    deps: QueueRunDeps,
): Promise<QueueRunResult["records"][string]> {
    if (outcome.status === "done") {
        return "done";
    }
    const sent = Number(record.attributes?.SentTimestamp);
    if (outcome.status === "wait" && Number.isFinite(sent) && deps.clock.now() - sent >= GIVE_UP_AFTER_MS) {
        deps.log.warn("gave up waiting for the cluster; the scheduled run covers it", {
            messageId: record.messageId,
            reason: outcome.reason,
        });
        return "gave up";
    }
    try {
        await deps.gateway.changeVisibility(queueUrlOf(record.eventSourceARN), record.receiptHandle, REQUEUE_DELAY_S);
    } catch (error) {
        // The message still comes back, after the queue's own visibility timeout.
        deps.log.warn("could not delay the message", { messageId: record.messageId, error: errorText(error) });
    }
    return outcome.status === "wait" ? "requeued" : "failed";
}

async function release(lease: BucketLease, held: Lease, log: Log): Promise<void> {
    await lease
        .release(held)
        .catch((error) => log.warn("could not release the lease; it expires by itself", { error: errorText(error) }));
}
