import * as assert from "node:assert/strict";
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
import { SqsWatchQueue, regionOfQueueUrl } from "../../../automation/watch/queue";

const URL = "https://sqs.eu-west-1.amazonaws.com/111122223333/container-insights-prod-watch";

describe("watch: the SQS queue (AWS SDK v3)", () => {
    // Mocked in a hook, not while mocha loads the files: another file mocks SQSClient too.
    let sqs: AwsStub<ServiceInputTypes, ServiceOutputTypes, SQSClientResolvedConfig>;
    before(() => (sqs = mockClient(SQSClient)));
    afterEach(() => sqs.reset());
    after(() => sqs.restore());

    it("long-polls for up to 10 messages with their SentTimestamp, at most 20 s", async () => {
        sqs.on(ReceiveMessageCommand).resolves({
            Messages: [
                { MessageId: "m1", ReceiptHandle: "r1", Body: "{}", Attributes: { SentTimestamp: "1790000000000" } },
            ],
        });
        const queue = new SqsWatchQueue(URL, new SQSClient({ region: "eu-west-1" }));
        assert.deepEqual(await queue.receive(60, new AbortController().signal), [
            { id: "m1", receiptHandle: "r1", body: "{}", sentAt: 1_790_000_000_000 },
        ]);
        assert.deepEqual(sqs.commandCalls(ReceiveMessageCommand)[0].args[0].input, {
            QueueUrl: URL,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 20,
            MessageSystemAttributeNames: ["SentTimestamp"],
        });
    });

    it("returns nothing once stopping (an aborted long poll), without calling SQS again", async () => {
        const abort = new AbortController();
        abort.abort();
        const queue = new SqsWatchQueue(URL, new SQSClient({ region: "eu-west-1" }));
        assert.deepEqual(await queue.receive(20, abort.signal), []);
        assert.equal(sqs.calls().length, 0);
    });

    it("deletes and extends in batches of 10 and names the messages SQS refused", async () => {
        sqs.on(DeleteMessageBatchCommand).resolves({
            Successful: [],
            Failed: [{ Id: "1", Code: "ReceiptHandleIsInvalid", SenderFault: true }],
        });
        sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
        const queue = new SqsWatchQueue(URL, new SQSClient({ region: "eu-west-1" }));
        const messages = Array.from({ length: 12 }, (_, i) => ({
            id: `m${i}`,
            receiptHandle: `r${i}`,
            body: "",
            sentAt: 0,
        }));
        assert.deepEqual(await queue.delete(messages), ["m1", "m11"]);
        assert.deepEqual(
            sqs.commandCalls(DeleteMessageBatchCommand).map((c) => c.args[0].input.Entries!.length),
            [10, 2],
        );
        assert.deepEqual(await queue.extendVisibility(messages.slice(0, 1), 600), []);
        assert.deepEqual(sqs.commandCalls(ChangeMessageVisibilityBatchCommand)[0].args[0].input.Entries, [
            { Id: "0", ReceiptHandle: "r0", VisibilityTimeout: 600 },
        ]);
    });

    it("reads the queue's visibility timeout", async () => {
        sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { VisibilityTimeout: "120" } });
        assert.equal(
            await new SqsWatchQueue(URL, new SQSClient({ region: "eu-west-1" })).visibilityTimeoutSeconds(),
            120,
        );
    });

    it("takes the region from the queue URL", () => {
        assert.equal(regionOfQueueUrl(URL), "eu-west-1");
        assert.equal(regionOfQueueUrl("https://sqs.cn-north-1.amazonaws.com.cn/111122223333/q"), "cn-north-1");
        assert.equal(regionOfQueueUrl("https://example.com/111122223333/q"), undefined);
    });
});
