import { strict as assert } from "node:assert";
import { PoolTask, TaskResult, allSucceeded, runPool } from "../../automation/fleet/pool";
import { etaMs, formatChanges, formatDuration, progressLine, summaryTable } from "../../automation/fleet/progress";

/** A task that resolves when the test says so, recording how many run at once. */
function gate() {
    let running = 0;
    let most = 0;
    const waiting = new Map<string, () => void>();
    const task = (key: string, fail = false): PoolTask<string> => ({
        key,
        run: () =>
            new Promise((resolve, reject) => {
                running += 1;
                most = Math.max(most, running);
                waiting.set(key, () => {
                    running -= 1;
                    if (fail) reject(new Error(`${key} broke`));
                    else resolve({ outcome: "succeeded", value: key });
                });
            }),
    });
    const release = async (key: string) => {
        while (!waiting.has(key)) await new Promise((r) => setImmediate(r));
        waiting.get(key)!();
        waiting.delete(key);
    };
    return { task, release, most: () => most, waiting: () => [...waiting.keys()] };
}

describe("fleet worker pool", () => {
    it("never runs more than --concurrency stacks at once and keeps the tasks' order in its results", async () => {
        const g = gate();
        const keys = ["a", "b", "c", "d", "e"];
        const pool = runPool(
            keys.map((k) => g.task(k)),
            { concurrency: 2 },
        );
        for (const key of ["b", "a", "d", "c", "e"]) {
            await g.release(key);
            assert.ok(g.waiting().length <= 2);
        }
        const results = await pool;
        assert.equal(g.most(), 2);
        assert.deepEqual(
            results.map((r) => r.key),
            keys,
        );
    });

    it("a failing stack is recorded and the others still run; allSucceeded says no", async () => {
        const g = gate();
        const pool = runPool([g.task("a"), g.task("b", true), g.task("c")], { concurrency: 1 });
        for (const key of ["a", "b", "c"]) await g.release(key);
        const results = await pool;
        assert.deepEqual(
            results.map((r) => r.outcome),
            ["succeeded", "failed", "succeeded"],
        );
        assert.match(String((results[1].error as Error).message), /b broke/);
        assert.equal(allSucceeded(results), false);
        assert.equal(allSucceeded([results[0], { key: "x", outcome: "unchanged", durationMs: 0 }]), true);
    });

    it("reports each settled task with done of total, and a throwing callback changes nothing", async () => {
        const seen: string[] = [];
        const tasks: PoolTask<string>[] = ["a", "b", "c"].map((key) => ({
            key,
            run: async () => ({ outcome: key === "b" ? "unchanged" : "succeeded" }),
        }));
        const results = await runPool(tasks, {
            concurrency: 3,
            onSettled: (r, done, total) => {
                seen.push(`${r.key}:${r.outcome}:${done}/${total}`);
                throw new Error("callback bug");
            },
        });
        assert.deepEqual(seen.sort(), ["a:succeeded:1/3", "b:unchanged:2/3", "c:succeeded:3/3"].sort());
        assert.ok(results.every((r) => r.outcome !== "failed"));
    });

    it("after cancel starts nothing new: the rest are cancelled, the one running sees the signal", async () => {
        const controller = new AbortController();
        let sawSignal = false;
        const tasks: PoolTask<string>[] = ["a", "b", "c"].map((key) => ({
            key,
            run: async (signal) => {
                if (key === "a") {
                    controller.abort();
                    sawSignal = signal?.aborted === true;
                    throw new Error("cancelled by the engine");
                }
                return { outcome: "succeeded" };
            },
        }));
        const results = await runPool(tasks, { concurrency: 1, signal: controller.signal });
        assert.ok(sawSignal);
        assert.deepEqual(
            results.map((r: TaskResult<string>) => r.outcome),
            ["cancelled", "cancelled", "cancelled"],
        );
    });

    it("refuses a concurrency that is not a whole number above 0, naming it", async () => {
        await assert.rejects(runPool([], { concurrency: 0 }), /concurrency must be a whole number above 0 \(got 0\)/);
        await assert.rejects(runPool([], { concurrency: 1.5 }), /got 1.5/);
    });

    it("measures each task's time with the clock it is given", async () => {
        let clock = 0;
        const results = await runPool(
            [{ key: "a", run: async () => ((clock += 1500), { outcome: "succeeded" as const }) }],
            { concurrency: 1, now: () => clock },
        );
        assert.equal(results[0].durationMs, 1500);
    });
});

describe("fleet progress and summary", () => {
    it("ETA from the throughput so far, unknown before the first stack finishes", () => {
        assert.equal(etaMs(10_000, 0, 10), undefined);
        assert.equal(etaMs(10_000, 2, 10), 40_000);
        assert.equal(etaMs(10_000, 10, 10), 0);
    });

    it("durations read as ms, seconds, minutes and hours", () => {
        assert.equal(formatDuration(850), "850 ms");
        assert.equal(formatDuration(41_234), "41.2 s");
        assert.equal(formatDuration(185_000), "3m05s");
        assert.equal(formatDuration(3_720_000), "1h02m");
    });

    it("changes in a fixed order; all same reads as such", () => {
        assert.equal(formatChanges({ same: 40, create: 3, delete: 1 }), "create 3, delete 1, same 40");
        assert.equal(formatChanges({ same: 0 }), "no changes");
    });

    it("one line per finished stack: done of total, outcome, time, changes or error, ETA until the last", () => {
        const ok = {
            stack: "prod-111122223333-eu-west-1",
            outcome: "succeeded" as const,
            durationMs: 41_200,
            changes: { create: 44 },
        };
        assert.equal(
            progressLine(ok, 2, 10, 20_000),
            "[ 2/10] prod-111122223333-eu-west-1 succeeded in 41.2 s (create 44) · ETA 1m20s",
        );
        const failed = { stack: "prod-1", outcome: "failed" as const, durationMs: 900, error: "AccessDenied" };
        assert.equal(progressLine(failed, 10, 10, 20_000), "[10/10] prod-1 failed in 900 ms (AccessDenied)");
    });

    it("the summary has a row per stack and the totals per outcome", () => {
        const table = summaryTable(
            [
                { stack: "prod-1", outcome: "succeeded", durationMs: 2000, changes: { create: 3 } },
                { stack: "prod-1-us-east-1", outcome: "failed", durationMs: 1000, error: "boom" },
                { stack: "prod-1-eu-west-1", outcome: "unchanged", durationMs: 0 },
            ],
            5000,
        );
        const lines = table.split("\n");
        assert.equal(lines.length, 5);
        assert.match(lines[0], /^stack\s+outcome\s+time\s+changes \/ error$/);
        assert.match(lines[2], /^prod-1-us-east-1\s+failed\s+1\.0 s\s+boom$/);
        assert.match(lines[3], /^prod-1-eu-west-1\s+unchanged\s+-$/);
        assert.equal(lines[4], "3 stacks in 5.0 s: 1 succeeded, 1 unchanged, 1 failed");
    });
});
