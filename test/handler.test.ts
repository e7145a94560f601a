import { strict as assert } from "node:assert";
import { createServer, IncomingMessage, Server } from "node:http";
import { AddressInfo } from "node:net";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { CONFIRMATION_PATH } from "../lambda/reconciler/confirm";
import { sdkClients } from "../lambda/reconciler/gateway";
import {
    HandlerDeps,
    LambdaContext,
    RESERVE_MS,
    RunSummary,
    lambdaHandlers,
    lifecycleAction,
    run,
} from "../lambda/reconciler/handler";
import { nothingHandled } from "../lambda/reconciler/outcome";
import { ReconcileResult } from "../lambda/reconciler/types";
import { RECONCILER_STATE_KEYS } from "../common/naming";
import { invocationInput } from "../components/reconciler/roleReconciler";
import { reconcilerPermissions } from "../components/iam/reconcilerRole";
import { awsError } from "./fakes/awsAccount";
import { STATE_BUCKET, fakeWorld, instantClock, settingsFor } from "./reconciler.helpers";

const TOKEN = "tok-VERY-SECRET-789";
const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:111122223333:secret:platform-token-abc";
const BUCKET = "nops-container-cost-111122223333";

/**
 * The payload terraform-provider-aws sends for a CRUD-scoped Invocation (internal/service/lambda/invocation.go,
 * buildInput): the input with `tf: {action, prev_input}` added; prev_input is the previous input, null on create.
 */
function payload(input: string, action: "create" | "update" | "delete", previous?: string) {
    return { ...JSON.parse(input), tf: { action, prev_input: previous === undefined ? null : JSON.parse(previous) } };
}

interface Received {
    headers: IncomingMessage["headers"];
    body: any;
    path: string;
}

/** A platform API on 127.0.0.1 whose behaviour each test sets. */
async function platform(behaviour: (attempt: number) => { status: number; delayMs?: number }) {
    const received: Received[] = [];
    const server: Server = createServer((req, res) => {
        let text = "";
        req.on("data", (chunk) => (text += chunk));
        req.on("end", () => {
            received.push({ headers: req.headers, body: JSON.parse(text), path: req.url! });
            const { status, delayMs } = behaviour(received.length);
            setTimeout(() => res.writeHead(status).end("{}"), delayMs ?? 0);
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
        url,
        received,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

/** Captures everything written to stdout and stderr while `body` runs (Powertools logs and EMF go there). */
async function capture<T>(body: () => Promise<T>): Promise<{ value: T; output: string }> {
    let output = "";
    const out = process.stdout.write.bind(process.stdout);
    const err = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((chunk: any) => ((output += chunk), true)) as any;
    process.stderr.write = ((chunk: any) => ((output += chunk), true)) as any;
    try {
        return { value: await body(), output };
    } finally {
        process.stdout.write = out;
        process.stderr.write = err;
    }
}

function lambdaContext(requestId: string, remainingMs = 900_000): LambdaContext & Record<string, unknown> {
    return {
        awsRequestId: requestId,
        functionName: "nops-ccost-prod-role-creation",
        functionVersion: "$LATEST",
        invokedFunctionArn: "arn:aws:lambda:us-east-1:111122223333:function:nops-ccost-prod-role-creation",
        memoryLimitInMB: "512",
        getRemainingTimeInMillis: () => remainingMs,
    };
}

/** Output lines as JSON: Powertools log entries have a `level`, EMF blobs an `_aws` key. */
function entries(output: string): Array<Record<string, any>> {
    return output
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line));
}
const logLines = (output: string) => entries(output).filter((e) => e.level);
const metricBlobs = (output: string) => entries(output).filter((e) => e._aws);
const summaryOf = (output: string) => {
    const summaries = logLines(output).filter((e) => e.message === "reconcile finished");
    assert.equal(summaries.length, 1, "one summary entry per run");
    return summaries[0];
};

describe("reconciler handler", () => {
    let world: ReturnType<typeof fakeWorld>;
    let clock: ReturnType<typeof instantClock>;
    let server: Awaited<ReturnType<typeof platform>> | undefined;
    const initType = process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
    beforeEach(() => {
        // What Lambda sets for on-demand environments; Powertools tracks cold starts only then.
        process.env.AWS_LAMBDA_INITIALIZATION_TYPE = "on-demand";
        clock = instantClock();
        world = fakeWorld({ clock });
        world.account.secrets.set(SECRET_ARN, TOKEN);
        world.account.addBucket(BUCKET);
    });
    afterEach(async () => {
        if (initType === undefined) {
            delete process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
        } else {
            process.env.AWS_LAMBDA_INITIALIZATION_TYPE = initType;
        }
        world.restore();
        await server?.close();
        server = undefined;
    });

    function deps(
        apiUrl: string,
        confirmation = { timeoutMs: 2_000, attempts: 3 },
        waitMs = { deploy: 300_000, schedule: 30_000 },
    ): HandlerDeps {
        return {
            lease: { ttlMs: 960_000, pollMs: 5_000, waitMs },
            env: {
                ...settingsFor(["us-east-1", "eu-west-1"]),
                homeRegion: "us-east-1",
                stateBucketName: STATE_BUCKET,
                apiUrl,
                tokenSecretArn: SECRET_ARN,
                version: "0.1.0",
            },
            clients: sdkClients("us-east-1"),
            clock: world.clock,
            logger: new Logger({ serviceName: "test" }),
            metrics: new Metrics({ namespace: "ContainerInsights", serviceName: "test" }),
            confirmation,
        };
    }

    it("reads the CRUD action that aws.lambda.Invocation adds", () => {
        assert.equal(lifecycleAction({ tf: { action: "delete", prev_input: {} } }), "delete");
        assert.equal(lifecycleAction({ tf: { action: "create" } }), "create");
        assert.equal(lifecycleAction({ source: "aws.events" }), undefined);
    });

    it("confirms the onboarded clusters to the platform, with the token in the header only", async () => {
        server = await platform(() => ({ status: 200 }));
        const alpha = world.account.addCluster("us-east-1", "alpha");
        const beta = world.account.addCluster("eu-west-1", "beta");
        const { value, output } = await capture(() => run("deploy", { tf: { action: "create" } }, deps(server!.url)));
        assert.deepEqual(value.confirmation, { sent: true, status: 200, attempts: 1 });
        assert.equal(server.received.length, 1);
        const request = server.received[0];
        assert.equal(request.path, CONFIRMATION_PATH);
        assert.equal(request.headers["x-nops-api-key"], TOKEN);
        assert.deepEqual(request.body.cluster_arns.sort(), [alpha, beta].sort());
        assert.equal(request.body.stack_name, "prod");
        assert.equal(request.body.stack_id, "container-insights/prod");
        assert.equal(request.body.region_name, "us-east-1");
        assert.equal(request.body.account_id, "111122223333");
        assert.equal(request.body.version, "0.1.0");
        assert.ok(!output.includes(TOKEN), "the token must never be logged");
        assert.equal(
            world.account.calls.filter((c) => c.operation === "GetCallerIdentity").length,
            1,
            "STS is asked once per run",
        );
        const summaryLine = output.split("\n").find((line) => line.includes("reconcile finished"))!;
        assert.equal(JSON.parse(summaryLine).counts.created, 2);
        assert.ok(output.includes('"IamWrites"'), "EMF metrics are printed");
    });

    it("sends no confirmation when there are no clusters", async () => {
        server = await platform(() => ({ status: 200 }));
        const { value } = await capture(() => run("schedule", {}, deps(server!.url)));
        assert.equal(server.received.length, 0);
        assert.equal(value.confirmation, undefined);
    });

    it("retries a platform outage, then logs it without failing the reconcile", async () => {
        server = await platform(() => ({ status: 503 }));
        world.account.addCluster("us-east-1", "alpha");
        const { value, output } = await capture(() => run("schedule", {}, deps(server!.url)));
        assert.equal(value.counts.created, 1);
        assert.deepEqual(value.confirmation, { sent: false, error: "HTTP 503", attempts: 3 });
        assert.equal(server.received.length, 3);
        assert.ok(output.includes("onboarding confirmation not delivered"));
        assert.ok(!output.includes(TOKEN));
    });

    it("gives up on a slow platform after the timeout", async () => {
        server = await platform(() => ({ status: 200, delayMs: 1_000 }));
        world.account.addCluster("us-east-1", "alpha");
        const { value } = await capture(() => run("schedule", {}, deps(server!.url, { timeoutMs: 100, attempts: 2 })));
        assert.equal(value.counts.created, 1);
        assert.deepEqual(value.confirmation, { sent: false, error: "no answer within 100 ms", attempts: 2 });
    });

    it("still reconciles when the platform cannot be reached at all", async () => {
        world.account.addCluster("us-east-1", "alpha");
        const { value } = await capture(() =>
            run("schedule", {}, deps("http://127.0.0.1:9", { timeoutMs: 500, attempts: 2 })),
        );
        assert.equal(value.counts.created, 1);
        assert.equal(value.confirmation!.sent, false);
    });

    it("tears down on the delete lifecycle event and sends no confirmation", async () => {
        server = await platform(() => ({ status: 200 }));
        world.account.addCluster("us-east-1", "alpha");
        await capture(() => run("deploy", { tf: { action: "create" } }, deps(server!.url)));
        const { value } = await capture(() => run("deploy", { tf: { action: "delete" } }, deps(server!.url)));
        assert.equal(value.action, "delete");
        assert.equal(value.counts.deleted, 1);
        assert.equal(world.account.roles.size, 0);
        assert.equal(server.received.length, 1);
    });
    it("puts cold start, request id and function in every log line of the real entry points", async () => {
        server = await platform(() => ({ status: 200 }));
        world.account.addCluster("us-east-1", "alpha");
        const testDeps = deps(server.url);
        const handlers = lambdaHandlers(() => testDeps);
        const first = await capture(() =>
            handlers.creationHandler({ tf: { action: "create" } }, lambdaContext("req-1")),
        );
        const second = await capture(() =>
            handlers.managementHandler({ source: "aws.events" }, lambdaContext("req-2")),
        );
        for (const [output, requestId, coldStart] of [
            [first.output, "req-1", true],
            [second.output, "req-2", false],
        ] as const) {
            const lines = logLines(output);
            assert.ok(lines.length >= 3, output);
            for (const line of lines) {
                assert.equal(line.function_request_id, requestId, JSON.stringify(line));
                assert.equal(line.cold_start, coldStart, JSON.stringify(line));
                assert.equal(line.function_name, "nops-ccost-prod-role-creation");
            }
        }
        assert.ok(
            metricBlobs(first.output).some((blob) => blob.ColdStart === 1),
            "cold start metric on the first invocation",
        );
        assert.ok(!metricBlobs(second.output).some((blob) => "ColdStart" in blob));
    });

    it("logs one summary entry with every count, and publishes every count as a metric", async () => {
        server = await platform(() => ({ status: 200 }));
        world.account.addCluster("us-east-1", "alpha");
        world.account.addCluster("eu-west-1", "beta", { provider: false });
        const { output } = await capture(() => run("schedule", {}, deps(server!.url), lambdaContext("req-3")));
        const summary = summaryOf(output);
        assert.equal(summary.level, "INFO");
        assert.equal(summary.outcome, "succeeded");
        assert.deepEqual(summary.counts, {
            created: 1,
            updated: 0,
            unchanged: 0,
            deleted: 0,
            skipped: 1,
            failed: 0,
            deferred: 0,
        });
        assert.deepEqual(Object.keys(summary.regions).sort(), ["eu-west-1", "us-east-1"]);
        for (const key of ["calls", "writes", "throttled", "durationMs", "writeRate"]) {
            assert.equal(typeof summary[key], "number", key);
        }
        assert.equal(summary.confirmation.sent, true);
        const [blob] = metricBlobs(output);
        for (const name of [
            "ClustersSeen",
            "RolesCreated",
            "RolesSkipped",
            "RolesFailed",
            "RolesDeferred",
            "IamWrites",
            "AwsCalls",
            "Throttled",
            "RunFailed",
        ]) {
            assert.ok(name in blob, name);
        }
        assert.equal(blob.RolesCreated, 1);
        assert.equal(blob.RunFailed, 0);
    });

    it("fails the deploy loudly when no region can be read, and still publishes its counts", async () => {
        world.account.addCluster("us-east-1", "alpha");
        world.account.faults.push((operation) =>
            operation === "ListClusters"
                ? awsError("AccessDenied", "not authorized to perform eks:ListClusters", 403)
                : undefined,
        );
        const handlers = lambdaHandlers(() => deps("http://127.0.0.1:9"));
        const { output, value: error } = await capture(() =>
            handlers.creationHandler({ tf: { action: "create" } }, lambdaContext("req-4")).then(
                () => undefined,
                (e) => e,
            ),
        );
        assert.equal(error?.name, "ReconcileFailed");
        assert.match(
            error.message,
            /no region could be read: us-east-1: AccessDenied: not authorized .*; eu-west-1: AccessDenied/,
        );
        const summary = summaryOf(output);
        assert.equal(summary.level, "ERROR");
        assert.equal(summary.outcome, "failed");
        assert.match(summary.error, /^ReconcileFailed: no region could be read/);
        assert.equal(summary.function_request_id, "req-4");
        const [blob] = metricBlobs(output).filter((b) => "RunFailed" in b);
        assert.equal(blob.RunFailed, 1);
        assert.ok(blob.AwsCalls > 0);

        const scheduled = await capture(() => handlers.managementHandler({}, lambdaContext("req-5")));
        assert.match((scheduled.value as RunSummary).regions["us-east-1"].error!, /AccessDenied/);
        assert.equal(summaryOf(scheduled.output).outcome, "succeeded", "the schedule reports, it does not throw");
    });

    it("fails the deploy when every step failed, but not the scheduled run", async () => {
        world.account.addCluster("us-east-1", "alpha");
        world.account.addCluster("eu-west-1", "beta");
        world.account.faults.push((operation) =>
            operation === "CreateRole"
                ? awsError("AccessDenied", "not authorized to perform iam:CreateRole", 403)
                : undefined,
        );
        const error = await capture(() =>
            run("deploy", { tf: { action: "create" } }, deps("http://127.0.0.1:9"), lambdaContext("req-6")).then(
                () => undefined,
                (e) => e,
            ),
        );
        assert.equal(error.value?.name, "ReconcileFailed");
        assert.match(
            error.value.message,
            /not one of 2 roles or associations could be handled: nops-ccost-\w+_[\w-]+ failed: AccessDenied/,
        );
        const scheduled = await capture(() => run("schedule", {}, deps("http://127.0.0.1:9"), lambdaContext("req-7")));
        assert.equal(scheduled.value.counts.failed, 2);
        assert.equal(summaryOf(scheduled.output).counts.failed, 2);
    });

    it("does not fail the deploy for one cluster's trouble", async () => {
        server = await platform(() => ({ status: 200 }));
        world.account.addCluster("us-east-1", "alpha");
        world.account.addCluster("us-east-1", "broken");
        world.account.faults.push((operation, input) =>
            operation === "CreateRole" && input.RoleName.includes("broken")
                ? awsError("AccessDenied", "denied", 403)
                : undefined,
        );
        const { value, output } = await capture(() =>
            run("deploy", { tf: { action: "create" } }, deps(server!.url), lambdaContext("req-8")),
        );
        assert.equal(value.counts.created, 1);
        assert.equal(value.results.find((r) => r.cluster === "broken")!.outcome, "failed");
        assert.equal(summaryOf(output).counts.failed, 1);
    });

    it("stops starting work before the Lambda's time runs out: the rest is deferred", async () => {
        world.account.addCluster("us-east-1", "alpha");
        world.account.faults.push((operation) =>
            operation === "CreateRole" ? awsError("Throttling", "Rate exceeded") : undefined,
        );
        const started = world.clock.now();
        const { value } = await capture(() =>
            run("schedule", {}, deps("http://127.0.0.1:9"), lambdaContext("req-9", RESERVE_MS + 60_000)),
        );
        assert.equal(value.counts.deferred, 1);
        assert.equal(value.counts.failed, 0);
        assert.ok(world.clock.now() - started <= 60_000, `stopped at the deadline: ${world.clock.now() - started} ms`);
        const error = await capture(() =>
            run(
                "deploy",
                { tf: { action: "update" } },
                deps("http://127.0.0.1:9"),
                lambdaContext("req-10", RESERVE_MS + 60_000),
            ).then(
                () => undefined,
                (e) => e,
            ),
        );
        assert.match(
            error.value?.message,
            /not one of 1 roles or associations could be handled: nops-ccost-alpha_us-east-1 deferred: DeadlineReached/,
        );
    });

    it("judges a run by whether anything could be handled", () => {
        const result = (
            outcomes: string[],
            regions: ReconcileResult["regions"] = { "us-east-1": { clusters: outcomes.length } },
        ): ReconcileResult => {
            const counts = {
                created: 0,
                updated: 0,
                unchanged: 0,
                deleted: 0,
                skipped: 0,
                failed: 0,
                deferred: 0,
            } as ReconcileResult["counts"];
            outcomes.forEach((o) => counts[o as keyof typeof counts]++);
            return {
                action: "reconcile",
                regions,
                counts,
                calls: 0,
                writes: 0,
                throttled: 0,
                results: outcomes.map((outcome, i) => ({ roleName: `r${i}`, outcome, reason: "x" }) as any),
            };
        };
        assert.equal(nothingHandled(result([])), undefined, "an empty fleet is fine");
        assert.equal(nothingHandled(result(["skipped", "skipped"])), undefined, "skips are decisions, not trouble");
        assert.equal(nothingHandled(result(["unchanged", "failed", "deferred"])), undefined, "partial trouble");
        assert.match(nothingHandled(result(["failed", "deferred", "skipped"]))!, /not one of 2 roles/);
        assert.match(nothingHandled(result(["failed", "failed", "failed", "failed", "failed"]))!, /; and 2 more$/);
        assert.match(
            nothingHandled(result([], { a: { clusters: 0, error: "e1" }, b: { clusters: 0, error: "e2" } }))!,
            /no region could be read: a: e1; b: e2/,
        );
        assert.equal(
            nothingHandled(result(["created"], { a: { clusters: 1 }, b: { clusters: 0, error: "e2" } })),
            undefined,
            "one region unread",
        );
        assert.equal(
            nothingHandled({ ...result(["deleted"]), regions: {}, action: "delete" }),
            undefined,
            "teardown has no regions",
        );
    });

    describe("deploy-time Invocation lifecycle, replayed as the provider drives it", () => {
        const input = (bundle: string, regions: string) =>
            invocationInput({
                stackName: "prod",
                bundleSha256: bundle,
                variables: { CI_REGIONS: regions, CI_STACK_NAME: "prod" },
            });
        const deploy = (event: unknown) =>
            capture(() => run("deploy", event, deps("http://127.0.0.1:9", { timeoutMs: 50, attempts: 1 })));
        const roleNames = () => [...world.account.roles.values()].map((r) => r.RoleName).sort();

        beforeEach(() => {
            world.account.addCluster("us-east-1", "alpha");
            world.account.addCluster("eu-west-1", "beta");
        });

        it("keeps every role through code and settings changes (updates in place) and a replacement", async () => {
            const first = input("sha-1", "us-east-1,eu-west-1");
            await deploy(payload(first, "create"));
            const roles = roleNames();
            assert.equal(roles.length, 2);

            // A new bundle, then new settings: `input` changed, so the provider updates in place.
            const code = input("sha-2", "us-east-1,eu-west-1");
            assert.notEqual(code, first);
            const afterCode = (await deploy(payload(code, "update", first))).value;
            assert.equal(afterCode.action, "reconcile");
            assert.deepEqual(roleNames(), roles);
            const settings = input("sha-2", "eu-west-1,us-east-1");
            await deploy(payload(settings, "update", code));
            assert.deepEqual(roleNames(), roles);

            // A replacement (any ForceNew change, a rename without alias, --replace): create the new Invocation,
            // then delete the old one, here with an identical input.
            await deploy(payload(settings, "create"));
            const replaced = (await deploy(payload(settings, "delete"))).value;
            assert.equal(replaced.counts.deleted, 0);
            assert.match(replaced.skipped!, /replaced/);
            assert.deepEqual(roleNames(), roles);

            // The stack's destroy deletes the last Invocation: only now do the roles go.
            const destroyed = (await deploy(payload(settings, "delete"))).value;
            assert.equal(destroyed.action, "delete");
            assert.equal(destroyed.counts.deleted, 2);
            assert.deepEqual(roleNames(), []);
        });

        it("keeps the roles when a replacement's old Invocation was never recorded (created by an earlier version)", async () => {
            const old = JSON.stringify({ source: "pulumi", stack: "prod" });
            await deploy(payload(input("sha-1", "us-east-1,eu-west-1"), "create"));
            const { value } = await deploy(payload(old, "delete"));
            assert.equal(value.counts.deleted, 0);
            assert.equal(roleNames().length, 2);
        });

        it("never tears down from the schedule", async () => {
            const only = input("sha-1", "us-east-1");
            await deploy(payload(only, "create"));
            const { value } = await capture(() =>
                run("schedule", payload(only, "delete"), deps("http://127.0.0.1:9", { timeoutMs: 50, attempts: 1 })),
            );
            assert.equal(value.action, "reconcile");
            assert.equal(value.counts.deleted, 0);
            assert.equal(roleNames().length, 2);
        });
    });

    describe("IAM eventual consistency", () => {
        const deniedFor = (calls: number) => {
            let seen = 0;
            world.account.faults.push((operation) =>
                operation !== "GetCallerIdentity" && ++seen <= calls
                    ? awsError("AccessDenied", `not yet allowed: ${operation}`, 403)
                    : undefined,
            );
        };

        it("retries AccessDenied while the new role policy propagates, on the deploy-time run", async () => {
            world.account.addCluster("us-east-1", "alpha");
            deniedFor(6);
            const { value } = await capture(() =>
                run(
                    "deploy",
                    payload(JSON.stringify({ a: 1 }), "create"),
                    deps("http://127.0.0.1:9", { timeoutMs: 50, attempts: 1 }),
                ),
            );
            assert.equal(value.counts.created, 1);
            assert.equal(value.counts.failed, 0);
            assert.ok(clock.slept > 0 && clock.slept < 60_000, `slept ${clock.slept} ms`);
        });

        it("gives up after the bounded window when access stays denied", async () => {
            world.account.addCluster("us-east-1", "alpha");
            world.account.faults.push((operation, input) =>
                operation === "ListClusters" && input
                    ? awsError("AccessDeniedException", "denied by SCP", 403)
                    : undefined,
            );
            // No region readable: the deploy fails (outcome.ts), with the real reason, once the window is over.
            await assert.rejects(
                capture(() =>
                    run(
                        "deploy",
                        payload(JSON.stringify({ a: 1 }), "create"),
                        deps("http://127.0.0.1:9", { timeoutMs: 50, attempts: 1 }),
                    ),
                ),
                /no region could be read: us-east-1: AccessDeniedException: denied by SCP/,
            );
            assert.ok(clock.slept >= 60_000 && clock.slept < 70_000, `slept ${clock.slept} ms`);
        });

        it("does not retry AccessDenied on scheduled runs", async () => {
            deniedFor(1);
            await assert.rejects(
                capture(() => run("schedule", {}, deps("http://127.0.0.1:9"))),
                /not yet allowed: PutObject/,
            );
            assert.equal(clock.slept, 0);
        });
    });

    describe("run lease (no reserved concurrency)", () => {
        const putLease = (expiresAt: number) =>
            world.account.handle("PutObject", {
                Bucket: STATE_BUCKET,
                Key: RECONCILER_STATE_KEYS.lease,
                Body: JSON.stringify({ holder: "other", acquiredAt: 0, expiresAt }),
            });

        it("takes and releases the lease around every run", async () => {
            world.account.addCluster("us-east-1", "alpha");
            await capture(() => run("schedule", {}, deps("http://127.0.0.1:9", { timeoutMs: 50, attempts: 1 })));
            const puts = world.account.calls.filter(
                (c) => c.operation === "PutObject" && c.input.Key === RECONCILER_STATE_KEYS.lease,
            );
            assert.equal(puts.length, 1);
            assert.equal(puts[0].input.IfNoneMatch, "*");
            assert.equal(world.account.object(STATE_BUCKET, RECONCILER_STATE_KEYS.lease), undefined, "released");
        });

        it("a scheduled run that meets a held lease waits briefly, then exits cleanly without writing", async () => {
            world.account.addCluster("us-east-1", "alpha");
            await putLease(world.clock.now() + 600_000);
            const { value } = await capture(() => run("schedule", {}, deps("http://127.0.0.1:9")));
            assert.equal(value.skipped, "another run holds the lease");
            assert.equal(world.account.writeCount(), 0);
            assert.equal(clock.slept, 30_000);
        });

        it("a deploy-time run that meets a held lease records its input, so a later destroy still tears down", async () => {
            world.account.addCluster("us-east-1", "alpha");
            const event = payload(JSON.stringify({ a: 1 }), "create");
            await capture(() => run("deploy", event, deps("http://127.0.0.1:9", { timeoutMs: 50, attempts: 1 })));
            await putLease(world.clock.now() + 600_000);
            const updated = payload(JSON.stringify({ a: 2 }), "update", JSON.stringify({ a: 1 }));
            const { value } = await capture(() =>
                run("deploy", updated, deps("http://127.0.0.1:9", undefined, { deploy: 10_000, schedule: 0 })),
            );
            assert.equal(value.skipped, "another run holds the lease");
            await world.account.handle("DeleteObject", { Bucket: STATE_BUCKET, Key: RECONCILER_STATE_KEYS.lease });
            const destroyed = (
                await capture(() =>
                    run("deploy", payload(JSON.stringify({ a: 2 }), "delete"), deps("http://127.0.0.1:9")),
                )
            ).value;
            assert.equal(destroyed.counts.deleted, 1);
        });

        it("takes over a lease whose holder died (expired), with If-Match on its ETag", async () => {
            world.account.addCluster("us-east-1", "alpha");
            await putLease(world.clock.now() - 1);
            const { value } = await capture(() =>
                run("schedule", {}, deps("http://127.0.0.1:9", { timeoutMs: 50, attempts: 1 })),
            );
            assert.equal(value.counts.created, 1);
            const takeover = world.account.calls.find((c) => c.operation === "PutObject" && c.input.IfMatch);
            assert.ok(takeover, "conditional takeover");
        });

        it("asks again on 409 ConditionalRequestConflict", async () => {
            let conflicts = 1;
            world.account.faults.push((operation) =>
                operation === "PutObject" && conflicts-- > 0
                    ? awsError("ConditionalRequestConflict", "conflict", 409)
                    : undefined,
            );
            const { value } = await capture(() => run("schedule", {}, deps("http://127.0.0.1:9")));
            assert.equal(value.skipped, undefined);
        });

        it("overlapping runs never both write: one reconciles, the other waits or gives way", async () => {
            for (const name of ["a", "b", "c"]) {
                world.account.addCluster("us-east-1", name);
            }
            const quick = deps("http://127.0.0.1:9", { timeoutMs: 50, attempts: 1 });
            const results = (
                await capture(() =>
                    Promise.all([
                        run("schedule", {}, quick),
                        run("deploy", payload(JSON.stringify({ a: 1 }), "create"), quick),
                    ]),
                )
            ).value;
            assert.equal(
                world.account.calls.filter((c) => c.operation === "CreateRole").length,
                3,
                "each role created once",
            );
            assert.equal(
                results.reduce((n, r) => n + r.counts.created, 0),
                3,
            );
        });

        it("works under the reconciler's own IAM policy, which allows its two objects and nothing else in either bucket", async () => {
            const scope = {
                accountId: "111122223333",
                partition: "aws",
                region: "us-east-1",
                stackName: "prod",
                stackId: "container-insights/prod",
                bucketName: BUCKET,
                stateBucketName: STATE_BUCKET,
            };
            world.account.identity = reconcilerPermissions(scope, SECRET_ARN);
            world.account.addCluster("us-east-1", "alpha");
            const quick = deps("http://127.0.0.1:9", { timeoutMs: 50, attempts: 1 });
            const created = (await capture(() => run("deploy", payload(JSON.stringify({ a: 1 }), "create"), quick)))
                .value;
            assert.equal(created.counts.created, 1, JSON.stringify(created.results));
            await capture(() => run("schedule", {}, quick));
            const destroyed = (await capture(() => run("deploy", payload(JSON.stringify({ a: 1 }), "delete"), quick)))
                .value;
            assert.equal(destroyed.counts.deleted, 1);
            await assert.rejects(
                world.account.handle("PutObject", { Bucket: BUCKET, Key: "cluster=alpha/part-0.parquet", Body: "x" }),
                /AccessDenied/,
            );
            await assert.rejects(
                world.account.handle("GetObject", { Bucket: BUCKET, Key: "cluster=alpha/part-0.parquet" }),
                /AccessDenied/,
            );
            await assert.rejects(
                world.account.handle("PutObject", { Bucket: STATE_BUCKET, Key: "cloudtrail/x.json.gz", Body: "x" }),
                /AccessDenied/,
            );
        });

        it("releases the lease and records its input even when the run's deadline cut the work short", async () => {
            world.account.addCluster("us-east-1", "alpha");
            world.account.addCluster("us-east-1", "slow");
            // A slow, throttled answer that comes back after the deadline.
            world.account.faults.push((operation, input) => {
                if (operation === "CreateRole" && input.RoleName.includes("slow")) {
                    if (world.account.role("nops-ccost-alpha_us-east-1")?.inline.size) {
                        void clock.sleep(25_000);
                    }
                    return awsError("Throttling", "Rate exceeded");
                }
                return undefined;
            });
            const event = payload(JSON.stringify({ a: 1 }), "create");
            const { value } = await capture(() =>
                run(
                    "deploy",
                    event,
                    deps("http://127.0.0.1:9", { timeoutMs: 50, attempts: 1 }),
                    lambdaContext("req-9", RESERVE_MS + 20_000),
                ),
            );
            assert.equal(value.counts.created, 1);
            assert.equal(value.counts.deferred, 1);
            assert.equal(
                world.account.object(STATE_BUCKET, RECONCILER_STATE_KEYS.lease),
                undefined,
                "released after the deadline",
            );
            assert.match(
                world.account.object(STATE_BUCKET, RECONCILER_STATE_KEYS.deployment)!,
                /"live":\{"[0-9a-f]{64}":1\}/,
            );
        });

        it("never tears down when the state bucket is gone: nothing shows the delete is the stack's destroy", async () => {
            world.account.addCluster("us-east-1", "alpha");
            await capture(() =>
                run(
                    "deploy",
                    payload(JSON.stringify({ a: 1 }), "create"),
                    deps("http://127.0.0.1:9", { timeoutMs: 50, attempts: 1 }),
                ),
            );
            world.account.buckets.delete(STATE_BUCKET);
            const { value } = await capture(() =>
                run("deploy", payload(JSON.stringify({ a: 1 }), "delete"), deps("http://127.0.0.1:9")),
            );
            assert.match(value.skipped!, /state bucket .* is gone; the roles stay/);
            assert.equal(world.account.roles.size, 1);
        });

        it("releases the lease when the run fails", async () => {
            world.account.faults.push((operation) =>
                operation === "ListRoles" ? awsError("ValidationError", "broken") : undefined,
            );
            await assert.rejects(
                capture(() => run("schedule", {}, deps("http://127.0.0.1:9"))),
                /broken/,
            );
            assert.equal(world.account.object(STATE_BUCKET, RECONCILER_STATE_KEYS.lease), undefined);
        });
    });
});
