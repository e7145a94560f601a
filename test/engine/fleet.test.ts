/**
 * The fleet on the real engine (file backend, AWS emulator): `container-insights fleet up` splits the committed
 * stack's onboarding into the account stack and a cluster stack per region, and a re-run touches nothing; an existing
 * whole stack moves over with `fleet migrate` (its agents' state moved into the cluster stacks), after which `fleet up`
 * creates, replaces and deletes none of them, by the engine's own steps and summary.
 */
import * as assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { AGENT_COMPONENT_TYPES } from "../../components/cluster/agentNames";
import { Journal } from "../../automation/fleet/journal";
import { runFleet } from "./fleetRun";
import { DeployedStack, SECRETS, STACK } from "./stack";
import { requireEngine } from "./workspace";

const REGION_STACKS = [`${STACK}-eu-west-1`, `${STACK}-us-east-1`];
const CLUSTERS: Record<string, string> = { [REGION_STACKS[0]]: "prod-eu", [REGION_STACKS[1]]: "prod-a" };

interface StateResource {
    urn: string;
    type: string;
    parent?: string;
    dependencies?: string[];
}

function resources(stack: DeployedStack, name: string): StateResource[] {
    const state = JSON.parse(stack.workspace.stateFile("container-insights", name));
    return state.checkpoint?.latest?.resources ?? [];
}

/** A URN without its stack and project: the same resource in any stack of the project. */
const withoutStack = (urn: string) => urn.split("::").slice(2).join("::");

const agentComponents = (stack: DeployedStack, name: string) =>
    resources(stack, name).filter((r) => AGENT_COMPONENT_TYPES.includes(r.type));

/** Each cluster stack holds its region's agent, and nothing of the agents is left in the account stack. */
function assertAgentsInClusterStacks(stack: DeployedStack, components: string[]): void {
    assert.deepEqual(agentComponents(stack, STACK), [], "the account stack holds no agent");
    for (const name of REGION_STACKS) {
        const region = name.slice(STACK.length + 1);
        const agents = agentComponents(stack, name);
        assert.deepEqual(
            agents.map((r) => `${r.type.split(":").pop()} ${r.urn.split("::").pop()}`).sort(),
            components.map((type) => `${type} ${region}-${CLUSTERS[name]}`).sort(),
            name,
        );
        assert.ok(
            resources(stack, name).some((r) => r.type === "pulumi:pulumi:StackReference"),
            name,
        );
    }
}

describe("engine tier: a fleet of stacks", function () {
    let stack: DeployedStack;

    before(async function () {
        requireEngine(this);
        stack = await DeployedStack.create("irsa");
    });

    after(async () => stack?.dispose());

    it("fleet up deploys the account stack, then one cluster stack per region, each with its region's agents", async () => {
        const up = await runFleet(stack, "up", "--yes", "--concurrency", "2");
        assert.equal(up.status, 0, `fleet up failed:\n${up.stdout}`);
        assert.match(up.stdout, /fleet up: 3 stacks in 1 account\(s\), 2 at a time/);
        assert.match(up.stdout, /\[3\/3\] /);
        assert.match(up.stdout, /3 stacks in .*: 3 succeeded/);
        assertAgentsInClusterStacks(stack, ["ClusterAgent"]);
        const rendered = join(stack.workspace.dir, "rendered");
        assert.ok(existsSync(rendered) && readdirSync(rendered).length === 2, "both regions rendered");
    });

    it("a re-run deploys nothing (the journal), and --all finds nothing to change", async () => {
        const again = await runFleet(stack, "up", "--yes");
        assert.equal(again.status, 0, again.stdout);
        assert.match(again.stdout, /3 stacks in .*: 3 unchanged/);
        const all = await runFleet(stack, "up", "--yes", "--all");
        assert.equal(all.status, 0, all.stdout);
        assert.doesNotMatch(all.stdout, /create|update|replace|delete/, all.stdout);
        assert.deepEqual(
            all.steps.filter((step) => step.op !== "read"),
            [],
            "the engine reported no step but same and its StackReferences' reads",
        );
        const status = await runFleet(stack, "status");
        assert.equal(status.status, 0, status.stdout);
    });
});

describe("engine tier: an existing whole stack moved into a fleet (fleet migrate)", function () {
    let stack: DeployedStack;
    let wholeAgentUrns: string[];

    before(async function () {
        requireEngine(this);
        stack = await DeployedStack.create("podIdentity");
    });

    after(async () => stack?.dispose());

    it("the whole stack deploys both regions' agents (fleet.part whole)", async () => {
        const up = await stack.up();
        assert.equal(up.status, 0, `pulumi up failed:\n${up.stdout}\n${up.stderr}`);
        assert.equal(agentComponents(stack, STACK).length, 4, "a ClusterAgent and an AgentPodIdentity per cluster");
        const agents = new Set(agentComponents(stack, STACK).map((r) => r.urn));
        for (const resource of resources(stack, STACK)) {
            if (resource.parent && agents.has(resource.parent)) {
                agents.add(resource.urn);
            }
        }
        wholeAgentUrns = [...agents].map(withoutStack);
    });

    it("without --yes, fleet migrate prints the plan and changes nothing", async () => {
        const before = stack.workspace.stateFile("container-insights", STACK);
        const dry = await runFleet(stack, "migrate");
        assert.equal(dry.status, 0, dry.stdout);
        assert.match(dry.stdout, /prod's agents to 2 cluster stack\(s\)/);
        assert.match(dry.stdout, /prod-eu-west-1 \(eu-west-1\): \d+ resource\(s\) of 2 agent component\(s\)/);
        assert.match(
            dry.stdout,
            /dependency dropped \(moves\): .*Invocation/,
            "the agents' dependency on the reconciler",
        );
        assert.match(dry.stdout, /nothing changed: run again with --yes/);
        assert.equal(stack.workspace.stateFile("container-insights", STACK), before);
    });

    it("fleet migrate --yes backs up every stack, then moves each region's agents into its cluster stack", async () => {
        const moved = await runFleet(stack, "migrate", "--yes", "--backup-dir", join(stack.workspace.dir, "backup"));
        assert.equal(moved.status, 0, moved.stdout);
        const backups = readdirSync(join(stack.workspace.dir, "backup")).sort();
        assert.deepEqual(backups, [
            "prod-eu-west-1.after.json",
            "prod-us-east-1.after.json",
            "prod.after.json",
            "prod.before.json",
        ]);
        for (const secret of Object.values(SECRETS)) {
            for (const file of backups) {
                assert.ok(!readFileSync(join(stack.workspace.dir, "backup", file), "utf8").includes(secret), file);
            }
        }
        assert.deepEqual(agentComponents(stack, STACK), [], "nothing of the agents is left in the account stack");
        const held = REGION_STACKS.flatMap((name) => resources(stack, name).map((r) => withoutStack(r.urn)));
        for (const urn of wholeAgentUrns) {
            assert.equal(held.filter((u) => u === urn).length, 1, `${urn} is in one cluster stack`);
        }
        for (const name of REGION_STACKS) {
            const held = resources(stack, name);
            assert.ok(
                held.some((r) => r.type === "pulumi:providers:kubernetes"),
                `${name}: its Kubernetes provider`,
            );
            assert.ok(
                held.every((r) => !(r.dependencies ?? []).some((d) => d.includes("lambda/invocation"))),
                `${name}: no dependency on the account stack's Invocation`,
            );
        }
    });

    it("a second fleet migrate finds nothing to move", async () => {
        const again = await runFleet(stack, "migrate", "--yes");
        assert.equal(again.status, 0, again.stdout);
        assert.match(again.stdout, /holds no agent .*nothing to move/);
    });

    it("fleet up then creates, replaces and deletes no agent resource, by the engine's steps and summary", async () => {
        const up = await runFleet(stack, "up", "--yes", "--concurrency", "2");
        assert.equal(up.status, 0, `fleet up failed:\n${up.stdout}`);
        const journal: Journal = JSON.parse(readFileSync(join(stack.workspace.dir, "journal.json"), "utf8"));
        for (const name of REGION_STACKS) {
            assert.equal(journal.stacks[name].outcome, "succeeded", name);
            const changes = Object.keys(journal.stacks[name].changes ?? {}).filter((op) => op !== "same");
            assert.deepEqual(changes, [], `${name}'s summary: ${JSON.stringify(journal.stacks[name].changes)}`);
        }
        const agentSteps = up.steps.filter(
            (step) => /create|delete|replace/.test(step.op) && wholeAgentUrns.includes(withoutStack(step.urn)),
        );
        assert.deepEqual(agentSteps, [], "no agent resource created, replaced or deleted");
        const accountChanges = journal.stacks[STACK].changes ?? {};
        assert.equal(accountChanges.delete ?? 0, 0, JSON.stringify(up.steps.filter((s) => s.stack === STACK)));
        assert.equal(accountChanges.replace ?? 0, 0, JSON.stringify(accountChanges));
        console.log(
            `      account stack's steps: ${JSON.stringify(up.steps.filter((s) => s.stack === STACK).map((s) => `${s.op} ${s.type}`))}`,
        );
        assertAgentsInClusterStacks(stack, ["AgentPodIdentity", "ClusterAgent"]);
    });

    it("each cluster stack then passes pulumi preview --expect-no-changes", async () => {
        for (const name of REGION_STACKS) {
            await stack.workspace.pulumi(["preview", "--expect-no-changes", "--stack", name]);
        }
    });
});
