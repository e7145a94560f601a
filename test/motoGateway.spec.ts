/**
 * The reconciler's IAM and S3 calls against moto in server mode: the errors and answers come from an AWS emulator we
 * did not write, through the SDK's own deserializers. Loaded by test/moto.test.ts (unit suite) and test/engine/ (after
 * `npm run engine:setup` installs the pinned moto); without moto_server it prints one line and skips.
 */
import { strict as assert } from "node:assert";
import { EKSClient } from "@aws-sdk/client-eks";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import * as iam from "@aws-sdk/client-iam";
import * as s3 from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";
import { STSClient } from "@aws-sdk/client-sts";
import { agentPermissions, irsaTrust } from "../common/documents";
import { findBucket, findUser } from "../common/existing";
import { STACK_TAG_KEY, clusterRolePath, RECONCILER_STATE_KEYS } from "../common/naming";
import { DeploymentRecord } from "../lambda/reconciler/deployment";
import { AGENT_POLICY_NAME, Clients, Gateway } from "../lambda/reconciler/gateway";
import { BucketLease } from "../lambda/reconciler/lease";
import { readObject } from "../lambda/reconciler/stateObject";
import { DesiredRole } from "../lambda/reconciler/types";
import { DEFAULT_CONCURRENCY, runSteps } from "../lambda/reconciler/reconcile";
import { PINS } from "../engine/paths";
import { MotoServer, startMoto } from "../engine/emulator/moto";
import { motoMissing } from "./motoAvailable";
import { instantClock, recordingLog, settingsFor } from "./reconciler.helpers";

const ACCOUNT = "111122223333";
const BUCKET = `nops-container-cost-${ACCOUNT}`;
const PATH = clusterRolePath("prod");
const PERMISSIONS = agentPermissions({
    partition: "aws",
    bucketName: BUCKET,
    queueArnPattern: "arn:aws:sqs:us-west-2:202279780353:nops-k8s-*",
});

describe("the reconciler's IAM and S3 calls against moto (server mode)", function () {
    this.timeout(60_000);
    let moto: MotoServer | undefined;
    let clients: Clients;
    const settings = () => settingsFor(["us-east-1"], { bucketName: BUCKET, boundaryPolicyArn: boundaryArn });
    let boundaryArn: string;

    before(async function () {
        const why = motoMissing();
        if (why) {
            console.log(
                `    moto checks skipped: ${why} (npm run engine:setup installs moto ${PINS.moto} in .engine/venv)`,
            );
            this.skip();
        }
        moto = await startMoto({ accountId: ACCOUNT });
        const config = {
            region: "us-east-1",
            endpoint: moto.endpoint,
            maxAttempts: 1,
            credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
        };
        clients = {
            eks: () => new EKSClient(config),
            iam: new iam.IAMClient(config),
            sts: new STSClient(config),
            secrets: new SecretsManagerClient(config),
            s3: new s3.S3Client({ ...config, forcePathStyle: true }),
            events: new EventBridgeClient(config),
            sqs: new SQSClient(config),
        };
        await clients.s3.send(new s3.CreateBucketCommand({ Bucket: BUCKET }));
        const boundary = await clients.iam.send(
            new iam.CreatePolicyCommand({
                PolicyName: "agent-boundary",
                Path: PATH,
                PolicyDocument: JSON.stringify(PERMISSIONS),
            }),
        );
        boundaryArn = boundary.Policy!.Arn!;
    });

    after(async () => moto?.stop());

    const gateway = () => new Gateway(clients, instantClock());

    function desiredRole(name: string): DesiredRole {
        const cluster = {
            name,
            region: "us-east-1",
            arn: `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/${name}`,
            status: "ACTIVE",
            oidcIssuer: "https://oidc.eks.us-east-1.amazonaws.com/id/ABC",
            tags: {},
        };
        return {
            roleName: `nops-ccost-${name}_us-east-1`,
            cluster,
            trust: irsaTrust({
                oidcProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC`,
                issuerHostPath: "oidc.eks.us-east-1.amazonaws.com/id/ABC",
                namespace: "nops",
                serviceAccount: "nops-container-insights",
            }),
            permissions: PERMISSIONS,
            boundary: boundaryArn,
            tags: { [STACK_TAG_KEY]: "container-insights/prod", "container-insights:cluster-arn": cluster.arn },
        };
    }

    it("reads a missing role as absent: moto's NoSuchEntity arrives as NoSuchEntityException", async () => {
        const error = await clients.iam.send(new iam.GetRoleCommand({ RoleName: "nope" })).catch((e) => e);
        assert.ok(error instanceof iam.NoSuchEntityException, `${error.name}: ${error.message}`);
        assert.equal(await gateway().ownedRole("nope", PATH), undefined);
        assert.equal(await gateway().rolePath("nope"), undefined);
        assert.equal(await gateway().inlinePolicy("nope"), undefined);
    });

    it("creates a role, and completes a half-created one (no inline policy yet)", async () => {
        const role = desiredRole("half");
        await gateway().createRole(role, PATH);
        assert.equal(await gateway().inlinePolicy(role.roleName), undefined, "GetRolePolicy: NoSuchEntity is absent");
        const [result] = await runSteps(
            [{ kind: "converge", role, trustDrifted: false, boundaryMissing: false }],
            settings(),
            gateway(),
            DEFAULT_CONCURRENCY,
            recordingLog(),
        );
        assert.equal(result.outcome, "updated", JSON.stringify(result));
        const policy = await clients.iam.send(
            new iam.GetRolePolicyCommand({ RoleName: role.roleName, PolicyName: AGENT_POLICY_NAME }),
        );
        assert.ok(policy.PolicyDocument);
        assert.equal((await gateway().ownedRole(role.roleName, PATH))?.boundary, boundaryArn);
    });

    it("skips, not fails, a create whose name a role outside the stack's path holds (EntityAlreadyExists)", async () => {
        const role = desiredRole("taken");
        await clients.iam.send(
            new iam.CreateRoleCommand({ RoleName: role.roleName, Path: "/", AssumeRolePolicyDocument: "{}" }),
        );
        const error = await gateway()
            .createRole(role, PATH)
            .catch((e) => e);
        assert.ok(error instanceof iam.EntityAlreadyExistsException, `${error.name}: ${error.message}`);
        const [result] = await runSteps(
            [{ kind: "create", role }],
            settings(),
            gateway(),
            DEFAULT_CONCURRENCY,
            recordingLog(),
        );
        assert.equal(result.outcome, "skipped", JSON.stringify(result));
        assert.match(result.reason!, /path \/\)/);
    });

    it("deletes its role with its inline policy, and lists only the roles under its path", async () => {
        const role = desiredRole("gone");
        await gateway().createRole(role, PATH);
        await gateway().putInlinePolicy(role.roleName, role.permissions);
        const owned = (await gateway().listOwnedRoles(PATH)).map((r) => r.roleName);
        assert.ok(owned.includes(role.roleName) && !owned.includes(desiredRole("taken").roleName), owned.join());
        await gateway().deleteRole(role.roleName);
        assert.equal(await gateway().ownedRole(role.roleName, PATH), undefined);
    });

    it("reads the missing IAM user and the bucket's missing settings as absent (moto's wire codes)", async () => {
        assert.equal(await findUser(clients.iam, "nops-container-cost-s3"), undefined);
        const bucket = await findBucket(clients.s3, BUCKET);
        assert.deepEqual(bucket?.tags, {});
        assert.equal(bucket?.settings.policy, false);
        assert.equal(bucket?.settings.lifecycle, false);
        assert.equal(await findBucket(clients.s3, "no-such-bucket-here"), undefined);
    });

    it("keeps its state objects: a missing one is absent (NoSuchKey), the lease is exclusive, the record counts", async () => {
        const call = <T>(send: () => Promise<T>) => send();
        assert.equal(await readObject(clients.s3, BUCKET, RECONCILER_STATE_KEYS.deployment, call), undefined);
        const clock = instantClock();
        const lease = new BucketLease(clients.s3, BUCKET, clock, call, { ttlMs: 60_000, pollMs: 1_000 });
        const held = await lease.acquire("first", 0);
        assert.ok(held, "the first run takes the lease");
        assert.equal(await lease.acquire("second", 0), undefined, "If-None-Match: * keeps the second out");
        await lease.release(held!);
        assert.ok(await lease.acquire("third", 0), "released, it can be taken again");

        const record = new DeploymentRecord(clients.s3, BUCKET, call);
        assert.equal(await record.applied({ v: 1 }), "recorded");
        const decision = await record.deleted({ v: 1 }, async () => true);
        assert.equal(decision.teardown, true, decision.reason);
    });
});
