/** CloudWatch Logs log groups: real in the emulator (the functions' runs write their log lines there). */
import {
    CreateLogGroupCommand,
    DeleteLogGroupCommand,
    DeleteRetentionPolicyCommand,
    PutRetentionPolicyCommand,
    ResourceNotFoundException,
    TagResourceCommand,
    UntagResourceCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { logGroupName, oneOf, tags as tagRule } from "../check/rules";
import { partitionOf, regionOf } from "../context";
import { need, plain, sameValue, str, stringMap } from "../values";
import { namePrefixFromName, prefixedUniqueId } from "./naming";
import { outputsOf, ResourceType } from "./types";

const RETENTION_DAYS = [
    0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

export function logGroupArn(region: string, accountId: string, name: string, partition = "aws"): string {
    return `arn:${partition}:logs:${region}:${accountId}:log-group:${name}`;
}

export const logGroup: ResourceType = {
    backing: "emulator",
    autoName: { property: "name", maxLength: 512, conflictsWith: "namePrefix" },
    defaults: { retentionInDays: 0, skipDestroy: false },
    rules: { name: logGroupName, retentionInDays: oneOf(...RETENTION_DAYS), tags: tagRule },
    computed: ["arn", "deletionProtectionEnabled", "logGroupClass", "name", "namePrefix", "region", "tagsAll"],
    async create(ctx, inputs) {
        const region = regionOf(inputs);
        const name = str(inputs, "name") ?? prefixedUniqueId(str(inputs, "namePrefix"));
        const logs = ctx.clients.logs(region);
        await logs.send(
            new CreateLogGroupCommand({
                logGroupName: name,
                kmsKeyId: str(inputs, "kmsKeyId"),
                logGroupClass: str(inputs, "logGroupClass") as never,
                tags: stringMap(inputs.tags),
            }),
        );
        const days = plain(inputs.retentionInDays) as number | undefined;
        if (days) {
            await logs.send(new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: days }));
        }
        const accountId = await ctx.clients.accountId();
        return {
            id: name,
            outs: outputsOf(inputs, {
                name,
                arn: logGroupArn(region, accountId, name, partitionOf(region)),
                namePrefix: namePrefixFromName(name),
                logGroupClass: str(inputs, "logGroupClass") ?? "STANDARD",
                deletionProtectionEnabled: false,
                region,
                tagsAll: stringMap(inputs.tags),
            }),
        };
    },
    async update(ctx, id, olds, news) {
        const logs = ctx.clients.logs(regionOf(olds));
        if (!sameValue(olds.retentionInDays, news.retentionInDays)) {
            const days = plain(news.retentionInDays) as number | undefined;
            if (days) {
                await logs.send(new PutRetentionPolicyCommand({ logGroupName: id, retentionInDays: days }));
            } else {
                await logs.send(new DeleteRetentionPolicyCommand({ logGroupName: id }));
            }
        }
        const arn = need(olds, "arn");
        const removed = Object.keys(stringMap(olds.tags)).filter((key) => !(key in stringMap(news.tags)));
        if (removed.length > 0) {
            await logs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: removed }));
        }
        if (!sameValue(olds.tags ?? {}, news.tags ?? {}) && Object.keys(stringMap(news.tags)).length > 0) {
            await logs.send(new TagResourceCommand({ resourceArn: arn, tags: stringMap(news.tags) }));
        }
        return outputsOf(news, {
            name: id,
            arn,
            namePrefix: olds.namePrefix,
            logGroupClass: olds.logGroupClass,
            deletionProtectionEnabled: false,
            region: olds.region,
            tagsAll: stringMap(news.tags),
        });
    },
    async delete(ctx, id, state) {
        if (plain(state.skipDestroy) === true) {
            return;
        }
        try {
            await ctx.clients.logs(regionOf(state)).send(new DeleteLogGroupCommand({ logGroupName: id }));
        } catch (error) {
            if (!(error instanceof ResourceNotFoundException)) {
                throw error;
            }
        }
    },
};
