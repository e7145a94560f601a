/**
 * One fleet operation: every stack through the worker pool, an account's cluster stacks after its account stack, a
 * progress line per finished stack, the journal updated as each one ends (up only), and the reports for the summary.
 * The engine work itself is the caller's `deploy` (runStack in the command, a fake in tests).
 */
import { errorMessage } from "../../common/errors";
import { Journal, needsRun, recordResult } from "./journal";
import { PoolTask, TaskResult, runPool } from "./pool";
import { StackReport, progressLine } from "./progress";
import { FleetStack } from "./stacks";

export interface DeployOutcome {
    /** Resources per operation, as the engine summed them. */
    changes: Record<string, number>;
}

export interface FleetRunOptions {
    action: "up" | "preview";
    stacks: FleetStack[];
    /** Per stack: the digest of everything its deploy depends on (journal.ts fingerprint). */
    fingerprints: Map<string, string>;
    concurrency: number;
    /**
     * The journal so far; up skips the stacks it records as deployed from the same fingerprint (reported as
     * unchanged) unless `all`, and records each result in it.
     */
    journal: Journal;
    /** Deploy every stack, whatever the journal says. */
    all?: boolean;
    deploy: (stack: FleetStack, signal?: AbortSignal) => Promise<DeployOutcome>;
    /** Called with the journal after each recorded result (the command writes it to disk). */
    saveJournal?: (journal: Journal) => void;
    print?: (line: string) => void;
    signal?: AbortSignal;
    now?: () => number;
}

export interface FleetRunResult {
    reports: StackReport[];
    journal: Journal;
    elapsedMs: number;
    succeeded: boolean;
}

export async function runFleet(options: FleetRunOptions): Promise<FleetRunResult> {
    const now = options.now ?? (() => performance.now());
    const started = now();
    let journal = options.journal;
    const accountRuns = new Map<string, Promise<TaskResult<DeployOutcome>["outcome"]>>();
    const resolvers = new Map<string, (outcome: TaskResult<DeployOutcome>["outcome"]) => void>();
    for (const stack of options.stacks.filter((s) => s.role === "account")) {
        accountRuns.set(stack.name, new Promise((resolve) => resolvers.set(stack.name, resolve)));
    }
    // Account stacks first, so a cluster stack's wait for its account stack is short.
    const ordered = [...options.stacks].sort((a, b) => Number(a.role !== "account") - Number(b.role !== "account"));
    const tasks: PoolTask<DeployOutcome>[] = ordered.map((stack) => ({
        key: stack.name,
        run: async (signal) => {
            if (stack.accountStack && accountRuns.has(stack.accountStack)) {
                const outcome = await accountRuns.get(stack.accountStack)!;
                if (outcome === "failed" || outcome === "cancelled") {
                    throw new Error(`its account stack ${stack.accountStack} ${outcome}`);
                }
            }
            const print = options.fingerprints.get(stack.name) ?? "";
            if (options.action === "up" && !options.all && !needsRun(options.journal, stack.name, print)) {
                return { outcome: "unchanged" };
            }
            const value = await options.deploy(stack, signal);
            return { outcome: "succeeded", value };
        },
    }));
    const reports = new Map<string, StackReport>();
    const results = await runPool(tasks, {
        concurrency: options.concurrency,
        signal: options.signal,
        now,
        onSettled: (result, done, total) => {
            resolvers.get(result.key)?.(result.outcome);
            const report: StackReport = {
                stack: result.key,
                outcome: result.outcome,
                durationMs: result.durationMs,
                ...(result.value ? { changes: result.value.changes } : {}),
                ...(result.error !== undefined ? { error: oneLine(errorMessage(result.error)) } : {}),
            };
            reports.set(result.key, report);
            if (options.action === "up" && (result.value || result.outcome === "failed")) {
                journal = recordResult(journal, result.key, {
                    fingerprint: options.fingerprints.get(result.key) ?? "",
                    outcome: result.outcome,
                    finishedAt: new Date().toISOString(),
                    durationMs: Math.round(result.durationMs),
                    ...(report.changes ? { changes: report.changes } : {}),
                    ...(report.error ? { error: report.error } : {}),
                });
                options.saveJournal?.(journal);
            }
            options.print?.(progressLine(report, done, total, now() - started));
        },
    });
    const succeeded = results.every((r) => r.outcome === "succeeded" || r.outcome === "unchanged");
    return {
        reports: options.stacks.map((s) => reports.get(s.name)!),
        journal,
        elapsedMs: now() - started,
        succeeded,
    };
}

/** The error in one line of at most 300 characters (the engine's diagnostics follow a "<stack>: up failed:" line). */
function oneLine(text: string): string {
    const line = text.replace(/\s+/g, " ").trim();
    return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
