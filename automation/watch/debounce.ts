/**
 * When the service runs `up` (pure): after a quiet window with no new change, so that ten clusters created together
 * make one update, but no later than a maximum wait after the first change, so that a steady trickle still deploys.
 */

export interface DebounceSettings {
    /** No new change for this long: run. */
    quietMs: number;
    /** The first waiting change is this old: run anyway. */
    maxWaitMs: number;
}

export const DEFAULT_DEBOUNCE: DebounceSettings = { quietMs: 2 * 60_000, maxWaitMs: 10 * 60_000 };

/** The changes waiting for a run: when the first and the latest arrived. */
export interface Waiting {
    firstAt: number;
    lastAt: number;
}

/** Notes a change arriving at `now`. */
export function noteChange(waiting: Waiting | undefined, now: number): Waiting {
    return waiting
        ? { firstAt: waiting.firstAt, lastAt: Math.max(waiting.lastAt, now) }
        : { firstAt: now, lastAt: now };
}

/** When the waiting changes are due for a run; undefined when nothing waits. */
export function dueAt(waiting: Waiting | undefined, settings: DebounceSettings): number | undefined {
    if (!waiting) {
        return undefined;
    }
    return Math.min(waiting.lastAt + settings.quietMs, waiting.firstAt + settings.maxWaitMs);
}

/** Checks settings a caller gave: both positive, the maximum wait not shorter than the quiet window. */
export function debounceProblems(settings: DebounceSettings): string[] {
    const problems: string[] = [];
    if (!(settings.quietMs > 0)) {
        problems.push("the quiet window must be longer than 0");
    }
    if (!(settings.maxWaitMs >= settings.quietMs)) {
        problems.push(
            `the maximum wait (${settings.maxWaitMs / 1000}s) must be at least the quiet window (${settings.quietMs / 1000}s)`,
        );
    }
    return problems;
}
