import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PolicyViolationError, PulumiCliMissingError, StackLockedError } from "../../automation/errors";
import { main, parseCliArguments } from "../../automation/cli";
import { RunRequest } from "../../automation/request";
import { RunOptions, RunResult } from "../../automation/runStack";
import { SecretValue } from "../../automation/outputs";

async function cli(
    argv: string[],
    run: (request: RunRequest, options: RunOptions) => Promise<RunResult>,
    env: NodeJS.ProcessEnv = {},
) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env, run });
    return { code, out, err };
}

const ok =
    (overrides: Partial<RunResult> = {}) =>
    async (request: RunRequest, options: RunOptions): Promise<RunResult> => {
        options.onEvent?.({
            type: "resource-started",
            urn: "urn:pulumi:prod::container-insights::aws:s3/bucket:Bucket::insights",
            resourceType: "aws:s3/bucket:Bucket",
            op: "create",
        });
        options.onEvent?.({
            type: "resource-started",
            urn: "urn:pulumi:prod::container-insights::pulumi:pulumi:Stack::s",
            resourceType: "pulumi:pulumi:Stack",
            op: "same",
        });
        options.onEvent?.({
            type: "policy-violation",
            policy: "helm-release-values",
            policyPack: "container-insights",
            message: "not visible",
            level: "advisory",
        });
        options.onEvent?.({ type: "summary", changes: { create: 1, same: 1 }, durationSeconds: 3 });
        return {
            action: request.action,
            stackName: "prod",
            environment: "PROD",
            changes: { create: 1 },
            outputs: {
                bucketName: { secret: false, value: "b" },
                key: { secret: true, value: new SecretValue("s3cr3t") },
            },
            policyViolations: [
                {
                    policy: "helm-release-values",
                    policyPack: "container-insights",
                    message: "not visible",
                    level: "advisory",
                },
            ],
            ...overrides,
        };
    };

describe("container-insights CLI", () => {
    it("turns arguments into a request; the token comes from the environment, never the command line", () => {
        const parsed = parseCliArguments(
            ["up", "--env", "prod", "--stack=team-a", "--regions", "us-east-1, eu-west-1", "--yes"],
            { CONTAINER_INSIGHTS_TOKEN: "tok", CONTAINER_INSIGHTS_EXTERNAL_ID: "ext" },
        );
        assert.deepEqual(parsed, {
            action: "up",
            environment: "prod",
            stackName: "team-a",
            config: { includeRegions: ["us-east-1", "eu-west-1"] },
            secrets: { token: "tok", externalId: "ext" },
            yes: true,
        });
        assert.deepEqual(parseCliArguments(["preview", "--env", "uat", "--account", "111122223333"]), {
            action: "preview",
            environment: "uat",
            accountId: "111122223333",
            secrets: {},
            yes: false,
        });
    });

    it("refuses bad usage with exit code 2 and the usage line", async () => {
        const never = async (): Promise<RunResult> => assert.fail("must not run");
        for (const [argv, message] of [
            [[], /name a command/],
            [
                ["deploy", "--env", "prod"],
                /unknown command deploy; commands: preview, up, refresh, destroy, configure, plan, adopt, status, watch, fleet, help/,
            ],
            [["preveiw", "--env", "prod"], /unknown command preveiw \(did you mean preview\?\)/],
            [["stauts"], /\(did you mean status\?\)/],
            [["preview"], /--env is required/],
            [["preview", "--env"], /--env needs a value/],
            [["preview", "--env", "dev"], /--env "dev" is not one of prod, uat/],
            [["preview", "--env", "prd"], /--env "prd" is not one of prod, uat \(did you mean prod\?\)/],
            [["preview", "--env", "prod", "--token", "x"], /unknown argument --token/],
            [
                ["preview", "--env", "prod", "--regoins", "us-east-1"],
                /unknown argument --regoins \(did you mean --regions\?\)/,
            ],
            [
                ["preview", "--env", "prod", "--regions", "us-east-1,eu-west-1,us-east-1"],
                /--regions lists us-east-1 twice; list each region once/,
            ],
            [
                ["preview", "--env", "prod", "--regions", "us-east-x"],
                /--regions: "us-east-x" is not an AWS region name/,
            ],
            [["preview", "--env", "prod", "--account", "12345"], /--account "12345" is not a 12-digit AWS account id/],
            [["preview", "--env", "prod", "--env", "uat"], /--env is given twice/],
            [["preview", "--env", "prod", "extra"], /unexpected argument extra/],
            [["up", "--env", "prod"], /run preview first, then add --yes/],
            [["destroy", "--env", "prod"], /add --yes/],
            [["help", "deploy"], /no command deploy/],
        ] as [string[], RegExp][]) {
            const { code, err } = await cli(argv, never);
            assert.equal(code, 2, argv.join(" "));
            assert.match(err.join("\n"), message);
            assert.match(err.join("\n"), /usage: npx container-insights/);
        }
    });

    it("says how to install the Pulumi CLI when it is missing (not the library's options.pulumiHome), exit 1", async () => {
        const { code, err } = await cli(["preview", "--env", "prod"], async () => {
            throw new PulumiCliMissingError("pulumi on PATH");
        });
        assert.equal(code, 1);
        assert.match(
            err.join("\n"),
            /the Pulumi CLI is not on PATH: install it \(https:\/\/www\.pulumi\.com\/docs\/install\/\)/,
        );
        assert.doesNotMatch(err.join("\n"), /pulumiHome/);
        const help = await cli(["status", "--help"], async (): Promise<RunResult> => assert.fail("must not run"));
        assert.match(help.out.join("\n"), /--json/);
    });

    it("names the command's own usage line after a command's usage error", async () => {
        const { err } = await cli(["up", "--env", "prod"], async () => assert.fail("must not run"));
        assert.match(err.join("\n"), /\nusage: npx container-insights up --env <prod\|uat> .*--yes$/);
    });

    it("reports every usage problem of a command together (exit 2), before anything looks for the Pulumi CLI or AWS", async () => {
        const never = async (): Promise<RunResult> => assert.fail("must not run");
        const cases: Array<[string[], RegExp[]]> = [
            [
                ["up", "--env", "dev", "--account", "12", "--regions", "mars", "--stak", "x"],
                [
                    /^npx container-insights: unknown argument --stak \(did you mean --stack\?\)/m,
                    /^npx container-insights: unexpected argument x$/m,
                    /^npx container-insights: --env "dev" is not one of prod, uat/m,
                    /^npx container-insights: up changes real resources: run preview first, then add --yes$/m,
                    /^npx container-insights: --account "12" is not a 12-digit AWS account id$/m,
                    /^npx container-insights: --regions: "mars" is not an AWS region name/m,
                    /\nusage: npx container-insights up --env <prod\|uat> /,
                ],
            ],
            [["preview", "--env", "prod", "--stack", "a.b"], [/--stack "a\.b" is not allowed/]],
            [
                ["plan", "--env", "qa", "--set", "novalue", "--account", "x"],
                [/--env "qa" is not one of/, /--set "novalue" is not key=value/, /--account "x" is not a 12-digit/],
            ],
            [
                ["watch", "--env", "prod", "--port", "99999", "--quiet-window", "soon", "--stack", "a b"],
                [
                    /--port "99999" is not a TCP port/,
                    /--quiet-window "soon" is not a duration/,
                    /stackName: "a b" is not allowed/,
                ],
            ],
            [
                ["status", "--env", "prod", "--stack", "nowhere", "--bogus"],
                [/unknown argument --bogus/, /no region: pass --region/],
            ],
            [
                ["adopt", "--env", "qa", "extra"],
                [/unexpected argument extra/, /--env "qa" is not one of/],
            ],
        ];
        for (const [argv, messages] of cases) {
            const out: string[] = [];
            const err: string[] = [];
            const code = await main(argv, {
                out: (l) => out.push(l),
                err: (l) => err.push(l),
                env: { PATH: "/nonexistent" },
                run: never,
                outputs: async () => assert.fail("status must not read the stack before its arguments are checked"),
            });
            assert.equal(code, 2, `${argv.join(" ")}: ${err.join("\n")}`);
            for (const message of messages) {
                assert.match(err.join("\n"), message, argv.join(" "));
            }
        }
    });

    it("prints help on help, --help and -h, for the whole CLI or one command, and exits 0", async () => {
        const never = async (): Promise<RunResult> => assert.fail("must not run");
        for (const argv of [["help"], ["--help"], ["-h"]]) {
            const { code, out, err } = await cli(argv, never);
            assert.equal(code, 0);
            assert.deepEqual(err, []);
            const text = out.join("\n");
            for (const command of ["preview", "up", "refresh", "destroy", "configure", "adopt", "status", "help"]) {
                assert.match(text, new RegExp(`^  ${command} +\\S`, "m"), command);
            }
            assert.match(text, /exit codes: 0 success; 1 failure.*; 2 bad usage/);
        }
        for (const argv of [
            ["help", "status"],
            ["status", "--help"],
            ["up", "-h"],
            ["adopt", "--env", "nonsense", "--help"],
            ["help", "--help"],
            ["help", "-h"],
        ]) {
            const { code, out, err } = await cli(argv, never);
            assert.equal(code, 0, `${argv.join(" ")}: ${err.join("\n")}`);
            const command = argv[0] === "help" && !argv[1].startsWith("-") ? argv[1] : argv[0];
            assert.match(out[0], new RegExp(`^usage: npx container-insights ${command} `));
        }
    });

    it("prints live progress lines, the policy summary and outputs (secrets masked), and exits 0", async () => {
        const { code, out } = await cli(["preview", "--env", "prod"], ok());
        assert.equal(code, 0);
        assert.deepEqual(out, [
            "+ create   urn:pulumi:prod::container-insights::aws:s3/bucket:Bucket::insights",
            "! advisory  helm-release-values: not visible",
            "changes: create 1, same 1 (3s)",
            "policy: 0 mandatory, 1 advisory violation(s)",
            'output bucketName: "b"',
            "output key: [secret]",
        ]);
    });

    it("exits 1 on a blocking policy violation or a failure, saying why", async () => {
        const blocked = await cli(["up", "--env", "prod", "--yes"], async () => {
            throw new PolicyViolationError("prod", [
                {
                    policy: "s3-bucket-tls-only",
                    policyPack: "container-insights",
                    message: "no TLS",
                    level: "mandatory",
                },
            ]);
        });
        assert.equal(blocked.code, 1);
        assert.match(
            blocked.err.join("\n"),
            /policy: 1 mandatory, 0 advisory violation\(s\)\n.*1 mandatory policy violation\(s\) blocked the operation/,
        );
        const locked = await cli(["refresh", "--env", "prod"], async () => {
            throw new StackLockedError("prod", 5);
        });
        assert.equal(locked.code, 1);
        assert.match(locked.err[0], /stack prod is locked by another update/);
    });

    it("runs as the package's bin (what npx container-insights starts): help exits 0, a bad --env is bad usage (2)", function () {
        // npx itself finding the bin is checked on the installed package (test/package/install.test.ts, `npm run test:package`).
        this.timeout(60000);
        const root = join(__dirname, "..", "..");
        const bin = join(root, JSON.parse(readFileSync(join(root, "package.json"), "utf8")).bin["container-insights"]);
        const npx = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: "utf8" });
        const bad = npx(["preview", "--env", "dev"]);
        assert.equal(bad.status, 2, bad.stderr);
        assert.match(bad.stderr, /--env "dev" is not one of prod, uat/);
        const help = npx(["--help"]);
        assert.equal(help.status, 0, help.stderr);
        assert.match(help.stdout, /^usage: npx container-insights <command> \[options\]/);
    });
});
