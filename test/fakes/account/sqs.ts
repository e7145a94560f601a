/** SQS as the fake account answers it: visibility changes only (the consumer is given its records). */
import { AuthRequest } from "../iamPolicy";
import { awsError } from "./errors";
import { AccountState } from "./state";
import { ServiceSpec } from "./service";

/** A queue's call, on the queue its URL names (https://sqs.<region>.amazonaws.com/<account>/<name>). */
function sqsAuthRequests(_account: AccountState, operation: string, input: Record<string, any>): AuthRequest[] {
    const [, , host, account, name] = String(input.QueueUrl).split("/");
    return [
        { action: `sqs:${operation}`, resource: `arn:aws:sqs:${host.split(".")[1]}:${account}:${name}`, context: {} },
    ];
}

export const SQS: ServiceSpec = {
    service: "sqs",
    operations: {
        ChangeMessageVisibility(
            account: AccountState,
            input: { QueueUrl: string; ReceiptHandle: string; VisibilityTimeout: number },
        ) {
            if (
                !Number.isInteger(input.VisibilityTimeout) ||
                input.VisibilityTimeout < 0 ||
                input.VisibilityTimeout > 43_200
            ) {
                throw awsError(
                    "InvalidParameterValue",
                    "Value for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.",
                );
            }
            account.visibilityChanges.push({
                queueUrl: input.QueueUrl,
                receiptHandle: input.ReceiptHandle,
                seconds: input.VisibilityTimeout,
            });
            return {};
        },
    },
    authRequests: sqsAuthRequests,
};
