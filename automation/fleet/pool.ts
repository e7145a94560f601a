/**
 * A bounded worker pool for a fleet of stacks: at most `concurrency` tasks at once, each task's failure recorded
 * (never thrown, never stopping the others), a report after each finished task. Cancelling stops starting new
 * tasks; those never started are reported as cancelled.
 */

export type Outcome = "succeeded" | "failed" | "unchanged" | "cancelled";

export interface TaskResult<R> {
    key: string;
    outcome: Outcome;
    durationMs: number;
    value?: R;
    error?: unknown;
}

export interface PoolTask<R> {
    key: string;
    /** Runs the task; "unchanged" is returned (not thrown) by a task that found nothing to do. */
    run: (signal?: AbortSignal) => Promise<{ outcome: "succeeded" | "unchanged"; value?: R }>;
}

export interface PoolOptions<R> {
    concurrency: number;
    signal?: AbortSignal;
    /** After each task settles, with how many have settled so far. */
    onSettled?: (result: TaskResult<R>, done: number, total: number) => void;
    /** Milliseconds since some fixed point (tests pass a fake clock). */
    now?: () => number;
}

/** Runs every task with at most `concurrency` in flight; the results are in the tasks' order. */
export async function runPool<R>(tasks: PoolTask<R>[], options: PoolOptions<R>): Promise<TaskResult<R>[]> {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
        throw new RangeError(`concurrency must be a whole number above 0 (got ${options.concurrency})`);
    }
    const now = options.now ?? (() => performance.now());
    const results: TaskResult<R>[] = new Array(tasks.length);
    let next = 0;
    let done = 0;
    const settle = (index: number, result: TaskResult<R>) => {
        results[index] = result;
        done += 1;
        try {
            options.onSettled?.(result, done, tasks.length);
        } catch {
            // A progress callback must not stop the fleet it reports on.
        }
    };
    const worker = async () => {
        while (next < tasks.length) {
            const index = next++;
            const task = tasks[index];
            if (options.signal?.aborted) {
                settle(index, { key: task.key, outcome: "cancelled", durationMs: 0 });
                continue;
            }
            const started = now();
            try {
                const { outcome, value } = await task.run(options.signal);
                settle(index, { key: task.key, outcome, durationMs: now() - started, value });
            } catch (error) {
                const outcome = options.signal?.aborted ? "cancelled" : "failed";
                settle(index, { key: task.key, outcome, durationMs: now() - started, error });
            }
        }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, tasks.length) }, worker));
    return results;
}

/** Whether the fleet succeeded as a whole: every task succeeded or had nothing to do. */
export function allSucceeded(results: TaskResult<unknown>[]): boolean {
    return results.every((r) => r.outcome === "succeeded" || r.outcome === "unchanged");
}
