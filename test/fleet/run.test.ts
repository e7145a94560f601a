import { strict as assert } from "node:assert";
import { emptyJournal } from "../../automation/fleet/journal";
import { FleetRunOptions, runFleet } from "../../automation/fleet/run";
import { planFleetStacks } from "../../automation/fleet/stacks";

const STACKS = planFleetStacks("prod", [{ id: "111111111111" }, { id: "222222222222" }], ["eu-west-1", "us-east-1"]);
const PRINTS = new Map(STACKS.map((s) => [s.name, `print-${s.name}`]));

function options(overrides: Partial<FleetRunOptions>): FleetRunOptions {
    return {
        action: "up",
        stacks: STACKS,
        fingerprints: PRINTS,
        concurrency: 3,
        journal: emptyJournal(),
        deploy: async () => ({ changes: { create: 2 } }),
        ...overrides,
    };
}

describe("fleet run", () => {
    it("an account's cluster stacks start only after its account stack finished", async () => {
        const finished = new Set<string>();
        const order: string[] = [];
        await runFleet(
            options({
                deploy: async (stack) => {
                    if (stack.accountStack) {
                        assert.ok(finished.has(stack.accountStack), `${stack.name} before ${stack.accountStack}`);
                    }
                    order.push(stack.name);
                    await new Promise((r) => setTimeout(r, stack.role === "account" ? 20 : 1));
                    finished.add(stack.name);
                    return { changes: { create: 1 } };
                },
            }),
        );
        assert.equal(order.length, STACKS.length);
    });

    it("a failed account stack fails its own cluster stacks only; the other account deploys; not all succeeded", async () => {
        const lines: string[] = [];
        const result = await runFleet(
            options({
                deploy: async (stack) => {
                    if (stack.name === "prod-111111111111") throw new Error("AccessDenied: sts:AssumeRole\nmore");
                    return { changes: { create: 1 } };
                },
                print: (line) => lines.push(line),
            }),
        );
        const outcome = Object.fromEntries(result.reports.map((r) => [r.stack, r.outcome]));
        assert.deepEqual(outcome, {
            "prod-111111111111": "failed",
            "prod-111111111111-eu-west-1": "failed",
            "prod-111111111111-us-east-1": "failed",
            "prod-222222222222": "succeeded",
            "prod-222222222222-eu-west-1": "succeeded",
            "prod-222222222222-us-east-1": "succeeded",
        });
        assert.equal(result.reports[0].error, "AccessDenied: sts:AssumeRole more");
        assert.equal(result.reports[1].error, "its account stack prod-111111111111 failed");
        assert.equal(result.succeeded, false);
        assert.equal(lines.length, 6);
        assert.match(lines[5], /^\[6\/6\] /);
    });

    it("a re-run deploys only the failed and the changed stacks, and the journal is saved after each", async () => {
        let fail = true;
        const saved: number[] = [];
        const first = await runFleet(
            options({
                deploy: async (stack) => {
                    if (fail && stack.name === "prod-222222222222-us-east-1") throw new Error("throttled");
                    return { changes: { create: 1 } };
                },
                saveJournal: (journal) => saved.push(Object.keys(journal.stacks).length),
            }),
        );
        assert.deepEqual(saved, [1, 2, 3, 4, 5, 6]);
        fail = false;
        const prints = new Map(PRINTS);
        prints.set("prod-111111111111-eu-west-1", "print-changed");
        const deployed: string[] = [];
        const second = await runFleet(
            options({
                journal: first.journal,
                fingerprints: prints,
                deploy: async (stack) => (deployed.push(stack.name), { changes: { same: 4 } }),
            }),
        );
        assert.deepEqual(deployed.sort(), ["prod-111111111111-eu-west-1", "prod-222222222222-us-east-1"]);
        assert.equal(second.succeeded, true);
        assert.equal(second.reports.filter((r) => r.outcome === "unchanged").length, 4);
        const third = await runFleet(
            options({
                journal: second.journal,
                fingerprints: prints,
                all: true,
                deploy: async (stack) => (deployed.push(stack.name), { changes: {} }),
            }),
        );
        assert.equal(third.reports.filter((r) => r.outcome === "succeeded").length, 6, "--all deploys every stack");
    });

    it("preview never writes the journal and never skips", async () => {
        let saves = 0;
        const journal = (await runFleet(options({}))).journal;
        const result = await runFleet(
            options({
                action: "preview",
                journal,
                saveJournal: () => saves++,
                deploy: async () => ({ changes: { same: 3 } }),
            }),
        );
        assert.equal(saves, 0);
        assert.ok(result.reports.every((r) => r.outcome === "succeeded"));
    });
});
