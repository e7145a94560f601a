import * as assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
    ChangeMessageVisibilityBatchCommand,
    DeleteMessageBatchCommand,
    GetQueueAttributesCommand,
    ReceiveMessageCommand,
    SQSClient,
    SQSClientResolvedConfig,
    ServiceInputTypes,
    ServiceOutputTypes,
} from "@aws-sdk/client-sqs";
import { AwsStub, mockClient } from "aws-sdk-client-mock";
import { policy } from "../../../common/documents";
import { reconcilerFunctionNames } from "../../../common/naming";
import { WATCH_QUEUE_ACTIONS, watchQueueName, watchStatement } from "../../../components/events/permissions";
import { main as permissionsMain } from "../../../scripts/permissions";
import { SqsWatchQueue } from "../../../automation/watch/queue";
import { simulateIdentity } from "../../iamSimulator";

const ACCOUNT = "111122223333";
const QUEUE_ARN = `arn:aws:sqs:eu-west-1:${ACCOUNT}:nops-ccost-prod-watch-events`;
const QUEUE_URL = `https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/nops-ccost-prod-watch-events`;

/** The IAM action that authorizes each SQS API call (the batch calls are authorized as the single action). */
const IAM_ACTION_OF: Record<string, string> = {
    ReceiveMessageCommand: "sqs:ReceiveMessage",
    DeleteMessageBatchCommand: "sqs:DeleteMessage",
    ChangeMessageVisibilityBatchCommand: "sqs:ChangeMessageVisibility",
    GetQueueAttributesCommand: "sqs:GetQueueAttributes",
};

function capture(argv: string[]): { code: number; out: string; err: string } {
    let out = "";
    let err = "";
    const write = { out: process.stdout.write, err: process.stderr.write };
    process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string) => ((err += chunk), true)) as typeof process.stderr.write;
    try {
        return { code: permissionsMain(argv), out, err };
    } finally {
        process.stdout.write = write.out;
        process.stderr.write = write.err;
    }
}

describe("permissions: the watch service's statement (npm run permissions -- <stack> --watch)", () => {
    // Mocked in a hook, not while mocha loads the files: another file mocks SQSClient too.
    let sqs: AwsStub<ServiceInputTypes, ServiceOutputTypes, SQSClientResolvedConfig>;
    before(() => (sqs = mockClient(SQSClient)));
    after(() => sqs.restore());

    it("allows every call the service's queue client makes on the stack's watch queue, and nothing on another queue", async () => {
        sqs.reset();
        sqs.on(ReceiveMessageCommand).resolves({ Messages: [] });
        sqs.on(DeleteMessageBatchCommand).resolves({ Failed: [] });
        sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Failed: [] });
        sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { VisibilityTimeout: "30" } });
        const queue = new SqsWatchQueue(QUEUE_URL, new SQSClient({ region: "eu-west-1" }));
        const message = { id: "m", receiptHandle: "r", body: "", sentAt: 0 };
        await queue.visibilityTimeoutSeconds();
        await queue.receive(20, new AbortController().signal);
        await queue.extendVisibility([message], 60);
        await queue.delete([message]);
        const document = policy(watchStatement({ stackName: "prod", stackRegion: "eu-west-1", accountId: ACCOUNT }));
        const called = sqs.calls().map((call) => IAM_ACTION_OF[(call.args[0] as object).constructor.name]);
        assert.deepEqual(
            [...new Set(called)].sort(),
            WATCH_QUEUE_ACTIONS,
            "the statement lists exactly what the client calls",
        );
        for (const action of called) {
            assert.equal(
                await simulateIdentity(document, { action, resource: QUEUE_ARN, context: {} }),
                "Allow",
                action,
            );
            assert.notEqual(
                await simulateIdentity(document, {
                    action,
                    resource: QUEUE_ARN.replace("prod-watch", "uat-watch"),
                    context: {},
                }),
                "Allow",
            );
        }
        for (const action of ["sqs:SendMessage", "sqs:PurgeQueue", "sqs:DeleteQueue", "sqs:SetQueueAttributes"]) {
            assert.notEqual(
                await simulateIdentity(document, { action, resource: QUEUE_ARN, context: {} }),
                "Allow",
                action,
            );
        }
    });

    it("names the queue as the stack's other resources are named, long stack names included", () => {
        for (const stack of ["prod", "prod-111122223333", "a-very-long-stack-name-for-a-team-in-a-large-org"]) {
            const base = watchQueueName(stack).replace(/-watch-events$/, "");
            assert.ok(reconcilerFunctionNames(stack).creation.startsWith(`${base}-`), stack);
            assert.ok(watchQueueName(stack).length <= 80, "SQS queue names are at most 80 characters");
        }
    });

    it("prints the deployer's policy with the watch statement added, only with --watch", () => {
        // With events on (the watch queue's condition) the policy needs two managed policies: --split, read back in order.
        const statements = (argv: string[]) => {
            const result = capture([...argv, "--split", mkdtempSync(join(tmpdir(), "watch-split-"))]);
            assert.equal(result.code, 0, result.err);
            return {
                Statement: result.out
                    .trim()
                    .split("\n")
                    .flatMap((file) => JSON.parse(readFileSync(file, "utf8")).Statement),
            };
        };
        const without = statements(["prod", "--set", "roleName=R", "--account", ACCOUNT]);
        const withWatch = statements(["prod", "--set", "roleName=R", "--account", ACCOUNT, "--watch"]);
        assert.deepEqual(withWatch.Statement.slice(0, -1), without.Statement);
        assert.deepEqual(withWatch.Statement.at(-1), {
            Sid: "WatchQueue",
            Effect: "Allow",
            Action: WATCH_QUEUE_ACTIONS,
            Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:nops-ccost-prod-watch-events`,
        });
        assert.ok(!without.Statement.some((s: { Sid?: string }) => s.Sid === "WatchQueue"));
        assert.match(capture(["--help"]).out, /--watch adds what the watch service/);
    });
});
