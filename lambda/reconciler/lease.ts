/**
 * A lease in the stack's state bucket that keeps reconciler runs from overlapping, without reserved concurrency (which
 * fails in accounts whose unreserved concurrency would drop below 10). It relies on S3 conditional writes:
 * `PutObject` with `If-None-Match: *` succeeds for exactly one writer and answers the others 412 PreconditionFailed
 * (409 ConditionalRequestConflict while another conditional write of the key is in flight: ask again); `If-Match:
 * <etag>` takes over an expired lease, or releases our own, only if nobody changed it since we read it.
 */
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { RECONCILER_STATE_KEYS } from "../../common/naming";
import { errorName } from "../../common/errors";
import { Clock } from "./timing";

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

/** S3 calls, wrapped by the caller (retry on throttling, AccessDenied while IAM propagates). */
export type Call = <T>(send: () => Promise<T>) => Promise<T>;

/** How far apart two Lambda hosts' clocks may be (they are NTP-synchronized; a generous bound). */
export const CLOCK_SKEW_MS = 60_000;

const PRECONDITION_FAILED = "PreconditionFailed";
const CONFLICT = "ConditionalRequestConflict";

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
            if (errorName(error) !== PRECONDITION_FAILED && errorName(error) !== "NoSuchKey") {
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
                if (errorName(error) === PRECONDITION_FAILED) {
                    return "lost";
                }
                if (errorName(error) !== CONFLICT) {
                    throw error;
                }
                await this.clock.sleep(200);
            }
        }
    }

    private async read(): Promise<Lease | undefined> {
        try {
            const result = await this.call(() =>
                this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key })),
            );
            return { etag: result.ETag!, record: parseRecord(await result.Body!.transformToString()) };
        } catch (error) {
            if (errorName(error) === "NoSuchKey") {
                return undefined;
            }
            throw error;
        }
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
