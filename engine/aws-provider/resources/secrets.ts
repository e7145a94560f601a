/** Secrets Manager secrets and versions: real in the emulator (the reconciler reads the platform token there). */
import {
    CreateSecretCommand,
    DeleteSecretCommand,
    DescribeSecretCommand,
    PutSecretValueCommand,
    ResourceNotFoundException,
    TagResourceCommand,
    UntagResourceCommand,
    UpdateSecretCommand,
    UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import { intBetween, secretName, tags as tagRule } from "../check/rules";
import { regionOf } from "../context";
import { need, plain, Props, sameValue, str, stringMap } from "../values";
import { namePrefixFromName, prefixedUniqueId, tagList } from "./naming";
import { outputsOf, ResourceType } from "./types";
import { absentOn } from "./absent";

const gone = absentOn(ResourceNotFoundException);

const SECRET_COMPUTED = ["arn", "name", "namePrefix", "policy", "region", "replicas", "tagsAll"];

export const secret: ResourceType = {
    backing: "emulator",
    autoName: { property: "name", maxLength: 512, conflictsWith: "namePrefix" },
    defaults: { forceOverwriteReplicaSecret: false, recoveryWindowInDays: 30 },
    rules: {
        name: secretName,
        namePrefix: secretName,
        recoveryWindowInDays: (v) => (v === 0 ? undefined : intBetween(7, 30)(v)),
        tags: tagRule,
    },
    computed: SECRET_COMPUTED,
    async create(ctx, inputs) {
        const region = regionOf(inputs);
        const name = str(inputs, "name") ?? prefixedUniqueId(str(inputs, "namePrefix"));
        const created = await ctx.clients.secrets(region).send(
            new CreateSecretCommand({
                Name: name,
                Description: str(inputs, "description") ?? "",
                KmsKeyId: str(inputs, "kmsKeyId"),
                Tags: tagList(inputs.tags),
            }),
        );
        return {
            id: created.ARN!,
            outs: outputsOf(inputs, {
                name,
                arn: created.ARN,
                namePrefix: str(inputs, "namePrefix") ?? namePrefixFromName(name),
                policy: "",
                region,
                replicas: [],
                tagsAll: stringMap(inputs.tags),
            }),
        };
    },
    async update(ctx, id, olds, news) {
        const client = ctx.clients.secrets(regionOf(olds));
        if (!sameValue(olds.description, news.description) || !sameValue(olds.kmsKeyId, news.kmsKeyId)) {
            await client.send(
                new UpdateSecretCommand({
                    SecretId: id,
                    Description: str(news, "description") ?? "",
                    KmsKeyId: str(news, "kmsKeyId"),
                }),
            );
        }
        const before = stringMap(olds.tags);
        const after = stringMap(news.tags);
        const removed = Object.keys(before).filter((key) => !(key in after));
        if (removed.length > 0) {
            await client.send(new UntagResourceCommand({ SecretId: id, TagKeys: removed }));
        }
        if (!sameValue(before, after) && Object.keys(after).length > 0) {
            await client.send(new TagResourceCommand({ SecretId: id, Tags: tagList(after) }));
        }
        return outputsOf(news, { ...pickComputed(olds), tagsAll: after });
    },
    async delete(ctx, id, state) {
        const days = plain(state.recoveryWindowInDays) as number | undefined;
        await gone(
            ctx.clients
                .secrets(regionOf(state))
                .send(
                    new DeleteSecretCommand(
                        days === 0
                            ? { SecretId: id, ForceDeleteWithoutRecovery: true }
                            : { SecretId: id, RecoveryWindowInDays: days ?? 30 },
                    ),
                ),
        );
    },
    async read(ctx, id, state) {
        const found = await gone(
            ctx.clients.secrets(regionOf(state)).send(new DescribeSecretCommand({ SecretId: id })),
        );
        if (!found || found.DeletedDate) {
            return undefined;
        }
        return { id, props: { ...state, arn: found.ARN, name: found.Name }, inputs: state };
    },
};

function pickComputed(olds: Props): Props {
    return Object.fromEntries(SECRET_COMPUTED.filter((key) => key in olds).map((key) => [key, olds[key]]));
}

export const secretVersion: ResourceType = {
    backing: "emulator",
    required: ["secretId"],
    computed: ["arn", "hasSecretStringWo", "region", "secretArn", "versionId", "versionStages"],
    async create(ctx, inputs) {
        const region = regionOf(inputs);
        const secretId = need(inputs, "secretId");
        const secretString = str(inputs, "secretString");
        const secretBinary = str(inputs, "secretBinary");
        const put = await ctx.clients.secrets(region).send(
            new PutSecretValueCommand({
                SecretId: secretId,
                SecretString: secretString,
                SecretBinary: secretBinary !== undefined ? Buffer.from(secretBinary, "base64") : undefined,
                VersionStages: (plain(inputs.versionStages) as string[] | undefined) ?? undefined,
            }),
        );
        return {
            id: `${secretId}|${put.VersionId}`,
            outs: outputsOf(inputs, {
                arn: put.ARN,
                secretArn: put.ARN,
                versionId: put.VersionId,
                versionStages: put.VersionStages ?? ["AWSCURRENT"],
                hasSecretStringWo: false,
                region,
            }),
        };
    },
    async delete(ctx, id, state) {
        // As the provider: a version is not deleted, its staging labels other than AWSCURRENT are removed.
        const [secretId, versionId] = id.split("|");
        for (const stage of (plain(state.versionStages) as string[] | undefined) ?? []) {
            if (stage !== "AWSCURRENT") {
                await gone(
                    ctx.clients.secrets(regionOf(state)).send(
                        new UpdateSecretVersionStageCommand({
                            SecretId: secretId,
                            VersionStage: stage,
                            RemoveFromVersionId: versionId,
                        }),
                    ),
                );
            }
        }
    },
};
