/**
 * The state a mocked resource gets: its inputs plus the outputs the program reads back (ARNs, URLs, a bucket's
 * domain name, a StackReference's outputs, the reconciler Invocation's result), shaped as AWS and the providers
 * shape them.
 */
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";

/** What S3 appends to a bucketPrefix, fixed here (test/fakes/awsAccount.ts names the fake account's bucket alike). */
export const BUCKET_PREFIX_SUFFIX = "20260101000000000000000001";

export interface MockAccount {
    accountId: string;
    /** What a StackReference to the stack itself reads: its outputs from the last deploy. */
    previousOutputs: Record<string, unknown>;
}

/** A value with Pulumi's secret envelopes opened. */
export function plain(value: unknown): unknown {
    if (
        typeof value === "object" &&
        value !== null &&
        (value as Record<string, unknown>)[specialSigKey] === specialSecretSig
    ) {
        return plain((value as { value: unknown }).value);
    }
    if (Array.isArray(value)) {
        return value.map(plain);
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
    }
    return value;
}

export function mockState(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    { accountId: ACCOUNT_ID, previousOutputs }: MockAccount,
): Record<string, unknown> {
    const physical = (plain(inputs.name) as string | undefined) ?? `${name}-physical`;
    const state: Record<string, unknown> = { ...inputs, name: inputs.name ?? physical };
    const service = type.split(":")[1].split("/")[0];
    if (type === "aws:s3/bucket:Bucket") {
        const bucket =
            (plain(inputs.bucket) as string | undefined) ?? `${plain(inputs.bucketPrefix)}${BUCKET_PREFIX_SUFFIX}`;
        state.bucket = bucket;
        state.bucketDomainName = `${bucket}.s3.amazonaws.com`;
        state.arn = `arn:aws:s3:::${bucket}`;
    } else if (type === "pulumi:pulumi:StackReference") {
        return { name: inputs.name, outputs: previousOutputs, secretOutputNames: [] };
    } else if (type === "aws:lambda/invocation:Invocation") {
        state.result = JSON.stringify({ action: "reconcile", counts: { created: 0 } });
    } else if (type === "aws:secretsmanager/secret:Secret") {
        // Secrets Manager ARNs end in secret:<name>-<6 random characters>, not secret/<name>.
        state.arn = `arn:aws:secretsmanager:us-east-1:${ACCOUNT_ID}:secret:${physical}-AbCdEf`;
    } else if (type === "aws:sqs/queue:Queue") {
        // As SQS names them: arn:aws:sqs:<region>:<account>:<name>, and the queue URL.
        const region = (plain(inputs.region) as string | undefined) ?? "us-east-1";
        state.arn = `arn:aws:sqs:${region}:${ACCOUNT_ID}:${physical}`;
        state.url = `https://sqs.${region}.amazonaws.com/${ACCOUNT_ID}/${physical}`;
    } else if (type === "aws:cloudwatch/eventBus:EventBus" || type === "aws:cloudwatch/eventRule:EventRule") {
        const region = (plain(inputs.region) as string | undefined) ?? "us-east-1";
        const bus = plain(inputs.eventBusName) as string | undefined;
        const resource = type.endsWith("EventBus")
            ? `event-bus/${physical}`
            : `rule/${bus && bus !== "default" ? `${bus}/` : ""}${physical}`;
        state.arn = `arn:aws:events:${region}:${ACCOUNT_ID}:${resource}`;
    } else if (type === "aws:sns/topic:Topic") {
        // As SNS names them: arn:aws:sns:<region>:<account>:<name> (the topic's policy names it).
        state.arn = `arn:aws:sns:${(plain(inputs.region) as string | undefined) ?? "us-east-1"}:${ACCOUNT_ID}:${physical}`;
    } else if (type === "aws:iam/accessKey:AccessKey") {
        state.secret = { [specialSigKey]: specialSecretSig, value: "mock-secret-access-key" };
    } else {
        state.arn = `arn:aws:${service}:us-east-1:${ACCOUNT_ID}:${type.split(":")[2].toLowerCase()}/${physical}`;
    }
    return state;
}
