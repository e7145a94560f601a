/** Retries an operation while another process holds the stack's lock (Pulumi's ConcurrentUpdateError). */
import { ConcurrentUpdateError } from "@pulumi/pulumi/automation";
import { StackLockedError } from "./errors";

export interface LockRetry {
    /** Attempts in all, the first included. */
    attempts: number;
    /** The first wait; each later wait doubles, with up to 50% jitter. */
    baseDelayMs: number;
    sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export const DEFAULT_LOCK_RETRY: LockRetry = { attempts: 5, baseDelayMs: 2000 };

const defaultSleep = (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        signal?.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
    });

export async function retryWhileLocked<T>(
    stackName: string,
    operation: () => Promise<T>,
    retry: LockRetry,
    signal?: AbortSignal,
): Promise<T> {
    const sleep = retry.sleep ?? defaultSleep;
    for (let attempt = 1; ; attempt++) {
        try {
            return await operation();
        } catch (error) {
            if (!(error instanceof ConcurrentUpdateError)) {
                throw error;
            }
            if (attempt >= retry.attempts || signal?.aborted) {
                throw new StackLockedError(stackName, attempt, error);
            }
            await sleep(retry.baseDelayMs * 2 ** (attempt - 1) * (1 + Math.random() * 0.5), signal);
            if (signal?.aborted) {
                // Cancelled while waiting for the lock: the caller turns this into its cancellation error.
                throw new StackLockedError(stackName, attempt, error);
            }
        }
    }
}
