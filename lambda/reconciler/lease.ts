/**
 * A lease in the stack's state bucket that keeps reconciler runs from overlapping, without reserved concurrency (which
 * fails in accounts whose unreserved concurrency would drop below 10). It relies on S3 conditional writes:
 * `PutObject` with `If-None-Match: *` succeeds for exactly one writer and answers the others 412 PreconditionFailed
 * (409 ConditionalRequestConflict while another conditional write of the key is in flight: ask again); `If-Match:
 * <etag>` takes over an expired lease, or releases our own, only if nobody changed it since we read it.
 */
import { DeleteObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { RECONCILER_STATE_KEYS } from "../../common/naming";
import { Call, isConditionalConflict, isPreconditionFailed, readObject } from "./stateObject";
import { Clock } from "./timing";

export type { Call };

export interface LeaseRecord {
    holder: string;
    acquiredAt: number;
    expiresAt: number;
}

export interface Lease {
    etag: string;
    record: LeaseRecord;
}

export interface LeaseOptions {
    /** How long a lease lives if its holder never releases it (a run that timed out). */
    ttlMs: number;
    /** How often a waiting run asks again. */
    pollMs: number;
}

/** The Lambda's timeout is 900 s: a lease outlives any run that holds it. */
export const DEFAULT_LEASE: LeaseOptions = { ttlMs: 960_000, pollMs: 5_000 };

/** How far apart two Lambda hosts' clocks may be (they are NTP-synchronized; a generous bound). */
export const CLOCK_SKEW_MS = 60_000;

export class BucketLease {
    private readonly key = RECONCILER_STATE_KEYS.lease;

    constructor(
        private readonly s3: S3Client,
        private readonly bucket: string,
        private readonly clock: Clock,
        private readonly call: Call,
        private readonly options: LeaseOptions = DEFAULT_LEASE,
    ) {}

    /** Takes the lease, waiting up to `waitMs` for its holder; undefined when someone else still holds it. */
    async acquire(holder: string, waitMs: number): Promise<Lease | undefined> {
        const deadline = this.clock.now() + waitMs;
        for (;;) {
            const taken = await this.tryTake(holder);
            if (taken !== "held") {
                return taken;
            }
            if (this.clock.now() >= deadline) {
                return undefined;
            }
            await this.clock.sleep(Math.min(this.options.pollMs, deadline - this.clock.now()));
        }
    }

    /** Gives the lease back; a lease that expired and was taken over by another run is left to that run. */
    async release(lease: Lease): Promise<void> {
        try {
            await this.call(() =>
                this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key, IfMatch: lease.etag })),
            );
        } catch (error) {
            if (!isPreconditionFailed(error) && !(error instanceof NoSuchKey)) {
                throw error;
            }
        }
    }

    private async tryTake(holder: string): Promise<Lease | "held"> {
        const record = (): LeaseRecord => ({
            holder,
            acquiredAt: this.clock.now(),
            expiresAt: this.clock.now() + this.options.ttlMs,
        });
        const created = await this.put(record(), { IfNoneMatch: "*" });
        if (created !== "lost") {
            return created;
        }
        const current = await this.read();
        if (!current) {
            return this.tryTake(holder); // released between our write and our read
        }
        if (this.live(current.record)) {
            return "held";
        }
        const takenOver = await this.put(record(), { IfMatch: current.etag });
        return takenOver === "lost" ? "held" : takenOver;
    }

    /**
     * Whether a lease still binds. Every holder writes `expiresAt = now + ttlMs`, so a lease that claims to last longer
     * (beyond clock skew) was not written by a run: it counts as expired rather than freezing every run and destroy.
     */
    private live(record: LeaseRecord): boolean {
        const now = this.clock.now();
        return record.expiresAt > now && record.expiresAt <= now + this.options.ttlMs + CLOCK_SKEW_MS;
    }

    /** One conditional write: the lease, or "lost" when another writer won. */
    private async put(
        record: LeaseRecord,
        condition: { IfNoneMatch?: string; IfMatch?: string },
    ): Promise<Lease | "lost"> {
        for (;;) {
            try {
                const result = await this.call(() =>
                    this.s3.send(
                        new PutObjectCommand({
                            Bucket: this.bucket,
                            Key: this.key,
                            Body: JSON.stringify(record),
                            ContentType: "application/json",
                            // SSE-S3 whatever the bucket's default: the reconciler needs no KMS permission for its lease.
                            ServerSideEncryption: "AES256",
                            ...condition,
                        }),
                    ),
                );
                return { etag: result.ETag!, record };
            } catch (error) {
                if (isPreconditionFailed(error)) {
                    return "lost";
                }
                if (!isConditionalConflict(error)) {
                    throw error;
                }
                await this.clock.sleep(200);
            }
        }
    }

    private async read(): Promise<Lease | undefined> {
        const object = await readObject(this.s3, this.bucket, this.key, this.call);
        return object && { etag: object.etag, record: parseRecord(object.body) };
    }
}

/** A lease that cannot be read counts as expired, so that a damaged object never blocks every run. */
function parseRecord(text: string): LeaseRecord {
    try {
        const record = JSON.parse(text) as LeaseRecord;
        if (Number.isFinite(record.expiresAt)) {
            return record;
        }
    } catch {
        // fall through
    }
    return { holder: "unreadable", acquiredAt: 0, expiresAt: 0 };
}
