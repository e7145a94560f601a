/**
 * The evidence a destroy-time teardown needs, read through the real AWS SDK v3 from moto (S3 and EventBridge), not
 * from the unit suite's fake: the schedule's absence is EventBridge's ResourceNotFoundException as the SDK's own
 * deserializer builds it, and the deployment record's conditional writes are S3's.
 */
import { strict as assert } from "node:assert";
import {
    DeleteRuleCommand,
    DescribeRuleCommand,
    EventBridgeClient,
    PutRuleCommand,
    ResourceNotFoundException,
} from "@aws-sdk/client-eventbridge";
import { CreateBucketCommand, DeleteObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Emulator, findMotoServer, startEmulator } from "../../engine/emulator";
import { clientConfig } from "../../engine/emulator/seed";
import { RECONCILER_STATE_KEYS, reconcilerScheduleName, stateBucketPrefix } from "../../common/naming";
import { DeploymentRecord } from "../../lambda/reconciler/deployment";
import { scheduleExists } from "../../lambda/reconciler/schedule";

const ACCOUNT = "111122223333";
const STACK = "prod";
const BUCKET = `${stateBucketPrefix(ACCOUNT)}engine`;
const direct = <T>(send: () => Promise<T>) => send();

describe("teardown evidence through the AWS SDK (moto)", function () {
    let emulator: Emulator;
    let events: EventBridgeClient;
    let s3: S3Client;

    before(async function () {
        if (!findMotoServer()) {
            console.log("    teardown evidence tests skipped: moto_server not found (run `npm run engine:setup`)");
            this.skip();
        }
        emulator = await startEmulator({ accountId: ACCOUNT });
        events = new EventBridgeClient(clientConfig(emulator.env, "us-east-1"));
        s3 = new S3Client({ ...clientConfig(emulator.env, "us-east-1"), forcePathStyle: true });
        await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    });
    after(async () => emulator?.stop());

    it("the schedule exists while its rule does, and its absence is the SDK's ResourceNotFoundException", async () => {
        const Name = reconcilerScheduleName(STACK);
        await events.send(new PutRuleCommand({ Name, ScheduleExpression: "rate(2 hours)" }));
        assert.equal(await scheduleExists(events, STACK, direct), true);
        await events.send(new DeleteRuleCommand({ Name }));
        assert.equal(await scheduleExists(events, STACK, direct), false);
        // What scheduleExists relies on: the SDK's class for a missing rule, not a name string.
        const error = await events.send(new DescribeRuleCommand({ Name })).catch((e: unknown) => e);
        assert.ok(error instanceof ResourceNotFoundException, String(error));
    });

    it("a delete tears down only for the last live input with the schedule gone; a missing record never", async () => {
        const record = new DeploymentRecord(s3, BUCKET, direct);
        const live = { source: "pulumi", stack: STACK, bundle: "a" };
        const newer = { ...live, bundle: "b" };
        await record.applied({ ...live, tf: { action: "create", prev_input: null } });
        await record.applied({ ...newer, tf: { action: "create", prev_input: null } });
        const destroying = async () => true;
        const staying = async () => false;
        assert.equal((await record.deleted({ ...live, tf: { action: "delete" } }, destroying)).teardown, false);
        assert.equal((await record.deleted({ ...newer, tf: { action: "delete" } }, staying)).teardown, false);
        assert.equal((await record.deleted({ ...newer, tf: { action: "delete" } }, destroying)).teardown, true);
        await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: RECONCILER_STATE_KEYS.deployment }));
        const missing = await record.deleted({ ...newer, tf: { action: "delete" } }, destroying);
        assert.equal(missing.teardown, false);
        assert.match(missing.reason, /there is no deployment record/);
    });
});
