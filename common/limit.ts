/** Bounded concurrency, shared by the program (discovery) and the reconciler. */

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
