/**
 * The fleet on the real engine (file backend, AWS emulator): `container-insights fleet up` splits the committed
 * stack's onboarding into the account stack and a cluster stack per region, and a re-run touches nothing. (Moving an
 * existing single stack over with `pulumi state move` fails on CLI v3.276.0: docs/fleet.md.)
 */
import * as assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { runFleet } from "./fleetRun";
import { DeployedStack, STACK } from "./stack";
import { requireEngine } from "./workspace";

const REGION_STACKS = [`${STACK}-eu-west-1`, `${STACK}-us-east-1`];

interface StateResource {
    urn: string;
    type: string;
}

function resources(stack: DeployedStack, name: string): StateResource[] {
    const state = JSON.parse(stack.workspace.stateFile("container-insights", name));
    return state.checkpoint?.latest?.resources ?? [];
}

const fleet = runFleet;

describe("engine tier: a fleet of stacks", function () {
    let stack: DeployedStack;

    before(async function () {
        requireEngine(this);
        stack = await DeployedStack.create("irsa");
    });

    after(async () => stack?.dispose());

    it("fleet up deploys the account stack, then one cluster stack per region, each with its region's agents", async () => {
        const up = await fleet(stack, "up", "--yes", "--concurrency", "2");
        assert.equal(up.status, 0, `fleet up failed:\n${up.stdout}`);
        assert.match(up.stdout, /fleet up: 3 stacks in 1 account\(s\), 2 at a time/);
        assert.match(up.stdout, /\[3\/3\] /);
        assert.match(up.stdout, /3 stacks in .*: 3 succeeded/);
        assert.deepEqual(
            resources(stack, STACK).filter((r) => r.type === "container-insights:cluster:ClusterAgent"),
            [],
            "the account stack holds no agent",
        );
        for (const [name, cluster] of [
            [REGION_STACKS[0], "prod-eu"],
            [REGION_STACKS[1], "prod-a"],
        ]) {
            const agents = resources(stack, name).filter((r) => r.type === "container-insights:cluster:ClusterAgent");
            assert.deepEqual(
                agents.map((r) => r.urn.split("::").pop()),
                [`${name.slice(STACK.length + 1)}-${cluster}`],
            );
            assert.ok(resources(stack, name).some((r) => r.type === "pulumi:pulumi:StackReference"));
        }
        const rendered = join(stack.workspace.dir, "rendered");
        assert.ok(existsSync(rendered) && readdirSync(rendered).length === 2, "both regions rendered");
    });

    it("a re-run deploys nothing (the journal), and --all finds nothing to change", async () => {
        const again = await fleet(stack, "up", "--yes");
        assert.equal(again.status, 0, again.stdout);
        assert.match(again.stdout, /3 stacks in .*: 3 unchanged/);
        const all = await fleet(stack, "up", "--yes", "--all");
        assert.equal(all.status, 0, all.stdout);
        assert.doesNotMatch(all.stdout, /create|update|replace|delete/, all.stdout);
        const status = await fleet(stack, "status");
        assert.equal(status.status, 0, status.stdout);
    });
});
