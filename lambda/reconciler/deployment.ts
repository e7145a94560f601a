/**
 * Tells a stack destroy from the delete of a replaced aws.lambda.Invocation. Both invoke the creation function with
 * `tf.action = "delete"`; a replacement creates the new Invocation first (Pulumi's default create-before-delete).
 * So every create counts its input as live, every update moves the count from `tf.prev_input` to the new input, and
 * every delete removes one: only the delete of a live input that leaves no live Invocation may be the stack's destroy.
 * This holds whatever caused the replacement (a ForceNew property, a renamed resource without an alias,
 * `--replace`), even when the old and new inputs are identical. The record lives in the stack's state bucket, out of
 * reach of every lifecycle rule and of every identity but the reconciler's.
 */
import { createHash } from "node:crypto";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { RECONCILER_STATE_KEYS } from "../../common/naming";
import { Call, isConditionalConflict, isPreconditionFailed, readObject } from "./stateObject";
import { canonicalJson } from "../../common/objects";

/** The key aws.lambda.Invocation adds to the input (`terraformKey`, "tf" by default). */
export const LIFECYCLE_KEY = "tf";

/** An Invocation's own input (the event without the lifecycle key), hashed independently of key order. */
export function inputHash(event: unknown): string {
    const input = { ...(event as Record<string, unknown>) };
    delete input[LIFECYCLE_KEY];
    return createHash("sha256").update(canonicalJson(input)).digest("hex");
}

type Live = Record<string, number>;

interface StoredRecord {
    etag: string;
    live: Live;
    /** The object exists but is not a record the reconciler wrote. */
    damaged: boolean;
}

/** What a delete that does not tear down leaves, and what to do about it after a real destroy. */
export const ROLES_STAY = "the roles stay (after a stack destroy, delete the roles under the stack's IAM path by hand)";

export interface DeleteDecision {
    teardown: boolean;
    reason: string;
}

export class DeploymentRecord {
    private readonly key = RECONCILER_STATE_KEYS.deployment;

    constructor(
        private readonly s3: S3Client,
        private readonly bucket: string,
        private readonly call: Call,
    ) {}

    /**
     * A create or an update of the deploy-time Invocation. A damaged record stays as it is ("damaged"): rewriting it
     * from this one input would forget the Invocations it counted, and a replacement's delete would then tear down.
     */
    async applied(event: unknown): Promise<"recorded" | "damaged"> {
        const previous = (event as { tf?: { action?: string; prev_input?: unknown } }).tf;
        const live = await this.change((l) => {
            if (previous?.action === "update" && previous.prev_input && typeof previous.prev_input === "object") {
                remove(l, inputHash(previous.prev_input));
            }
            const hash = inputHash(event);
            l[hash] = (l[hash] ?? 0) + 1;
            return true;
        });
        return live === "damaged" ? "damaged" : "recorded";
    }

    /**
     * A delete. It tears down only when the record exists, is one the reconciler wrote, counts this Invocation's input
     * as live and nothing else, and `destroying` confirms the stack is going (schedule.ts: its schedule is gone).
     * Anything less decides nothing: a missing record (never written, deleted, expired), a damaged one, or an input no
     * create or update recorded is not what the engine sends at a destroy, and tearing down on doubt could take a live
     * stack's roles; the roles then stay until someone who can tell removes them. The record alone cannot tell a
     * destroy from whoever invokes the deploy-time function with the live input; the schedule alone cannot tell it from
     * a replaced Invocation's delete. A last delete writes nothing: unconfirmed, so that the real destroy, later, still
     * finds its input live; confirmed, so that a destroy retried after a failed teardown does too (a later deploy
     * starts with a new state bucket).
     */
    async deleted(event: unknown, destroying: () => Promise<boolean>): Promise<DeleteDecision> {
        const hash = inputHash(event);
        const where = `s3://${this.bucket}/${this.key}`;
        let last: "confirmed" | "unconfirmed" | undefined;
        const live = await this.change(async (l) => {
            last = undefined;
            if (!l[hash]) {
                return false;
            }
            remove(l, hash);
            if (total(l) === 0) {
                last = (await destroying()) ? "confirmed" : "unconfirmed";
                return false;
            }
            return true;
        }, "never create");
        if (live === "missing") {
            return { teardown: false, reason: `there is no deployment record ${where}; ${ROLES_STAY}` };
        }
        if (live === "damaged") {
            return {
                teardown: false,
                reason: `the deployment record ${where} is not one the reconciler wrote; ${ROLES_STAY}; to let deploys count again, delete the object while no replacement is under way`,
            };
        }
        if (last === "confirmed") {
            return {
                teardown: true,
                reason: "the stack is being destroyed and this is its last deploy-time Invocation",
            };
        }
        if (last === "unconfirmed") {
            return {
                teardown: false,
                reason: `this is the stack's last deploy-time Invocation, but the reconciler's schedule still exists, so the stack is not being destroyed; ${ROLES_STAY}`,
            };
        }
        return live.written
            ? { teardown: false, reason: "a newer deploy-time Invocation replaced this one; the roles stay" }
            : {
                  teardown: false,
                  reason: `the deployment record ${where} does not count this input as live; ${ROLES_STAY}`,
              };
    }

    /**
     * Read, change, write back only if nobody wrote in between (S3 conditional writes). `edit` returns whether to
     * write. A damaged record is never rewritten; a missing one is created unless `missing` says "never create".
     */
    private async change(
        edit: (live: Live) => boolean | Promise<boolean>,
        missing: "create" | "never create" = "create",
    ): Promise<{ live: Live; written: boolean } | "damaged" | "missing"> {
        for (;;) {
            const current = await this.read();
            if (current?.damaged) {
                return "damaged";
            }
            if (!current && missing === "never create") {
                return "missing";
            }
            const live = { ...(current?.live ?? {}) };
            if (!(await edit(live))) {
                return { live, written: false };
            }
            const condition = current ? { IfMatch: current.etag } : { IfNoneMatch: "*" };
            try {
                await this.call(() =>
                    this.s3.send(
                        new PutObjectCommand({
                            Bucket: this.bucket,
                            Key: this.key,
                            Body: JSON.stringify({ live }),
                            ContentType: "application/json",
                            ServerSideEncryption: "AES256",
                            ...condition,
                        }),
                    ),
                );
                return { live, written: true };
            } catch (error) {
                if (!isPreconditionFailed(error) && !isConditionalConflict(error)) {
                    throw error;
                }
            }
        }
    }

    private async read(): Promise<StoredRecord | undefined> {
        const object = await readObject(this.s3, this.bucket, this.key, this.call);
        if (!object) {
            return undefined;
        }
        const live = parseLive(object.body);
        return { etag: object.etag, live: live ?? {}, damaged: live === undefined };
    }
}

/** Counts above this are not ones deploys make (each `pulumi up` adds at most one Invocation). */
const MAX_COUNT = 100;

/** The live counts of a record the reconciler wrote: `{"live": {<sha256 hex>: <count 1..100>}}`, else undefined. */
export function parseLive(text: string): Live | undefined {
    let record: unknown;
    try {
        record = JSON.parse(text);
    } catch {
        return undefined;
    }
    const live = (record as { live?: unknown } | null)?.live;
    if (
        typeof record !== "object" ||
        record === null ||
        Object.keys(record).length !== 1 ||
        typeof live !== "object" ||
        live === null ||
        Array.isArray(live)
    ) {
        return undefined;
    }
    const entries = Object.entries(live as Record<string, unknown>);
    const valid = entries.every(
        ([hash, count]) =>
            /^[0-9a-f]{64}$/.test(hash) &&
            Number.isInteger(count) &&
            (count as number) >= 1 &&
            (count as number) <= MAX_COUNT,
    );
    return valid && entries.length <= MAX_COUNT ? (live as Live) : undefined;
}

function total(live: Live): number {
    return Object.values(live).reduce((n, count) => n + count, 0);
}

function remove(live: Live, hash: string): void {
    if ((live[hash] ?? 0) > 1) {
        live[hash]--;
    } else {
        delete live[hash];
    }
}
