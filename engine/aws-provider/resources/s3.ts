/**
 * The insights bucket and its settings: real in the emulator's S3 (the reconciler keeps its lease and deployment
 * record there; the tier's tests read the policy and encryption back).
 */
import {
    BucketLifecycleConfiguration,
    CreateBucketCommand,
    DeleteBucketCommand,
    DeleteBucketEncryptionCommand,
    DeleteBucketLifecycleCommand,
    DeleteBucketOwnershipControlsCommand,
    DeleteBucketPolicyCommand,
    DeleteBucketTaggingCommand,
    DeleteObjectsCommand,
    DeletePublicAccessBlockCommand,
    GetBucketEncryptionCommand,
    GetBucketLifecycleConfigurationCommand,
    GetBucketOwnershipControlsCommand,
    GetBucketPolicyCommand,
    GetBucketTaggingCommand,
    GetPublicAccessBlockCommand,
    HeadBucketCommand,
    ListObjectVersionsCommand,
    NoSuchBucket,
    NotFound,
    PutBucketEncryptionCommand,
    PutBucketLifecycleConfigurationCommand,
    PutBucketOwnershipControlsCommand,
    PutBucketPolicyCommand,
    PutBucketTaggingCommand,
    PutPublicAccessBlockCommand,
    S3Client,
    S3ServiceException,
} from "@aws-sdk/client-s3";
import { bucketName, json, tags as tagRule } from "../check/rules";
import { dnsSuffix, partitionOf, regionOf } from "../context";
import { need, plain, Props, sameValue, str, stringMap } from "../values";
import { prefixedUniqueId, tagList, tagMap } from "./naming";
import { Ctx, inputsOf, outputsOf, ResourceType } from "./types";

/** S3's "nothing there" answers for a bucket or one of its configurations. */
function isMissing(error: unknown): boolean {
    if (error instanceof NoSuchBucket || error instanceof NotFound) {
        return true;
    }
    // Configuration "not found" codes are not modeled as classes by the SDK (NoSuchBucketPolicy,
    // ServerSideEncryptionConfigurationNotFoundError, NoSuchPublicAccessBlockConfiguration, ...): 404 is the contract.
    return error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404;
}

async function orMissing<T>(call: Promise<T>): Promise<T | undefined> {
    try {
        return await call;
    } catch (error) {
        if (isMissing(error)) {
            return undefined;
        }
        throw error;
    }
}

const BUCKET_COMPUTED = [
    "accelerationStatus",
    "arn",
    "bucket",
    "bucketDomainName",
    "bucketRegion",
    "bucketRegionalDomainName",
    "policy",
    "region",
    "requestPayer",
    "tagsAll",
];

function bucketOutputs(bucket: string, region: string, tags: Record<string, string>): Props {
    return {
        bucket,
        arn: `arn:${partitionOf(region)}:s3:::${bucket}`,
        bucketDomainName: `${bucket}.s3.${dnsSuffix(region)}`,
        bucketRegionalDomainName: `${bucket}.s3.${region}.${dnsSuffix(region)}`,
        bucketRegion: region,
        region,
        accelerationStatus: "",
        requestPayer: "BucketOwner",
        policy: "",
        tagsAll: tags,
    };
}

async function emptyBucket(s3: S3Client, bucket: string): Promise<void> {
    for (;;) {
        const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
        const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({
            Key: v.Key!,
            VersionId: v.VersionId === "null" ? undefined : v.VersionId,
        }));
        if (objects.length === 0) {
            return;
        }
        await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects } }));
    }
}

export const bucket: ResourceType = {
    backing: "emulator",
    autoName: { property: "bucket", maxLength: 63, conflictsWith: "bucketPrefix" },
    defaults: { forceDestroy: false },
    rules: { bucket: bucketName, tags: tagRule },
    computed: BUCKET_COMPUTED,
    async create(ctx, inputs) {
        const region = regionOf(inputs);
        const name = str(inputs, "bucket") ?? prefixedUniqueId(str(inputs, "bucketPrefix"));
        const s3 = ctx.clients.s3(region);
        await s3.send(
            new CreateBucketCommand({
                Bucket: name,
                ...(region === "us-east-1"
                    ? {}
                    : { CreateBucketConfiguration: { LocationConstraint: region as never } }),
            }),
        );
        const tags = stringMap(inputs.tags);
        if (Object.keys(tags).length > 0) {
            await s3.send(new PutBucketTaggingCommand({ Bucket: name, Tagging: { TagSet: tagList(tags) } }));
        }
        return { id: name, outs: outputsOf(inputs, bucketOutputs(name, region, tags)) };
    },
    async update(ctx, id, olds, news) {
        const region = regionOf(olds);
        const s3 = ctx.clients.s3(region);
        const tags = stringMap(news.tags);
        if (!sameValue(olds.tags ?? {}, news.tags ?? {})) {
            if (Object.keys(tags).length > 0) {
                await s3.send(new PutBucketTaggingCommand({ Bucket: id, Tagging: { TagSet: tagList(tags) } }));
            } else {
                await s3.send(new DeleteBucketTaggingCommand({ Bucket: id }));
            }
        }
        return outputsOf(news, bucketOutputs(id, region, tags));
    },
    async delete(ctx, id, state) {
        const s3 = ctx.clients.s3(regionOf(state));
        if (plain(state.forceDestroy) === true) {
            await orMissing(emptyBucket(s3, id));
        }
        // Without forceDestroy a bucket with objects answers BucketNotEmpty, which fails the delete (as on AWS).
        await orMissing(s3.send(new DeleteBucketCommand({ Bucket: id })));
    },
    async read(ctx, id, state) {
        const region = str(state, "region") ?? regionOf({});
        const s3 = ctx.clients.s3(region);
        if (!(await orMissing(s3.send(new HeadBucketCommand({ Bucket: id }))))) {
            return undefined;
        }
        const tagging = await orMissing(s3.send(new GetBucketTaggingCommand({ Bucket: id })));
        const tags = tagMap(tagging?.TagSet);
        const props = { forceDestroy: false, ...state, ...bucketOutputs(id, region, tags), tags };
        return { id, props, inputs: inputsOf(props, BUCKET_COMPUTED) };
    },
};

/** A bucket setting written with one Put and removed with one Delete; its id is the bucket's name. */
function bucketSetting(spec: {
    rules?: ResourceType["rules"];
    computed?: (inputs: Props) => Props;
    put: (ctx: Ctx, s3: S3Client, bucket: string, inputs: Props) => Promise<unknown>;
    remove: (s3: S3Client, bucket: string) => Promise<unknown>;
    get: (s3: S3Client, bucket: string) => Promise<Props | undefined>;
}): ResourceType {
    const computedOf = (inputs: Props) => ({ region: regionOf(inputs), ...(spec.computed?.(inputs) ?? {}) });
    const computedKeys = ["region", ...Object.keys(spec.computed?.({}) ?? {})];
    return {
        backing: "emulator",
        required: ["bucket"],
        rules: spec.rules,
        computed: computedKeys,
        async create(ctx, inputs) {
            const name = need(inputs, "bucket");
            await spec.put(ctx, ctx.clients.s3(regionOf(inputs)), name, inputs);
            return { id: name, outs: outputsOf(inputs, computedOf(inputs)) };
        },
        async update(ctx, id, _olds, news) {
            await spec.put(ctx, ctx.clients.s3(regionOf(news)), id, news);
            return outputsOf(news, computedOf(news));
        },
        async delete(ctx, id, state) {
            await orMissing(spec.remove(ctx.clients.s3(regionOf(state)), id));
        },
        async read(ctx, id, state) {
            const s3 = ctx.clients.s3(str(state, "region") ?? regionOf({}));
            const live = await orMissing(spec.get(s3, id));
            if (!live) {
                return undefined;
            }
            const props = { ...state, bucket: id, ...live, ...computedOf(state) };
            return { id, props, inputs: inputsOf(props, computedKeys) };
        },
    };
}

export const bucketPolicy = bucketSetting({
    rules: { policy: json },
    put: (_ctx, s3, bucket, inputs) =>
        s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: need(inputs, "policy") })),
    remove: (s3, bucket) => s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket })),
    get: async (s3, bucket) => ({ policy: (await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy }),
});

export const bucketPublicAccessBlock = bucketSetting({
    put: (_ctx, s3, bucket, inputs) =>
        s3.send(
            new PutPublicAccessBlockCommand({
                Bucket: bucket,
                PublicAccessBlockConfiguration: {
                    BlockPublicAcls: plain(inputs.blockPublicAcls) === true,
                    BlockPublicPolicy: plain(inputs.blockPublicPolicy) === true,
                    IgnorePublicAcls: plain(inputs.ignorePublicAcls) === true,
                    RestrictPublicBuckets: plain(inputs.restrictPublicBuckets) === true,
                },
            }),
        ),
    remove: (s3, bucket) => s3.send(new DeletePublicAccessBlockCommand({ Bucket: bucket })),
    get: async (s3, bucket) => {
        const c = (await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }))).PublicAccessBlockConfiguration;
        return {
            blockPublicAcls: c?.BlockPublicAcls ?? false,
            blockPublicPolicy: c?.BlockPublicPolicy ?? false,
            ignorePublicAcls: c?.IgnorePublicAcls ?? false,
            restrictPublicBuckets: c?.RestrictPublicBuckets ?? false,
        };
    },
});

export const bucketOwnershipControls = bucketSetting({
    put: (_ctx, s3, bucket, inputs) =>
        s3.send(
            new PutBucketOwnershipControlsCommand({
                Bucket: bucket,
                OwnershipControls: {
                    Rules: [{ ObjectOwnership: (plain(inputs.rule) as Props)?.objectOwnership as never }],
                },
            }),
        ),
    remove: (s3, bucket) => s3.send(new DeleteBucketOwnershipControlsCommand({ Bucket: bucket })),
    get: async (s3, bucket) => {
        const rules = (await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }))).OwnershipControls
            ?.Rules;
        return { rule: { objectOwnership: rules?.[0]?.ObjectOwnership } };
    },
});

interface EncryptionRule {
    applyServerSideEncryptionByDefault?: { sseAlgorithm: string; kmsMasterKeyId?: string };
    bucketKeyEnabled?: boolean;
}

export const bucketServerSideEncryptionConfiguration = bucketSetting({
    put: (_ctx, s3, bucket, inputs) =>
        s3.send(
            new PutBucketEncryptionCommand({
                Bucket: bucket,
                ExpectedBucketOwner: str(inputs, "expectedBucketOwner"),
                ServerSideEncryptionConfiguration: {
                    Rules: ((plain(inputs.rules) ?? []) as EncryptionRule[]).map((rule) => ({
                        ApplyServerSideEncryptionByDefault: rule.applyServerSideEncryptionByDefault && {
                            SSEAlgorithm: rule.applyServerSideEncryptionByDefault.sseAlgorithm as never,
                            KMSMasterKeyID: rule.applyServerSideEncryptionByDefault.kmsMasterKeyId,
                        },
                        BucketKeyEnabled: rule.bucketKeyEnabled,
                    })),
                },
            }),
        ),
    remove: (s3, bucket) => s3.send(new DeleteBucketEncryptionCommand({ Bucket: bucket })),
    get: async (s3, bucket) => {
        const config = (await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket })))
            .ServerSideEncryptionConfiguration;
        return {
            rules: (config?.Rules ?? []).map((rule) => ({
                applyServerSideEncryptionByDefault: {
                    sseAlgorithm: rule.ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
                    ...(rule.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID
                        ? { kmsMasterKeyId: rule.ApplyServerSideEncryptionByDefault.KMSMasterKeyID }
                        : {}),
                },
                ...(rule.BucketKeyEnabled !== undefined ? { bucketKeyEnabled: rule.BucketKeyEnabled } : {}),
            })),
        };
    },
});

interface LifecycleRule {
    id: string;
    status: string;
    filter?: { prefix?: string };
    expiration?: { days?: number };
    abortIncompleteMultipartUpload?: { daysAfterInitiation?: number };
}

export const bucketLifecycleConfiguration = bucketSetting({
    computed: () => ({ expectedBucketOwner: "", transitionDefaultMinimumObjectSize: "all_storage_classes_128K" }),
    put: (_ctx, s3, bucket, inputs) => {
        const rules = (plain(inputs.rules) ?? []) as LifecycleRule[];
        const configuration: BucketLifecycleConfiguration = {
            Rules: rules.map((rule) => ({
                ID: rule.id,
                Status: rule.status as never,
                Filter: rule.filter ? { Prefix: rule.filter.prefix ?? "" } : undefined,
                Expiration: rule.expiration?.days !== undefined ? { Days: rule.expiration.days } : undefined,
                AbortIncompleteMultipartUpload:
                    rule.abortIncompleteMultipartUpload?.daysAfterInitiation !== undefined
                        ? { DaysAfterInitiation: rule.abortIncompleteMultipartUpload.daysAfterInitiation }
                        : undefined,
            })),
        };
        return s3.send(
            new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: configuration }),
        );
    },
    remove: (s3, bucket) => s3.send(new DeleteBucketLifecycleCommand({ Bucket: bucket })),
    get: async (s3, bucket) => {
        const rules = (await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules ?? [];
        return {
            rules: rules.map((rule) => ({
                id: rule.ID,
                status: rule.Status,
                filter: { prefix: rule.Filter?.Prefix ?? "" },
                ...(rule.Expiration?.Days !== undefined ? { expiration: { days: rule.Expiration.Days } } : {}),
                ...(rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation !== undefined
                    ? {
                          abortIncompleteMultipartUpload: {
                              daysAfterInitiation: rule.AbortIncompleteMultipartUpload.DaysAfterInitiation,
                          },
                      }
                    : {}),
            })),
        };
    },
});
