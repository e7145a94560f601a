/** The watch command's help, apart from its code so that `--help` loads nothing else. */
export const WATCH_USAGE =
    "watch --env <prod|uat> [--stack NAME] [--account ID] [--queue-url URL] [--quiet-window 2m] [--max-wait 10m] [--port 9090] [--grace-period 5m] [--cancel-timeout 2m]";

export const WATCH_DETAILS = [
    "Long-running: consumes the stack's watch queue (--queue-url, default: the stack output watchQueueUrl), waits for a",
    "quiet window with no new cluster change (--quiet-window, at most --max-wait after the first), then runs up with the",
    "policy pack; a failed up is retried after a back-off. One JSON line per up (outcome, exit status, policy violations).",
    "--port: /healthz and /metrics (Prometheus) are served there (default 9090).",
    "SIGTERM/SIGINT: stops polling; a running up may finish within --grace-period, then it is cancelled (the engine",
    "stops after the steps in flight and releases the lock); if it has not stopped after --cancel-timeout its lock is",
    "cleared with pulumi cancel. A second signal skips the rest of the grace period.",
    "exit codes: 0 stopped cleanly; 3 the running up was cancelled; 4 its lock was cleared (run refresh); 1 failure; 2 bad usage.",
];
