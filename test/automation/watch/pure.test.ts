import * as assert from "node:assert/strict";
import { backoffMs } from "../../../automation/watch/backoff";
import { DEFAULT_DEBOUNCE, debounceProblems, dueAt, noteChange, Waiting } from "../../../automation/watch/debounce";
import { parseMessage } from "../../../automation/watch/messages";
import { emptySnapshot, renderMetrics } from "../../../automation/watch/metrics";
import { runReport } from "../../../automation/watch/report";
import { PolicyViolationError } from "../../../automation/errors";
import { clusterEventBody } from "../../fakes/watchQueue";

const MIN = 60_000;

describe("watch: debounce decisions", () => {
    it("runs after the quiet window: changes inside it move the run, ten changes make one run", () => {
        let waiting: Waiting | undefined;
        for (let i = 0; i < 10; i++) {
            waiting = noteChange(waiting, i * 10_000);
        }
        assert.equal(dueAt(waiting, DEFAULT_DEBOUNCE), 90_000 + 2 * MIN);
        assert.equal(dueAt(undefined, DEFAULT_DEBOUNCE), undefined);
    });

    it("runs no later than the maximum wait after the first change, so a steady trickle still deploys", () => {
        let waiting: Waiting | undefined;
        for (let t = 0; t <= 30 * MIN; t += MIN) {
            waiting = noteChange(waiting, t);
        }
        assert.equal(dueAt(waiting, { quietMs: 2 * MIN, maxWaitMs: 10 * MIN }), 10 * MIN);
    });

    it("keeps the first arrival when a late-delivered change is noted", () => {
        assert.deepEqual(noteChange({ firstAt: 5, lastAt: 9 }, 7), { firstAt: 5, lastAt: 9 });
    });

    it("refuses a maximum wait shorter than the quiet window, and a quiet window of 0", () => {
        assert.deepEqual(debounceProblems(DEFAULT_DEBOUNCE), []);
        assert.match(
            debounceProblems({ quietMs: 5 * MIN, maxWaitMs: MIN }).join(),
            /maximum wait \(60s\) must be at least the quiet window \(300s\)/,
        );
        assert.match(debounceProblems({ quietMs: 0, maxWaitMs: MIN }).join(), /longer than 0/);
    });
});

describe("watch: back-off schedule", () => {
    const settings = { baseMs: 30_000, maxMs: 15 * MIN };
    it("doubles from the base up to the cap, between half and all of each step", () => {
        assert.deepEqual(
            [1, 2, 3, 4, 5, 6, 7, 10].map((n) => backoffMs(n, settings, () => 1)),
            [30_000, 60_000, 120_000, 240_000, 480_000, 900_000, 900_000, 900_000],
        );
        assert.deepEqual(
            [1, 2, 6].map((n) => backoffMs(n, settings, () => 0)),
            [15_000, 30_000, 450_000],
        );
    });
});

describe("watch: metrics in Prometheus text format", () => {
    it("renders each metric with HELP and TYPE, counters ending in _total, one sample per line", () => {
        const text = renderMetrics({
            ...emptySnapshot(),
            runs: { succeeded: 3, failed: 2, cancelled: 1 },
            lastSuccessSeconds: 1_790_000_000,
            queueLagSeconds: 42,
            pendingMessages: 4,
            runInProgress: true,
        });
        assert.ok(text.endsWith("\n"));
        const lines = text.trimEnd().split("\n");
        const samples = new Map<string, number>();
        let declared = "";
        for (const line of lines) {
            const meta = /^# (HELP|TYPE) (\w+) (.+)$/.exec(line);
            if (meta) {
                declared = meta[2];
                if (meta[1] === "TYPE") {
                    assert.ok(["counter", "gauge"].includes(meta[3]), line);
                    assert.equal(meta[3] === "counter", declared.endsWith("_total"), line);
                }
                continue;
            }
            const sample = /^(\w+)(\{[a-z]+="[a-z]+"\})? (-?\d+(?:\.\d+)?)$/.exec(line);
            assert.ok(sample, `not a sample line: ${line}`);
            assert.equal(sample[1], declared, "a sample follows its own HELP/TYPE");
            samples.set(`${sample[1]}${sample[2] ?? ""}`, Number(sample[3]));
        }
        assert.equal(samples.get('container_insights_watch_runs_total{status="succeeded"}'), 3);
        assert.equal(samples.get('container_insights_watch_runs_total{status="failed"}'), 2);
        assert.equal(samples.get("container_insights_watch_failures_total"), 2);
        assert.equal(samples.get("container_insights_watch_queue_lag_seconds"), 42);
        assert.equal(samples.get("container_insights_watch_last_success_timestamp_seconds"), 1_790_000_000);
        assert.equal(samples.get("container_insights_watch_run_in_progress"), 1);
    });

    it("says 0 for the last success before the first", () => {
        assert.match(renderMetrics(emptySnapshot()), /^container_insights_watch_last_success_timestamp_seconds 0$/m);
    });
});

describe("watch: queue messages", () => {
    it("reads the reconciler's two event shapes from the EventBridge envelope", () => {
        assert.deepEqual(parseMessage(clusterEventBody("ready", "a", { region: "eu-west-1" })), {
            ok: true,
            change: {
                kind: "ready",
                stack: "prod-111122223333",
                clusterName: "a",
                clusterArn: "arn:aws:eks:eu-west-1:111122223333:cluster/a",
                region: "eu-west-1",
            },
        });
        assert.equal(
            (parseMessage(clusterEventBody("removed", "a")) as { change: { kind: string } }).change.kind,
            "removed",
        );
    });

    it("says why anything else is not a change: not JSON, another source or detail-type, a missing field", () => {
        const event = JSON.parse(clusterEventBody("ready", "a"));
        const reason = (body: string) => (parseMessage(body) as { reason: string }).reason;
        assert.match(reason("{"), /not JSON/);
        assert.match(reason("null"), /not an EventBridge event/);
        assert.match(reason(JSON.stringify({ ...event, source: "aws.eks" })), /source "aws.eks"/);
        assert.match(reason(JSON.stringify({ ...event, "detail-type": "AWS API Call via CloudTrail" })), /detail-type/);
        assert.match(
            reason(JSON.stringify({ ...event, detail: { ...event.detail, clusterArn: "" } })),
            /lacks clusterArn/,
        );
    });
});

describe("watch: the run report", () => {
    const change = { kind: "ready" as const, stack: "s", clusterName: "a", clusterArn: "arn:a", region: "us-east-1" };
    it("lists the clusters once, the violations, and the exit status of a blocked up", () => {
        const violation = {
            policy: "k8s-pod-security-restricted",
            policyPack: "container-insights",
            message: "runs as root",
            level: "mandatory" as const,
        };
        const report = runReport({
            stack: "s",
            outcome: { ok: false, error: new PolicyViolationError("s", [violation]), cancelled: false },
            attempt: 2,
            startedAt: 0,
            finishedAt: 1500,
            changes: [change, change],
            messages: 2,
            retryInMs: 60_000,
        });
        assert.deepEqual(
            { ...report, error: undefined },
            {
                level: "error",
                msg: "up finished",
                stack: "s",
                status: "failed",
                exitStatus: 1,
                attempt: 2,
                startedAt: "1970-01-01T00:00:00.000Z",
                durationMs: 1500,
                messages: 2,
                clusters: [{ kind: "ready", name: "a", region: "us-east-1" }],
                policyViolations: [violation],
                errorCode: "POLICY_VIOLATION",
                error: undefined,
                retryInMs: 60_000,
            },
        );
    });
});
