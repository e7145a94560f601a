import * as assert from "node:assert/strict";
import { inspect } from "node:util";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import * as YAML from "yaml";
import {
    CancelledError,
    MissingTokenError,
    OperationFailedError,
    PolicyViolationError,
    PulumiCliMissingError,
    StackLockedError,
    InvalidEnvironmentError,
    InvalidRequestError,
} from "../../automation/errors";
import { InsightsEvent } from "../../automation/events";
import { ConfigError } from "../../config";
import { findPulumiCli } from "../../automation/pulumiCli";
import { StackQueue } from "../../automation/queue";
import { RunRequest } from "../../automation/request";
import { runStack, RunOptions } from "../../automation/runStack";
import { PROJECT_DIR } from "../../automation/workspace";
import { FakeStack, commandError, event, fakeCiphertext, fakeWorkspace, lockedError } from "./fakeStack";

const request = (overrides: Partial<RunRequest> = {}): RunRequest => ({
    action: "preview",
    environment: "PROD",
    accountId: "111122223333",
    awsRegion: "us-east-1",
    config: { roleName: "NopsIntegrationRole" },
    secrets: { token: "tok-SECRET", externalId: "ext-SECRET", datadogApiKey: "dd-SECRET" },
    ...overrides,
});

function setup(options: Partial<RunOptions> = {}) {
    const workspace = fakeWorkspace();
    const events: InsightsEvent[] = [];
    const run = (req: RunRequest, extra: Partial<RunOptions> = {}) =>
        runStack(req, {
            openStack: workspace.open,
            queue: new StackQueue(),
            onEvent: (e) => events.push(e),
            lockRetry: { attempts: 3, baseDelayMs: 1, sleep: async () => undefined },
            ...options,
            ...extra,
        });
    const stack = async (name = "prod-111122223333") => {
        await workspace.open(name);
        return workspace.stacks.get(name)!;
    };
    return { workspace, events, run, stack };
}

const BLOCKING = event({
    policyEvent: {
        resourceUrn: "urn:x",
        message: "bucket data has no server-side encryption",
        color: "never",
        policyName: "s3-bucket-encrypted",
        policyPackName: "container-insights",
        policyPackVersion: "0.1.0",
        policyPackVersionTag: "0.1.0",
        enforcementLevel: "mandatory",
    },
});

describe("runStack", () => {
    it("previews with the policy pack and the request's config (secrets as secrets) and returns a typed result", async () => {
        const { run, stack, events } = setup();
        const fake = await stack();
        let during: any;
        fake.script = ({ emit, options }) => {
            during = YAML.parse(readFileSync(options.configFile, "utf8")).config;
            emit(
                event({
                    resourcePreEvent: {
                        metadata: { op: "create", urn: "urn:b", type: "aws:s3/bucket:Bucket" } as never,
                    },
                }),
            );
        };
        const result = await run(request());
        assert.equal(fake.calls[0].action, "preview");
        assert.deepEqual(fake.calls[0].options.policyPacks, [join(PROJECT_DIR, "policies")]);
        assert.deepEqual(during["container-insights:token"], { secure: fakeCiphertext("tok-SECRET") });
        assert.equal(during["container-insights:environment"], "PROD");
        // A preview leaves the stack's config as it was.
        assert.deepEqual(fake.config, {});
        assert.deepEqual(events, [
            { type: "resource-started", urn: "urn:b", resourceType: "aws:s3/bucket:Bucket", op: "create" },
        ]);
        assert.deepEqual(
            [result.stackName, result.environment, result.changes, result.policyViolations],
            ["prod-111122223333", "PROD", { create: 3 }, []],
        );
    });

    it("keeps the request's config only after a successful up: preview, refresh, destroy and a failed up leave the stack's as it was", async () => {
        const { run, stack } = setup();
        const fake = await stack();
        const original: FakeStack["config"] = {
            "container-insights:includeRegions": { value: "us-east-1", secret: false },
            "container-insights:roleName": { value: "Old", secret: false },
        };
        for (const action of ["preview", "refresh", "destroy"] as const) {
            fake.config = { ...original };
            await run(request({ action, config: { roleName: "R", includeRegions: ["eu-west-1"] } }));
            assert.deepEqual(fake.config, original, action);
        }
        fake.config = { ...original };
        fake.script = ({ action }) => {
            if (action === "up") {
                throw commandError("error: update failed");
            }
        };
        await assert.rejects(run(request({ action: "up", config: { roleName: "R", includeRegions: ["eu-west-1"] } })));
        assert.deepEqual(fake.config, original, "failed up: no secret or config of the request stays");
        fake.script = () => undefined;
        await run(request({ action: "up", config: { roleName: "R", includeRegions: ["eu-west-1"] } }));
        assert.deepEqual(fake.config["container-insights:includeRegions"], { value: '["eu-west-1"]', secret: false });
        assert.deepEqual(fake.config["container-insights:token"], { value: "tok-SECRET", secret: true });
    });

    it("runs the engine on a private copy of the stack's config file with the request's set on it, removed afterwards, whatever the outcome", async () => {
        const { run, stack } = setup();
        const fake = await stack();
        const original: FakeStack["config"] = {
            "container-insights:roleName": { value: "Old", secret: false },
            "container-insights:clusters": { value: '{"include":["prod-*"]}', secret: false },
        };
        const seen: {
            file: string;
            text: string;
            mode: number;
            dirMode: number;
            stackFile: string;
            stackConfig: FakeStack["config"];
        }[] = [];
        const failWith = (action: string) => {
            fake.script = ({ options }) => {
                seen.push({
                    file: options.configFile,
                    text: readFileSync(options.configFile, "utf8"),
                    mode: statSync(options.configFile).mode & 0o777,
                    dirMode: statSync(dirname(options.configFile)).mode & 0o777,
                    stackFile: readFileSync(fake.configFiles.stackFile, "utf8"),
                    stackConfig: { ...fake.config },
                });
                if (action === "fail") {
                    throw commandError("error: update failed");
                }
            };
        };
        const config = { roleName: "R", "clusters.exclude": ["dev-*"] };
        for (const outcome of ["fail", "cancel", "ok"] as const) {
            fake.config = { ...original };
            failWith(outcome);
            const controller = new AbortController();
            if (outcome === "cancel") {
                const script = fake.script;
                fake.script = (call) => {
                    script(call);
                    controller.abort();
                    throw commandError("error: update canceled");
                };
            }
            const result = run(request({ action: "up", config }), { signal: controller.signal });
            if (outcome === "ok") {
                await result;
            } else {
                await assert.rejects(result, outcome === "cancel" ? CancelledError : OperationFailedError);
                assert.deepEqual(fake.config, original, `${outcome}: the stack's config is untouched afterwards`);
            }
            const last = seen[seen.length - 1];
            assert.deepEqual(
                last.stackConfig,
                original,
                `${outcome}: the stack's config is untouched during the operation`,
            );
            assert.doesNotMatch(last.stackFile, /tok-SECRET|fake-ciphertext:dG9r/, outcome);
            const file = YAML.parse(last.text);
            assert.equal(file.encryptionsalt, "v1:fake-salt", "the stack's secrets provider state is copied");
            assert.equal(file.config["container-insights:roleName"], "R");
            assert.deepEqual(
                file.config["container-insights:clusters"],
                { include: ["prod-*"], exclude: '["dev-*"]' },
                "--path: a field of the object key (a string, as the CLI stores it)",
            );
            assert.deepEqual(
                file.config["container-insights:token"],
                { secure: fakeCiphertext("tok-SECRET") },
                "the secret is set as a secret",
            );
            assert.doesNotMatch(last.text, /tok-SECRET/);
            assert.deepEqual([last.mode, last.dirMode], [0o600, 0o700]);
            assert.notEqual(last.file, fake.configFiles.stackFile);
            assert.equal(existsSync(dirname(last.file)), false, `${outcome}: the temporary directory is gone`);
        }
        assert.equal(
            fake.config["container-insights:roleName"].value,
            "R",
            "a successful up keeps the request's config",
        );
        assert.deepEqual(fake.config["container-insights:token"], { value: "tok-SECRET", secret: true });
    });

    it("keeps secret outputs secret: printed, logged or serialized they show [secret]", async () => {
        const { run } = setup();
        const result = await run(request({ action: "up" }));
        const secret = result.outputs.iamUserSecretAccessKey;
        assert.equal(secret.secret, true);
        assert.equal(
            JSON.stringify(result.outputs),
            '{"bucketName":{"secret":false,"value":"nops-container-cost-111122223333"},"iamUserSecretAccessKey":{"secret":true,"value":"[secret]"}}',
        );
        assert.doesNotMatch(inspect(result, { depth: 5 }), /s3cr3t/);
        assert.equal(`${secret.value}`, "[secret]");
        assert.equal(secret.secret && secret.value.reveal(), "s3cr3t");
    });

    it("applies no pack on refresh and destroy, and the stack's pack config when there is one", async () => {
        const projectDir = mkdtempSync(join(tmpdir(), "project-"));
        const { run, stack } = setup({ projectDir });
        const fake = await stack("uat");
        await run(request({ action: "refresh", environment: "UAT", accountId: undefined }));
        assert.equal(fake.calls[0].options.policyPacks, undefined);
        mkdirSync(join(projectDir, "policies"));
        writeFileSync(join(projectDir, "policies", "config.uat.json"), "{}");
        await run(request({ action: "up", environment: "UAT", accountId: undefined }));
        assert.deepEqual(fake.calls[1].options.policyPackConfigs, [join(projectDir, "policies", "config.uat.json")]);
    });

    it("fails with PolicyViolationError, listing the violations, when a mandatory policy blocks the update", async () => {
        const { run, stack } = setup();
        (await stack()).script = ({ emit }) => {
            emit(BLOCKING);
            throw commandError("error: preview failed: 1 mandatory policy violation");
        };
        await assert.rejects(run(request({ action: "up" })), (e: unknown) => {
            assert.ok(e instanceof PolicyViolationError);
            assert.equal(e.code, "POLICY_VIOLATION");
            assert.equal(e.violations[0].policy, "s3-bucket-encrypted");
            assert.match(e.message, /s3-bucket-encrypted on urn:x: bucket data has no server-side encryption/);
            assert.match(
                String((e.cause as Error).message),
                /1 mandatory policy violation/,
                "the engine's error is the cause",
            );
            return true;
        });
    });

    it("retries while another process holds the stack's lock, then gives up with StackLockedError", async () => {
        const { run, stack } = setup();
        const fake = await stack();
        let failures = 2;
        fake.script = () => {
            if (failures-- > 0) {
                throw lockedError();
            }
        };
        await run(request());
        assert.equal(fake.calls.length, 3);
        fake.script = () => {
            throw lockedError();
        };
        await assert.rejects(
            run(request()),
            (e: unknown) =>
                e instanceof StackLockedError &&
                e.code === "STACK_LOCKED" &&
                /pulumi cancel --stack prod-111122223333/.test(e.message) &&
                e.cause instanceof Error &&
                e.cause.name === lockedError().name,
        );
        assert.equal(fake.calls.length, 6);
    });

    it("stops waiting for another process's lock when cancelled", async () => {
        const controller = new AbortController();
        const { run, stack } = setup({
            lockRetry: { attempts: 5, baseDelayMs: 1, sleep: async () => controller.abort() },
        });
        const fake = await stack();
        fake.script = () => {
            throw lockedError();
        };
        await assert.rejects(run(request(), { signal: controller.signal }), CancelledError);
        assert.equal(fake.calls.length, 1);
    });

    it("reports other failures with the engine's error diagnostics", async () => {
        const { run, stack } = setup();
        (await stack()).script = ({ emit }) => {
            emit(
                event({
                    diagnosticEvent: {
                        message: "creating IAM Role: AccessDenied\n",
                        color: "never",
                        severity: "error",
                    },
                }),
            );
            throw commandError("exit status 255");
        };
        await assert.rejects(
            run(request({ action: "up" })),
            (e: unknown) =>
                e instanceof OperationFailedError &&
                /up failed:\ncreating IAM Role: AccessDenied/.test(e.message) &&
                /exit status 255/.test(String((e.cause as Error)?.message)),
        );
    });

    it("cancels through the AbortSignal, before or during the operation", async () => {
        const { run, stack } = setup();
        const fake = await stack();
        const controller = new AbortController();
        fake.script = ({ options }) => {
            controller.abort();
            assert.equal(options.signal, controller.signal, "the signal reaches the engine");
            throw commandError("update canceled");
        };
        await assert.rejects(run(request(), { signal: controller.signal }), CancelledError);
        await assert.rejects(run(request(), { signal: AbortSignal.abort() }), CancelledError);
        assert.equal(fake.calls.length, 1);
    });

    it("rejects a missing token or bad config before the engine runs", async () => {
        const { run, stack } = setup();
        const fake = await stack();
        await assert.rejects(run(request({ secrets: {} })), MissingTokenError);
        await assert.rejects(
            run(request({ config: { roleName: "R", logRetentionDays: 4 } })),
            (e: unknown) =>
                e instanceof InvalidRequestError &&
                /logRetentionDays: 4 is not allowed/.test(e.message) &&
                e.cause instanceof ConfigError,
        );
        assert.equal(fake.calls.length, 0);
    });

    it("validates the whole request, every problem together, before it looks for the Pulumi CLI", async () => {
        const noCli = { pulumiHome: mkdtempSync(join(tmpdir(), "no-cli-")), queue: new StackQueue() };
        await assert.rejects(
            runStack(
                request({
                    environment: "DEV",
                    accountId: "12",
                    awsRegion: "mars-1",
                    config: { rolename: "R", logRetentionDays: 4 },
                    secrets: { token: "tok-SECRET", apiKey: "x" } as RunRequest["secrets"],
                }),
                noCli,
            ),
            (e: unknown) => {
                assert.ok(e instanceof InvalidRequestError, String(e));
                assert.deepEqual(
                    e.problems.map((problem) => problem.split(/[: ]/)[0]),
                    [
                        "environment",
                        "accountId",
                        "config.rolename",
                        "secrets.apiKey",
                        "container-insights",
                        "awsRegion",
                    ],
                );
                assert.match(e.message, /config\.rolename is not a known key \(did you mean roleName\?\)/);
                assert.doesNotMatch(e.message, /tok-SECRET/);
                return true;
            },
        );
        // The values the request sets are checked as the program checks them, still before the CLI is looked for.
        await assert.rejects(
            runStack(request({ config: { roleName: "R", logRetentionDays: 4, "agent.install": "maybe" } }), noCli),
            (e: unknown) =>
                e instanceof InvalidRequestError &&
                e.problems.length === 2 &&
                /logRetentionDays: 4 is not allowed/.test(e.message) &&
                /agent\.install/.test(e.message) &&
                e.cause instanceof ConfigError,
        );
        // A wrong environment alone keeps its own error.
        await assert.rejects(runStack(request({ environment: "DEV" }), noCli), InvalidEnvironmentError);
        await assert.rejects(runStack(request(), noCli), PulumiCliMissingError);
    });

    it("queues operations on one stack and runs different stacks at once", async () => {
        const workspace = fakeWorkspace();
        const queue = new StackQueue();
        let running = 0;
        let most = 0;
        const slow = async () => {
            running++;
            most = Math.max(most, running);
            await new Promise((resolve) => setTimeout(resolve, 20));
            running--;
        };
        const options = { openStack: workspace.open, queue };
        for (const name of ["prod-111122223333", "uat-111122223333"]) {
            await workspace.open(name);
            workspace.stacks.get(name)!.script = slow;
        }
        await Promise.all([runStack(request(), options), runStack(request(), options)]);
        assert.equal(most, 1, "two operations on one stack overlapped");
        await Promise.all([runStack(request(), options), runStack(request({ environment: "UAT" }), options)]);
        assert.equal(most, 2, "two stacks did not run at once");
    });

    it("keeps going when the progress callback throws", async () => {
        const { run, stack } = setup({
            onEvent: () => {
                throw new Error("callback bug");
            },
        });
        (await stack()).script = ({ emit }) => emit(BLOCKING);
        const result = await run(request());
        assert.equal(result.policyViolations.length, 1);
    });
});

describe("finding the Pulumi CLI", () => {
    it("fails with PulumiCliMissingError, saying how to install it, when pulumi is not on PATH", () => {
        assert.throws(
            () => findPulumiCli(undefined, "/nonexistent:/also-missing"),
            (e: unknown) =>
                e instanceof PulumiCliMissingError &&
                e.code === "PULUMI_CLI_MISSING" &&
                /https:\/\/www\.pulumi\.com\/docs\/install/.test(e.message),
        );
    });

    it("finds an executable pulumi on PATH or under a given home", () => {
        const home = mkdtempSync(join(tmpdir(), "pulumi-home-"));
        mkdirSync(join(home, "bin"));
        writeFileSync(join(home, "bin", "pulumi"), "#!/bin/sh\n");
        chmodSync(join(home, "bin", "pulumi"), 0o755);
        assert.equal(findPulumiCli(undefined, `/nonexistent:${join(home, "bin")}`), join(home, "bin", "pulumi"));
        assert.equal(findPulumiCli(home, ""), join(home, "bin", "pulumi"));
    });

    it("is what runStack reports when no CLI is installed", async function () {
        await assert.rejects(
            runStack(request(), { pulumiHome: mkdtempSync(join(tmpdir(), "empty-")), queue: new StackQueue() }),
            PulumiCliMissingError,
        );
    });
});
