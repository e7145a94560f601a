/** What the fleet commands print: a line per finished stack with done of total and an ETA, then a summary table. */
import { Outcome } from "./pool";

export interface StackReport {
    stack: string;
    outcome: Outcome;
    durationMs: number;
    /** Resources per operation, as the engine summed them (create, update, same, delete...). */
    changes?: Record<string, number>;
    /** The failure, in one line. */
    error?: string;
}

/** Time left from the throughput so far (finished per elapsed time, whatever the concurrency); undefined until one finished. */
export function etaMs(elapsedMs: number, done: number, total: number): number | undefined {
    if (done === 0) {
        return undefined;
    }
    return Math.round((elapsedMs / done) * (total - done));
}

/** 850 ms, 41.2 s, 3m05s, 1h02m. */
export function formatDuration(ms: number): string {
    if (ms < 1000) {
        return `${Math.round(ms)} ms`;
    }
    const seconds = ms / 1000;
    if (seconds < 60) {
        return `${seconds.toFixed(1)} s`;
    }
    const whole = Math.round(seconds);
    const [h, m, s] = [Math.floor(whole / 3600), Math.floor((whole % 3600) / 60), whole % 60];
    return h > 0 ? `${h}h${String(m).padStart(2, "0")}m` : `${m}m${String(s).padStart(2, "0")}s`;
}

/** `create 3, same 40`: the operations that happened, in a fixed order, `no changes` when none. */
export function formatChanges(changes: Record<string, number> | undefined): string {
    if (!changes) {
        return "";
    }
    const order = ["create", "update", "replace", "delete", "same"];
    const keys = Object.keys(changes)
        .filter((k) => changes[k] > 0)
        .sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b));
    return keys.length === 0 ? "no changes" : keys.map((k) => `${k} ${changes[k]}`).join(", ");
}

/** `[12/200] prod-111122223333-eu-west-1 succeeded in 41.2 s (create 44) · ETA 3m05s` */
export function progressLine(report: StackReport, done: number, total: number, elapsedMs: number): string {
    const width = String(total).length;
    const detail = report.outcome === "failed" ? (report.error ?? "") : formatChanges(report.changes) || undefined;
    const eta = done < total ? etaMs(elapsedMs, done, total) : undefined;
    return [
        `[${String(done).padStart(width)}/${total}] ${report.stack} ${report.outcome}`,
        report.outcome === "cancelled" || report.outcome === "unchanged"
            ? ""
            : ` in ${formatDuration(report.durationMs)}`,
        detail ? ` (${detail})` : "",
        eta !== undefined ? ` · ETA ${formatDuration(eta)}` : "",
    ].join("");
}

/** The summary table (stack, outcome, time, changes or error) and one line of totals. */
export function summaryTable(reports: StackReport[], elapsedMs: number): string {
    const rows = reports.map((r) => [
        r.stack,
        r.outcome,
        r.outcome === "succeeded" || r.outcome === "failed" ? formatDuration(r.durationMs) : "-",
        r.outcome === "failed" ? (r.error ?? "") : formatChanges(r.changes),
    ]);
    const header = ["stack", "outcome", "time", "changes / error"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
    const line = (cells: string[]) =>
        cells
            .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i])))
            .join("  ")
            .trimEnd();
    const counts = new Map<Outcome, number>();
    reports.forEach((r) => counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1));
    const totals = (["succeeded", "unchanged", "failed", "cancelled"] as Outcome[])
        .filter((o) => counts.has(o))
        .map((o) => `${counts.get(o)} ${o}`)
        .join(", ");
    return [
        line(header),
        ...rows.map(line),
        `${reports.length} stacks in ${formatDuration(elapsedMs)}: ${totals || "nothing to do"}`,
    ].join("\n");
}
