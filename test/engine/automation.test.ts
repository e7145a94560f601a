/**
 * Scenario 3g of the engine tier: the Automation API on the real CLI. runStack previews (the pack's verdict arrives as
 * typed events and a PolicyViolationError), updates and destroys the real program; the watch service, stopped while
 * a real `up` runs, cancels it through the engine (SIGINT) and leaves the stack unlocked, and `pulumi cancel` (the
 * service's last resort) clears a lock the engine holds.
 */
import * as assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { PolicyViolationError } from "../../automation/errors";
import { StackQueue } from "../../automation/queue";
import { RunOptions, runStack } from "../../automation/runStack";
import { CLUSTER_EVENT_SOURCE, CLUSTER_IDENTITY_READY } from "../../automation/watch/clusterEventTypes";
import { stackRunner } from "../../automation/watch/runner";
import { LogRecord, WatchService } from "../../automation/watch/service";
import { ENGINE_DIR } from "../../engine/paths";
import { FakeWatchQueue } from "../fakes/watchQueue";
import { OPEN_FINDINGS, findingsOf } from "./pack";
import { DeployedStack, STACK } from "./stack";
import { requireEngine } from "./workspace";

const REQUEST = { environment: "PROD", stackName: STACK };
const realClock = { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };

/** The stack's lock files on the file backend (`.pulumi/locks/...`, one per running update). */
function lockFiles(stateDir: string): string[] {
    const locks = join(stateDir, ".pulumi", "locks");
    if (!existsSync(locks)) {
        return [];
    }
    return readdirSync(locks, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".json"));
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 600_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
        if (Date.now() > deadline) {
            throw new Error(`timed out waiting for ${what}`);
        }
        await realClock.sleep(250);
    }
}

describe("engine tier: the Automation API on the real CLI", function () {
    let stack: DeployedStack;
    const saved: NodeJS.ProcessEnv = { ...process.env };

    before(async function () {
        requireEngine(this);
        stack = await DeployedStack.create("irsa");
        // The Automation API runs the CLI with this process's environment: the tier's PATH, plugins and emulator.
        Object.assign(process.env, stack.workspace.environment());
    });

    after(async () => {
        for (const key of Object.keys(process.env).filter((k) => !(k in saved))) {
            delete process.env[key];
        }
        Object.assign(process.env, saved);
        await stack?.dispose();
    });

    /** runStack on the tier's checkout and file backend; the pack is on unless the open findings would block. */
    const options = (extra: Partial<RunOptions> = {}): RunOptions => ({
        projectDir: stack.workspace.dir,
        backend: { stateDirectory: stack.workspace.stateDir },
        passphrase: stack.workspace.environment().PULUMI_CONFIG_PASSPHRASE,
        pulumiHome: ENGINE_DIR,
        queue: new StackQueue(),
        lockRetry: { attempts: 1, baseDelayMs: 1 },
        ...extra,
    });
    const packUnlessBlocked = OPEN_FINDINGS.length > 0 ? { policyPack: false as const } : {};

    it("previews with the pack: the real analyzer's mandatory violations arrive as a PolicyViolationError", async () => {
        const preview = runStack({ ...REQUEST, action: "preview" }, options());
        if (OPEN_FINDINGS.length === 0) {
            const result = await preview;
            assert.deepEqual(findingsOf(result.policyViolations), []);
            return;
        }
        await assert.rejects(preview, (error: unknown) => {
            assert.ok(error instanceof PolicyViolationError, String(error));
            assert.deepEqual(findingsOf(error.violations), [...OPEN_FINDINGS].sort());
            return true;
        });
    });

    it("updates the program, then destroys it", async () => {
        const up = await runStack({ ...REQUEST, action: "up" }, options(packUnlessBlocked));
        assert.ok((up.changes.create ?? 0) > 0, JSON.stringify(up.changes));
        const clusters = up.outputs.clusters;
        assert.ok(!clusters.secret && Array.isArray(clusters.value), JSON.stringify(clusters));
        assert.deepEqual(
            (clusters.value as Array<{ name: string }>).map((c) => c.name),
            stack.fleet.clusters.map((c) => c.name),
        );
        const destroy = await runStack({ ...REQUEST, action: "destroy" }, options());
        assert.ok((destroy.changes.delete ?? 0) > 0, JSON.stringify(destroy.changes));
        assert.deepEqual(destroy.outputs, {});
        assert.deepEqual(lockFiles(stack.workspace.stateDir), []);
    });

    it("watch: stopped during a real up, it cancels the update through the engine and leaves the stack unlocked", async () => {
        const queue = new FakeWatchQueue(realClock);
        const [cluster] = stack.fleet.clusters;
        queue.send(
            JSON.stringify({
                source: CLUSTER_EVENT_SOURCE,
                "detail-type": CLUSTER_IDENTITY_READY,
                detail: {
                    stack: STACK,
                    clusterName: cluster.name,
                    clusterArn: `arn:aws:eks:${cluster.region}:123456789012:cluster/${cluster.name}`,
                    region: cluster.region,
                },
            }),
        );
        const logs: LogRecord[] = [];
        const service = new WatchService(
            {
                stackName: STACK,
                debounce: { quietMs: 1, maxWaitMs: 1 },
                backoff: { baseMs: 600_000, maxMs: 600_000 },
                gracePeriodMs: 0,
                cancelTimeoutMs: 300_000,
                pollSeconds: 1,
            },
            {
                queue,
                runner: stackRunner(REQUEST, options(packUnlessBlocked)),
                clock: realClock,
                log: (r) => logs.push(r),
            },
        );
        const loop = service.start();
        await waitFor("the up to take the stack's lock", () => lockFiles(stack.workspace.stateDir).length > 0);
        await realClock.sleep(5_000);
        const outcome = await service.stop();
        await loop;
        assert.equal(outcome, "cancelled", JSON.stringify(logs));
        assert.deepEqual(lockFiles(stack.workspace.stateDir), [], "the cancelled up left its lock");
        assert.equal(queue.live.length, 1, "the message an up did not cover was deleted");
        const next = await stack.workspace.pulumi(["preview", "--stack", STACK], { allowFailure: true });
        assert.doesNotMatch(next.stdout + next.stderr, /currently locked|locked by/);
    });

    it("`pulumi cancel` (stack.cancel(), the service's last resort) clears the lock of an update the engine holds", async () => {
        const abort = new AbortController();
        const runner = stackRunner(REQUEST, options(packUnlessBlocked));
        const up = runner.up(abort.signal).catch((error: unknown) => error);
        await waitFor("the up to take the stack's lock", () => lockFiles(stack.workspace.stateDir).length > 0);
        await runner.cancel();
        assert.deepEqual(lockFiles(stack.workspace.stateDir), [], "pulumi cancel left the lock");
        abort.abort();
        await up;
    });
});
