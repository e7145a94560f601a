/**
 * The watch queue, as the service sees it, and its SQS implementation (AWS SDK v3, long polling). A message is
 * deleted only after the `up` that covered it succeeded; while it waits or its `up` runs its visibility is extended,
 * so that SQS does not hand it out again (and count a receive towards the dead-letter queue) meanwhile.
 */
import {
    ChangeMessageVisibilityBatchCommand,
    DeleteMessageBatchCommand,
    GetQueueAttributesCommand,
    ReceiveMessageCommand,
    SQSClient,
} from "@aws-sdk/client-sqs";

export interface QueueMessage {
    id: string;
    receiptHandle: string;
    body: string;
    /** When SQS received it (ms since the epoch): the queue lag is measured from here. */
    sentAt: number;
}

export interface WatchQueue {
    /** Long-polls up to `waitSeconds` (0..20) for at most 10 messages; resolves with none when `signal` aborts. */
    receive(waitSeconds: number, signal: AbortSignal): Promise<QueueMessage[]>;
    /** Deletes messages (an `up` covered them, or they announce nothing); resolves with the ids SQS refused. */
    delete(messages: QueueMessage[]): Promise<string[]>;
    /**
     * Keeps messages invisible for `seconds` more (0 hands them back to the queue at once); resolves with the ids
     * SQS refused (a receipt handle that expired: the message was handed out again).
     */
    extendVisibility(messages: QueueMessage[], seconds: number): Promise<string[]>;
    /** The queue's visibility timeout in seconds. */
    visibilityTimeoutSeconds(): Promise<number>;
}

/** The region in an SQS queue URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`), or undefined. */
export function regionOfQueueUrl(url: string): string | undefined {
    return /^https:\/\/sqs\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?\/\d{12}\/[A-Za-z0-9_-]{1,80}(?:\.fifo)?$/.exec(
        url,
    )?.[1];
}

/** The batch APIs take 10 entries at most. */
function batches<T>(items: T[], size = 10): T[][] {
    const out: T[][] = [];
    for (let i = 0; i < items.length; i += size) {
        out.push(items.slice(i, i + size));
    }
    return out;
}

export class SqsWatchQueue implements WatchQueue {
    constructor(
        private readonly queueUrl: string,
        private readonly client: SQSClient = new SQSClient({ region: regionOfQueueUrl(queueUrl) }),
    ) {}

    async receive(waitSeconds: number, signal: AbortSignal): Promise<QueueMessage[]> {
        if (signal.aborted) {
            return [];
        }
        try {
            const response = await this.client.send(
                new ReceiveMessageCommand({
                    QueueUrl: this.queueUrl,
                    MaxNumberOfMessages: 10,
                    WaitTimeSeconds: Math.max(0, Math.min(20, Math.round(waitSeconds))),
                    MessageSystemAttributeNames: ["SentTimestamp"],
                }),
                { abortSignal: signal },
            );
            return (response.Messages ?? []).map((m) => ({
                id: m.MessageId ?? "",
                receiptHandle: m.ReceiptHandle ?? "",
                body: m.Body ?? "",
                sentAt: Number(m.Attributes?.SentTimestamp ?? Date.now()),
            }));
        } catch (error) {
            if (signal.aborted) {
                return [];
            }
            throw error;
        }
    }

    async delete(messages: QueueMessage[]): Promise<string[]> {
        const refused: string[] = [];
        for (const batch of batches(messages)) {
            const response = await this.client.send(
                new DeleteMessageBatchCommand({
                    QueueUrl: this.queueUrl,
                    Entries: batch.map((m, i) => ({ Id: String(i), ReceiptHandle: m.receiptHandle })),
                }),
            );
            refused.push(...(response.Failed ?? []).map((f) => batch[Number(f.Id)]?.id ?? String(f.Id)));
        }
        return refused;
    }

    async extendVisibility(messages: QueueMessage[], seconds: number): Promise<string[]> {
        const refused: string[] = [];
        for (const batch of batches(messages)) {
            const response = await this.client.send(
                new ChangeMessageVisibilityBatchCommand({
                    QueueUrl: this.queueUrl,
                    Entries: batch.map((m, i) => ({
                        Id: String(i),
                        ReceiptHandle: m.receiptHandle,
                        VisibilityTimeout: seconds,
                    })),
                }),
            );
            refused.push(...(response.Failed ?? []).map((f) => batch[Number(f.Id)]?.id ?? String(f.Id)));
        }
        return refused;
    }

    async visibilityTimeoutSeconds(): Promise<number> {
        const response = await this.client.send(
            new GetQueueAttributesCommand({ QueueUrl: this.queueUrl, AttributeNames: ["VisibilityTimeout"] }),
        );
        return Number(response.Attributes?.VisibilityTimeout ?? 30);
    }
}
