/** Clock, back-off, deadlines and concurrency limits. The clock is injected so the benchmark can run on simulated time. */
import { AdaptiveRateLimiter } from "./rateLimiter";
import { errorName } from "../../common/errors";

export interface Clock {
    now(): number;
    sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Error names AWS uses for "slow down". */
const THROTTLING = new Set(["Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded"]);
/**
 * IAM's LimitExceeded (LimitExceededException in SDK v3, which classifies it as throttling) mostly means a quota
 * (policy size, tags per role): asking again cannot help, and retrying it until the deadline would also slow every
 * other write down. Only its "Rate exceeded" form is throttling.
 */
const LIMIT_EXCEEDED = new Set(["LimitExceeded", "LimitExceededException"]);

export function isThrottling(error: unknown): boolean {
    const { name, message } = (error ?? {}) as { name?: string; message?: string };
    if (name !== undefined && LIMIT_EXCEEDED.has(name)) {
        return /rate exceeded/i.test(message ?? "");
    }
    return name !== undefined && THROTTLING.has(name);
}

export interface RetryPolicy {
    /** Tries per call. Unbounded by default: the run's deadline is what bounds retries. */
    attempts: number;
    baseMs: number;
    capMs: number;
    /**
     * Clock time until which AccessDenied is retried too (every `baseMs * 10`): IAM is eventually consistent, and the
     * deploy-time run starts seconds after its role's policy is written. Absent: AccessDenied fails at once.
     */
    accessDeniedUntil?: number;
}

/** Error names for "not allowed" across the services the reconciler calls. */
const ACCESS_DENIED = new Set(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation"]);

export function isAccessDenied(error: unknown): boolean {
    const name = errorName(error);
    return name !== undefined && ACCESS_DENIED.has(name);
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: Infinity, baseMs: 100, capMs: 5_000 };

/** Thrown instead of starting a call or a wait past the run's deadline: the work is deferred to the next run. */
export class DeadlineReached extends Error {
    override name = "DeadlineReached";

    constructor(readonly lastError?: unknown) {
        const throttled =
            lastError === undefined
                ? ""
                : ` while throttled (${(lastError as Error).name}: ${(lastError as Error).message})`;
        super(`the run's time ran out${throttled}; the next run picks this up`);
    }
}

export interface RetryOptions {
    policy?: RetryPolicy;
    /** Clock time after which no attempt and no wait is started. */
    deadline?: number;
    /** Jitter source in [0, 1): seeded in the benchmark. */
    random?: () => number;
    /** Paces every attempt and learns from its outcome. */
    pacing?: AdaptiveRateLimiter;
}

/**
 * Retries throttled calls with capped exponential back-off and full jitter, for as long as the deadline allows.
 * Anything else fails at once (a validation error will not get better by asking again), except AccessDenied before
 * `policy.accessDeniedUntil`.
 */
export async function withRetry<T>(call: () => Promise<T>, clock: Clock, options: RetryOptions = {}): Promise<T> {
    const { policy = DEFAULT_RETRY, deadline = Infinity, random = Math.random, pacing } = options;
    let lastError: unknown;
    for (let attempt = 1; ; attempt++) {
        await waitForTurn(clock, deadline, pacing, lastError);
        try {
            const result = await call();
            pacing?.onSuccess(clock.now());
            return result;
        } catch (error) {
            const until = Math.min(policy.accessDeniedUntil ?? -Infinity, deadline);
            if (isAccessDenied(error) && clock.now() < until) {
                await clock.sleep(Math.min(policy.baseMs * 10, until - clock.now()));
                attempt--;
                continue;
            }
            if (!isThrottling(error)) {
                throw error;
            }
            pacing?.onThrottle(clock.now());
            if (attempt >= policy.attempts) {
                throw error;
            }
            lastError = error;
            const backoff = random() * Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt - 1, 30));
            if (clock.now() + backoff >= deadline) {
                throw new DeadlineReached(error);
            }
            await clock.sleep(backoff);
        }
    }
}

async function waitForTurn(
    clock: Clock,
    deadline: number,
    pacing: AdaptiveRateLimiter | undefined,
    lastError: unknown,
): Promise<void> {
    for (;;) {
        const wait = clock.now() >= deadline ? Infinity : (pacing?.tryAcquire(clock.now()) ?? 0);
        if (wait === 0) {
            return;
        }
        if (clock.now() + wait >= deadline) {
            throw new DeadlineReached(lastError);
        }
        await clock.sleep(wait);
    }
}

export { limiter, settleAll } from "../../common/limit";
