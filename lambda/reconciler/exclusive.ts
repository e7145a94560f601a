/**
 * One reconciler run at a time, and teardown only for a stack destroy: the run's work wrapped in the lease (lease.ts)
 * in the stack's state bucket, the deploy-time Invocation record (deployment.ts) and the schedule's absence
 * (schedule.ts).
 */
import { randomUUID } from "node:crypto";
import { NoSuchBucket, S3Client } from "@aws-sdk/client-s3";
import { RECONCILER_STATE_KEYS } from "../../common/naming";
import { DeploymentRecord, ROLES_STAY } from "./deployment";
import { errorText } from "../../common/errors";
import { BucketLease, Call, DEFAULT_LEASE, Lease, LeaseOptions } from "./lease";
import { Log } from "./reconcile";
import { Clock } from "./timing";
import { ReconcileResult, zeroCounts } from "./types";

/**
 * A deploy-time run waits for a scheduled one to finish; a scheduled run gives way quickly (the next comes in 2 h); a
 * targeted (event) run gives way at once: its messages come back a minute later.
 */
export const LEASE_WAIT_MS = { deploy: 300_000, schedule: 30_000, event: 10_000 };

export interface ExclusiveOptions extends LeaseOptions {
    /** `event`: the targeted runs' wait (LEASE_WAIT_MS.event when absent). */
    waitMs: Record<"deploy" | "schedule", number> & { event?: number };
}

export interface ExclusiveContext {
    s3: S3Client;
    bucket: string;
    clock: Clock;
    call: Call;
    log: Log;
    options?: ExclusiveOptions;
    /** Whether the stack's reconciler schedule still exists (schedule.ts): asked only of a last delete. */
    scheduleExists: () => Promise<boolean>;
}

export interface GuardedResult {
    result: ReconcileResult;
    /** Why the run changed nothing on purpose. */
    skipped?: string;
    /** Why this deploy-time run must fail the deploy (work.failure's verdict). */
    failure?: string;
}

export function emptyResult(action: ReconcileResult["action"]): ReconcileResult {
    return { action, regions: {}, results: [], counts: zeroCounts(), calls: 0, writes: 0, throttled: 0 };
}

/**
 * Runs `work.reconcile` (create, update, schedule) or `work.teardown` (a delete the record lets through) under
 * the lease. A run that cannot get the lease in time changes nothing: a scheduled or deploy-time run returns
 * "another run holds the lease" (the holder reconciles the same fleet); a teardown fails, so that the destroy is retried.
 *
 * The deployment record follows what the engine keeps (terraform-provider-aws invocation.go, the bridge, Pulumi's
 * engine): a create whose run fails the deploy returns FunctionError before `d.SetId`, so no Invocation is saved and
 * the next `up` sends the same create again: it is recorded only when the run does not fail. A failed update is
 * saved anyway (the SDK returns the state with the new input; the bridge reports a partial failure; the engine keeps
 * those outputs), so the next `up` with the same input sends nothing and a later update or delete carries the new
 * input: an update is recorded before the run, whatever its outcome. A create of an input already live still counts
 * again: a replacement with an unchanged input creates exactly that, and its old Invocation's delete must not tear down.
 */
export async function exclusiveRun(
    trigger: "deploy" | "schedule",
    action: "create" | "update" | "delete" | undefined,
    event: unknown,
    context: ExclusiveContext,
    work: {
        reconcile(): Promise<ReconcileResult>;
        teardown(): Promise<ReconcileResult>;
        /** Why a finished reconcile must fail the deploy, if it must. */
        failure?(result: ReconcileResult): string | undefined;
    },
): Promise<GuardedResult> {
    const options = context.options ?? { ...DEFAULT_LEASE, waitMs: LEASE_WAIT_MS };
    const lease = new BucketLease(context.s3, context.bucket, context.clock, context.call, options);
    const records = new DeploymentRecord(context.s3, context.bucket, context.call);
    const deployment = {
        applied: async (e: unknown) => {
            if ((await records.applied(e)) === "damaged") {
                context.log.error(
                    "the deployment record is not one the reconciler wrote: left as it is, and no delete tears down while it stays",
                    { key: RECONCILER_STATE_KEYS.deployment },
                );
            }
        },
    };
    const take = async () => lease.acquire(`${trigger}-${randomUUID()}`, options.waitMs[trigger]);
    // A lease that cannot be given back expires on its own: never let that fail a run that did its work.
    const release = (held: Lease) =>
        lease.release(held).catch((error) =>
            context.log.warn("could not release the lease; it expires by itself", {
                error: errorText(error),
                expiresAt: held.record.expiresAt,
            }),
        );

    if (action === "delete") {
        const destroying = async () => !(await context.scheduleExists());
        const decision = await records.deleted(event, destroying).catch((error) => {
            if (error instanceof NoSuchBucket) {
                return { teardown: false, reason: `the stack's state bucket ${context.bucket} is gone; ${ROLES_STAY}` };
            }
            throw error;
        });
        context.log.info("delete event", { ...decision });
        if (!decision.teardown) {
            return { result: emptyResult("delete"), skipped: decision.reason };
        }
        const held = await take();
        if (!held) {
            throw new Error("another reconciler run holds the lease; run the operation again in a few minutes");
        }
        try {
            const result = await work.teardown();
            return { result, failure: work.failure?.(result) };
        } finally {
            await release(held);
        }
    }

    if (action === "update") {
        await deployment.applied(event);
    }
    const held = await take();
    if (!held) {
        context.log.info("another run holds the lease; this run changes nothing", { trigger });
        if (action === "create") {
            await deployment.applied(event);
        }
        return { result: emptyResult("reconcile"), skipped: "another run holds the lease" };
    }
    let result: ReconcileResult;
    try {
        result = await work.reconcile();
    } finally {
        await release(held);
    }
    const failure = work.failure?.(result);
    if (action === "create" && !failure) {
        await deployment.applied(event);
    }
    return { result, failure };
}
