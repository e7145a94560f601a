import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../../automation/cliArgs";
import { parseFleetArguments } from "../../automation/fleet/args";
import { FleetIo, programDigest, runFleetCommand } from "../../automation/fleet/command";
import { RunRequest } from "../../automation/request";
import { StackStates } from "../../automation/fleet/migrate/stackStates";
import { templateRequest } from "../../automation/fleet/template";
import { wholeStack } from "./wholeStackState";

const TEMPLATE = {
    "aws:region": { value: "us-east-1", secret: false },
    "aws:profile": { value: "management", secret: false },
    "container-insights:roleName": { value: "NopsIntegrationRole", secret: false },
    "container-insights:token": { value: "tok-SECRET", secret: true },
    "container-insights:includeRegions": { value: '["us-east-1","eu-west-1"]', secret: false },
    "container-insights:agent": { value: '{"renderTo":"out","chart":"fixture"}', secret: false },
};

/** A backend without stacks yet (fleet up's check for a whole stack finds none). */
const noStacks: StackStates = {
    exists: async () => false,
    create: async () => assert.fail("no stack is created"),
    export: async () => assert.fail("no stack is exported"),
    import: async () => assert.fail("no stack is imported"),
    lockedBy: async () => undefined,
};

describe("fleet command", () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "fleet-cmd-"))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    function io(runs: RunRequest[], envs: Record<string, string>[], fail?: string) {
        const out: string[] = [];
        const err: string[] = [];
        const value: FleetIo & { out_: string[]; err_: string[] } = {
            out: (l) => out.push(l),
            err: (l) => err.push(l),
            out_: out,
            err_: err,
            env: {},
            templateConfig: async () => TEMPLATE,
            callerAccount: async () => "999999999999",
            accounts: async () => [{ id: "111111111111" }, { id: "999999999999" }],
            assume: async (id, caller): Promise<Record<string, string>> =>
                id === caller ? {} : { AWS_ACCESS_KEY_ID: `ASIA-${id}` },
            programDigest: () => "program-1",
            states: noStacks,
            run: async (request, options) => {
                runs.push(request);
                envs.push(options.envVars ?? {});
                if (request.stackName === fail) throw new Error("AccessDenied\ndetails");
                return { changes: { create: 3 } };
            },
        };
        return value;
    }

    it("up deploys each account's stacks from the template, in the member account, then resumes", async () => {
        const runs: RunRequest[] = [];
        const envs: Record<string, string>[] = [];
        const journal = join(dir, "journal.json");
        const args = ["up", "--env", "prod", "--accounts", "a.yaml", "--role", "R", "--journal", journal, "--yes"];
        const first = io(runs, envs, "prod-111111111111-eu-west-1");
        assert.equal(await runFleetCommand(args, first), 1);
        assert.deepEqual(runs.map((r) => r.stackName).sort(), [
            "prod-111111111111",
            "prod-111111111111-eu-west-1",
            "prod-111111111111-us-east-1",
            "prod-999999999999",
            "prod-999999999999-eu-west-1",
            "prod-999999999999-us-east-1",
        ]);
        const cluster = runs.find((r) => r.stackName === "prod-111111111111-eu-west-1")!;
        assert.deepEqual(cluster.config, {
            roleName: "NopsIntegrationRole",
            includeRegions: ["eu-west-1"],
            "agent.renderTo": "out",
            "agent.chart": "fixture",
            "fleet.part": "clusters",
            "fleet.accountStack": "prod-111111111111",
        });
        assert.deepEqual(cluster.secrets, { token: "tok-SECRET" });
        assert.equal(cluster.accountId, "111111111111");
        assert.equal(envs[runs.indexOf(cluster)].AWS_ACCESS_KEY_ID, "ASIA-111111111111");
        assert.match(first.err_.join("\n"), /aws:profile not used/);
        assert.match(first.out_.join("\n"), /prod-111111111111-eu-west-1 failed in .* \(AccessDenied details\)/);
        assert.match(first.out_.at(-1)!, /6 stacks in .*: 5 succeeded, 1 failed/);

        runs.length = 0;
        const second = io(runs, envs);
        assert.equal(await runFleetCommand(args, second), 0);
        assert.deepEqual(
            runs.map((r) => r.stackName),
            ["prod-111111111111-eu-west-1"],
        );

        const status = io([], []);
        assert.equal(await runFleetCommand(["status", "--env", "prod", "--journal", journal], status), 0);
        assert.match(status.out_.join("\n"), /prod-999999999999-us-east-1\s+succeeded/);
    });

    it("a changed account stack redeploys its cluster stacks too", async () => {
        const runs: RunRequest[] = [];
        const journal = join(dir, "journal.json");
        const args = ["up", "--env", "prod", "--journal", journal, "--yes"];
        await runFleetCommand(args, io(runs, []));
        assert.equal(runs.length, 3, "without --accounts: the caller's account");
        runs.length = 0;
        await runFleetCommand(args, { ...io(runs, []), programDigest: () => "program-2" });
        assert.equal(runs.length, 3);
    });

    it("flags: up needs --yes, --accounts needs --role, --shards needs JOB_COMPLETION_INDEX", () => {
        assert.throws(() => parseFleetArguments(["up", "--env", "prod"], {}), /needs --yes/);
        assert.throws(
            () => parseFleetArguments(["preview", "--env", "prod", "--accounts", "organization"], {}),
            /--accounts needs --role/,
        );
        assert.throws(
            () => parseFleetArguments(["preview", "--env", "prod", "--shards", "4"], {}),
            /JOB_COMPLETION_INDEX from 0 to 3/,
        );
        assert.deepEqual(
            parseFleetArguments(["preview", "--env", "prod", "--shards", "4"], { JOB_COMPLETION_INDEX: "2" }).shard,
            {
                index: 2,
                count: 4,
            },
        );
        assert.throws(
            () => parseFleetArguments(["preview", "--env", "prod", "--concurrency", "0"], {}),
            /--concurrency "0" is not a whole number of at least 1/,
        );
        assert.throws(
            () => parseFleetArguments(["deploy"], {}),
            (e: Error) => e instanceof UsageError && /not one of up, preview, status/.test(e.message),
        );
    });

    it("flags: every problem is reported at once, not only the first", () => {
        assert.throws(
            () =>
                parseFleetArguments(
                    [
                        "up",
                        "--env",
                        "prod",
                        "--accounts",
                        "organization",
                        "--concurrency",
                        "0",
                        "--groups",
                        "x",
                        "--bogus",
                    ],
                    {},
                ),
            (e: Error) => {
                assert.ok(e instanceof UsageError);
                for (const problem of [
                    /--bogus/,
                    /needs --yes/,
                    /--accounts needs --role/,
                    /--concurrency "0" is not a whole number/,
                    /--groups "x" is not a whole number/,
                ]) {
                    assert.match(e.message, problem);
                }
                return true;
            },
        );
    });

    it("the program digest is one sha256 of the program's files, stable between runs", () => {
        assert.match(programDigest(), /^[0-9a-f]{64}$/);
        assert.equal(programDigest(), programDigest());
    });

    it("up refuses an existing whole stack that still holds agents (migrate first); preview warns", async () => {
        const runs: RunRequest[] = [];
        const whole: StackStates = { ...noStacks, exists: async (s) => s === "prod", export: async () => wholeStack() };
        const journal = join(dir, "journal.json");
        await assert.rejects(
            runFleetCommand(["up", "--env", "prod", "--journal", journal, "--yes"], { ...io(runs, []), states: whole }),
            /stack prod is a whole stack with 4 agent component\(s\).*fleet migrate --env prod --yes. first/,
        );
        assert.deepEqual(runs, [], "no stack ran");
        const preview = io(runs, []);
        assert.equal(await runFleetCommand(["preview", "--env", "prod"], { ...preview, states: whole }), 0);
        assert.match(preview.err_.join("\n"), /whole stack with 4 agent component/);
    });
});

describe("fleet template", () => {
    it("a map read back as JSON text gives the same request, so a stack's own up does not change its fingerprint", () => {
        const before = templateRequest("PROD", { "container-insights:agent": { value: '{"values":{},"chart":"c"}' } });
        const after = templateRequest("PROD", { "container-insights:agent": { value: '{"values":"{}","chart":"c"}' } });
        assert.deepEqual(before.request, after.request);
        assert.deepEqual(before.request.config, { "agent.values": "{}", "agent.chart": "c" });
    });
});
