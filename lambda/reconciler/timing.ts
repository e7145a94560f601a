/** Clock, back-off and concurrency limits. The clock is injected so the benchmark can run on simulated time. */

export interface Clock {
    now(): number;
    sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Error names AWS uses for "slow down"; the SDK treats LimitExceeded as throttling for IAM too. */
const THROTTLING = new Set([
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "LimitExceeded",
    "LimitExceededException",
]);

export function isThrottling(error: unknown): boolean {
    const name = (error as { name?: string })?.name;
    return name !== undefined && THROTTLING.has(name);
}

export interface RetryPolicy {
    attempts: number;
    baseMs: number;
    capMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 10, baseMs: 100, capMs: 5_000 };

/**
 * Retries throttled calls with capped exponential back-off and full jitter. Anything else fails at once: AccessDenied
 * or a validation error will not get better by asking again.
 */
export async function withRetry<T>(
    call: () => Promise<T>,
    clock: Clock,
    policy: RetryPolicy = DEFAULT_RETRY,
    random: () => number = Math.random,
): Promise<T> {
    for (let attempt = 1; ; attempt++) {
        try {
            return await call();
        } catch (error) {
            if (!isThrottling(error) || attempt >= policy.attempts) {
                throw error;
            }
            const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
            await clock.sleep(random() * ceiling);
        }
    }
}

export { limiter, settleAll } from "../../common/limit";
