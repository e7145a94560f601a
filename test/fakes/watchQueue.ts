/**
 * An SQS standard queue on an injectable clock, as the watch service sees it: a received message is invisible for the
 * visibility timeout and then handed out again with a new receipt handle (only the newest handle deletes or extends
 * it, as SQS's ReceiptHandleIsInvalid), long polls wait for a send, and each receive is counted (the dead-letter
 * queue's maxReceiveCount counts them).
 */
import type { QueueMessage, WatchQueue } from "../../automation/watch/queue";

interface Clock {
    now(): number;
    sleep(ms: number): Promise<void>;
}

interface Stored {
    id: string;
    body: string;
    sentAt: number;
    visibleAt: number;
    receipt: string;
    receives: number;
    deleted: boolean;
}

export class FakeWatchQueue implements WatchQueue {
    readonly stored: Stored[] = [];
    /** Every call, for assertions: [operation, message ids, argument]. */
    readonly calls: Array<[string, string[], number?]> = [];
    private sequence = 0;
    private wake: Array<() => void> = [];

    constructor(
        private readonly clock: Clock,
        readonly visibilitySeconds = 30,
    ) {}

    send(body: string): string {
        const id = `m-${++this.sequence}`;
        this.stored.push({
            id,
            body,
            sentAt: this.clock.now(),
            visibleAt: this.clock.now(),
            receipt: "",
            receives: 0,
            deleted: false,
        });
        for (const wake of this.wake.splice(0)) {
            wake();
        }
        return id;
    }

    get live(): Stored[] {
        return this.stored.filter((m) => !m.deleted);
    }

    async visibilityTimeoutSeconds(): Promise<number> {
        return this.visibilitySeconds;
    }

    async receive(waitSeconds: number, signal: AbortSignal): Promise<QueueMessage[]> {
        const deadline = this.clock.now() + waitSeconds * 1000;
        for (;;) {
            if (signal.aborted) {
                return [];
            }
            const now = this.clock.now();
            const visible = this.live.filter((m) => m.visibleAt <= now).slice(0, 10);
            if (visible.length > 0 || now >= deadline) {
                this.calls.push(["receive", visible.map((m) => m.id), waitSeconds]);
                return visible.map((m) => {
                    m.receives++;
                    m.receipt = `${m.id}#${m.receives}`;
                    m.visibleAt = now + this.visibilitySeconds * 1000;
                    return { id: m.id, receiptHandle: m.receipt, body: m.body, sentAt: m.sentAt };
                });
            }
            const nextVisible = Math.min(...this.live.map((m) => m.visibleAt).filter((at) => at > now));
            let onAbort = () => undefined as void;
            await Promise.race([
                this.clock.sleep(Math.min(deadline, nextVisible) - now),
                new Promise<void>((resolve) => this.wake.push(resolve)),
                new Promise<void>((resolve) =>
                    signal.addEventListener("abort", (onAbort = () => resolve()), { once: true }),
                ),
            ]);
            signal.removeEventListener("abort", onAbort);
        }
    }

    private current(message: QueueMessage): Stored | undefined {
        return this.live.find(
            (m) => m.id === message.id && m.receipt === message.receiptHandle && m.visibleAt > this.clock.now(),
        );
    }

    async delete(messages: QueueMessage[]): Promise<string[]> {
        this.calls.push(["delete", messages.map((m) => m.id)]);
        const refused: string[] = [];
        for (const message of messages) {
            const stored = this.live.find((m) => m.id === message.id && m.receipt === message.receiptHandle);
            if (stored) {
                stored.deleted = true;
            } else {
                refused.push(message.id);
            }
        }
        return refused;
    }

    async extendVisibility(messages: QueueMessage[], seconds: number): Promise<string[]> {
        this.calls.push(["extend", messages.map((m) => m.id), seconds]);
        const refused: string[] = [];
        for (const message of messages) {
            const stored = this.current(message);
            if (stored) {
                stored.visibleAt = this.clock.now() + seconds * 1000;
            } else {
                refused.push(message.id);
            }
        }
        return refused;
    }
}

/** A watch-queue body as SQS delivers it: the whole EventBridge event the reconciler published. */
export function clusterEventBody(
    kind: "ready" | "removed",
    clusterName: string,
    options: { stack?: string; region?: string } = {},
): string {
    const region = options.region ?? "us-east-1";
    const clusterArn = `arn:aws:eks:${region}:111122223333:cluster/${clusterName}`;
    return JSON.stringify({
        version: "0",
        id: `evt-${clusterName}-${kind}`,
        "detail-type": kind === "ready" ? "Cluster Identity Ready" : "Cluster Removed",
        source: "container-insights",
        account: "111122223333",
        time: "2026-11-22T18:00:00Z",
        region: "us-east-1",
        resources: [clusterArn],
        detail: {
            stack: options.stack ?? "prod-111122223333",
            environment: "PROD",
            clusterName,
            clusterArn,
            region,
            identityMode: "irsa",
        },
    });
}
