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

/** Runs at most `concurrency` tasks at once. */
export function limiter(concurrency: number): <T>(task: () => Promise<T>) => Promise<T> {
    let active = 0;
    const waiting: Array<() => void> = [];
    // A finishing task hands its slot straight to the next waiter, so nothing can slip in between.
    const release = () => {
        const next = waiting.shift();
        if (next) {
            next();
        } else {
            active--;
        }
    };
    return async <T>(task: () => Promise<T>) => {
        if (active >= concurrency) {
            await new Promise<void>((resolve) => waiting.push(resolve));
        } else {
            active++;
        }
        try {
            return await task();
        } finally {
            release();
        }
    };
}

/** Maps over items with bounded concurrency, keeping order; failures are returned, not thrown. */
export async function settleAll<T, R>(
    items: T[],
    concurrency: number,
    task: (item: T) => Promise<R>,
): Promise<Array<PromiseSettledResult<R>>> {
    const limit = limiter(concurrency);
    return Promise.allSettled(items.map((item) => limit(() => task(item))));
}
