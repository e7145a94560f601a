import * as assert from "node:assert/strict";
import { StackQueue } from "../../automation/queue";

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A task that records when it ran and how many tasks of its key were running with it. */
function recorder() {
    const running = new Map<string, number>();
    const overlaps: string[] = [];
    const order: string[] = [];
    const task =
        (key: string, label: string, fail = false) =>
        async () => {
            running.set(key, (running.get(key) ?? 0) + 1);
            if ([...running.values()].reduce((a, b) => a + b, 0) > 1) {
                overlaps.push(label);
            }
            if ((running.get(key) ?? 0) > 1) {
                throw new Error(`${label} overlapped another operation on ${key}`);
            }
            order.push(`start ${label}`);
            await tick(15);
            order.push(`end ${label}`);
            running.set(key, running.get(key)! - 1);
            if (fail) {
                throw new Error(`${label} failed`);
            }
            return label;
        };
    return { task, overlaps, order };
}

describe("per-stack queue", () => {
    it("never overlaps two operations on one stack, and keeps their order", async () => {
        const queue = new StackQueue();
        const { task, order } = recorder();
        const results = await Promise.all([
            queue.run("prod", task("prod", "a")),
            queue.run("prod", task("prod", "b")),
            queue.run("prod", task("prod", "c")),
        ]);
        assert.deepEqual(results, ["a", "b", "c"]);
        assert.deepEqual(order, ["start a", "end a", "start b", "end b", "start c", "end c"]);
    });

    it("runs operations on different stacks at the same time", async () => {
        const queue = new StackQueue();
        const { task, overlaps } = recorder();
        await Promise.all([queue.run("prod", task("prod", "prod")), queue.run("uat", task("uat", "uat"))]);
        assert.deepEqual(overlaps, ["uat"]);
    });

    it("goes on with the next operation after one fails, and forgets idle stacks", async () => {
        const queue = new StackQueue();
        const { task } = recorder();
        const first = queue.run("prod", task("prod", "a", true));
        const second = queue.run("prod", task("prod", "b"));
        await assert.rejects(first, /a failed/);
        assert.equal(await second, "b");
        await tick(0);
        assert.deepEqual(queue.busy, []);
    });
});
