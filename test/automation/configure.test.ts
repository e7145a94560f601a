import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { main } from "../../automation/cli";
import { RunPulumi } from "../../automation/configure";
import { Prompter } from "../../automation/prompt";

const ROOT = join(__dirname, "..", "..");
const TOKEN = "tok-SECRET-123";
const EXTERNAL_ID = "ext-SECRET-456";
const DATADOG = "dd-SECRET-789";

/**
 * A stand-in `pulumi` on PATH: records each call's arguments, and for `config set` what it read on stdin (as the
 * real CLI does when the value is not an argument and stdin is not a terminal). `whoami` fails: no backend.
 */
function fakePulumi(): { dir: string; log: string } {
    const dir = mkdtempSync(join(tmpdir(), "fake-pulumi-"));
    const log = join(dir, "calls.log");
    const script = [
        "#!/usr/bin/env bash",
        `echo "ARGS $*" >> "${log}"`,
        'if [[ "$1" == whoami ]]; then exit 1; fi',
        'if [[ "$1 $2" == "config set" && -z "${7:-}" && "$5" == --secret ]]; then echo "STDIN $(cat)" >> "' +
            log +
            '"; fi',
        'echo "BACKEND ${PULUMI_BACKEND_URL:-none}" >> "' + log + '"',
        "exit 0",
    ].join("\n");
    writeFileSync(join(dir, "pulumi"), script);
    chmodSync(join(dir, "pulumi"), 0o755);
    return { dir, log };
}

describe("configure (npm run configure -- <stack>)", () => {
    it("asks for roleName, token and external id; secrets go to pulumi config set --secret on stdin, never in argv or output", function () {
        this.timeout(60000);
        const { dir, log } = fakePulumi();
        const state = mkdtempSync(join(tmpdir(), "state-"));
        const result = spawnSync("npm", ["run", "--silent", "configure", "--", "prod"], {
            cwd: ROOT,
            input: `NopsIntegrationRole\n${TOKEN}\n${EXTERNAL_ID}\n${DATADOG}\n`,
            encoding: "utf8",
            env: {
                ...process.env,
                PATH: `${dir}:${process.env.PATH}`,
                PULUMI_BACKEND_URL: `file://${state}`,
                PULUMI_CONFIG_PASSPHRASE: "pass",
            },
        });
        assert.equal(result.status, 0, result.stderr);
        const calls = readFileSync(log, "utf8");
        const argvLines = calls.split("\n").filter((line) => line.startsWith("ARGS "));
        assert.deepEqual(argvLines, [
            "ARGS stack select --create prod",
            "ARGS config set --stack prod container-insights:roleName NopsIntegrationRole",
            "ARGS config set --stack prod --secret container-insights:token",
            "ARGS config set --stack prod --secret container-insights:externalId",
            "ARGS config set --stack prod --secret container-insights:datadogApiKey",
        ]);
        assert.deepEqual(
            calls.split("\n").filter((line) => line.startsWith("STDIN ")),
            [`STDIN ${TOKEN}`, `STDIN ${EXTERNAL_ID}`, `STDIN ${DATADOG}`],
        );
        assert.ok(calls.includes(`BACKEND file://${state}`));
        for (const text of [result.stdout, result.stderr]) {
            assert.ok(!text.includes(TOKEN) && !text.includes(EXTERNAL_ID) && !text.includes(DATADOG), text);
        }
        assert.match(result.stdout, /set container-insights:token \(secret\)/);
        assert.match(result.stdout, /npm run up -- prod/);
    });

    it("stops with exit 1, naming PULUMI_CONFIG_PASSPHRASE and printing no usage line, before writing anything when a file backend has no passphrase", async () => {
        const calls: string[][] = [];
        const pulumi: RunPulumi = async (args) => {
            calls.push(args);
            return { code: args[0] === "whoami" ? 1 : 0, stdout: "", stderr: "" };
        };
        const err: string[] = [];
        const code = await main(["configure", "prod"], {
            out: () => undefined,
            err: (l) => err.push(l),
            env: {},
            pulumi,
            ask: async () => assert.fail("must not ask"),
        });
        assert.equal(code, 1);
        assert.match(
            err.join("\n"),
            /^container-insights: PULUMI_CONFIG_PASSPHRASE is not set: .*export PULUMI_CONFIG_PASSPHRASE/,
        );
        assert.doesNotMatch(err.join("\n"), /usage:/);
        assert.deepEqual(calls, [["whoami"]]);
    });

    it("looks for the Pulumi CLI first: without it, exit 1 saying to install it, before asking or writing anything", async () => {
        const emptyPath = mkdtempSync(join(tmpdir(), "no-pulumi-"));
        for (const argv of [
            ["configure", "prod"],
            ["configure", "--env", "prod"],
        ]) {
            const err: string[] = [];
            const code = await main(argv, {
                out: () => undefined,
                err: (l) => err.push(l),
                env: { PATH: emptyPath },
                ask: async () => assert.fail("must not ask"),
            });
            assert.equal(code, 1, argv.join(" "));
            assert.deepEqual(err, [
                "container-insights: the Pulumi CLI is not on PATH: install it (https://www.pulumi.com/docs/install/), put it on PATH and run again",
            ]);
        }
    });

    it("takes --env like every other command, and reports every usage problem together", async () => {
        const calls: string[][] = [];
        const io = {
            out: () => undefined,
            err: (l: string) => err.push(l),
            env: { PULUMI_BACKEND_URL: "s3://bucket" },
            ask: async () => undefined,
            pulumi: (async (args) => {
                calls.push(args);
                return { code: 0, stdout: "", stderr: "" };
            }) as RunPulumi,
        };
        const err: string[] = [];
        assert.equal(await main(["configure", "--env", "uat"], io), 2, "the input ends before roleName");
        assert.deepEqual(calls[0], ["stack", "select", "--create", "uat"]);
        err.length = 0;
        assert.equal(await main(["configure", "--env", "dev", "--stak", "x"], io), 2);
        const text = err.join("\n");
        assert.match(text, /^npx container-insights: unknown argument --stak \(did you mean --stack\?\)/m);
        assert.match(text, /^npx container-insights: --env "dev" is not one of prod, uat/m);
        assert.match(text, /\nusage: npx container-insights configure --env <prod\|uat> \[--stack NAME\]$/);
        assert.equal(calls.length, 1, "nothing ran for the bad command line");
    });

    it("re-asks a bad roleName, skips the external id and the Datadog key when autoUpdate and agent.install are false, and refuses an unknown stack", async () => {
        const project = mkdtempSync(join(tmpdir(), "project-"));
        copyFileSync(join(ROOT, "Pulumi.yaml"), join(project, "Pulumi.yaml"));
        mkdirSync(join(project, "stacks"));
        writeFileSync(
            join(project, "stacks", "Pulumi.prod.yaml"),
            "config:\n  aws:region: us-east-1\n  container-insights:autoUpdate: false\n  container-insights:agent:\n    install: false\n",
        );
        const answers = ["bad role!", "NopsIntegrationRole", TOKEN];
        const asked: Array<{ question: string; muted: boolean }> = [];
        const calls: Array<{ args: string[]; stdin?: string }> = [];
        const io = {
            out: () => undefined,
            err: (l: string) => errors.push(l),
            env: { PULUMI_BACKEND_URL: "s3://bucket" },
            projectDir: project,
            ask: async (question: string, options?: { muted?: boolean }) => {
                asked.push({ question, muted: options?.muted === true });
                return answers.shift();
            },
            pulumi: (async (args, options) => {
                calls.push({ args, stdin: options.stdin });
                return { code: 0, stdout: "", stderr: "" };
            }) as RunPulumi,
        };
        const errors: string[] = [];
        assert.equal(await main(["configure", "prod"], io), 0);
        assert.deepEqual(
            asked.map((a) => a.muted),
            [false, false, true],
        );
        assert.match(errors[0], /roleName: "bad role!" is not allowed; allowed: an IAM role name/);
        assert.deepEqual(
            calls.map((c) => c.args.slice(-2).join(" ")),
            ["--create prod", "container-insights:roleName NopsIntegrationRole", "--secret container-insights:token"],
        );
        assert.equal(calls[2].stdin, `${TOKEN}\n`);
        assert.equal(await main(["configure", "staging"], { ...io, err: (l: string) => errors.push(l) }), 2);
        assert.match(errors.at(-1)!, /no stack file stacks\/Pulumi\.staging\.yaml; known stacks: prod/);
    });

    it("never echoes a secret answer on a terminal, and echoes the others", async () => {
        const input = Object.assign(new PassThrough(), { isTTY: true });
        const output = new PassThrough();
        let shown = "";
        output.on("data", (chunk) => (shown += chunk));
        const prompter = new Prompter(input, output);
        const secret = prompter.ask("token: ", { muted: true });
        input.write("hunter2\r");
        assert.equal(await secret, "hunter2");
        const visible = prompter.ask("role: ");
        input.write("NopsIntegrationRole\r");
        assert.equal(await visible, "NopsIntegrationRole");
        prompter.close();
        assert.ok(!shown.includes("hunter2"), shown);
        assert.match(shown, /token: \n/);
        assert.match(shown, /role: .*NopsIntegrationRole/);
    });
});
