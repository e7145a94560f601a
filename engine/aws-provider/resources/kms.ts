/** KMS keys: real in the emulator (the alarm topic's key; a deleted key is scheduled for deletion, as on AWS). */
import {
    CreateKeyCommand,
    DisableKeyRotationCommand,
    EnableKeyRotationCommand,
    NotFoundException,
    PutKeyPolicyCommand,
    ScheduleKeyDeletionCommand,
    TagResourceCommand,
    UntagResourceCommand,
    UpdateKeyDescriptionCommand,
} from "@aws-sdk/client-kms";
import { intBetween, policyDocument, tags as tagRule } from "../check/rules";
import { regionOf } from "../context";
import { plain, sameValue, str, stringMap } from "../values";
import { outputsOf, ResourceType } from "./types";

const KEY_COMPUTED = [
    "arn",
    "keyId",
    "multiRegion",
    "policy",
    "region",
    "rotationPeriodInDays",
    "tagsAll",
    "description",
];

export const key: ResourceType = {
    backing: "emulator",
    defaults: {
        bypassPolicyLockoutSafetyCheck: false,
        customerMasterKeySpec: "SYMMETRIC_DEFAULT",
        enableKeyRotation: false,
        isEnabled: true,
        keyUsage: "ENCRYPT_DECRYPT",
    },
    rules: { deletionWindowInDays: intBetween(7, 30), policy: policyDocument(32_768), tags: tagRule },
    computed: KEY_COMPUTED,
    async create(ctx, inputs) {
        const region = regionOf(inputs);
        const kms = ctx.clients.kms(region);
        const { KeyMetadata } = await kms.send(
            new CreateKeyCommand({
                Description: str(inputs, "description"),
                Policy: str(inputs, "policy"),
                KeyUsage: str(inputs, "keyUsage") as never,
                KeySpec: str(inputs, "customerMasterKeySpec") as never,
                Tags: Object.entries(stringMap(inputs.tags)).map(([TagKey, TagValue]) => ({ TagKey, TagValue })),
            }),
        );
        if (plain(inputs.enableKeyRotation) === true) {
            await kms.send(new EnableKeyRotationCommand({ KeyId: KeyMetadata!.KeyId }));
        }
        return {
            id: KeyMetadata!.KeyId!,
            outs: outputsOf(inputs, {
                arn: KeyMetadata!.Arn,
                keyId: KeyMetadata!.KeyId,
                description: KeyMetadata!.Description ?? "",
                multiRegion: KeyMetadata!.MultiRegion ?? false,
                policy: str(inputs, "policy") ?? "",
                rotationPeriodInDays: 365,
                region,
                tagsAll: stringMap(inputs.tags),
            }),
        };
    },
    async update(ctx, id, olds, news) {
        const kms = ctx.clients.kms(regionOf(olds));
        if (!sameValue(olds.description, news.description)) {
            await kms.send(new UpdateKeyDescriptionCommand({ KeyId: id, Description: str(news, "description") ?? "" }));
        }
        if (!sameValue(olds.policy, news.policy) && str(news, "policy")) {
            await kms.send(new PutKeyPolicyCommand({ KeyId: id, PolicyName: "default", Policy: str(news, "policy") }));
        }
        if (!sameValue(olds.enableKeyRotation, news.enableKeyRotation)) {
            await kms.send(
                plain(news.enableKeyRotation) === true
                    ? new EnableKeyRotationCommand({ KeyId: id })
                    : new DisableKeyRotationCommand({ KeyId: id }),
            );
        }
        const before = stringMap(olds.tags);
        const after = stringMap(news.tags);
        const removed = Object.keys(before).filter((tag) => !(tag in after));
        if (removed.length > 0) {
            await kms.send(new UntagResourceCommand({ KeyId: id, TagKeys: removed }));
        }
        if (!sameValue(before, after) && Object.keys(after).length > 0) {
            await kms.send(
                new TagResourceCommand({
                    KeyId: id,
                    Tags: Object.entries(after).map(([TagKey, TagValue]) => ({ TagKey, TagValue })),
                }),
            );
        }
        return outputsOf(news, {
            ...Object.fromEntries(KEY_COMPUTED.filter((k) => k in olds).map((k) => [k, olds[k]])),
            description: str(news, "description") ?? "",
            policy: str(news, "policy") ?? olds.policy,
            tagsAll: after,
        });
    },
    async delete(ctx, id, state) {
        try {
            await ctx.clients.kms(regionOf(state)).send(
                new ScheduleKeyDeletionCommand({
                    KeyId: id,
                    PendingWindowInDays: (plain(state.deletionWindowInDays) as number) ?? 30,
                }),
            );
        } catch (error) {
            if (!(error instanceof NotFoundException)) {
                throw error;
            }
        }
    },
};
