/** SQS queues and queue policies: real in the emulator (event rules deliver to them; the watch service reads them). */
import {
    CreateQueueCommand,
    DeleteQueueCommand,
    GetQueueAttributesCommand,
    QueueAttributeName,
    QueueDoesNotExist,
    SetQueueAttributesCommand,
    SQSClient,
    TagQueueCommand,
    UntagQueueCommand,
} from "@aws-sdk/client-sqs";
import { intBetween, json, queueName, tags as tagRule } from "../check/rules";
import { regionOf } from "../context";
import { need, plain, Props, sameValue, str, stringMap } from "../values";
import { namePrefixFromName, prefixedUniqueId } from "./naming";
import { outputsOf, ResourceType } from "./types";
import { absentOn } from "./absent";

const gone = absentOn(QueueDoesNotExist);

/** Pulumi input → SQS attribute, for the attributes a queue is created and updated with. */
const ATTRIBUTES: Record<string, QueueAttributeName> = {
    contentBasedDeduplication: "ContentBasedDeduplication",
    delaySeconds: "DelaySeconds",
    fifoQueue: "FifoQueue",
    kmsDataKeyReusePeriodSeconds: "KmsDataKeyReusePeriodSeconds",
    kmsMasterKeyId: "KmsMasterKeyId",
    maxMessageSize: "MaximumMessageSize",
    messageRetentionSeconds: "MessageRetentionPeriod",
    policy: "Policy",
    receiveWaitTimeSeconds: "ReceiveMessageWaitTimeSeconds",
    redriveAllowPolicy: "RedriveAllowPolicy",
    redrivePolicy: "RedrivePolicy",
    sqsManagedSseEnabled: "SqsManagedSseEnabled",
    visibilityTimeoutSeconds: "VisibilityTimeout",
};

function attributesOf(inputs: Props, create: boolean): Record<string, string> {
    const attributes: Record<string, string> = {};
    for (const [input, attribute] of Object.entries(ATTRIBUTES)) {
        const value = plain(inputs[input]);
        // FifoQueue may only be sent on create, and only when true.
        if (value === undefined || (input === "fifoQueue" && (!create || value !== true))) {
            continue;
        }
        attributes[attribute] = String(value);
    }
    return attributes;
}

async function queueComputed(sqs: SQSClient, url: string, region: string, name: string, tags: unknown): Promise<Props> {
    const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }),
    );
    return {
        name,
        url,
        arn: Attributes.QueueArn,
        namePrefix: namePrefixFromName(name),
        policy: Attributes.Policy ?? "",
        redriveAllowPolicy: Attributes.RedriveAllowPolicy ?? "",
        sqsManagedSseEnabled: Attributes.SqsManagedSseEnabled === "true",
        kmsDataKeyReusePeriodSeconds: Number(Attributes.KmsDataKeyReusePeriodSeconds ?? 300),
        deduplicationScope: Attributes.DeduplicationScope ?? "",
        fifoThroughputLimit: Attributes.FifoThroughputLimit ?? "",
        region,
        tagsAll: stringMap(tags),
    };
}

export const queue: ResourceType = {
    backing: "emulator",
    autoName: { property: "name", maxLength: 80, conflictsWith: "namePrefix" },
    defaults: {
        contentBasedDeduplication: false,
        delaySeconds: 0,
        fifoQueue: false,
        messageRetentionSeconds: 345_600,
        receiveWaitTimeSeconds: 0,
        visibilityTimeoutSeconds: 30,
    },
    rules: {
        name: queueName,
        delaySeconds: intBetween(0, 900),
        messageRetentionSeconds: intBetween(60, 1_209_600),
        visibilityTimeoutSeconds: intBetween(0, 43_200),
        redrivePolicy: json,
        policy: json,
        tags: tagRule,
    },
    computed: [
        "arn",
        "deduplicationScope",
        "fifoThroughputLimit",
        "kmsDataKeyReusePeriodSeconds",
        "name",
        "namePrefix",
        "policy",
        "redriveAllowPolicy",
        "region",
        "sqsManagedSseEnabled",
        "tagsAll",
        "url",
    ],
    async create(ctx, inputs) {
        const region = regionOf(inputs);
        const name = str(inputs, "name") ?? prefixedUniqueId(str(inputs, "namePrefix"));
        const sqs = ctx.clients.sqs(region);
        const { QueueUrl } = await sqs.send(
            new CreateQueueCommand({
                QueueName: name,
                Attributes: attributesOf(inputs, true),
                tags: stringMap(inputs.tags),
            }),
        );
        return {
            id: QueueUrl!,
            outs: outputsOf(inputs, await queueComputed(sqs, QueueUrl!, region, name, inputs.tags)),
        };
    },
    async update(ctx, id, olds, news) {
        const region = regionOf(olds);
        const sqs = ctx.clients.sqs(region);
        const before = attributesOf(olds, false);
        const after = attributesOf(news, false);
        const changed = Object.fromEntries(Object.entries(after).filter(([key, value]) => before[key] !== value));
        if (Object.keys(changed).length > 0) {
            await sqs.send(new SetQueueAttributesCommand({ QueueUrl: id, Attributes: changed }));
        }
        if (!sameValue(olds.tags ?? {}, news.tags ?? {})) {
            const removed = Object.keys(stringMap(olds.tags)).filter((key) => !(key in stringMap(news.tags)));
            if (removed.length > 0) {
                await sqs.send(new UntagQueueCommand({ QueueUrl: id, TagKeys: removed }));
            }
            await sqs.send(new TagQueueCommand({ QueueUrl: id, Tags: stringMap(news.tags) }));
        }
        return outputsOf(news, await queueComputed(sqs, id, region, need(olds, "name"), news.tags));
    },
    async delete(ctx, id, state) {
        await gone(ctx.clients.sqs(regionOf(state)).send(new DeleteQueueCommand({ QueueUrl: id })));
    },
};

export const queuePolicy: ResourceType = {
    backing: "emulator",
    required: ["policy", "queueUrl"],
    rules: { policy: json },
    computed: ["region"],
    async create(ctx, inputs) {
        const url = need(inputs, "queueUrl");
        await ctx.clients
            .sqs(regionOf(inputs))
            .send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: need(inputs, "policy") } }));
        return { id: url, outs: outputsOf(inputs, { region: regionOf(inputs) }) };
    },
    async update(ctx, id, _olds, news) {
        await ctx.clients
            .sqs(regionOf(news))
            .send(new SetQueueAttributesCommand({ QueueUrl: id, Attributes: { Policy: need(news, "policy") } }));
        return outputsOf(news, { region: regionOf(news) });
    },
    async delete(ctx, id, state) {
        await gone(
            ctx.clients
                .sqs(regionOf(state))
                .send(new SetQueueAttributesCommand({ QueueUrl: id, Attributes: { Policy: "" } })),
        );
    },
};
