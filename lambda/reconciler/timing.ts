/** Clock, back-off, deadlines and concurrency limits. The clock is injected so the benchmark can run on simulated time. */
import { AccessDeniedException as EksAccessDenied } from "@aws-sdk/client-eks";
import { AccessDeniedException as EventsAccessDenied } from "@aws-sdk/client-eventbridge";
import { LimitExceededException } from "@aws-sdk/client-iam";
import { AccessDenied as S3AccessDenied } from "@aws-sdk/client-s3";
import { ServiceException } from "@smithy/core/client";
import { isThrottlingError, isTransientError } from "@smithy/core/retry";
import { AdaptiveRateLimiter } from "./rateLimiter";

type SdkError = Parameters<typeof isThrottlingError>[0];

export interface Clock {
    now(): number;
    sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * How an AWS error should be retried, by the SDK's own classification (`@smithy/core/retry`, what its standard retry
 * strategy uses): "throttling" (429, Throttling, SlowDown, ...) is retried until the run's deadline, "transient" (500,
 * 502, 503, 504, timeouts, dropped connections) a few times; anything else is not retried.
 */
export function retryKind(error: unknown): "throttling" | "transient" | undefined {
    if (typeof error !== "object" || error === null) {
        return undefined;
    }
    const sdkError = error as SdkError;
    if (error instanceof LimitExceededException) {
        // IAM's LimitExceeded (which the SDK counts as throttling) mostly means a quota (policy size, tags per role):
        // asking again cannot help, and retrying it until the deadline would slow every other write down. Only its
        // "Rate exceeded" form is throttling.
        return /rate exceeded/i.test(sdkError.message ?? "") ? "throttling" : undefined;
    }
    if (isThrottlingError(sdkError)) {
        return "throttling";
    }
    return isTransientError(sdkError) ? "transient" : undefined;
}

export function isThrottling(error: unknown): boolean {
    return retryKind(error) === "throttling";
}

export interface RetryPolicy {
    /** Tries per call. Unbounded by default: the run's deadline is what bounds retries. */
    attempts: number;
    /** Tries per call when the service answers with a transient error (5xx, timeout): the SDK's default, 3. */
    transientAttempts?: number;
    baseMs: number;
    capMs: number;
    /**
     * Clock time until which AccessDenied is retried too (every `baseMs * 10`): IAM is eventually consistent, and the
     * deploy-time run starts seconds after its role's policy is written. Absent: AccessDenied fails at once.
     */
    accessDeniedUntil?: number;
}

/**
 * Whether the service said "not allowed". EKS, S3 and EventBridge model it as a class; IAM, STS, Secrets Manager and
 * SQS do not (their answer is a plain service error whose name is the wire code), so for them the code is all there is.
 */
export function isAccessDenied(error: unknown): boolean {
    return (
        error instanceof EksAccessDenied ||
        error instanceof S3AccessDenied ||
        error instanceof EventsAccessDenied ||
        (error instanceof ServiceException && UNMODELED_ACCESS_DENIED.has(error.name))
    );
}

const UNMODELED_ACCESS_DENIED = new Set(["AccessDenied", "AccessDeniedException"]);

export const DEFAULT_RETRY: RetryPolicy = { attempts: Infinity, transientAttempts: 3, baseMs: 100, capMs: 5_000 };

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
 * Retries throttled calls with capped exponential back-off and full jitter, for as long as the deadline allows, and
 * transient server errors (5xx, timeouts) up to `policy.transientAttempts` tries. Anything else fails at once (a
 * validation error will not get better by asking again), except AccessDenied before `policy.accessDeniedUntil`.
 */
export async function withRetry<T>(call: () => Promise<T>, clock: Clock, options: RetryOptions = {}): Promise<T> {
    const { policy = DEFAULT_RETRY, deadline = Infinity, random = Math.random, pacing } = options;
    let lastError: unknown;
    let transientFailures = 0;
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
            const kind = retryKind(error);
            if (kind === undefined) {
                throw error;
            }
            if (kind === "throttling") {
                pacing?.onThrottle(clock.now());
            } else {
                transientFailures++;
            }
            if (attempt >= policy.attempts || transientFailures >= (policy.transientAttempts ?? 1)) {
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
