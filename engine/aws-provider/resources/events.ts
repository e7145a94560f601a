/**
 * EventBridge buses, rules and targets: real in the emulator (the reconciler publishes cluster events to the stack's
 * bus with PutEvents; moto delivers bus rules to SQS targets).
 */
import {
    CreateEventBusCommand,
    DeleteEventBusCommand,
    DeleteRuleCommand,
    DescribeEventBusCommand,
    EventBridgeClient,
    PutRuleCommand,
    PutTargetsCommand,
    RemoveTargetsCommand,
    ResourceNotFoundException,
    TagResourceCommand,
    UntagResourceCommand,
} from "@aws-sdk/client-eventbridge";
import { eventBusName, eventRuleName, json, tags as tagRule } from "../check/rules";
import { regionOf } from "../context";
import { need, plain, Props, sameValue, str, stringMap } from "../values";
import { namePrefixFromName, prefixedUniqueId, tagList } from "./naming";
import { outputsOf, ResourceType } from "./types";
import { absentOn } from "./absent";

const DEFAULT_BUS = "default";

const gone = absentOn(ResourceNotFoundException);

async function retag(client: EventBridgeClient, arn: string, olds: Props, news: Props): Promise<void> {
    const before = stringMap(olds.tags);
    const after = stringMap(news.tags);
    const removed = Object.keys(before).filter((key) => !(key in after));
    if (removed.length > 0) {
        await client.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: removed }));
    }
    if (!sameValue(before, after) && Object.keys(after).length > 0) {
        await client.send(new TagResourceCommand({ ResourceARN: arn, Tags: tagList(after) }));
    }
}

export const eventBus: ResourceType = {
    backing: "emulator",
    autoName: { property: "name", maxLength: 256 },
    rules: { name: eventBusName, tags: tagRule },
    computed: ["arn", "region", "tagsAll"],
    async create(ctx, inputs) {
        const region = regionOf(inputs);
        const name = need(inputs, "name");
        const created = await ctx.clients.events(region).send(
            new CreateEventBusCommand({
                Name: name,
                Description: str(inputs, "description"),
                Tags: tagList(inputs.tags),
            }),
        );
        return {
            id: name,
            outs: outputsOf(inputs, { arn: created.EventBusArn, region, tagsAll: stringMap(inputs.tags) }),
        };
    },
    async update(ctx, _id, olds, news) {
        await retag(ctx.clients.events(regionOf(olds)), need(olds, "arn"), olds, news);
        return outputsOf(news, { arn: olds.arn, region: olds.region, tagsAll: stringMap(news.tags) });
    },
    async delete(ctx, id, state) {
        await gone(ctx.clients.events(regionOf(state)).send(new DeleteEventBusCommand({ Name: id })));
    },
    async read(ctx, id, state) {
        const found = await gone(ctx.clients.events(regionOf(state)).send(new DescribeEventBusCommand({ Name: id })));
        return found ? { id, props: { ...state, arn: found.Arn }, inputs: state } : undefined;
    },
};

function putRule(inputs: Props, name: string) {
    const state = str(inputs, "state");
    return new PutRuleCommand({
        Name: name,
        EventBusName: str(inputs, "eventBusName"),
        Description: str(inputs, "description"),
        EventPattern: str(inputs, "eventPattern"),
        ScheduleExpression: str(inputs, "scheduleExpression"),
        RoleArn: str(inputs, "roleArn"),
        State: (state ?? "ENABLED") as never,
        Tags: tagList(inputs.tags),
    });
}

export const eventRule: ResourceType = {
    backing: "emulator",
    autoName: { property: "name", maxLength: 64, conflictsWith: "namePrefix" },
    defaults: { eventBusName: DEFAULT_BUS, forceDestroy: false },
    rules: { name: eventRuleName, eventPattern: json, tags: tagRule },
    computed: ["arn", "name", "namePrefix", "region", "tagsAll"],
    async create(ctx, inputs) {
        if (inputs.eventPattern === undefined && inputs.scheduleExpression === undefined) {
            throw new Error('one of "eventPattern" or "scheduleExpression" must be specified');
        }
        const region = regionOf(inputs);
        const name = str(inputs, "name") ?? prefixedUniqueId(str(inputs, "namePrefix"));
        const bus = str(inputs, "eventBusName") ?? DEFAULT_BUS;
        const { RuleArn } = await ctx.clients.events(region).send(putRule(inputs, name));
        return {
            id: bus === DEFAULT_BUS ? name : `${bus}/${name}`,
            outs: outputsOf(inputs, {
                name,
                arn: RuleArn,
                namePrefix: namePrefixFromName(name),
                region,
                tagsAll: stringMap(inputs.tags),
            }),
        };
    },
    async update(ctx, _id, olds, news) {
        const client = ctx.clients.events(regionOf(olds));
        await client.send(putRule(news, need(news, "name")));
        await retag(client, need(olds, "arn"), olds, news);
        return outputsOf(news, {
            arn: olds.arn,
            namePrefix: olds.namePrefix,
            region: olds.region,
            tagsAll: stringMap(news.tags),
        });
    },
    async delete(ctx, _id, state) {
        const bus = str(state, "eventBusName");
        await gone(
            ctx.clients.events(regionOf(state)).send(
                new DeleteRuleCommand({
                    Name: need(state, "name"),
                    EventBusName: bus === DEFAULT_BUS ? undefined : bus,
                    Force: plain(state.forceDestroy) === true,
                }),
            ),
        );
    },
};

function putTarget(inputs: Props, targetId: string) {
    const sqsTarget = plain(inputs.sqsTarget) as { messageGroupId?: string } | undefined;
    const deadLetter = plain(inputs.deadLetterConfig) as { arn?: string } | undefined;
    const retry = plain(inputs.retryPolicy) as
        { maximumEventAgeInSeconds?: number; maximumRetryAttempts?: number } | undefined;
    return new PutTargetsCommand({
        Rule: need(inputs, "rule"),
        EventBusName: str(inputs, "eventBusName"),
        Targets: [
            {
                Id: targetId,
                Arn: need(inputs, "arn"),
                RoleArn: str(inputs, "roleArn"),
                Input: str(inputs, "input"),
                InputPath: str(inputs, "inputPath"),
                SqsParameters: sqsTarget?.messageGroupId ? { MessageGroupId: sqsTarget.messageGroupId } : undefined,
                DeadLetterConfig: deadLetter?.arn ? { Arn: deadLetter.arn } : undefined,
                RetryPolicy: retry
                    ? {
                          MaximumEventAgeInSeconds: retry.maximumEventAgeInSeconds,
                          MaximumRetryAttempts: retry.maximumRetryAttempts,
                      }
                    : undefined,
            },
        ],
    });
}

async function sendTarget(client: EventBridgeClient, inputs: Props, targetId: string): Promise<void> {
    const result = await client.send(putTarget(inputs, targetId));
    const failed = result.FailedEntries?.[0];
    if ((result.FailedEntryCount ?? 0) > 0 && failed) {
        throw new Error(`creating EventBridge Target (${targetId}): ${failed.ErrorCode}: ${failed.ErrorMessage}`);
    }
}

export const eventTarget: ResourceType = {
    backing: "emulator",
    defaults: { eventBusName: DEFAULT_BUS, forceDestroy: false },
    required: ["arn", "rule"],
    rules: { rule: eventRuleName, input: json },
    computed: ["region", "targetId"],
    async create(ctx, inputs) {
        const region = regionOf(inputs);
        const targetId = str(inputs, "targetId") ?? prefixedUniqueId();
        await sendTarget(ctx.clients.events(region), inputs, targetId);
        const bus = str(inputs, "eventBusName") ?? DEFAULT_BUS;
        const rule = need(inputs, "rule");
        return {
            id: (bus === DEFAULT_BUS ? [rule, targetId] : [bus, rule, targetId]).join("-"),
            outs: outputsOf(inputs, { targetId, region }),
        };
    },
    async update(ctx, _id, olds, news) {
        const targetId = need(olds, "targetId");
        await sendTarget(ctx.clients.events(regionOf(olds)), news, targetId);
        return outputsOf(news, { targetId, region: olds.region });
    },
    async delete(ctx, _id, state) {
        const bus = str(state, "eventBusName");
        await gone(
            ctx.clients.events(regionOf(state)).send(
                new RemoveTargetsCommand({
                    Rule: need(state, "rule"),
                    EventBusName: bus === DEFAULT_BUS ? undefined : bus,
                    Ids: [need(state, "targetId")],
                    Force: plain(state.forceDestroy) === true,
                }),
            ),
        );
    },
};
