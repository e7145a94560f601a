import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../automation/cli";
import { Deployment, resourcesOf } from "../../automation/fleet/migrate/deployment";
import { StackStates } from "../../automation/fleet/migrate/stackStates";
import { planMigration } from "../../automation/fleet/migrate/plan";
import { wholeStack } from "./wholeStackState";

/** Stack states in memory: what was created, exported and imported, in order. */
function fakeStates(
    stacks: Record<string, Deployment>,
    options: { lock?: string; failImport?: string } = {},
): StackStates & { calls: string[] } {
    const calls: string[] = [];
    return {
        calls,
        exists: async (stack) => stack in stacks,
        create: async (stack) => {
            calls.push(`create ${stack}`);
            stacks[stack] = { version: 3, deployment: {} };
        },
        export: async (stack) => {
            calls.push(`export ${stack}`);
            return structuredClone(stacks[stack]);
        },
        import: async (stack, file) => {
            calls.push(`import ${stack}`);
            if (stack === options.failImport) {
                throw new Error("pulumi stack import failed: the stack is currently locked by 1 lock(s)");
            }
            stacks[stack] = JSON.parse(readFileSync(file, "utf8"));
        },
        lockedBy: async () => options.lock,
    };
}

describe("fleet migrate command", () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "fleet-migrate-"))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    async function migrate(argv: string[], states: StackStates) {
        const out: string[] = [];
        const err: string[] = [];
        const code = await main(["fleet", "migrate", "--env", "prod", ...argv], {
            out: (l) => out.push(l),
            err: (l) => err.push(l),
            env: {},
            states,
        } as Parameters<typeof main>[1]);
        return { code, out: out.join("\n"), err: err.join("\n") };
    }

    it("without --yes prints each cluster stack's share and changes nothing", async () => {
        const states = fakeStates({ prod: wholeStack() });
        const result = await migrate([], states);
        assert.equal(result.code, 0, result.err);
        assert.match(result.out, /prod's agents to 2 cluster stack\(s\)/);
        assert.match(
            result.out,
            /prod-eu-west-1 \(eu-west-1\): 7 resource\(s\) of 2 agent component\(s\): eu-west-1-prod-eu/,
        );
        assert.match(result.out, /copied \(kept in both stacks\), provider: .*pulumi:providers:aws::default_7_48_0/);
        assert.match(
            result.out,
            /dependency dropped \(moves\): .*Chart::eu-west-1-prod-eu dependency on .*Invocation::reconcile/,
        );
        assert.match(result.out, /nothing changed: run again with --yes/);
        assert.deepEqual(states.calls, ["export prod"]);
    });

    it("--yes backs every stack up (0600) first, creates the cluster stacks, imports them, then the account stack", async () => {
        const stacks: Record<string, Deployment> = { prod: wholeStack() };
        const states = fakeStates(stacks);
        const backups = join(dir, "backup");
        const result = await migrate(["--yes", "--backup-dir", backups], states);
        assert.equal(result.code, 0, result.err);
        assert.deepEqual(states.calls, [
            "export prod",
            "create prod-eu-west-1",
            "create prod-us-east-1",
            "import prod-eu-west-1",
            "import prod-us-east-1",
            "import prod",
        ]);
        assert.deepEqual(readdirSync(backups).sort(), [
            "prod-eu-west-1.after.json",
            "prod-us-east-1.after.json",
            "prod.after.json",
            "prod.before.json",
        ]);
        assert.equal(statSync(backups).mode & 0o777, 0o700);
        for (const file of readdirSync(backups)) {
            assert.equal(statSync(join(backups, file)).mode & 0o777, 0o600, file);
        }
        assert.deepEqual(JSON.parse(readFileSync(join(backups, "prod.before.json"), "utf8")), wholeStack());
        const plan = planMigration("prod", wholeStack(), {});
        assert.deepEqual(stacks.prod, plan.source);
        assert.deepEqual(stacks["prod-eu-west-1"], plan.destinations[0].deployment);
        assert.match(result.out, new RegExp(`backups \\(secrets stay encrypted\\): ${backups}`));
        assert.match(result.out, /moved 14 resource\(s\); next: container-insights fleet up --env prod --yes/);

        const again = await migrate(["--yes", "--backup-dir", join(dir, "again")], states);
        assert.equal(again.code, 0, again.err);
        assert.match(again.out, /prod holds no agent .*nothing to move/);
    });

    it("a failed import says what was imported and how to finish or undo, and returns 1", async () => {
        const states = fakeStates({ prod: wholeStack() }, { failImport: "prod" });
        const backups = join(dir, "backup");
        const result = await migrate(["--yes", "--backup-dir", backups], states);
        assert.equal(result.code, 1);
        assert.match(result.err, /importing prod failed: .*locked/);
        assert.match(result.err, /imported before the failure: prod-eu-west-1, prod-us-east-1/);
        assert.match(
            result.err,
            new RegExp(`pulumi stack import --stack <stack> --file ${backups}/<stack>.after.json`),
        );
    });

    it("refuses a locked stack before anything is written, naming the lock's holder", async () => {
        const states = fakeStates({ prod: wholeStack() }, { lock: "root@host (pid 42) since 2026-12-07T08:00:00Z" });
        const result = await migrate(["--yes", "--backup-dir", join(dir, "b")], states);
        assert.equal(result.code, 1);
        assert.match(
            result.err,
            /stack prod is locked by root@host \(pid 42\).*pulumi cancel --stack prod.*nothing was changed/,
        );
        assert.deepEqual(states.calls, ["export prod"]);
    });

    it("refuses a cluster stack that already holds resources: exit 1, nothing written", async () => {
        const deployed = planMigration("prod", wholeStack(), {}).destinations[1].deployment;
        const states = fakeStates({ prod: wholeStack(), "prod-us-east-1": deployed });
        const result = await migrate(["--yes", "--backup-dir", join(dir, "b")], states);
        assert.equal(result.code, 1);
        assert.match(result.err, /stack prod-us-east-1 already holds \d+ resource\(s\).*nothing was changed/);
        assert.ok(!states.calls.some((c) => /create|import/.test(c)), states.calls.join());
    });

    it("a missing whole stack is exit 1; bad usage is exit 2 with the usage line and the closest flag", async () => {
        const missing = await migrate([], fakeStates({}));
        assert.equal(missing.code, 1);
        assert.match(missing.err, /there is no stack prod to migrate/);
        const typo = await migrate(["--yess"], fakeStates({}));
        assert.equal(typo.code, 2);
        assert.match(typo.err, /unknown argument --yess.*did you mean --yes/);
        assert.match(typo.err, /usage: npx container-insights fleet <up\|preview\|status\|migrate>/);
        const accounts = await migrate(["--accounts", "organization"], fakeStates({}));
        assert.equal(accounts.code, 2);
        assert.match(accounts.err, /unknown argument --accounts/);
        const groups = await migrate(["--groups", "0"], fakeStates({}));
        assert.equal(groups.code, 2);
        assert.match(groups.err, /--groups "0" is not a whole number of at least 1/);
    });

    it("--help describes migrate", async () => {
        const result = await migrate(["--help"], fakeStates({}));
        assert.equal(result.code, 0);
        assert.match(result.out, /migrate --env <env> \[--groups N\] \[--backup-dir DIR\] \[--yes\]/);
    });

    it("the whole stack's resources that stay are the ones it had, apart from the agents", async () => {
        const stacks: Record<string, Deployment> = { prod: wholeStack() };
        await migrate(["--yes", "--backup-dir", join(dir, "b")], fakeStates(stacks));
        assert.deepEqual(
            resourcesOf(stacks.prod).map((r) => r.type),
            ["pulumi:pulumi:Stack", "pulumi:providers:aws", "aws:lambda/invocation:Invocation"],
        );
    });
});
