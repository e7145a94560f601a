/**
 * The reconciler's own state (run lease, deployment record) in the stack's state bucket: only the reconciler may write
 * it, a forged or damaged object cannot freeze the reconciler or make a delete tear down on doubt, the record follows
 * exactly what the engine keeps of the deploy-time Invocation, failed creates and updates included, and no delete
 * tears down while the stack's schedule exists.
 */
import { strict as assert } from "node:assert";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { agentPermissions, bucketReadPolicy } from "../common/documents";
import { simulateIdentity } from "./iamSimulator";
import { RECONCILER_STATE_KEYS, TRAIL_PREFIX, reconcilerScheduleName } from "../common/naming";
import { parseLive } from "../lambda/reconciler/deployment";
import { sdkClients } from "../lambda/reconciler/gateway";
import { HandlerDeps, RunSummary, run } from "../lambda/reconciler/handler";
import { DEFAULT_LEASE } from "../lambda/reconciler/lease";
import { invocationInput } from "../components/reconciler/roleReconciler";
import { awsError } from "./fakes/awsAccount";
import { STATE_BUCKET, fakeWorld, instantClock, settingsFor } from "./reconciler.helpers";

const BUCKET = "nops-container-cost-111122223333";
const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:111122223333:secret:platform-token-abc";
const QUEUES = "arn:aws:sqs:us-west-2:202279780353:nops-k8s-*";

/** The payload terraform-provider-aws sends for a CRUD-scoped Invocation (invocation.go, buildInput). */
function payload(input: string, action: "create" | "update" | "delete", previous?: string) {
    return { ...JSON.parse(input), tf: { action, prev_input: previous === undefined ? null : JSON.parse(previous) } };
}

/**
 * What the engine keeps of the deploy-time Invocation across `pulumi up`s, replayed from the sources:
 * - create: terraform-provider-aws invocation.go returns the FunctionError before `d.SetId`, the SDK returns no state
 *   for an empty id, the bridge's Create returns the error without properties: nothing is saved, the next `up`
 *   creates again;
 * - update: the SDK's Resource.Apply returns `data.State()` (the new input) even when Update fails, the bridge's
 *   Update reports it as a partial failure (initializationError with the new properties), and the engine saves the
 *   new outputs with the old inputs (pkg/engine/update.go, pulumi/pulumi#2011). The bridge diffs against the outputs,
 *   so the next `up` with the same input invokes nothing (an empty update step with a nil diff), and the next
 *   update or delete carries the new input;
 * - a replacement creates the new Invocation, then deletes the old one; the destroy deletes with the stored input.
 */
class InvocationEngine {
    /** The input in the Invocation's saved outputs; undefined while none is saved. */
    stored: string | undefined;

    /**
     * `schedule`: the reconciler's EventBridge rule, which the program registers after the Invocation (it depends on
     * it): it exists once the first create succeeded, and a destroy deletes it before the Invocation.
     */
    constructor(
        private readonly invoke: (event: unknown) => Promise<RunSummary>,
        private readonly schedule: { add(): void; delete(): void },
    ) {}

    async up(input: string): Promise<void> {
        if (this.stored === undefined) {
            await this.invoke(payload(input, "create"));
            this.stored = input;
            this.schedule.add();
        } else if (this.stored !== input) {
            const previous = this.stored;
            try {
                await this.invoke(payload(input, "update", previous));
            } finally {
                this.stored = input;
            }
        }
    }

    async replace(input: string): Promise<void> {
        const old = this.stored!;
        await this.invoke(payload(input, "create"));
        this.stored = input;
        await this.invoke(payload(old, "delete", old));
    }

    async destroy(): Promise<RunSummary> {
        this.schedule.delete();
        const summary = await this.invoke(payload(this.stored!, "delete", this.stored));
        this.stored = undefined;
        return summary;
    }
}

describe("the reconciler's state in the bucket", () => {
    let world: ReturnType<typeof fakeWorld>;
    beforeEach(() => {
        world = fakeWorld({ clock: instantClock() });
        world.account.secrets.set(SECRET_ARN, "tok");
    });
    afterEach(() => world.restore());

    const deps = (): HandlerDeps => ({
        env: {
            ...settingsFor(["us-east-1"]),
            homeRegion: "us-east-1",
            stateBucketName: STATE_BUCKET,
            apiUrl: "http://127.0.0.1:9",
            tokenSecretArn: SECRET_ARN,
            version: "0",
        },
        clients: sdkClients("us-east-1"),
        clock: world.clock,
        logger: new Logger({ serviceName: "test", logLevel: "SILENT" as never }),
        metrics: new Metrics({ namespace: "test", serviceName: "test" }),
        confirmation: { timeoutMs: 10, attempts: 1 },
    });
    const deploy = (event: unknown) => run("deploy", event, deps());
    const input = (bundle: string, fleet?: string[]) =>
        invocationInput({ stackName: "prod", bundleSha256: bundle, variables: { CI_REGIONS: "us-east-1" }, fleet });
    const put = (key: string, body: unknown, bucket = STATE_BUCKET) =>
        world.account.handle("PutObject", {
            Bucket: bucket,
            Key: key,
            Body: typeof body === "string" ? body : JSON.stringify(body),
        });
    const schedule = {
        add: () => world.account.eventRules.add(`us-east-1/${reconcilerScheduleName("prod")}`),
        delete: () => world.account.eventRules.delete(`us-east-1/${reconcilerScheduleName("prod")}`),
    };
    const newEngine = () => new InvocationEngine(deploy, schedule);

    describe("who may write it", () => {
        it("no agent identity: the agent policy (boundary, role policy, IAM user's policy) gives nothing in the state bucket", async () => {
            for (const kms of [
                undefined,
                { keyArn: "arn:aws:kms:us-east-1:111122223333:key/k", region: "us-east-1" },
            ]) {
                world.account.identity = agentPermissions({
                    partition: "aws",
                    bucketName: BUCKET,
                    queueArnPattern: QUEUES,
                    kms,
                });
                await put("cluster=alpha/part-0.parquet", "x", BUCKET);
                for (const key of [...Object.values(RECONCILER_STATE_KEYS), `${TRAIL_PREFIX}/AWSLogs/x.json.gz`]) {
                    await assert.rejects(put(key, { live: {} }), /AccessDenied/);
                    await assert.rejects(
                        world.account.handle("GetObject", { Bucket: STATE_BUCKET, Key: key }),
                        /AccessDenied/,
                    );
                }
            }
        });
    });

    describe("the legacy prefix (older stacks' reconciler state and CloudTrail logs in the agents' bucket) is not the platform's or the agents'", () => {
        const bucket = `arn:aws:s3:::${BUCKET}`;
        const kms = { keyArn: "arn:aws:kms:us-east-1:111122223333:key/k", region: "us-east-1" };
        const trailLog = `_container-insights/cloudtrail/AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/22/log.json.gz`;
        const identities = {
            platform: bucketReadPolicy("aws", BUCKET, kms),
            agent: agentPermissions({ partition: "aws", bucketName: BUCKET, queueArnPattern: QUEUES, kms }),
        };
        const get = (key: string) => ({ action: "s3:GetObject", resource: `${bucket}/${key}`, context: {} });
        const list = (prefix?: string) => ({
            action: "s3:ListBucket",
            resource: bucket,
            context: { "s3:prefix": prefix },
        });
        for (const [who, document] of Object.entries(identities)) {
            it(`${who}: reads the Parquet files and lists the root, but cannot read or list _container-insights/`, async () => {
                assert.equal(await simulateIdentity(document, get("cluster=alpha/part-0.parquet")), "Allow");
                assert.equal(
                    await simulateIdentity(document, list(undefined)),
                    "Allow",
                    "the bucket root (no s3:prefix) stays listable",
                );
                assert.equal(await simulateIdentity(document, list("cluster=alpha/")), "Allow");
                assert.equal(await simulateIdentity(document, get(trailLog)), "ExplicitDeny");
                assert.equal(
                    await simulateIdentity(document, get("_container-insights/reconciler/lease.json")),
                    "ExplicitDeny",
                );
                for (const prefix of [
                    "_container-insights",
                    "_container-insights/",
                    "_container-insights/cloudtrail/",
                    "_container-insights/reconciler/",
                ]) {
                    assert.equal(await simulateIdentity(document, list(prefix)), "ExplicitDeny", prefix);
                }
            });
            it(`${who}: has no right in the stack's state bucket`, async () => {
                const state = `arn:aws:s3:::${STATE_BUCKET}`;
                for (const key of [
                    ...Object.values(RECONCILER_STATE_KEYS),
                    trailLog.replace("_container-insights/", ""),
                ]) {
                    assert.notEqual(
                        await simulateIdentity(document, {
                            action: "s3:GetObject",
                            resource: `${state}/${key}`,
                            context: {},
                        }),
                        "Allow",
                    );
                }
                assert.notEqual(
                    await simulateIdentity(document, { action: "s3:ListBucket", resource: state, context: {} }),
                    "Allow",
                );
            });
        }
    });

    describe("the run lease", () => {
        it("a lease that claims to outlive the TTL (not written by a run) is taken over: deploy and destroy still work", async () => {
            world.account.addCluster("us-east-1", "alpha");
            const engine = newEngine();
            await engine.up(input("sha"));
            await put(RECONCILER_STATE_KEYS.lease, {
                holder: "agent",
                acquiredAt: 0,
                expiresAt: Number.MAX_SAFE_INTEGER,
            });
            world.account.addCluster("us-east-1", "newcluster");
            await engine.up(input("sha", ["us-east-1/alpha", "us-east-1/newcluster"]));
            assert.ok(world.account.role("nops-ccost-newcluster_us-east-1"), "the new cluster got its role");
            await put(RECONCILER_STATE_KEYS.lease, {
                holder: "agent",
                acquiredAt: 0,
                expiresAt: world.clock.now() + DEFAULT_LEASE.ttlMs + 3_600_000,
            });
            const destroyed = await engine.destroy();
            assert.equal(destroyed.action, "delete");
            assert.equal(world.account.roles.size, 0);
        });

        it("a lease a run holds (up to its TTL and clock skew) still binds", async () => {
            world.account.addCluster("us-east-1", "alpha");
            await put(RECONCILER_STATE_KEYS.lease, {
                holder: "schedule-x",
                acquiredAt: 0,
                expiresAt: world.clock.now() + DEFAULT_LEASE.ttlMs + 30_000,
            });
            const summary = await run(
                "schedule",
                {},
                { ...deps(), lease: { ...DEFAULT_LEASE, waitMs: { deploy: 0, schedule: 0 } } },
            );
            assert.equal(summary.skipped, "another run holds the lease");
            assert.equal(world.account.roles.size, 0);
        });
    });

    describe("the deployment record", () => {
        it("accepts only the shape the reconciler writes", () => {
            const hash = "a".repeat(64);
            assert.deepEqual(parseLive(JSON.stringify({ live: { [hash]: 2 } })), { [hash]: 2 });
            assert.deepEqual(parseLive(JSON.stringify({ live: {} })), {});
            for (const bad of [
                "{",
                "null",
                "[]",
                '{"live":[]}',
                '{"live":{"bogus":1}}',
                `{"live":{"${hash}":0}}`,
                `{"live":{"${hash}":1.5}}`,
                `{"live":{"${hash}":1000000}}`,
                `{"live":{},"x":1}`,
            ]) {
                assert.equal(parseLive(bad), undefined, bad);
            }
        });

        it("a record the reconciler did not write never makes a delete tear down, and no create or update forgets it", async () => {
            world.account.addCluster("us-east-1", "alpha");
            const engine = newEngine();
            await engine.up(input("sha-1"));
            for (const damaged of [JSON.stringify({ live: { bogus: 1 } }), "not json"]) {
                await put(RECONCILER_STATE_KEYS.deployment, damaged);
                // A replacement (its create, then the old one's delete) and an update: the roles stay, the record too.
                await engine.replace(input("sha-1"));
                await engine.up(input(`sha-${damaged.length}`));
                assert.equal(world.account.roles.size, 1);
                assert.equal(world.account.object(STATE_BUCKET, RECONCILER_STATE_KEYS.deployment), damaged);
                const doubtful = await deploy(payload(engine.stored!, "delete"));
                assert.match(doubtful.skipped!, /not one the reconciler wrote; the roles stay/);
                assert.equal(world.account.roles.size, 1);
            }
            // An operator removes the object: deploys count again from there.
            await world.account.handle("DeleteObject", { Bucket: STATE_BUCKET, Key: RECONCILER_STATE_KEYS.deployment });
            await engine.up(input("sha-2"));
            assert.ok(parseLive(world.account.object(STATE_BUCKET, RECONCILER_STATE_KEYS.deployment)!));
            const destroyed = await engine.destroy();
            assert.equal(destroyed.action, "delete");
            assert.equal(world.account.roles.size, 0);
        });
    });

    describe("follows what the engine keeps of the deploy-time Invocation", () => {
        const outage = (op: string) =>
            op === "ListClusters" ? awsError("ServiceUnavailableException", "EKS down", 503) : undefined;

        it("a create that failed the deploy is not live: the next up creates again, and the destroy tears down", async () => {
            world.account.addCluster("us-east-1", "alpha");
            const engine = newEngine();
            world.account.faults.push(outage);
            await assert.rejects(engine.up(input("sha")), /no region could be read/);
            assert.equal(engine.stored, undefined);
            world.account.faults = [];
            await engine.up(input("sha"));
            assert.equal(world.account.roles.size, 1);
            const destroyed = await engine.destroy();
            assert.equal(destroyed.action, "delete");
            assert.equal(world.account.roles.size, 0, "no role left behind");
        });

        it("an update that failed the deploy is saved anyway: the next up invokes nothing, and the destroy tears down", async () => {
            world.account.addCluster("us-east-1", "alpha");
            const engine = newEngine();
            await engine.up(input("sha-1"));
            world.account.role("nops-ccost-alpha_us-east-1")!.trust = "{}"; // drift, so the update must write
            world.account.faults.push((op) =>
                op === "UpdateAssumeRolePolicy" ? awsError("ServiceFailure", "IAM 500", 500) : undefined,
            );
            await assert.rejects(engine.up(input("sha-2")), /not one of 1 roles (or associations )?could be handled/);
            world.account.faults = [];
            await engine.up(input("sha-2"));
            const destroyed = await engine.destroy();
            assert.equal(destroyed.action, "delete");
            assert.equal(world.account.roles.size, 0, "no role left behind");
        });

        it("an update whose run threw is saved anyway: a later update and the destroy still tear down", async () => {
            world.account.addCluster("us-east-1", "alpha");
            const engine = newEngine();
            await engine.up(input("sha-1"));
            world.account.faults.push((op) => (op === "ListRoles" ? awsError("ValidationError", "broken") : undefined));
            await assert.rejects(engine.up(input("sha-2")), /broken/);
            world.account.faults = [];
            await engine.up(input("sha-3"));
            const destroyed = await engine.destroy();
            assert.equal(destroyed.action, "delete");
            assert.equal(world.account.roles.size, 0, "no role left behind");
        });

        it("a replacement with an unchanged input still keeps the roles (a create of a live input counts again)", async () => {
            world.account.addCluster("us-east-1", "alpha");
            const engine = newEngine();
            await engine.up(input("sha-1"));
            await engine.replace(input("sha-1"));
            assert.equal(world.account.roles.size, 1);
            await engine.destroy();
            assert.equal(world.account.roles.size, 0);
        });
    });

    describe("no teardown outside a real destroy", () => {
        const record = () => world.account.object(STATE_BUCKET, RECONCILER_STATE_KEYS.deployment);

        it("a forged delete with the live input (the stack not being destroyed: its schedule exists) tears nothing down and changes nothing", async () => {
            world.account.addCluster("us-east-1", "alpha");
            const engine = newEngine();
            await engine.up(input("sha-1"));
            const before = record();
            const forged = await deploy(payload(engine.stored!, "delete"));
            assert.match(forged.skipped!, /schedule still exists, so the stack is not being destroyed; the roles stay/);
            assert.equal(world.account.roles.size, 1);
            assert.equal(record(), before, "the record still counts the live Invocation");
            // Replayed any number of times, with the previous input too: still nothing.
            await deploy(payload(engine.stored!, "delete"));
            await deploy(payload(input("sha-0"), "delete"));
            assert.equal(world.account.roles.size, 1);
            const destroyed = await engine.destroy();
            assert.equal(destroyed.action, "delete");
            assert.equal(world.account.roles.size, 0, "the real destroy still tears down");
        });

        it("a missing record never tears down, even with the schedule gone: expired, deleted or never written", async () => {
            world.account.addCluster("us-east-1", "alpha");
            const engine = newEngine();
            await engine.up(input("sha-1"));
            await world.account.handle("DeleteObject", { Bucket: STATE_BUCKET, Key: RECONCILER_STATE_KEYS.deployment });
            const destroyed = await engine.destroy();
            assert.match(destroyed.skipped!, /there is no deployment record .*; the roles stay/);
            assert.equal(world.account.roles.size, 1);
            assert.equal(record(), undefined, "a delete creates no record");
        });

        it("a delete of an input no create or update recorded never tears down", async () => {
            world.account.addCluster("us-east-1", "alpha");
            const engine = newEngine();
            await engine.up(input("sha-1"));
            schedule.delete();
            const stranger = await deploy(payload(input("sha-unknown"), "delete"));
            assert.match(stranger.skipped!, /does not count this input as live; the roles stay/);
            assert.equal(world.account.roles.size, 1);
        });

        it("a destroy whose teardown failed tears down when it is run again (its last delete wrote nothing)", async () => {
            world.account.addCluster("us-east-1", "alpha");
            const engine = newEngine();
            await engine.up(input("sha-1"));
            const live = engine.stored!;
            schedule.delete();
            world.account.faults.push((op) => (op === "ListRoles" ? awsError("ValidationError", "broken") : undefined));
            await assert.rejects(deploy(payload(live, "delete")), /broken/);
            world.account.faults = [];
            const retried = await deploy(payload(live, "delete"));
            assert.equal(retried.action, "delete");
            assert.equal(world.account.roles.size, 0);
        });

        it("asks whether the schedule exists only for the last live Invocation's delete", async () => {
            world.account.addCluster("us-east-1", "alpha");
            const engine = newEngine();
            await engine.up(input("sha-1"));
            await engine.replace(input("sha-2"));
            await deploy(payload(input("sha-unknown"), "delete"));
            assert.equal(world.account.calls.filter((c) => c.operation === "DescribeRule").length, 0);
            await engine.destroy();
            assert.equal(world.account.calls.filter((c) => c.operation === "DescribeRule").length, 1);
        });
    });
});
