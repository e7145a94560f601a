/**
 * Every path of the reconciler (deploy-time create, update and delete, the scheduled run, a targeted queue run) through
 * its Lambda entry points, under the IAM policy the stack deploys for it, against a fake S3 that answers a missing key
 * the way S3 documents it: 404 NoSuchKey only to a caller allowed s3:ListBucket, 403 AccessDenied otherwise.
 */
import { strict as assert } from "node:assert";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import * as s3 from "@aws-sdk/client-s3";
import { RECONCILER_STATE_KEYS, clusterRoleName } from "../common/naming";
import { PolicyDocument } from "../common/documents";
import { reconcilerPermissions } from "../components/iam/reconcilerRole";
import { StackScope } from "../components/iam/scope";
import { sdkClients } from "../lambda/reconciler/gateway";
import { HandlerDeps, IAM_PROPAGATION_MS, run, runEvents } from "../lambda/reconciler/handler";
import { SqsEvent } from "../lambda/reconciler/queueRun";
import { awsError } from "./fakes/awsAccount";
import { simulateIdentity } from "./iamSimulator";
import { STATE_BUCKET, fakeWorld, instantClock, settingsFor } from "./reconciler.helpers";

const ACCOUNT = "111122223333";
const BUCKET = `nops-container-cost-${ACCOUNT}`;
const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:platform-token-abc`;
const QUEUE_ARN = `arn:aws:sqs:us-east-1:${ACCOUNT}:nops-ccost-prod-reconciler-events`;
const SCOPE: StackScope = {
    accountId: ACCOUNT,
    partition: "aws",
    region: "us-east-1",
    stackName: "prod",
    stackId: "container-insights/prod",
    bucketName: BUCKET,
    stateBucketName: STATE_BUCKET,
};
/** As the program deploys it for an IRSA stack with events on (program.ts passes the associations' access always). */
const POLICY = reconcilerPermissions(
    SCOPE,
    SECRET_ARN,
    { stackId: SCOPE.stackId, podIdentity: false, auto: false },
    true,
);

const invocation = (action: "create" | "update" | "delete", input: object, previous: object | null = null) => ({
    ...input,
    tf: { action, prev_input: previous },
});

/** Runs `body` with stdout and stderr (Powertools' JSON lines) swallowed. */
async function quietly<T>(body: () => Promise<T>): Promise<T> {
    const out = process.stdout.write.bind(process.stdout);
    const err = process.stderr.write.bind(process.stderr);
    process.stdout.write = (() => true) as never;
    process.stderr.write = (() => true) as never;
    try {
        return await body();
    } finally {
        process.stdout.write = out;
        process.stderr.write = err;
    }
}

describe("the reconciler under its own deployed policy", () => {
    let world: ReturnType<typeof fakeWorld>;
    beforeEach(() => {
        world = fakeWorld({ clock: instantClock() });
        world.account.secrets.set(SECRET_ARN, "token");
        world.account.identity = POLICY;
    });
    afterEach(() => world.restore());

    const deps = (): HandlerDeps => ({
        lease: { ttlMs: 960_000, pollMs: 5_000, waitMs: { deploy: 300_000, schedule: 30_000, event: 10_000 } },
        env: {
            ...settingsFor(["us-east-1"]),
            homeRegion: "us-east-1",
            stateBucketName: STATE_BUCKET,
            apiUrl: "http://127.0.0.1:9",
            tokenSecretArn: SECRET_ARN,
            version: "0.1.0",
            eventBusName: "container-insights-prod",
            environment: "PROD",
        },
        clients: sdkClients("us-east-1"),
        clock: world.clock,
        logger: new Logger({ serviceName: "test", logLevel: "SILENT" }),
        metrics: new Metrics({ namespace: "ContainerInsights", serviceName: "test" }),
        confirmation: { timeoutMs: 50, attempts: 1 },
    });

    const queueEvent = (cluster: string): SqsEvent => ({
        Records: [
            {
                messageId: "m-1",
                receiptHandle: "rh-1",
                body: JSON.stringify({
                    source: "aws.eks",
                    "detail-type": "AWS API Call via CloudTrail",
                    region: "us-east-1",
                    detail: {
                        eventName: "CreateCluster",
                        awsRegion: "us-east-1",
                        requestParameters: { name: cluster },
                    },
                }),
                eventSource: "aws:sqs",
                eventSourceARN: QUEUE_ARN,
                attributes: { SentTimestamp: String(world.clock.now()), ApproximateReceiveCount: "1" },
            },
        ],
    });

    // Whether S3 sees the key as s3:prefix when it checks ListBucket for a missing key is not documented: both ways.
    for (const keyAsPrefix of [false, true]) {
        it(`create, schedule, targeted run, update and destroy all succeed on a fresh bucket (missing-key check ${keyAsPrefix ? "with" : "without"} the key as s3:prefix)`, async () => {
            world.account.missingKeyListPrefix = keyAsPrefix;
            world.account.addCluster("us-east-1", "alpha");
            const started = world.clock.now();
            const created = await quietly(() => run("deploy", invocation("create", { v: 1 }), deps()));
            assert.equal(created.counts.created, 1, JSON.stringify(created.results));
            assert.ok(
                world.clock.now() - started < IAM_PROPAGATION_MS,
                "a missing state object is read as absent at once, not retried as AccessDenied",
            );
            assert.ok(world.account.object(STATE_BUCKET, RECONCILER_STATE_KEYS.deployment));

            world.account.addCluster("us-east-1", "beta");
            const scheduled = await quietly(() => run("schedule", {}, deps()));
            assert.equal(scheduled.counts.created, 1, JSON.stringify(scheduled.results));

            world.account.addCluster("us-east-1", "gamma");
            const batch = await quietly(() => runEvents(queueEvent("gamma"), deps()));
            assert.deepEqual(batch.batchItemFailures, []);
            assert.ok(world.account.role(clusterRoleName("gamma", "us-east-1")));

            const updated = await quietly(() => run("deploy", invocation("update", { v: 2 }, { v: 1 }), deps()));
            assert.equal(updated.counts.failed, 0, JSON.stringify(updated.results));

            const destroyed = await quietly(() => run("deploy", invocation("delete", { v: 2 }), deps()));
            assert.equal(destroyed.counts.failed, 0, JSON.stringify(destroyed.results));
            assert.equal(destroyed.counts.deleted, 3);
            assert.equal(world.account.object(STATE_BUCKET, RECONCILER_STATE_KEYS.lease), undefined, "lease released");
        });
    }

    it("never reads a refusal as absence: without ListBucket a missing record fails the run with AccessDenied", async () => {
        world.account.identity = {
            ...POLICY,
            Statement: POLICY.Statement.filter((s) => s.Sid !== "ListRunLease"),
        } as PolicyDocument;
        world.account.addCluster("us-east-1", "alpha");
        await assert.rejects(
            quietly(() => run("deploy", invocation("delete", { v: 1 }), deps())),
            (error: unknown) => error instanceof s3.S3ServiceException && error.name === "AccessDenied",
        );
        assert.equal(world.account.roles.size, 0, "nothing created, nothing torn down");
    });

    it("rides out S3's SlowDown (503) and InternalError (500) on its state objects (the SDK's retry classification)", async () => {
        world.account.addCluster("us-east-1", "alpha");
        const once = new Set<string>();
        world.account.faults.push((operation) => {
            const fault = { PutObject: ["SlowDown", 503], GetObject: ["InternalError", 500] }[operation];
            if (!fault || once.has(operation)) {
                return undefined;
            }
            once.add(operation);
            return awsError(fault[0] as string, "Please reduce your request rate / try again", fault[1] as number);
        });
        const created = await quietly(() => run("deploy", invocation("create", { v: 1 }), deps()));
        assert.equal(created.counts.created, 1, JSON.stringify(created.results));
        assert.deepEqual([...once].sort(), ["GetObject", "PutObject"]);
    });
});

describe("the reconciler's s3:ListBucket", () => {
    const statement = POLICY.Statement.find((s) => s.Sid === "ListRunLease")!;
    const list = (prefix: string | undefined) =>
        simulateIdentity(POLICY, {
            action: "s3:ListBucket",
            resource: `arn:aws:s3:::${STATE_BUCKET}`,
            context: prefix === undefined ? {} : { "s3:prefix": prefix },
        });

    it("lists exactly its two state objects and nothing else in the bucket (least privilege)", async () => {
        assert.deepEqual(statement, {
            Sid: "ListRunLease",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: `arn:aws:s3:::${STATE_BUCKET}`,
            Condition: { StringEquals: { "s3:prefix": Object.values(RECONCILER_STATE_KEYS) } },
        });
        for (const key of Object.values(RECONCILER_STATE_KEYS)) {
            assert.equal(await list(key), "Allow", key);
        }
        for (const prefix of [undefined, "", "reconciler/", "cloudtrail/", "AWSLogs/"]) {
            assert.notEqual(await list(prefix), "Allow", String(prefix));
        }
        const others = POLICY.Statement.filter((s) => JSON.stringify(s.Action).includes("s3:List"));
        assert.deepEqual(others, [statement], "no other statement lets it list the bucket");
    });
});

describe("the fake S3's answer to a read of a missing key", () => {
    let world: ReturnType<typeof fakeWorld>;
    beforeEach(() => (world = fakeWorld()));
    afterEach(() => world.restore());
    const client = () => new s3.S3Client({ region: "us-east-1", maxAttempts: 1 });
    const get = () => client().send(new s3.GetObjectCommand({ Bucket: BUCKET, Key: "missing.json" }));
    const readOnly = (extra: object[] = []): PolicyDocument =>
        ({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${BUCKET}/*` }, ...extra],
        }) as PolicyDocument;

    it("is 403 AccessDenied without s3:ListBucket, 404 NoSuchKey with it (S3 API reference, GetObject)", async () => {
        world.account.identity = readOnly();
        await assert.rejects(get(), (error) => error instanceof s3.AccessDenied);
        world.account.identity = readOnly([
            { Effect: "Allow", Action: "s3:ListBucket", Resource: `arn:aws:s3:::${BUCKET}` },
        ]);
        await assert.rejects(get(), (error) => error instanceof s3.NoSuchKey);
    });
});
