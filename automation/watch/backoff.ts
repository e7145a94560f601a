/** How long the service waits before retrying a failed `up` (pure): doubling from a base, capped, with jitter. */

export interface BackoffSettings {
    baseMs: number;
    maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffSettings = { baseMs: 30_000, maxMs: 15 * 60_000 };

/**
 * The wait after the `failures`-th failure in a row (1-based): base·2^(failures-1), capped at max, then between half
 * and all of it ("equal jitter"), so replicas or restarts that failed together do not retry together.
 */
export function backoffMs(failures: number, settings: BackoffSettings, random: () => number): number {
    const ceiling = Math.min(settings.maxMs, settings.baseMs * 2 ** Math.max(0, failures - 1));
    return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
