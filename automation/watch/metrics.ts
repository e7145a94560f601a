/** The service's counters and their Prometheus text exposition (format 0.0.4), rendered purely from a snapshot. */

export type RunStatus = "succeeded" | "failed" | "cancelled";

export interface MetricsSnapshot {
    runs: Record<RunStatus, number>;
    /** Seconds since the epoch of the last successful `up`; undefined before the first. */
    lastSuccessSeconds?: number;
    /** Age in seconds of the oldest message waiting for (or covered by a running) `up`; 0 when none waits. */
    queueLagSeconds: number;
    /** Messages received and not yet settled by a run. */
    pendingMessages: number;
    runInProgress: boolean;
}

export const emptySnapshot = (): MetricsSnapshot => ({
    runs: { succeeded: 0, failed: 0, cancelled: 0 },
    queueLagSeconds: 0,
    pendingMessages: 0,
    runInProgress: false,
});

const PREFIX = "container_insights_watch";

function metric(
    name: string,
    type: "counter" | "gauge",
    help: string,
    samples: Array<[labels: string, value: number]>,
): string[] {
    return [
        `# HELP ${PREFIX}_${name} ${help}`,
        `# TYPE ${PREFIX}_${name} ${type}`,
        ...samples.map(([labels, value]) => `${PREFIX}_${name}${labels} ${formatValue(value)}`),
    ];
}

function formatValue(value: number): string {
    return Number.isFinite(value) ? String(value) : value > 0 ? "+Inf" : value < 0 ? "-Inf" : "NaN";
}

export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export function renderMetrics(snapshot: MetricsSnapshot): string {
    const failures = snapshot.runs.failed;
    const lines = [
        ...metric("runs_total", "counter", "Runs of up started by the service, by outcome.", [
            [`{status="succeeded"}`, snapshot.runs.succeeded],
            [`{status="failed"}`, snapshot.runs.failed],
            [`{status="cancelled"}`, snapshot.runs.cancelled],
        ]),
        ...metric("failures_total", "counter", "Runs of up that failed (each is retried after a back-off).", [
            ["", failures],
        ]),
        ...metric(
            "queue_lag_seconds",
            "gauge",
            "Age of the oldest watch-queue message not yet covered by a successful up; 0 when none waits.",
            [["", snapshot.queueLagSeconds]],
        ),
        ...metric(
            "last_success_timestamp_seconds",
            "gauge",
            "When the last successful up finished (seconds since the epoch); 0 before the first.",
            [["", snapshot.lastSuccessSeconds ?? 0]],
        ),
        ...metric("pending_messages", "gauge", "Watch-queue messages received and waiting for an up.", [
            ["", snapshot.pendingMessages],
        ]),
        ...metric("run_in_progress", "gauge", "1 while an up runs.", [["", snapshot.runInProgress ? 1 : 0]]),
    ];
    return `${lines.join("\n")}\n`;
}
