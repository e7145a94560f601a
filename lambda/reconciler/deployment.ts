/**
 * Tells a stack destroy from the delete of a replaced aws.lambda.Invocation. Both invoke the creation function with
 * `tf.action = "delete"`; a replacement creates the new Invocation first (Pulumi's default create-before-delete).
 * So every create counts its input as live, every update moves the count from `tf.prev_input` to the new input, and
 * every delete removes one: only the delete that leaves no live Invocation is the stack's destroy, and tears down.
 * This holds whatever caused the replacement (a ForceNew property, a renamed resource without an alias,
 * `--replace`), even when the old and new inputs are identical.
 */
import { createHash } from "crypto";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { RECONCILER_STATE_KEYS } from "../../common/naming";
import { errorName } from "./gateway";
import { Call } from "./lease";

/** The key aws.lambda.Invocation adds to the input (`terraformKey`, "tf" by default). */
export const LIFECYCLE_KEY = "tf";

function canonical(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(canonical);
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(
            Object.keys(value)
                .sort()
                .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
        );
    }
    return value;
}

/** An Invocation's own input (the event without the lifecycle key), hashed independently of key order. */
export function inputHash(event: unknown): string {
    const input = { ...(event as Record<string, unknown>) };
    delete input[LIFECYCLE_KEY];
    return createHash("sha256").update(JSON.stringify(canonical(input))).digest("hex");
}

type Live = Record<string, number>;

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

    /** A create or an update of the deploy-time Invocation succeeded. */
    async applied(event: unknown): Promise<void> {
        const previous = (event as { tf?: { action?: string; prev_input?: unknown } }).tf;
        await this.change((live) => {
            if (previous?.action === "update" && previous.prev_input && typeof previous.prev_input === "object") {
                remove(live, inputHash(previous.prev_input));
            }
            const hash = inputHash(event);
            live[hash] = (live[hash] ?? 0) + 1;
        });
    }

    /** A delete: the stack's destroy when no other Invocation of this stack is live. */
    async deleted(event: unknown): Promise<DeleteDecision> {
        const live = await this.change((l) => remove(l, inputHash(event)));
        const others = Object.values(live).reduce((n, count) => n + count, 0);
        return others === 0
            ? { teardown: true, reason: "the stack's last deploy-time Invocation is being deleted" }
            : { teardown: false, reason: "a newer deploy-time Invocation replaced this one; the roles stay" };
    }

    /** Read, change, write back only if nobody wrote in between (S3 conditional writes). Returns what was written. */
    private async change(edit: (live: Live) => void): Promise<Live> {
        for (;;) {
            const current = await this.read();
            const live = { ...(current?.live ?? {}) };
            edit(live);
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
                return live;
            } catch (error) {
                if (errorName(error) !== "PreconditionFailed" && errorName(error) !== "ConditionalRequestConflict") {
                    throw error;
                }
            }
        }
    }

    private async read(): Promise<{ etag: string; live: Live } | undefined> {
        try {
            const result = await this.call(() => this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key })));
            const text = await result.Body!.transformToString();
            let live: Live = {};
            try {
                live = (JSON.parse(text) as { live?: Live }).live ?? {};
            } catch {
                // A damaged record counts as empty: the next create or update writes a good one.
            }
            return { etag: result.ETag!, live };
        } catch (error) {
            if (errorName(error) === "NoSuchKey") {
                return undefined;
            }
            throw error;
        }
    }
}

function remove(live: Live, hash: string): void {
    if ((live[hash] ?? 0) > 1) {
        live[hash]--;
    } else {
        delete live[hash];
    }
}
