import { strict as assert } from "node:assert";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { RECONCILER_STATE_KEYS } from "../common/naming";
import { reconcilerBundle } from "../components/reconciler/bundle";
import { Fleet, ProgramRun, STATE_BUCKET_NAME, baseConfig, doc, runProgram, unwrap } from "./harness";

const FUNCTION = "aws:lambda/function:Function";
const INVOCATION = "aws:lambda/invocation:Invocation";

describe("reconciler wiring", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram({ ...baseConfig(), includeRegions: "us-east-1,eu-west-1", logRetentionDays: "14" });
    });

    const fn = (kind: string) => run.ofType(FUNCTION).find((r) => r.name === `reconciler-${kind}`)!;

    it("builds both functions from one bundle for Node.js 22 on arm64, without reserved concurrency", () => {
        const functions = run.ofType(FUNCTION);
        assert.equal(functions.length, 2);
        for (const f of functions) {
            const inputs = unwrap(f.inputs) as any;
            assert.equal(inputs.runtime, "nodejs22.x");
            assert.deepEqual(inputs.architectures, ["arm64"]);
            // Reserved concurrency fails in accounts with less than 10 unreserved; runs are serialized by the S3 lease.
            assert.equal(inputs.reservedConcurrentExecutions, undefined);
            assert.equal(inputs.timeout, 900);
        }
        assert.equal(fn("creation").inputs.handler, "index.creationHandler");
        assert.equal(fn("management").inputs.handler, "index.managementHandler");
        assert.equal(fn("creation").inputs.name, "nops-ccost-prod-role-creation");
    });

    it("tells the functions where to work, with the token's secret ARN and never the token", () => {
        const variables = (unwrap(fn("management").inputs.environment) as any).variables;
        assert.equal(variables.CI_REGIONS, "us-east-1,eu-west-1");
        assert.equal(variables.CI_BUCKET_NAME, "nops-container-cost-111122223333");
        assert.equal(variables.CI_STACK_ID, "container-insights/prod");
        assert.equal(variables.CI_PLATFORM_API_URL, "https://app.nops.io");
        assert.equal(variables.CI_AGENT_NAMESPACE, "nops");
        assert.match(variables.CI_TOKEN_SECRET_ARN, /^arn:aws:secretsmanager:/);
        assert.ok(!JSON.stringify(variables).includes("tok-SECRET"));
    });

    it("keeps each function's logs in its own log group with the configured retention", () => {
        const groups = run.ofType("aws:cloudwatch/logGroup:LogGroup").map((g) => unwrap(g.inputs) as any);
        assert.deepEqual(groups.map((g) => g.name).sort(), [
            "/aws/lambda/nops-ccost-prod-role-creation",
            "/aws/lambda/nops-ccost-prod-role-management",
        ]);
        assert.ok(groups.every((g) => g.retentionInDays === 14));
    });

    it("runs the creation function on create, update and delete (CRUD invocation), change detection in input", () => {
        const invocation = unwrap(run.one(INVOCATION).inputs) as any;
        assert.equal(invocation.lifecycleScope, "CRUD");
        assert.equal(invocation.functionName, "nops-ccost-prod-role-creation");
        assert.equal(invocation.triggers, undefined, "triggers are ForceNew: a replacement's delete would tear down");
        const input = JSON.parse(invocation.input);
        assert.equal(input.bundle, reconcilerBundle().sha256);
        assert.match(input.settings, /^[0-9a-f]{64}$/);
        assert.equal(input.tf, undefined, "the provider adds the lifecycle key");
    });

    it("changes only the Invocation's input (an in-place update) when settings change", async () => {
        const other = await runProgram({
            ...baseConfig(),
            includeRegions: "us-east-1",
            logRetentionDays: "14",
            agentNamespace: "insights",
        });
        const before = unwrap(run.one(INVOCATION).inputs) as any;
        const after = unwrap(other.one(INVOCATION).inputs) as any;
        // terraform-provider-aws: function_name, qualifier and triggers are ForceNew; input is updated in place.
        for (const forceNew of ["functionName", "qualifier", "triggers"]) {
            assert.deepEqual(after[forceNew], before[forceNew], forceNew);
        }
        assert.notEqual(after.input, before.input);
        assert.equal(JSON.parse(after.input).bundle, JSON.parse(before.input).bundle);
    });

    it("runs the reconciler at deploy (in place) when the set of clusters with the agent changes, before the charts", async () => {
        const input = async (fleet: Fleet, extra: Record<string, string> = {}) =>
            JSON.parse(
                (unwrap((await runProgram({ ...baseConfig(), ...extra }, { fleet })).one(INVOCATION).inputs) as any)
                    .input,
            );
        const one = await input({ "us-east-1": [{ name: "a" }] });
        const same = await input({ "us-east-1": [{ name: "a" }, { name: "creating", status: "CREATING" }] });
        const two = await input({ "us-east-1": [{ name: "a" }, { name: "b" }] });
        assert.match(one.fleet, /^[0-9a-f]{64}$/);
        assert.equal(same.fleet, one.fleet, "a skipped cluster changes nothing");
        assert.notEqual(two.fleet, one.fleet);
        assert.deepEqual(
            { ...two, fleet: undefined },
            { ...one, fleet: undefined },
            "only the fleet part of the input moved",
        );
        const off = await input({ "us-east-1": [{ name: "a" }] }, { "agent.install": "false" });
        assert.equal(off.fleet, undefined);
    });

    it("orders the destroy: schedule first, then the teardown run, then its role policy and the state bucket (the lease, the record)", async () => {
        const dependencies: Record<string, string[]> = {};
        await runProgram(baseConfig(), {
            transformation: (args) => {
                // The schedule's rule (the event rules of events.enabled have other names).
                if (args.type !== "aws:cloudwatch/eventRule:EventRule" || args.name === "reconciler") {
                    dependencies[args.type] = ((args.opts.dependsOn ?? []) as pulumi.Resource[]).map(
                        (d) => (d as any).__pulumiType,
                    );
                }
                return undefined;
            },
        });
        // Pulumi deletes a resource before the resources it depends on.
        assert.ok(
            dependencies[INVOCATION].includes("container-insights:storage:StateBucket"),
            dependencies[INVOCATION].join(", "),
        );
        assert.ok(
            dependencies[INVOCATION].includes("aws:iam/rolePolicy:RolePolicy"),
            dependencies[INVOCATION].join(", "),
        );
        assert.deepEqual(dependencies["aws:cloudwatch/eventRule:EventRule"], [INVOCATION]);
    });

    it("lets the reconciler read, write and list exactly its lease and deployment record in the state bucket", () => {
        const policy = run.ofType("aws:iam/rolePolicy:RolePolicy").find((r) => r.name === "reconciler")!;
        const statements = doc(policy.inputs.policy).Statement.filter((st) =>
            [st.Action].flat().some((a: string) => a.startsWith("s3:")),
        );
        assert.equal(statements.length, 2);
        assert.deepEqual(statements[0].Action, ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]);
        assert.deepEqual(statements[0].Resource, [
            `arn:aws:s3:::${STATE_BUCKET_NAME}/${RECONCILER_STATE_KEYS.lease}`,
            `arn:aws:s3:::${STATE_BUCKET_NAME}/${RECONCILER_STATE_KEYS.deployment}`,
        ]);
        for (const f of run.ofType(FUNCTION)) {
            assert.equal((unwrap(f.inputs) as any).environment.variables.CI_STATE_BUCKET_NAME, STATE_BUCKET_NAME);
        }
        assert.deepEqual(statements[1].Action, "s3:ListBucket");
        assert.deepEqual(statements[1].Resource, `arn:aws:s3:::${STATE_BUCKET_NAME}`);
        assert.deepEqual(statements[1].Condition, {
            StringEquals: { "s3:prefix": [RECONCILER_STATE_KEYS.lease, RECONCILER_STATE_KEYS.deployment] },
        });
    });

    it("runs the management function every two hours", () => {
        const schedules = run
            .ofType("aws:cloudwatch/eventRule:EventRule")
            .filter((r) => unwrap(r.inputs.scheduleExpression) !== undefined);
        assert.equal(schedules.length, 1);
        const rule = unwrap(schedules[0].inputs) as any;
        assert.equal(rule.scheduleExpression, "rate(2 hours)");
        const target = unwrap(
            run.ofType("aws:cloudwatch/eventTarget:EventTarget").find((t) => unwrap(t.inputs.rule) === rule.name)!
                .inputs,
        ) as any;
        assert.match(target.arn, /nops-ccost-prod-role-management$/);
        const permission = unwrap(run.one("aws:lambda/permission:Permission").inputs) as any;
        assert.equal(permission.principal, "events.amazonaws.com");
        assert.equal(permission.function, "nops-ccost-prod-role-management");
        assert.equal(permission.action, "lambda:InvokeFunction");
    });

    it("creates no functions in IAM-user mode", async () => {
        const userMode = await runProgram({ ...baseConfig(), createIamUser: "true" });
        assert.equal(userMode.ofType(FUNCTION).length, 0);
        assert.equal(userMode.ofType("aws:lambda/invocation:Invocation").length, 0);
        assert.equal(userMode.ofType("aws:cloudwatch/eventRule:EventRule").length, 0);
    });

    it("bundles both handlers, leaving the AWS SDK to the runtime", () => {
        const { code, sha256 } = reconcilerBundle();
        assert.match(code, /require\("@aws-sdk\/client-iam"\)/);
        assert.doesNotMatch(code, /require\("@aws-lambda-powertools/);
        assert.doesNotMatch(code, /\/work\/|\/home\//, "no absolute paths in the bundle");
        const dir = join(__dirname, "..", "node_modules", ".cache", "reconciler-bundle");
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, "index.js"), code);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const loaded = require(join(dir, "index.js"));
        assert.equal(typeof loaded.creationHandler, "function");
        assert.equal(typeof loaded.managementHandler, "function");
        assert.equal(sha256.length, 64);
    });
});
