/**
 * EKS add-ons, Pod Identity associations and Fargate profiles, through the EKS API of the emulator. moto serves
 * Fargate profiles; add-ons and Pod Identity associations only the tier's EKS fake does (AWS_ENDPOINT_URL_EKS), so
 * without it those two are kept in the Pulumi state only, with ids and ARNs shaped as EKS makes them.
 */
import { randomBytes, randomUUID } from "node:crypto";
import {
    CreateAddonCommand,
    CreateFargateProfileCommand,
    CreatePodIdentityAssociationCommand,
    DeleteAddonCommand,
    DeleteFargateProfileCommand,
    DeletePodIdentityAssociationCommand,
    ResourceNotFoundException,
    TagResourceCommand,
    UntagResourceCommand,
    UpdateAddonCommand,
    UpdatePodIdentityAssociationCommand,
} from "@aws-sdk/client-eks";
import { tags as tagRule } from "../check/rules";
import { partitionOf, regionOf } from "../context";
import { need, plain, Props, sameValue, str, stringMap } from "../values";
import { rfc3339 } from "./naming";
import { Ctx, outputsOf, ResourceType } from "./types";
import { absentOn } from "./absent";

/** Whether the EKS API at hand serves add-ons and Pod Identity associations (the tier's EKS fake). */
function eksFake(): boolean {
    return Boolean(process.env.AWS_ENDPOINT_URL_EKS);
}

const gone = absentOn(ResourceNotFoundException);

async function retag(ctx: Ctx, region: string, arn: string, olds: Props, news: Props): Promise<void> {
    const eks = ctx.clients.eks(region);
    const before = stringMap(olds.tags);
    const after = stringMap(news.tags);
    const removed = Object.keys(before).filter((key) => !(key in after));
    if (removed.length > 0) {
        await eks.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: removed }));
    }
    if (!sameValue(before, after) && Object.keys(after).length > 0) {
        await eks.send(new TagResourceCommand({ resourceArn: arn, tags: after }));
    }
}

export const addon: ResourceType = {
    backing: "emulator",
    required: ["addonName", "clusterName"],
    rules: { tags: tagRule },
    computed: ["addonVersion", "arn", "configurationValues", "createdAt", "modifiedAt", "region", "tagsAll"],
    async create(ctx, inputs) {
        const region = regionOf(inputs);
        const cluster = need(inputs, "clusterName");
        const name = need(inputs, "addonName");
        let computed: Props;
        if (eksFake()) {
            const { addon: created } = await ctx.clients.eks(region).send(
                new CreateAddonCommand({
                    clusterName: cluster,
                    addonName: name,
                    addonVersion: str(inputs, "addonVersion"),
                    serviceAccountRoleArn: str(inputs, "serviceAccountRoleArn"),
                    configurationValues: str(inputs, "configurationValues"),
                    resolveConflicts: str(inputs, "resolveConflictsOnCreate") as never,
                    tags: stringMap(inputs.tags),
                }),
            );
            computed = {
                arn: created!.addonArn,
                addonVersion: created!.addonVersion ?? "",
                configurationValues: created!.configurationValues ?? "",
                createdAt: rfc3339(created!.createdAt),
                modifiedAt: rfc3339(created!.modifiedAt),
            };
        } else {
            const now = rfc3339(undefined);
            computed = {
                arn: `arn:${partitionOf(region)}:eks:${region}:${await ctx.clients.accountId()}:addon/${cluster}/${name}/${randomUUID()}`,
                addonVersion: str(inputs, "addonVersion") ?? "",
                configurationValues: str(inputs, "configurationValues") ?? "",
                createdAt: now,
                modifiedAt: now,
            };
        }
        return {
            id: `${cluster}:${name}`,
            outs: outputsOf(inputs, { ...computed, region, tagsAll: stringMap(inputs.tags) }),
        };
    },
    async update(ctx, _id, olds, news) {
        const region = regionOf(olds);
        if (eksFake()) {
            const changed = ["addonVersion", "serviceAccountRoleArn", "configurationValues"].some(
                (k) => !sameValue(olds[k], news[k]),
            );
            if (changed) {
                await ctx.clients.eks(region).send(
                    new UpdateAddonCommand({
                        clusterName: need(news, "clusterName"),
                        addonName: need(news, "addonName"),
                        addonVersion: str(news, "addonVersion"),
                        serviceAccountRoleArn: str(news, "serviceAccountRoleArn"),
                        configurationValues: str(news, "configurationValues"),
                        resolveConflicts: str(news, "resolveConflictsOnUpdate") as never,
                    }),
                );
            }
            await retag(ctx, region, need(olds, "arn"), olds, news);
        }
        const kept = ["arn", "addonVersion", "configurationValues", "createdAt", "region"];
        return outputsOf(news, {
            ...Object.fromEntries(kept.map((k) => [k, olds[k]])),
            modifiedAt: rfc3339(undefined),
            tagsAll: stringMap(news.tags),
        });
    },
    async delete(ctx, _id, state) {
        if (eksFake()) {
            await gone(
                ctx.clients.eks(regionOf(state)).send(
                    new DeleteAddonCommand({
                        clusterName: need(state, "clusterName"),
                        addonName: need(state, "addonName"),
                        preserve: plain(state.preserve) === true,
                    }),
                ),
            );
        }
    },
};

/** EKS association ids: "a-" and 17 lowercase letters and digits. */
function associationId(): string {
    const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    return `a-${[...randomBytes(17)].map((b) => alphabet[b % alphabet.length]).join("")}`;
}

export const podIdentityAssociation: ResourceType = {
    backing: "emulator",
    defaults: { disableSessionTags: false },
    required: ["clusterName", "namespace", "roleArn", "serviceAccount"],
    rules: { tags: tagRule },
    computed: ["associationArn", "associationId", "externalId", "region", "tagsAll"],
    async create(ctx, inputs) {
        const region = regionOf(inputs);
        const cluster = need(inputs, "clusterName");
        let computed: Props;
        if (eksFake()) {
            const { association } = await ctx.clients.eks(region).send(
                new CreatePodIdentityAssociationCommand({
                    clusterName: cluster,
                    namespace: need(inputs, "namespace"),
                    serviceAccount: need(inputs, "serviceAccount"),
                    roleArn: need(inputs, "roleArn"),
                    targetRoleArn: str(inputs, "targetRoleArn"),
                    disableSessionTags: plain(inputs.disableSessionTags) === true,
                    tags: stringMap(inputs.tags),
                }),
            );
            computed = {
                associationArn: association!.associationArn,
                associationId: association!.associationId,
                externalId: association!.externalId ?? "",
            };
        } else {
            const id = associationId();
            computed = {
                associationArn: `arn:${partitionOf(region)}:eks:${region}:${await ctx.clients.accountId()}:podidentityassociation/${cluster}/${id}`,
                associationId: id,
                externalId: "",
            };
        }
        return {
            id: computed.associationId as string,
            outs: outputsOf(inputs, { ...computed, region, tagsAll: stringMap(inputs.tags) }),
        };
    },
    async update(ctx, id, olds, news) {
        const region = regionOf(olds);
        if (eksFake()) {
            if (["roleArn", "targetRoleArn", "disableSessionTags"].some((k) => !sameValue(olds[k], news[k]))) {
                await ctx.clients.eks(region).send(
                    new UpdatePodIdentityAssociationCommand({
                        clusterName: need(news, "clusterName"),
                        associationId: id,
                        roleArn: need(news, "roleArn"),
                        targetRoleArn: str(news, "targetRoleArn"),
                        disableSessionTags: plain(news.disableSessionTags) === true,
                    }),
                );
            }
            await retag(ctx, region, need(olds, "associationArn"), olds, news);
        }
        return outputsOf(news, {
            associationArn: olds.associationArn,
            associationId: olds.associationId,
            externalId: olds.externalId,
            region: olds.region,
            tagsAll: stringMap(news.tags),
        });
    },
    async delete(ctx, id, state) {
        if (eksFake()) {
            await gone(
                ctx.clients.eks(regionOf(state)).send(
                    new DeletePodIdentityAssociationCommand({
                        clusterName: need(state, "clusterName"),
                        associationId: id,
                    }),
                ),
            );
        }
    },
};

export const fargateProfile: ResourceType = {
    backing: "emulator",
    required: ["clusterName", "fargateProfileName", "podExecutionRoleArn", "selectors"],
    rules: { tags: tagRule },
    computed: ["arn", "region", "status", "tagsAll"],
    async create(ctx, inputs) {
        const region = regionOf(inputs);
        const cluster = need(inputs, "clusterName");
        const name = need(inputs, "fargateProfileName");
        const selectors = (plain(inputs.selectors) ?? []) as Array<{
            namespace: string;
            labels?: Record<string, string>;
        }>;
        const { fargateProfile: created } = await ctx.clients.eks(region).send(
            new CreateFargateProfileCommand({
                clusterName: cluster,
                fargateProfileName: name,
                podExecutionRoleArn: need(inputs, "podExecutionRoleArn"),
                subnets: (plain(inputs.subnetIds) as string[] | undefined) ?? undefined,
                selectors: selectors.map((s) => ({ namespace: s.namespace, labels: s.labels })),
                tags: stringMap(inputs.tags),
            }),
        );
        return {
            id: `${cluster}:${name}`,
            outs: outputsOf(inputs, {
                arn: created!.fargateProfileArn,
                status: created!.status ?? "ACTIVE",
                region,
                tagsAll: stringMap(inputs.tags),
            }),
        };
    },
    async update(ctx, _id, olds, news) {
        await retag(ctx, regionOf(olds), need(olds, "arn"), olds, news);
        return outputsOf(news, {
            arn: olds.arn,
            status: olds.status,
            region: olds.region,
            tagsAll: stringMap(news.tags),
        });
    },
    async delete(ctx, _id, state) {
        await gone(
            ctx.clients.eks(regionOf(state)).send(
                new DeleteFargateProfileCommand({
                    clusterName: need(state, "clusterName"),
                    fargateProfileName: need(state, "fargateProfileName"),
                }),
            ),
        );
    },
};
