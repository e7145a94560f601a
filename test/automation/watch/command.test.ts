import * as assert from "node:assert/strict";
import { main } from "../../../automation/cli";
import { UsageError } from "../../../automation/cliArgs";
import { RunResult } from "../../../automation/runStack";
import { parseWatchArguments } from "../../../automation/watch/command";
import { FakeWatchQueue, clusterEventBody } from "../../fakes/watchQueue";

const QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/111122223333/container-insights-prod-watch";
const realClock = {
    now: () => Date.now(),
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};

describe("container-insights watch: arguments", () => {
    it("defaults: 2-minute quiet window, 10-minute maximum wait, port 9090, 5-minute grace period, 2-minute cancel timeout", () => {
        const parsed = parseWatchArguments(["--env", "prod"], { CONTAINER_INSIGHTS_TOKEN: "tok" });
        assert.deepEqual(parsed, {
            request: { environment: "prod", secrets: { token: "tok" } },
            stackName: "prod",
            debounce: { quietMs: 120_000, maxWaitMs: 600_000 },
            port: 9090,
            gracePeriodMs: 300_000,
            cancelTimeoutMs: 120_000,
        });
    });

    it("takes the queue URL, durations in ms/s/m/h (a bare number is seconds) and the port", () => {
        const parsed = parseWatchArguments(
            [
                "--env=uat",
                "--account",
                "111122223333",
                "--queue-url",
                QUEUE_URL,
                "--quiet-window",
                "90",
                "--max-wait",
                "1h",
                "--port",
                "8080",
                "--grace-period",
                "45s",
                "--cancel-timeout",
                "500ms",
            ],
            {},
        );
        assert.equal(parsed.stackName, "uat-111122223333");
        assert.equal(parsed.queueUrl, QUEUE_URL);
        assert.deepEqual(parsed.debounce, { quietMs: 90_000, maxWaitMs: 3_600_000 });
        assert.deepEqual([parsed.port, parsed.gracePeriodMs, parsed.cancelTimeoutMs], [8080, 45_000, 500]);
        assert.equal(
            parseWatchArguments(["--env", "prod", "--quiet-window", "15m"], {}).debounce.maxWaitMs,
            900_000,
            "the default maximum wait is never below the quiet window",
        );
    });

    it("refuses bad values, naming the flag and what it accepts", () => {
        const refuses = (args: string[], pattern: RegExp) =>
            assert.throws(
                () => parseWatchArguments(["--env", "prod", ...args], {}),
                (e: unknown) => e instanceof UsageError && pattern.test(e.message),
            );
        refuses(
            ["--quiet-window", "2 minutes"],
            /--quiet-window "2 minutes" is not a duration above 0 \(such as 90s, 2m, 1h/,
        );
        refuses(["--quiet-window", "0"], /--quiet-window "0"/);
        refuses(
            ["--quiet-window", "5m", "--max-wait", "1m"],
            /maximum wait \(60s\) must be at least the quiet window \(300s\)/,
        );
        refuses(["--port", "70000"], /--port "70000" is not a TCP port \(1-65535, or 0 for any free port\)/);
        refuses(["--queue-url", "container-insights-prod-watch"], /not an SQS queue URL/);
        refuses(["--quiet-windw", "1m"], /unknown argument --quiet-windw.*--quiet-window/);
        assert.throws(() => parseWatchArguments([], {}), /--env is required/);
    });

    it("is listed in the CLI's help with its options and exit codes", async () => {
        const out: string[] = [];
        assert.equal(await main(["help", "watch"], { out: (l) => out.push(l), err: () => undefined, env: {} }), 0);
        assert.match(
            out.join("\n"),
            /--quiet-window 2m[\s\S]*exit codes: 0 stopped cleanly; 3 the running up was cancelled; 4 its lock was cleared/,
        );
    });
});

describe("container-insights watch: the process", () => {
    it("finds the queue from the stack output, runs up after the quiet window, serves /healthz and /metrics, logs JSON, exits 0 on SIGTERM", async () => {
        const queue = new FakeWatchQueue(realClock, 30);
        const out: string[] = [];
        let stop: (() => void) | undefined;
        let port = 0;
        let ups = 0;
        const result: RunResult = {
            action: "up",
            stackName: "prod",
            environment: "PROD",
            changes: { create: 2 },
            outputs: {},
            policyViolations: [],
        };
        let exit: Promise<number> | undefined;
        const listening = new Promise<void>((resolve) => {
            const io = {
                out: (l: string) => out.push(l),
                err: (l: string) => out.push(l),
                env: {},
                stackOutput: async (stack: string, key: string) =>
                    stack === "prod" && key === "watchQueueUrl" ? QUEUE_URL : undefined,
                queue: (url: string) => (assert.equal(url, QUEUE_URL), queue),
                runner: { up: async () => (ups++, result), cancel: async () => undefined },
                onStop: (handler: () => void) => (stop = handler),
                onListening: (p: number) => ((port = p), resolve()),
            };
            exit = main(["watch", "--env", "prod", "--port", "0", "--quiet-window", "50ms"], io as never);
        });
        await listening;
        queue.send(clusterEventBody("ready", "a", { stack: "prod" }));
        for (let i = 0; i < 100 && queue.live.length > 0; i++) {
            await realClock.sleep(20);
        }
        assert.equal(ups, 1);
        const health = await fetch(`http://127.0.0.1:${port}/healthz`);
        assert.equal(health.status, 200);
        assert.equal((await health.json()).status, "running");
        const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
        assert.match(metrics.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
        assert.match(await metrics.text(), /^container_insights_watch_runs_total\{status="succeeded"\} 1$/m);
        assert.equal((await fetch(`http://127.0.0.1:${port}/other`)).status, 404);
        assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`, { method: "POST" })).status, 405);
        stop!();
        assert.equal(await exit, 0);
        const records = out.map((l) => JSON.parse(l));
        const report = records.find((r) => r.msg === "up finished");
        assert.deepEqual(
            [report.status, report.exitStatus, report.messages, report.changes],
            ["succeeded", 0, 1, { create: 2 }],
        );
        assert.ok(records.every((r) => typeof r.time === "string" && typeof r.level === "string"));
    });

    it("exits 1 saying what to do when the stack has no watchQueueUrl output", async () => {
        const err: string[] = [];
        const code = await main(["watch", "--env", "prod"], {
            out: () => undefined,
            err: (l: string) => err.push(l),
            env: {},
            stackOutput: async () => undefined,
        } as never);
        assert.equal(code, 1);
        assert.match(
            err.join(),
            /stack prod has no watchQueueUrl output \(null\): deploy it with events.enabled true, or pass --queue-url/,
        );
    });

    it("exits 1 when the queue cannot be read (no permission, no such queue)", async () => {
        const err: string[] = [];
        const queue = new FakeWatchQueue(realClock);
        queue.visibilityTimeoutSeconds = async () => {
            throw Object.assign(new Error("User is not authorized to perform: sqs:getqueueattributes"), {
                name: "AccessDenied",
            });
        };
        const code = await main(["watch", "--env", "prod", "--port", "0", "--queue-url", QUEUE_URL], {
            out: () => undefined,
            err: (l: string) => err.push(l),
            env: {},
            queue: () => queue,
            runner: { up: async () => assert.fail("no up"), cancel: async () => undefined },
        } as never);
        assert.equal(code, 1);
        assert.match(
            err.join(),
            /watch failed: AccessDenied: User is not authorized to perform: sqs:getqueueattributes/,
        );
    });
});
