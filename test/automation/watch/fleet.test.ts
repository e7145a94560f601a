/**
 * The watch service on a fleet (virtual time, fake queue, runStack over replayed Pulumi CLI stacks): an event for
 * cluster X in region R updates only the cluster stack that holds X, found with the fleet's own naming
 * (automation/fleet/stacks.ts), through the same StackQueue; a whole stack keeps updating itself.
 */
import * as assert from "node:assert/strict";
import { VirtualClock } from "../../../bench/virtualClock";
import { clusterStackName, clusterStackOf } from "../../../automation/fleet/stacks";
import { StackQueue } from "../../../automation/queue";
import { runStack } from "../../../automation/runStack";
import { stackRunner } from "../../../automation/watch/runner";
import { upTargets } from "../../../automation/watch/targets";
import { LogRecord, WatchService } from "../../../automation/watch/service";
import { inGroup } from "../../../components/fleet/accountStack";
import { OpenedStack } from "../../../automation/workspace";
import { FakeWatchQueue, clusterEventBody } from "../../fakes/watchQueue";
import { fakeWorkspace } from "../fakeStack";
import { PulumiCliStack } from "./pulumiCliStack";
import { MIN, S, WATCH_REQUEST as REQUEST, runServiceUntil } from "./watchHarness";

const ACCOUNT_STACK = "prod-111122223333";
const EAST = clusterStackName(ACCOUNT_STACK, "us-east-1");
const WEST = clusterStackName(ACCOUNT_STACK, "eu-west-1");

const change = (clusterName: string, region: string) => ({
    kind: "ready" as const,
    stack: ACCOUNT_STACK,
    clusterName,
    clusterArn: `arn:aws:eks:${region}:111122223333:cluster/${clusterName}`,
    region,
});

/** An object key as `pulumi config --json` gives it back after `config set --path`: its JSON and its objectValue. */
const stored = (object: Record<string, string>) => ({ value: JSON.stringify(object), objectValue: object });

/** The account stack (its `fleet.part`) and the cluster stacks `fleet up` made, each a replayed CLI stack. */
function harness(part: "account" | "whole" | undefined, clusterStacks: string[] = [EAST, WEST]) {
    const clock = new VirtualClock();
    const queue = new FakeWatchQueue(clock, 30);
    const engines = new Map<string, PulumiCliStack>();
    const account = new PulumiCliStack(ACCOUNT_STACK, clock);
    if (part) {
        account.config["container-insights:fleet"] = stored({ part });
    }
    engines.set(ACCOUNT_STACK, account);
    for (const name of clusterStacks) {
        const stack = new PulumiCliStack(name, clock);
        stack.config["container-insights:fleet"] = stored({ part: "clusters", accountStack: ACCOUNT_STACK });
        engines.set(name, stack);
    }
    const workspace = fakeWorkspace(engines);
    const open = async (name: string): Promise<OpenedStack> => ({
        ...(await workspace.open(name)),
        listStacks: async () => [...engines.keys()],
    });
    const stackQueue = new StackQueue();
    const runner = stackRunner(REQUEST, {
        openStack: open,
        queue: stackQueue,
        lockRetry: { attempts: 1, baseDelayMs: 1 },
    });
    const logs: LogRecord[] = [];
    const service = new WatchService(
        {
            stackName: ACCOUNT_STACK,
            debounce: { quietMs: 2 * MIN, maxWaitMs: 10 * MIN },
            backoff: { baseMs: 30 * S, maxMs: 15 * MIN },
            gracePeriodMs: 5 * MIN,
            cancelTimeoutMs: 2 * MIN,
        },
        { queue, runner, clock, log: (r) => logs.push(r), random: () => 1 },
    );
    const reports = () =>
        logs.filter((l) => l.msg === "up finished") as Array<
            LogRecord & { status: string; stacks?: string[]; error?: string; attempt: number }
        >;
    const ups = (name: string) => engines.get(name)!.ups;
    const runUntil = (stopAt: number, body: () => void = () => undefined) =>
        runServiceUntil(clock, service, stopAt, body);
    return { clock, queue, engines, ups, reports, runUntil, stackQueue, open, logs };
}

describe("watch service on a fleet: the cluster stack of the cluster an event names", () => {
    it("events for clusters in two regions update those regions' cluster stacks once each, never the account stack", async () => {
        const h = harness("account");
        await h.runUntil(15 * MIN, () => {
            h.queue.send(clusterEventBody("ready", "a", { stack: ACCOUNT_STACK }));
            h.queue.send(clusterEventBody("ready", "b", { stack: ACCOUNT_STACK }));
            h.queue.send(clusterEventBody("removed", "w", { stack: ACCOUNT_STACK, region: "eu-west-1" }));
        });
        assert.equal(h.ups(ACCOUNT_STACK).length, 0, "the account stack holds no agent");
        assert.deepEqual(
            [h.ups(EAST), h.ups(WEST)].map((ups) => ups.map((u) => [u.start, u.outcome])),
            [[[2 * MIN, "ok"]], [[2 * MIN, "ok"]]],
            "both at once, two minutes after the last change",
        );
        const [report] = h.reports();
        assert.equal(report.status, "succeeded");
        assert.equal(report.stack, ACCOUNT_STACK);
        assert.deepEqual(report.stacks, [WEST, EAST]);
        assert.equal(h.queue.live.length, 0, "every message deleted");
        assert.equal(h.engines.get(EAST)!.calls[0].options.policyPacks.length, 1, "with the policy pack");
    });

    it("a whole stack (fleet.part whole, or unset) keeps updating itself, whatever cluster the event names", async () => {
        for (const part of ["whole", undefined] as const) {
            const h = harness(part);
            await h.runUntil(10 * MIN, () => h.queue.send(clusterEventBody("ready", "a", { stack: ACCOUNT_STACK })));
            assert.equal(h.ups(ACCOUNT_STACK).length, 1, `fleet.part ${part}`);
            assert.equal(h.ups(EAST).length + h.ups(WEST).length, 0);
            assert.equal(h.reports()[0].stacks, undefined);
        }
    });

    it("a region split into groups: the stack of the cluster's group, as the cluster stacks' program selects it", async () => {
        const grouped = [0, 1, 2].map((g) => clusterStackName(ACCOUNT_STACK, "us-east-1", g));
        const h = harness("account", grouped);
        await h.runUntil(10 * MIN, () => h.queue.send(clusterEventBody("ready", "team-a", { stack: ACCOUNT_STACK })));
        const ran = grouped.filter((name) => h.ups(name).length > 0);
        assert.equal(ran.length, 1);
        const group = grouped.indexOf(ran[0]);
        assert.ok(inGroup(group, 3)({ name: "team-a", region: "us-east-1" }), "the program of that stack holds team-a");
    });

    it("one cluster stack failing fails the run, naming it; the messages stay, and the retry updates both", async () => {
        const h = harness("account");
        h.engines.get(WEST)!.fates = ["fail"];
        await h.runUntil(20 * MIN, () => {
            h.queue.send(clusterEventBody("ready", "a", { stack: ACCOUNT_STACK }));
            h.queue.send(clusterEventBody("ready", "w", { stack: ACCOUNT_STACK, region: "eu-west-1" }));
        });
        const [failed, retried] = h.reports();
        assert.equal(failed.status, "failed");
        assert.equal(failed.errorCode, "ClusterStacksFailedError");
        assert.match(failed.error!, new RegExp(`^1 of the fleet's cluster stacks could not be updated:\\n${WEST}: `));
        assert.doesNotMatch(failed.error!, new RegExp(EAST));
        assert.equal(retried.status, "succeeded");
        assert.equal(retried.attempt, 2);
        assert.deepEqual([h.ups(EAST).length, h.ups(WEST).length], [2, 2]);
        assert.equal(h.queue.live.length, 0);
    });

    it("a cluster in a region without a cluster stack fails the run, naming the cluster and `fleet up`", async () => {
        const h = harness("account");
        await h.runUntil(4 * MIN, () =>
            h.queue.send(clusterEventBody("ready", "far", { stack: ACCOUNT_STACK, region: "ap-south-1" })),
        );
        const [report] = h.reports();
        assert.equal(report.status, "failed");
        assert.match(
            report.error!,
            /cluster far in ap-south-1: no cluster stack holds it \(run `container-insights fleet up --env prod` to deploy the fleet to ap-south-1\)/,
        );
        assert.equal(h.queue.live.length, 1, "kept for the retry after the fleet is deployed there");
    });

    it("through the same StackQueue: another operation on the cluster stack runs first, never at the same time", async () => {
        const h = harness("account");
        let other: Promise<unknown> | undefined;
        await h.runUntil(15 * MIN, () => {
            other = runStack({ ...REQUEST, stackName: EAST, action: "up" }, { openStack: h.open, queue: h.stackQueue });
            h.queue.send(clusterEventBody("ready", "a", { stack: ACCOUNT_STACK }));
        });
        await other;
        const east = h.engines.get(EAST)!;
        assert.equal(east.ups.length, 2);
        assert.equal(east.maxRunning, 1);
        assert.equal(east.ups[1].start, east.ups[0].end);
    });

    it("a stop during a fleet's run cancels it; a hung cluster stack's lock is cleared with pulumi cancel", async () => {
        const h = harness("account");
        h.engines.get(EAST)!.fates = ["hang"];
        const { outcome } = await h.runUntil(3 * MIN, () => {
            h.queue.send(clusterEventBody("ready", "a", { stack: ACCOUNT_STACK }));
            h.queue.send(clusterEventBody("ready", "w", { stack: ACCOUNT_STACK, region: "eu-west-1" }));
        });
        assert.equal(outcome, "forced");
        assert.equal(h.engines.get(EAST)!.cancels, 1);
        assert.equal(h.engines.get(EAST)!.locked, false);
    });
});

describe("which stacks a watch up runs (pure)", () => {
    it("a whole stack: itself; an account stack: each named cluster's cluster stack once, the unknown regions missing", () => {
        const changes = [change("a", "us-east-1"), change("b", "us-east-1"), change("far", "ap-south-1")];
        assert.deepEqual(upTargets(ACCOUNT_STACK, { part: "whole", stacks: [] }, changes), {
            stacks: [ACCOUNT_STACK],
            missing: [],
        });
        assert.deepEqual(upTargets(ACCOUNT_STACK, { part: "account", stacks: [ACCOUNT_STACK, EAST] }, changes), {
            stacks: [EAST],
            missing: [changes[2]],
        });
    });

    it("clusterStackOf: the region's stack, else its group's among the groups that exist, else none", () => {
        const cluster = { name: "team-a", region: "us-east-1" };
        assert.equal(clusterStackOf(ACCOUNT_STACK, cluster, [EAST]), EAST);
        const two = [0, 1].map((g) => clusterStackName(ACCOUNT_STACK, "us-east-1", g));
        const chosen = clusterStackOf(ACCOUNT_STACK, cluster, [ACCOUNT_STACK, ...two]);
        assert.ok(chosen && inGroup(two.indexOf(chosen), 2)(cluster));
        assert.equal(clusterStackOf(ACCOUNT_STACK, cluster, [WEST]), undefined);
        assert.equal(clusterStackOf(ACCOUNT_STACK, cluster, [`${EAST}-x`]), undefined);
    });
});
