/**
 * Client-side pacing: a token bucket whose rate adapts to throttling like TCP's congestion window. It starts in slow
 * start (the rate multiplied per second of sending at the full rate) until the first throttle, which sets the
 * threshold (ssthresh); from then on additive increase and multiplicative decrease (AIMD), the idea of the AWS SDK's
 * adaptive retry mode. Pure: every method is told the time, nothing sleeps or
 * reads a clock, so the reconciler paces on real time and the tests and benchmark on virtual time.
 *
 * Not the SDK's own DefaultRateLimiter: that one reads Date.now() and waits with a static, process-wide setTimeout
 * (no clock to inject), applies to every call of a client (reads included) rather than to IAM's low write quota,
 * and is an internal of @smithy/core, which the bundle would then have to carry.
 */

export interface AdaptiveRateSettings {
    /** Sends per second before any throttling has been seen. */
    initialRate: number;
    minRate: number;
    maxRate: number;
    /** Factor the rate is multiplied by per second of sending at the full rate, below the threshold (slow start). */
    slowStartFactor: number;
    /** Rate added per second of sending at the full rate, at or above the threshold (the additive increase). */
    increasePerSecond: number;
    /** Factor applied to the rate when a send is throttled (the multiplicative decrease). */
    decrease: number;
    /**
     * At most one decrease per this many ms: the sends already on the wire when the first throttle came back
     * were paced at the old rate, and their throttles say nothing new.
     */
    cooldownMs: number;
    /** Depth of the bucket, in seconds of the current rate. */
    burstSeconds: number;
}

/**
 * IAM's write quota is per account and unpublished (the benchmark's account allows 20 writes/s): start below it,
 * triple per second until the first throttle (a 100 writes/s quota is reached in about 2 s), then climb by one
 * write/s per second and give back 30% on throttling (halving left a 1 write/s quota under-used).
 */
export const IAM_WRITE_PACING: AdaptiveRateSettings = {
    initialRate: 10,
    minRate: 0.5,
    maxRate: 200,
    slowStartFactor: 3,
    increasePerSecond: 1,
    decrease: 0.7,
    cooldownMs: 1_000,
    burstSeconds: 1,
};

export class AdaptiveRateLimiter {
    private currentRate: number;
    private tokens: number;
    private lastRefill: number;
    private lastDecrease = -Infinity;
    /** Below it the rate grows multiplicatively, at or above it additively; set by each decrease (TCP's ssthresh). */
    private ssthresh = Infinity;
    /** Throttled sends seen, and how many of them lowered the rate. */
    throttles = 0;
    decreases = 0;

    constructor(
        private readonly settings: AdaptiveRateSettings,
        now: number,
    ) {
        this.currentRate = settings.initialRate;
        this.tokens = this.capacity();
        this.lastRefill = now;
    }

    /** Sends per second currently allowed. */
    get rate(): number {
        return this.currentRate;
    }

    /** The slow-start threshold: Infinity until the first throttle. */
    get threshold(): number {
        return this.ssthresh;
    }

    /** Takes a token and returns 0, or returns the ms to wait before asking again (no token is taken then). */
    tryAcquire(now: number): number {
        this.refill(now);
        if (this.tokens >= 1) {
            this.tokens -= 1;
            return 0;
        }
        return Math.max(1, Math.ceil(((1 - this.tokens) / this.currentRate) * 1000));
    }

    onSuccess(now: number): void {
        this.refill(now);
        // Per success, so the rate climbs only while there is traffic: at the full rate, x slowStartFactor per second
        // below the threshold (capped there), +increasePerSecond per second at or above it.
        const rate = this.currentRate;
        const next =
            rate < this.ssthresh
                ? Math.min(this.ssthresh, rate * this.settings.slowStartFactor ** (1 / rate))
                : rate + this.settings.increasePerSecond / rate;
        this.currentRate = Math.min(this.settings.maxRate, next);
    }

    onThrottle(now: number): void {
        this.refill(now);
        this.throttles++;
        this.tokens = Math.min(this.tokens, 0);
        if (now - this.lastDecrease >= this.settings.cooldownMs) {
            this.currentRate = Math.max(this.settings.minRate, this.currentRate * this.settings.decrease);
            this.ssthresh = this.currentRate;
            this.lastDecrease = now;
            this.decreases++;
        }
    }

    private capacity(): number {
        return Math.max(1, this.currentRate * this.settings.burstSeconds);
    }

    private refill(now: number): void {
        const elapsed = Math.max(0, now - this.lastRefill);
        this.tokens = Math.min(this.capacity(), this.tokens + (elapsed * this.currentRate) / 1000);
        this.lastRefill = Math.max(this.lastRefill, now);
    }
}
