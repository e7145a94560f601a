/**
 * The watch service's loop: receive cluster changes from the watch queue, wait out the quiet window, run `up`, delete
 * the messages the run covered once it succeeded, back off and retry when it failed, and stop on request without
 * leaving the stack locked. Every wait is on an injected clock, so tests and the benchmark run it on virtual time.
 */
import { CancelledError } from "../errors";
import type { RunResult } from "../runStack";
import { BackoffSettings, backoffMs } from "./backoff";
import { DebounceSettings, Waiting, dueAt, noteChange } from "./debounce";
import { ClusterChange, parseMessage } from "./messages";
import { MetricsSnapshot, emptySnapshot } from "./metrics";
import { QueueMessage, WatchQueue } from "./queue";
import { RunOutcome, RunReport, runReport } from "./report";
import { errorMessage } from "../../common/errors";

export interface WatchClock {
    /** Milliseconds since the epoch (virtual in tests). */
    now(): number;
    sleep(ms: number): Promise<void>;
}

export interface UpRunner {
    /**
     * Runs `up` with the policy pack for the changes (of the watched stack, or in a fleet of the cluster stacks they
     * name: runner.ts); rejects when it fails. Aborting `signal` stops the engine gracefully.
     */
    up(signal: AbortSignal, changes?: ClusterChange[]): Promise<RunResult>;
    /** Clears the lock of an update that did not stop (the Automation API's `stack.cancel()`, i.e. `pulumi cancel`). */
    cancel(): Promise<void>;
}

export interface WatchSettings {
    stackName: string;
    debounce: DebounceSettings;
    backoff: BackoffSettings;
    /** On stop, how long a running `up` may go on before it is cancelled. */
    gracePeriodMs: number;
    /** After the cancel, how long the engine may take to stop before its lock is cleared with `pulumi cancel`. */
    cancelTimeoutMs: number;
    /** Longest long poll (SQS allows 20 s). */
    pollSeconds?: number;
}

/**
 * How a stop ended. idle: no `up` was running; finished: the running `up` ended within the grace period; cancelled:
 * the engine stopped it gracefully (it released the lock); forced: it did not stop and its lock was cleared with
 * `pulumi cancel` (run refresh before the next update); locked: clearing the lock failed too.
 */
export type StopOutcome = "idle" | "finished" | "cancelled" | "forced" | "locked";

export const STOP_EXIT_CODES: Record<StopOutcome, number> = {
    idle: 0,
    finished: 0,
    cancelled: 3,
    forced: 4,
    locked: 1,
};

export type LogRecord = RunReport | { level: "info" | "warn" | "error"; msg: string; [key: string]: unknown };

export interface WatchDeps {
    queue: WatchQueue;
    runner: UpRunner;
    clock: WatchClock;
    log: (record: LogRecord) => void;
    random?: () => number;
}

interface Held {
    message: QueueMessage;
    change: ClusterChange;
}

/** A poll older than this (with no `up` running) means the loop is stuck: /healthz says so. */
export const STALE_POLL_MS = 90_000;

export class WatchService {
    private held: Held[] = [];
    private waiting?: Waiting;
    private failures = 0;
    private retryAt = 0;
    private stopping = false;
    private readonly pollAbort = new AbortController();
    private runAbort?: AbortController;
    private current?: Promise<unknown>;
    private loop?: Promise<void>;
    private stopped?: Promise<StopOutcome>;
    private escalate?: () => void;
    private visibilitySeconds = 30;
    private extendedAt = 0;
    private lastPollAt: number;
    private readonly counters: MetricsSnapshot = emptySnapshot();

    constructor(
        private readonly settings: WatchSettings,
        private readonly deps: WatchDeps,
    ) {
        this.lastPollAt = deps.clock.now();
    }

    /** Starts the loop; the promise settles when the loop has ended (after stop). */
    start(): Promise<void> {
        this.loop ??= this.main();
        return this.loop;
    }

    /**
     * Stops polling and lets a running `up` finish within the grace period, else cancels it (the engine stops after
     * the steps in flight and releases the lock), else clears its lock. Messages not covered by a successful `up` go
     * back to the queue. A second call skips what is left of the grace period.
     */
    stop(): Promise<StopOutcome> {
        if (this.stopped) {
            this.escalate?.();
            return this.stopped;
        }
        this.stopping = true;
        this.pollAbort.abort();
        this.stopped = this.shutdown();
        return this.stopped;
    }

    metrics(): MetricsSnapshot {
        const oldest = Math.min(...this.held.map((h) => h.message.sentAt));
        return {
            ...this.counters,
            runs: { ...this.counters.runs },
            queueLagSeconds:
                this.held.length > 0 ? Math.max(0, Math.round((this.deps.clock.now() - oldest) / 1000)) : 0,
            pendingMessages: this.held.length,
            runInProgress: this.current !== undefined,
        };
    }

    health(): { ok: boolean; status: "running" | "stopping"; lastPollAgeSeconds: number; consecutiveFailures: number } {
        const age = this.deps.clock.now() - this.lastPollAt;
        return {
            ok: !this.stopping && (this.current !== undefined || age < STALE_POLL_MS),
            status: this.stopping ? "stopping" : "running",
            lastPollAgeSeconds: Math.round(age / 1000),
            consecutiveFailures: this.failures,
        };
    }

    /** When the waiting changes are due: the quiet window, or after a failure the back-off. */
    nextRunAt(): number | undefined {
        if (this.held.length === 0) {
            return undefined;
        }
        return this.failures > 0 ? this.retryAt : dueAt(this.waiting, this.settings.debounce);
    }

    private async main(): Promise<void> {
        const { clock, queue, log } = this.deps;
        this.visibilitySeconds = await queue.visibilityTimeoutSeconds();
        while (!this.stopping) {
            const now = clock.now();
            const due = this.nextRunAt();
            if (due !== undefined && now >= due) {
                await this.runOnce();
                continue;
            }
            await this.keepHeld();
            const nextExtension = this.held.length > 0 ? this.extendedAt + this.heartbeatMs() : Infinity;
            const until = Math.min(due ?? Infinity, nextExtension);
            const waitSeconds = Math.max(1, Math.min(this.settings.pollSeconds ?? 20, Math.ceil((until - now) / 1000)));
            let messages: QueueMessage[];
            try {
                messages = await queue.receive(waitSeconds, this.pollAbort.signal);
            } catch (error) {
                log({ level: "error", msg: "receive failed", error: errorMessage(error) });
                await clock.sleep(5_000);
                continue;
            }
            this.lastPollAt = clock.now();
            await this.accept(messages);
        }
    }

    private heartbeatMs(): number {
        return Math.max(1_000, (this.visibilitySeconds * 1000) / 2);
    }

    private async accept(messages: QueueMessage[]): Promise<void> {
        const { log, queue, clock } = this.deps;
        const discard: QueueMessage[] = [];
        for (const message of messages) {
            const parsed = parseMessage(message.body);
            if (!parsed.ok || parsed.change.stack !== this.settings.stackName) {
                const reason = parsed.ok
                    ? `it names stack ${parsed.change.stack}, not ${this.settings.stackName}`
                    : parsed.reason;
                log({ level: "warn", msg: "message discarded", messageId: message.id, reason });
                discard.push(message);
                continue;
            }
            const known = this.held.findIndex((h) => h.message.id === message.id);
            if (known >= 0) {
                // SQS delivered it again (at-least-once): only the newest receipt handle is valid.
                this.held[known] = { message, change: parsed.change };
                continue;
            }
            if (this.held.length === 0) {
                this.extendedAt = clock.now();
            }
            this.held.push({ message, change: parsed.change });
            // The change happened when SQS got it, not when this loop got round to it (after an up, say): the quiet
            // window and the maximum wait count from there.
            this.waiting = noteChange(this.waiting, Math.min(message.sentAt, clock.now()));
        }
        if (discard.length > 0) {
            await this.settle("delete", () => queue.delete(discard));
        }
    }

    /** Keeps the held messages invisible while they wait or their `up` runs. */
    private async keepHeld(): Promise<void> {
        const now = this.deps.clock.now();
        if (this.held.length === 0 || now - this.extendedAt < this.heartbeatMs()) {
            return;
        }
        this.extendedAt = now;
        const refused = await this.settle("extend visibility", () =>
            this.deps.queue.extendVisibility(
                this.held.map((h) => h.message),
                this.visibilitySeconds,
            ),
        );
        if (refused.length > 0) {
            // Handed out again (to this or another consumer); its next receipt brings it back.
            this.held = this.held.filter((h) => !refused.includes(h.message.id));
        }
    }

    private async settle(what: string, call: () => Promise<string[]>): Promise<string[]> {
        try {
            const refused = await call();
            if (refused.length > 0) {
                this.deps.log({
                    level: "warn",
                    msg: `${what}: SQS refused ${refused.length} message(s)`,
                    messageIds: refused,
                });
            }
            return refused;
        } catch (error) {
            this.deps.log({ level: "error", msg: `${what} failed`, error: errorMessage(error) });
            return [];
        }
    }

    private async runOnce(): Promise<void> {
        const { clock, runner, log } = this.deps;
        const covered = [...this.held];
        this.waiting = undefined;
        const startedAt = clock.now();
        const abort = new AbortController();
        this.runAbort = abort;
        const running = runner.up(
            abort.signal,
            covered.map((h) => h.change),
        );
        this.current = running;
        const outcome = await this.withHeartbeat(running);
        this.current = undefined;
        const finishedAt = clock.now();
        const attempt = this.failures + 1;
        let retryInMs: number | undefined;
        if (outcome.ok) {
            this.counters.runs.succeeded++;
            this.counters.lastSuccessSeconds = Math.round(finishedAt / 1000);
            this.failures = 0;
            const ids = new Set(covered.map((h) => h.message.id));
            this.held = this.held.filter((h) => !ids.has(h.message.id));
            await this.settle("delete", () => this.deps.queue.delete(covered.map((h) => h.message)));
        } else if (outcome.cancelled) {
            this.counters.runs.cancelled++;
        } else {
            this.counters.runs.failed++;
            this.failures++;
            retryInMs = backoffMs(this.failures, this.settings.backoff, this.deps.random ?? Math.random);
            this.retryAt = finishedAt + retryInMs;
        }
        log(
            runReport({
                stack: this.settings.stackName,
                outcome,
                attempt,
                startedAt,
                finishedAt,
                changes: covered.map((h) => h.change),
                messages: covered.length,
                retryInMs,
            }),
        );
    }

    private async withHeartbeat(running: Promise<RunResult>): Promise<RunOutcome> {
        const settled = running.then(
            (result): RunOutcome => ({ ok: true, result }),
            (error: unknown): RunOutcome => ({ ok: false, error, cancelled: error instanceof CancelledError }),
        );
        for (;;) {
            const wait = Math.max(1, this.extendedAt + this.heartbeatMs() - this.deps.clock.now());
            const outcome = await Promise.race([settled, this.deps.clock.sleep(wait).then(() => undefined)]);
            if (outcome) {
                return outcome;
            }
            await this.keepHeld();
        }
    }

    private async shutdown(): Promise<StopOutcome> {
        const { log } = this.deps;
        let outcome: StopOutcome = "idle";
        const running = this.current;
        if (running) {
            log({
                level: "info",
                msg: "stopping: waiting for the running up",
                gracePeriodMs: this.settings.gracePeriodMs,
            });
            if (await this.settlesWithin(running, this.settings.gracePeriodMs, true)) {
                outcome = "finished";
            } else {
                log({
                    level: "warn",
                    msg: "stopping: cancelling the running up (the engine finishes the steps in flight)",
                    cancelTimeoutMs: this.settings.cancelTimeoutMs,
                });
                this.runAbort?.abort();
                if (await this.settlesWithin(running, this.settings.cancelTimeoutMs, false)) {
                    outcome = "cancelled";
                } else {
                    try {
                        await this.deps.runner.cancel();
                        outcome = "forced";
                        log({
                            level: "error",
                            msg: `stopping: the up did not stop; its lock was cleared with pulumi cancel: run refresh on ${this.settings.stackName} before the next update`,
                        });
                    } catch (error) {
                        outcome = "locked";
                        log({
                            level: "error",
                            msg: `stopping: clearing the lock failed: run \`pulumi cancel --stack ${this.settings.stackName}\``,
                            error: errorMessage(error),
                        });
                    }
                }
            }
        }
        if (outcome !== "forced" && outcome !== "locked") {
            await this.loop;
        }
        if (this.held.length > 0) {
            // Back to the queue at once, for the next start (or another replica) to pick up.
            await this.settle("release", () =>
                this.deps.queue.extendVisibility(
                    this.held.map((h) => h.message),
                    0,
                ),
            );
        }
        log({ level: "info", msg: "stopped", outcome });
        return outcome;
    }

    /** Whether `work` settles within `ms`; with `escalatable`, a second stop() ends the wait early. */
    private async settlesWithin(work: Promise<unknown>, ms: number, escalatable: boolean): Promise<boolean> {
        const done = work.then(
            () => true,
            () => true,
        );
        const waits: Promise<boolean>[] = [done, this.deps.clock.sleep(ms).then(() => false)];
        if (escalatable) {
            waits.push(new Promise<boolean>((resolve) => (this.escalate = () => resolve(false))));
        }
        const result = await Promise.race(waits);
        this.escalate = undefined;
        return result;
    }
}
