/**
 * The reconciler queue's consumer against the stateful fake account, with the reconciler role's real policy enforced
 * (events on): targeted reconciles, requeue while CREATING, the bounded wait, duplicates, a DeleteCluster followed by a
 * stale CreateCluster, partial batch failures, the lease, OIDC provider events and the published cluster events.
 */
import { POD_IDENTITY_AGENT_ADDON } from "../common/identity";
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { RECONCILER_STATE_KEYS, clusterRoleName } from "../common/naming";
import { reconcilerPermissions } from "../components/iam/reconcilerRole";
import { StackScope } from "../components/iam/scope";
import { CLUSTER_IDENTITY_READY, CLUSTER_REMOVED } from "../lambda/reconciler/clusterEvents";
import { LambdaEnvironment } from "../lambda/reconciler/environment";
import { sdkClients } from "../lambda/reconciler/gateway";
import { lambdaHandlers } from "../lambda/reconciler/handler";
import {
    GIVE_UP_AFTER_MS,
    MAX_RECEIVE_COUNT,
    REQUEUE_DELAY_S,
    SqsEvent,
    SqsRecord,
    queueUrlOf,
    runQueue,
} from "../lambda/reconciler/queueRun";
import { decide } from "../lambda/reconciler/targeted";
import { reconcile } from "../lambda/reconciler/reconcile";
import { awsError } from "./fakes/awsAccount";
import { STATE_BUCKET, fakeWorld, recordingLog, settingsFor } from "./reconciler.helpers";

const ACCOUNT = "111122223333";
const BUCKET = `nops-container-cost-${ACCOUNT}`;
const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:platform-token-abc`;
const QUEUE_ARN = `arn:aws:sqs:us-east-1:${ACCOUNT}:nops-ccost-prod-reconciler-events`;
const BUS = "container-insights-prod";
const scope: StackScope = {
    accountId: ACCOUNT,
    partition: "aws",
    region: "us-east-1",
    stackName: "prod",
    stackId: "container-insights/prod",
    bucketName: BUCKET,
    stateBucketName: STATE_BUCKET,
};
const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, "fixtures", "events", name), "utf8"));

function eksEvent(file: string, cluster: string, region = "us-east-1") {
    const event = fixture(file);
    event.region = region;
    event.detail.awsRegion = region;
    event.detail.requestParameters.name = cluster;
    return event;
}

describe("reconciler queue consumer", () => {
    let world: ReturnType<typeof fakeWorld>;
    let counter = 0;
    const env = (overrides: Partial<LambdaEnvironment> = {}): LambdaEnvironment => ({
        ...settingsFor(["us-east-1", "eu-west-1"]),
        homeRegion: "us-east-1",
        stateBucketName: STATE_BUCKET,
        apiUrl: "https://app.nops.io",
        tokenSecretArn: SECRET_ARN,
        version: "0.1.0",
        eventBusName: BUS,
        environment: "PROD",
        ...overrides,
    });

    beforeEach(() => {
        world = fakeWorld();
        world.account.identity = reconcilerPermissions(
            scope,
            SECRET_ARN,
            { stackId: scope.stackId, podIdentity: false, auto: false },
            true,
        );
    });
    afterEach(() => world.restore());

    function record(body: unknown, sentAt = world.clock.now()): SqsRecord {
        counter++;
        return {
            messageId: `m-${counter}`,
            receiptHandle: `rh-${counter}`,
            body: typeof body === "string" ? body : JSON.stringify(body),
            eventSource: "aws:sqs",
            eventSourceARN: QUEUE_ARN,
            attributes: { SentTimestamp: String(sentAt), ApproximateReceiveCount: "1" },
        };
    }

    async function consume(records: SqsRecord[], environment = env()) {
        const log = recordingLog();
        const result = await runQueue(
            { Records: records },
            {
                env: environment,
                gateway: world.gateway(),
                s3: sdkClients("us-east-1").s3,
                clock: world.clock,
                log,
                stateCall: (send) => send(),
            },
        );
        return { ...result, log, failed: result.response.batchItemFailures.map((f) => f.itemIdentifier) };
    }

    const calls = (operation: string) => world.account.calls.filter((c) => c.operation === operation);
    const published = () =>
        world.account.publishedEvents.map((e) => ({
            type: e.DetailType,
            bus: e.EventBusName,
            resources: e.Resources,
            detail: JSON.parse(e.Detail),
        }));

    it("a DeleteCluster of a cluster this stack never gave an identity publishes no Cluster Removed", async () => {
        // Every DeleteCluster in the account reaches the queue; announcing each would start an up for nothing.
        const { failed } = await consume([record(eksEvent("eks-delete-cluster.json", "never-onboarded"))]);
        assert.deepEqual(failed, []);
        assert.deepEqual(published(), []);
    });

    it("a cluster UPDATING when its event is handled gets its role and a Cluster Identity Ready (it serves the API)", async () => {
        const arn = world.account.addCluster("us-east-1", "alpha", { status: "UPDATING" });
        const { failed } = await consume([record(eksEvent("eks-create-cluster.json", "alpha"))]);
        assert.deepEqual(failed, []);
        assert.ok(world.account.role(clusterRoleName("alpha", "us-east-1")), "the role is created");
        assert.deepEqual(
            published().map((e) => [e.type, e.detail.clusterArn]),
            [[CLUSTER_IDENTITY_READY, arn]],
        );
    });

    it("decides from the cluster's current state only", () => {
        assert.deepEqual(decide({ found: false }).action, "remove");
        assert.deepEqual(decide({ found: true, status: "DELETING" }).action, "remove");
        assert.deepEqual(decide({ found: true, status: "CREATING" }).action, "wait");
        assert.deepEqual(decide({ found: true, status: "PENDING" }).action, "wait");
        assert.deepEqual(decide({ found: true, status: "ACTIVE" }).action, "ensure");
        assert.deepEqual(
            decide({ found: true, status: "FAILED" }).action,
            "ensure",
            "a FAILED cluster is left as the schedule leaves it",
        );
        assert.equal(
            queueUrlOf(QUEUE_ARN),
            `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/nops-ccost-prod-reconciler-events`,
        );
        assert.ok(
            MAX_RECEIVE_COUNT > GIVE_UP_AFTER_MS / 1000 / REQUEUE_DELAY_S,
            "waiting never sends a message to the dead-letter queue",
        );
    });

    it("a CreateCluster event reconciles only the cluster it names: one DescribeCluster, no fleet scan", async () => {
        const arn = world.account.addCluster("us-east-1", "alpha");
        world.account.addCluster("us-east-1", "beta");
        world.account.addCluster("eu-west-1", "gamma");
        const { failed } = await consume([record(eksEvent("eks-create-cluster.json", "alpha"))]);
        assert.deepEqual(failed, []);
        assert.ok(world.account.role(clusterRoleName("alpha", "us-east-1")), "alpha got its role");
        assert.equal(world.account.role(clusterRoleName("beta", "us-east-1")), undefined, "beta untouched");
        assert.deepEqual(
            calls("DescribeCluster").map((c) => c.input.name),
            ["alpha"],
        );
        for (const scan of ["ListClusters", "ListRoles", "ListEntitiesForPolicy"]) {
            assert.equal(calls(scan).length, 0, `no ${scan}`);
        }
        assert.deepEqual(published(), [
            {
                type: CLUSTER_IDENTITY_READY,
                bus: BUS,
                resources: [arn],
                detail: {
                    stack: "prod",
                    environment: "PROD",
                    clusterName: "alpha",
                    clusterArn: arn,
                    region: "us-east-1",
                    identityMode: "irsa",
                },
            },
        ]);
    });

    it("a CreateCluster event for a cluster whose role does not exist yet creates it, and fails no record", async () => {
        // Under its own policy a GetRole of a missing role is refused (IAM cannot know the path of a role that does not
        // exist, and the policy names the path); a caller allowed every role name gets NoSuchEntity. Both mean absent.
        world.account.identity = {
            ...world.account.identity!,
            Statement: [
                ...world.account.identity!.Statement,
                { Effect: "Allow", Action: "iam:GetRole", Resource: `arn:aws:iam::${ACCOUNT}:role/*` },
            ],
        };
        world.account.addCluster("us-east-1", "fresh");
        world.account.addCluster("eu-west-1", "other");
        const { failed } = await consume([
            record(eksEvent("eks-create-cluster.json", "fresh")),
            record(eksEvent("eks-create-cluster.json", "other", "eu-west-1")),
        ]);
        assert.deepEqual(failed, []);
        assert.ok(world.account.role(clusterRoleName("fresh", "us-east-1")));
        assert.ok(world.account.role(clusterRoleName("other", "eu-west-1")));
    });

    it("requeues a CREATING cluster with a delay, then gives it its role once ACTIVE", async () => {
        world.account.addCluster("us-east-1", "alpha", { status: "CREATING" });
        const message = record(eksEvent("eks-create-cluster.json", "alpha"));
        const first = await consume([message]);
        assert.deepEqual(first.failed, [message.messageId]);
        assert.deepEqual(world.account.visibilityChanges, [
            { queueUrl: queueUrlOf(QUEUE_ARN), receiptHandle: message.receiptHandle, seconds: REQUEUE_DELAY_S },
        ]);
        assert.equal(world.account.role(clusterRoleName("alpha", "us-east-1")), undefined);
        assert.equal(world.account.writeCount(), 0);
        assert.deepEqual(published(), []);

        await world.clock.sleep(REQUEUE_DELAY_S * 1000);
        world.account.clusters.get("us-east-1")!.get("alpha")!.status = "ACTIVE";
        const second = await consume([message]);
        assert.deepEqual(second.failed, []);
        assert.ok(world.account.role(clusterRoleName("alpha", "us-east-1")));
        assert.deepEqual(
            published().map((e) => e.type),
            [CLUSTER_IDENTITY_READY],
        );
    });

    it("gives up waiting after a bounded time: the message is dropped, the schedule covers the cluster", async () => {
        world.account.addCluster("us-east-1", "alpha", { status: "CREATING" });
        await world.clock.sleep(GIVE_UP_AFTER_MS + 1);
        const old = record(eksEvent("eks-create-cluster.json", "alpha"), 0);
        const { failed, records, log } = await consume([old]);
        assert.deepEqual(failed, []);
        assert.equal(records[old.messageId], "gave up");
        assert.deepEqual(world.account.visibilityChanges, []);
        assert.ok(log.lines.some((l) => l.level === "warn" && /gave up/.test(l.message)));
    });

    it("duplicates cost one DescribeCluster per batch and no second write", async () => {
        world.account.addCluster("us-east-1", "alpha");
        const event = eksEvent("eks-create-cluster.json", "alpha");
        const first = await consume([
            record(event),
            record(event),
            record(eksEvent("eks-associate-identity-provider-config.json", "alpha")),
        ]);
        assert.deepEqual(first.failed, []);
        assert.equal(calls("DescribeCluster").length, 1, "one subject, one DescribeCluster");
        const writes = world.account.writeCount();
        assert.ok(writes > 0);
        const again = await consume([record(event), record(event)]);
        assert.deepEqual(again.failed, []);
        assert.equal(world.account.writeCount(), writes, "zero extra IAM writes");
        assert.deepEqual(
            again.outcomes.flatMap((o) => ("results" in o ? o.results.map((r) => r.outcome) : [])),
            ["unchanged"],
        );
    });

    it("a DeleteCluster followed by a stale CreateCluster event does not resurrect the role", async () => {
        const arn = world.account.addCluster("us-east-1", "alpha");
        await consume([record(eksEvent("eks-create-cluster.json", "alpha"))]);
        assert.ok(world.account.role(clusterRoleName("alpha", "us-east-1")));
        world.account.removeCluster("us-east-1", "alpha");
        const deleted = await consume([record(eksEvent("eks-delete-cluster.json", "alpha"))]);
        assert.deepEqual(deleted.failed, []);
        assert.equal(world.account.role(clusterRoleName("alpha", "us-east-1")), undefined, "its role is gone");
        const creates = calls("CreateRole").length;
        const stale = await consume([record(eksEvent("eks-create-cluster.json", "alpha"))]);
        assert.deepEqual(stale.failed, []);
        assert.equal(world.account.role(clusterRoleName("alpha", "us-east-1")), undefined, "still gone");
        assert.equal(calls("CreateRole").length, creates, "no CreateRole from the stale event");
        assert.deepEqual(
            published().map((e) => [e.type, e.detail.clusterArn]),
            [
                [CLUSTER_IDENTITY_READY, arn],
                [CLUSTER_REMOVED, arn],
            ],
            "the stale event finds nothing to remove: no second Cluster Removed",
        );
    });

    it("a role this stack does not own is never deleted for a DeleteCluster event", async () => {
        world.account.addCluster("us-east-1", "alpha");
        await consume([record(eksEvent("eks-create-cluster.json", "alpha"))]);
        world.account.role(clusterRoleName("alpha", "us-east-1"))!.tags["container-insights:stack"] =
            "container-insights/other";
        world.account.removeCluster("us-east-1", "alpha");
        const { failed } = await consume([record(eksEvent("eks-delete-cluster.json", "alpha"))]);
        assert.deepEqual(failed, []);
        assert.ok(world.account.role(clusterRoleName("alpha", "us-east-1")), "another stack's role stays");
    });

    it("one bad record does not fail the others (partial batch failure)", async () => {
        world.account.addCluster("us-east-1", "alpha");
        world.account.addCluster("us-east-1", "beta");
        world.account.faults.push((operation, input) =>
            operation === "DescribeCluster" && input.name === "beta"
                ? awsError("InvalidParameterException", "something is wrong with beta")
                : undefined,
        );
        const good = record(eksEvent("eks-create-cluster.json", "alpha"));
        const bad = record(eksEvent("eks-create-cluster.json", "beta"));
        const garbage = record("{not json");
        const { failed, records, log } = await consume([good, bad, garbage]);
        assert.deepEqual(failed, [bad.messageId]);
        assert.deepEqual(records, {
            [good.messageId]: "done",
            [bad.messageId]: "failed",
            [garbage.messageId]: "ignored",
        });
        assert.ok(world.account.role(clusterRoleName("alpha", "us-east-1")));
        assert.deepEqual(
            world.account.visibilityChanges.map((v) => v.receiptHandle),
            [bad.receiptHandle],
            "the bad one comes back after the delay",
        );
        assert.ok(log.lines.some((l) => l.level === "error" && /beta/.test(JSON.stringify(l.extra))));
    });

    it("a failed publication sends the record back, and its retry writes nothing", async () => {
        world.account.addCluster("us-east-1", "alpha");
        world.account.faults.push((operation) =>
            operation === "PutEvents" ? awsError("InternalException", "try again", 500) : undefined,
        );
        const message = record(eksEvent("eks-create-cluster.json", "alpha"));
        assert.deepEqual((await consume([message])).failed, [message.messageId]);
        world.account.faults = [];
        const writes = world.account.writeCount();
        assert.deepEqual((await consume([message])).failed, []);
        assert.equal(world.account.writeCount(), writes);
        assert.deepEqual(
            published().map((e) => e.type),
            [CLUSTER_IDENTITY_READY],
        );
    });

    it("gives way to a run that holds the lease: every record comes back later, nothing is read", async () => {
        world.account.addCluster("us-east-1", "alpha");
        const now = world.clock.now();
        world.account.buckets.get(STATE_BUCKET)!.set(RECONCILER_STATE_KEYS.lease, {
            body: JSON.stringify({ holder: "schedule-x", acquiredAt: now, expiresAt: now + 900_000 }),
            etag: '"held"',
        });
        const a = record(eksEvent("eks-create-cluster.json", "alpha"));
        const b = record(eksEvent("eks-delete-cluster.json", "beta"));
        const { failed } = await consume([a, b]);
        assert.deepEqual(failed, [a.messageId, b.messageId]);
        assert.equal(calls("DescribeCluster").length, 0);
        assert.equal(world.account.visibilityChanges.length, 2);
    });

    it("an OIDC provider event reconciles the clusters of its issuer, in its region only", async () => {
        world.account.addCluster("us-east-1", "alpha", { provider: false });
        world.account.addCluster("us-east-1", "beta", { provider: false });
        world.account.addCluster("eu-west-1", "gamma", { provider: false });
        const issuer = world.account.issuerOf("us-east-1", "alpha")!;
        const event = fixture("iam-create-oidc-provider.json");
        event.detail.requestParameters.url = issuer;
        world.account.oidcProviders.add(world.account.providerArn(issuer));
        const { failed } = await consume([record(event)]);
        assert.deepEqual(failed, []);
        assert.ok(world.account.role(clusterRoleName("alpha", "us-east-1")));
        assert.equal(world.account.role(clusterRoleName("beta", "us-east-1")), undefined);
        assert.deepEqual(calls("ListClusters").length, 1);
        assert.equal(
            world.account.calls.filter((c) => c.operation === "DescribeCluster" && c.input.name === "gamma").length,
            0,
        );
    });

    it("ignores clusters in regions the stack does not manage", async () => {
        world.account.addCluster("ap-south-1", "alpha");
        const { failed } = await consume([record(eksEvent("eks-create-cluster.json", "alpha", "ap-south-1"))]);
        assert.deepEqual(failed, []);
        assert.equal(calls("DescribeCluster").length, 0);
        assert.equal(world.account.writeCount(), 0);
    });

    it("Pod Identity mode: an ACTIVE cluster gets the reconciler's association, and its event says podIdentity", async () => {
        const podIdentityRoleArn = `arn:aws:iam::${ACCOUNT}:role/nops-ccost-prod-pod-identity`;
        world.account.identity = reconcilerPermissions(
            scope,
            SECRET_ARN,
            { stackId: scope.stackId, podIdentity: true, auto: false },
            true,
        );
        world.account.addCluster("us-east-1", "alpha");
        const { failed } = await consume(
            [record(eksEvent("eks-create-cluster.json", "alpha"))],
            env({ identityMode: "podIdentity", podIdentityRoleArn }),
        );
        assert.deepEqual(failed, []);
        assert.equal(world.account.associationsOf("us-east-1", "alpha").length, 1);
        assert.equal(published()[0].detail.identityMode, "podIdentity");
    });

    describe("auto mode: the eks-pod-identity-agent add-on's status", () => {
        const podIdentityRoleArn = `arn:aws:iam::${ACCOUNT}:role/nops-ccost-prod-pod-identity`;
        const autoEnv = () => env({ identityMode: "auto", podIdentityRoleArn });
        beforeEach(() => {
            world.account.identity = reconcilerPermissions(
                scope,
                SECRET_ARN,
                { stackId: scope.stackId, podIdentity: true, auto: true },
                true,
            );
        });

        for (const status of ["DELETING", "DELETE_FAILED", "CREATE_FAILED"]) {
            it(`${status} counts as not installed: the cluster gets IRSA, not an association`, async () => {
                world.account.addCluster("us-east-1", "alpha", {
                    addons: [POD_IDENTITY_AGENT_ADDON],
                    addonStatus: status,
                });
                const { failed } = await consume([record(eksEvent("eks-create-cluster.json", "alpha"))], autoEnv());
                assert.deepEqual(failed, []);
                assert.equal(world.account.associationsOf("us-east-1", "alpha").length, 0);
                assert.ok(world.account.role(clusterRoleName("alpha", "us-east-1")));
            });
        }

        it("ACTIVE counts as installed: the cluster gets an association", async () => {
            world.account.addCluster("us-east-1", "alpha", { addons: [POD_IDENTITY_AGENT_ADDON] });
            const { failed } = await consume([record(eksEvent("eks-create-cluster.json", "alpha"))], autoEnv());
            assert.deepEqual(failed, []);
            assert.equal(world.account.associationsOf("us-east-1", "alpha").length, 1);
        });

        it("CREATING: the message waits (requeued, nothing written) like a CREATING cluster", async () => {
            world.account.addCluster("us-east-1", "alpha", {
                addons: [POD_IDENTITY_AGENT_ADDON],
                addonStatus: "CREATING",
            });
            const { failed, records } = await consume(
                [record(eksEvent("eks-create-cluster.json", "alpha"))],
                autoEnv(),
            );
            assert.equal(failed.length, 1);
            assert.deepEqual(Object.values(records), ["requeued"]);
            assert.equal(world.account.writeCount(), 0);
        });
    });

    it("publishes nothing when the stack has no event bus", async () => {
        world.account.addCluster("us-east-1", "alpha");
        const { failed } = await consume(
            [record(eksEvent("eks-create-cluster.json", "alpha"))],
            env({ eventBusName: undefined }),
        );
        assert.deepEqual(failed, []);
        assert.deepEqual(published(), []);
    });

    it("the management function takes an SQS batch and answers with batchItemFailures", async () => {
        world.account.addCluster("us-east-1", "alpha", { status: "CREATING" });
        const handlers = lambdaHandlers(() => ({
            env: env(),
            clients: sdkClients("us-east-1"),
            clock: world.clock,
            logger: new Logger({ serviceName: "test", logLevel: "SILENT" }),
            metrics: new Metrics({ namespace: "ContainerInsights", serviceName: "test" }),
        }));
        const message = record(eksEvent("eks-create-cluster.json", "alpha"));
        const event: SqsEvent = { Records: [message] };
        const context = {
            awsRequestId: "r",
            functionName: "nops-ccost-prod-role-management",
            getRemainingTimeInMillis: () => 900_000,
        };
        const stdout = process.stdout.write.bind(process.stdout);
        process.stdout.write = (() => true) as never;
        try {
            assert.deepEqual(await handlers.managementHandler(event, context), {
                batchItemFailures: [{ itemIdentifier: message.messageId }],
            });
        } finally {
            process.stdout.write = stdout;
        }
    });

    it("a scheduled run publishes through the handler what it created, and nothing when it changed nothing", async () => {
        world.account.addBucket(BUCKET);
        world.account.secrets.set(SECRET_ARN, "tok");
        world.account.addCluster("us-east-1", "alpha");
        const handlers = lambdaHandlers(() => ({
            env: env({ apiUrl: "http://127.0.0.1:9" }),
            clients: sdkClients("us-east-1"),
            clock: world.clock,
            logger: new Logger({ serviceName: "test", logLevel: "SILENT" }),
            metrics: new Metrics({ namespace: "ContainerInsights", serviceName: "test" }),
            confirmation: { timeoutMs: 50, attempts: 1 },
        }));
        const context = {
            awsRequestId: "r",
            functionName: "nops-ccost-prod-role-management",
            getRemainingTimeInMillis: () => 900_000,
        };
        const stdout = process.stdout.write.bind(process.stdout);
        process.stdout.write = (() => true) as never;
        try {
            await handlers.managementHandler({ source: "aws.events", "detail-type": "Scheduled Event" }, context);
            assert.deepEqual(
                published().map((e) => [e.type, e.detail.clusterName]),
                [[CLUSTER_IDENTITY_READY, "alpha"]],
            );
            await handlers.managementHandler({ source: "aws.events", "detail-type": "Scheduled Event" }, context);
            assert.equal(published().length, 1, "a steady cluster is not published again");
        } finally {
            process.stdout.write = stdout;
        }
    });

    it("scheduled runs publish only the identities they created and the clusters found gone", async () => {
        world.account.addCluster("us-east-1", "alpha");
        world.account.addCluster("us-east-1", "beta");
        const settings = settingsFor(["us-east-1"]);
        const first = await reconcile(settings, world.gateway(), recordingLog());
        assert.deepEqual(first.changes!.ready.map((c) => c.cluster.name).sort(), ["alpha", "beta"]);
        world.account.removeCluster("us-east-1", "beta");
        world.account.addCluster("us-east-1", "gamma", { status: "CREATING" });
        const second = await reconcile(settings, world.gateway(), recordingLog());
        assert.deepEqual(second.changes!.ready, [], "steady alpha and CREATING gamma are not published");
        assert.deepEqual(
            second.changes!.removed.map((c) => [c.cluster.name, c.cluster.arn]),
            [["beta", `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/beta`]],
        );
    });
});
