import * as assert from "node:assert/strict";
import { VirtualClock } from "../../../bench/virtualClock";
import { StackQueue } from "../../../automation/queue";
import { runStack } from "../../../automation/runStack";
import { stackRunner } from "../../../automation/watch/runner";
import { LogRecord, STOP_EXIT_CODES, WatchService, WatchSettings } from "../../../automation/watch/service";
import { FakeWatchQueue, clusterEventBody } from "../../fakes/watchQueue";
import { fakeWorkspace } from "../fakeStack";
import { PulumiCliStack } from "./pulumiCliStack";
import { MIN, S, WATCH_REQUEST as REQUEST, runServiceUntil } from "./watchHarness";

const STACK = "prod-111122223333";

function harness(overrides: Partial<WatchSettings> = {}) {
    const clock = new VirtualClock();
    const queue = new FakeWatchQueue(clock, 30);
    const engine = new PulumiCliStack(STACK, clock);
    const workspace = fakeWorkspace(new Map([[STACK, engine]]));
    const stackQueue = new StackQueue();
    const runner = stackRunner(REQUEST, {
        openStack: workspace.open,
        queue: stackQueue,
        lockRetry: { attempts: 1, baseDelayMs: 1 },
    });
    const logs: LogRecord[] = [];
    const settings: WatchSettings = {
        stackName: STACK,
        debounce: { quietMs: 2 * MIN, maxWaitMs: 10 * MIN },
        backoff: { baseMs: 30 * S, maxMs: 15 * MIN },
        gracePeriodMs: 5 * MIN,
        cancelTimeoutMs: 2 * MIN,
        ...overrides,
    };
    const service = new WatchService(settings, { queue, runner, clock, log: (r) => logs.push(r), random: () => 1 });
    const at = (ms: number, action: () => unknown) => void clock.sleep(ms - clock.now()).then(action);
    const reports = () =>
        logs.filter((l) => l.msg === "up finished") as Array<
            LogRecord & { status: string; attempt: number; messages: number; clusters: unknown[] }
        >;
    /** Runs the service on virtual time until `stopAt`, then stops it. */
    const runUntil = (stopAt: number, body: () => void = () => undefined) =>
        runServiceUntil(clock, service, stopAt, body);
    return { clock, queue, engine, service, logs, reports, at, runUntil, stackQueue, workspace };
}

describe("watch service on virtual time (fake queue, runStack over a replayed Pulumi CLI)", () => {
    it("ten clusters inside the quiet window make one up, which covers them all; their messages are deleted after it succeeded", async () => {
        const h = harness();
        const { outcome } = await h.runUntil(20 * MIN, () => {
            for (let i = 0; i < 10; i++) {
                h.at(i * 10 * S, () => h.queue.send(clusterEventBody("ready", `c${i}`)));
            }
        });
        assert.equal(outcome, "idle");
        assert.deepEqual(
            h.engine.ups.map((u) => u.start),
            [90 * S + 2 * MIN],
            "one up, two minutes after the last change",
        );
        assert.equal(h.queue.live.length, 0);
        assert.deepEqual(
            h.queue.stored.map((m) => m.receives),
            Array(10).fill(1),
            "visibility was extended while they waited and while the up ran: SQS never handed one out again",
        );
        const [report] = h.reports();
        assert.equal(report.status, "succeeded");
        assert.equal(report.messages, 10);
        assert.equal(report.clusters.length, 10);
        assert.equal((report as unknown as { exitStatus: number }).exitStatus, 0);
        assert.equal(h.engine.calls[0].options.policyPacks.length, 1, "up runs with the policy pack");
    });

    it("a steady trickle still deploys: the first up starts at the maximum wait", async () => {
        const h = harness();
        await h.runUntil(30 * MIN, () => {
            for (let t = 0; t < 25 * MIN; t += MIN) {
                h.at(t, () => h.queue.send(clusterEventBody("ready", `c${t}`)));
            }
        });
        assert.equal(h.engine.ups[0].start, 10 * MIN);
        assert.ok(h.engine.ups.length >= 2);
    });

    it("duplicated events make one up that names the cluster once", async () => {
        const h = harness();
        await h.runUntil(10 * MIN, () => {
            h.queue.send(clusterEventBody("ready", "a"));
            h.queue.send(clusterEventBody("ready", "a"));
        });
        assert.equal(h.engine.ups.length, 1);
        assert.equal(h.reports()[0].clusters.length, 1);
        assert.equal(h.queue.live.length, 0);
    });

    it("a change that arrives while an up runs waits for the next up: the first deletes only what it covered", async () => {
        const h = harness();
        await h.runUntil(20 * MIN, () => {
            h.queue.send(clusterEventBody("ready", "a"));
            h.at(3 * MIN, () => h.queue.send(clusterEventBody("ready", "b")));
            h.at(4 * MIN, () => h.queue.send(clusterEventBody("ready", "c")));
        });
        // The quiet window counts from when SQS got the changes (3 and 4 minutes), not from when the loop received
        // them after the first up (5 minutes): the second up starts at 6 minutes.
        assert.deepEqual(
            h.engine.ups.map((u) => u.start),
            [2 * MIN, 6 * MIN],
        );
        assert.deepEqual(
            h.queue.calls.filter(([op]) => op === "delete").map(([, ids]) => ids),
            [["m-1"], ["m-2", "m-3"]],
        );
    });

    it("a failed up is retried after a back-off; its messages stay until an up succeeds", async () => {
        const h = harness();
        h.engine.fates = ["fail", "fail"];
        await h.runUntil(30 * MIN, () => h.queue.send(clusterEventBody("ready", "a")));
        // Each up takes 3 minutes; back-offs 30 s then 60 s (random() = 1).
        assert.deepEqual(
            h.engine.ups.map((u) => [u.start, u.outcome]),
            [
                [2 * MIN, "fail"],
                [5 * MIN + 30 * S, "fail"],
                [8 * MIN + 90 * S, "ok"],
            ],
        );
        assert.deepEqual(
            h.reports().map((r) => [r.status, r.attempt]),
            [
                ["failed", 1],
                ["failed", 2],
                ["succeeded", 3],
            ],
        );
        assert.equal(h.queue.stored[0].receives, 1);
        assert.equal(h.queue.live.length, 0);
        const metrics = h.service.metrics();
        assert.deepEqual(metrics.runs, { succeeded: 1, failed: 2, cancelled: 0 });
        assert.equal(metrics.lastSuccessSeconds, (12 * MIN + 30 * S) / 1000);
    });

    it("never runs two updates of one stack at once: another runStack on the same StackQueue waits its turn", async () => {
        const h = harness();
        let other: Promise<unknown> | undefined;
        await h.runUntil(15 * MIN, () => {
            h.queue.send(clusterEventBody("ready", "a"));
            h.at(
                3 * MIN,
                () =>
                    (other = runStack(
                        { ...REQUEST, action: "up" },
                        { openStack: h.workspace.open, queue: h.stackQueue },
                    )),
            );
        });
        await other;
        assert.equal(h.engine.ups.length, 2);
        assert.equal(h.engine.maxRunning, 1);
        assert.equal(h.engine.ups[1].start, h.engine.ups[0].end);
    });

    it("deletes messages that announce nothing or name another stack, saying why", async () => {
        const h = harness();
        await h.runUntil(5 * MIN, () => {
            h.queue.send("not json");
            h.queue.send(clusterEventBody("ready", "a", { stack: "uat" }));
        });
        assert.equal(h.queue.live.length, 0);
        assert.equal(h.engine.ups.length, 0);
        assert.deepEqual(
            h.logs.filter((l) => l.msg === "message discarded").map((l) => (l as { reason?: string }).reason),
            ["the body is not JSON", "it names stack uat, not prod-111122223333"],
        );
    });

    it("reports queue lag and pending messages while changes wait, and stays healthy while polling", async () => {
        const h = harness();
        let seen: ReturnType<WatchService["metrics"]> | undefined;
        let health: ReturnType<WatchService["health"]> | undefined;
        await h.runUntil(4 * MIN, () => {
            h.queue.send(clusterEventBody("ready", "a"));
            h.at(90 * S, () => ((seen = h.service.metrics()), (health = h.service.health())));
        });
        assert.equal(seen?.pendingMessages, 1);
        assert.equal(seen?.queueLagSeconds, 90);
        assert.equal(health?.ok, true);
        assert.equal(h.service.health().status, "stopping");
    });

    describe("stopping (SIGTERM/SIGINT)", () => {
        it("idle: returns the waiting messages to the queue at once and exits 0", async () => {
            const h = harness();
            const { outcome } = await h.runUntil(MIN, () => h.queue.send(clusterEventBody("ready", "a")));
            assert.equal(outcome, "idle");
            assert.equal(STOP_EXIT_CODES[outcome], 0);
            assert.equal(h.engine.ups.length, 0);
            assert.deepEqual(h.queue.calls.at(-1), ["extend", ["m-1"], 0]);
            assert.ok(h.queue.stored[0].visibleAt <= h.clock.now(), "visible again for the next start");
        });

        it("an up that ends within the grace period finishes; its messages are deleted; exit 0", async () => {
            const h = harness();
            const { outcome } = await h.runUntil(3 * MIN, () => h.queue.send(clusterEventBody("ready", "a")));
            assert.equal(outcome, "finished");
            assert.equal(h.engine.sigints, 0);
            assert.equal(h.engine.locked, false);
            assert.equal(h.queue.live.length, 0);
        });

        it("an up longer than the grace period is cancelled: SIGINT, the engine ends the step in flight and releases the lock; exit 3", async () => {
            const h = harness({ gracePeriodMs: 30 * S });
            h.engine.steps = 10;
            const { outcome } = await h.runUntil(3 * MIN, () => h.queue.send(clusterEventBody("ready", "a")));
            assert.equal(outcome, "cancelled");
            assert.equal(STOP_EXIT_CODES[outcome], 3);
            assert.equal(h.engine.sigints, 1);
            assert.equal(h.engine.locked, false);
            assert.equal(h.engine.cancels, 0, "no pulumi cancel when the engine stopped itself");
            assert.deepEqual(
                h.engine.ups.map((u) => u.end),
                [4 * MIN],
                "the step in flight at 3m30s ended at 4m",
            );
            assert.equal(h.reports()[0].status, "cancelled");
            assert.equal(h.queue.live.length, 1, "the change stays queued for the next start");
            assert.ok(h.queue.stored[0].visibleAt <= h.clock.now());
        });

        it("an up that does not stop after SIGINT has its lock cleared with stack.cancel(); exit 4", async () => {
            const h = harness({ gracePeriodMs: 30 * S, cancelTimeoutMs: 30 * S });
            h.engine.fates = ["hang"];
            const { outcome } = await h.runUntil(4 * MIN, () => h.queue.send(clusterEventBody("ready", "a")));
            assert.equal(outcome, "forced");
            assert.equal(STOP_EXIT_CODES[outcome], 4);
            assert.deepEqual([h.engine.sigints, h.engine.cancels, h.engine.locked], [1, 1, false]);
            assert.equal(h.clock.now(), 5 * MIN);
        });

        it("says the stack may be locked (exit 1) when pulumi cancel fails too", async () => {
            const h = harness({ gracePeriodMs: 30 * S, cancelTimeoutMs: 30 * S });
            h.engine.fates = ["hang"];
            h.engine.cancelFails = true;
            const { outcome } = await h.runUntil(4 * MIN, () => h.queue.send(clusterEventBody("ready", "a")));
            assert.equal(outcome, "locked");
            assert.equal(STOP_EXIT_CODES[outcome], 1);
            assert.match(
                String(h.logs.find((l) => l.msg.includes("clearing the lock failed"))?.msg),
                /pulumi cancel --stack prod-111122223333/,
            );
        });

        it("a second signal skips the rest of the grace period", async () => {
            const h = harness({ gracePeriodMs: 10 * MIN });
            h.engine.steps = 10;
            const outcome = await h.clock.run(
                (async () => {
                    void h.service.start();
                    h.queue.send(clusterEventBody("ready", "a"));
                    await h.clock.sleep(3 * MIN);
                    const first = h.service.stop();
                    await h.clock.sleep(S);
                    void h.service.stop();
                    return first;
                })(),
            );
            assert.equal(outcome, "cancelled");
            assert.equal(h.engine.ups[0].end, 4 * MIN);
        });
    });
});
