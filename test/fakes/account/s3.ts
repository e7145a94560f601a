/** S3 as the fake account answers it: objects with conditional writes and ETags, a bucket's settings and tags. */
import { AuthRequest } from "../iamPolicy";
import { WireError } from "../wire/codec";
import { awsError } from "./errors";
import { AccountState, FakeBucketConfig, NEW_BUCKET } from "./state";
import { ServiceSpec } from "./service";

function requireBucket(account: AccountState, name: string) {
    const bucket = account.buckets.get(name);
    if (!bucket) {
        throw awsError("NoSuchBucket", "The specified bucket does not exist", 404);
    }
    return bucket;
}

function requireBucketConfig(account: AccountState, name: string): FakeBucketConfig {
    requireBucket(account, name);
    return account.bucketConfig.get(name) ?? NEW_BUCKET;
}

function bucketSetting(
    account: AccountState,
    input: { Bucket: string },
    setting: keyof Omit<FakeBucketConfig, "tags">,
    missing: string,
    body: Record<string, unknown>,
) {
    if (!requireBucketConfig(account, input.Bucket)[setting]) {
        throw awsError(missing, `The ${setting} configuration does not exist`, 404);
    }
    return body;
}

/**
 * How S3 answers a read of a missing key: 404 NoSuchKey to a caller allowed s3:ListBucket on the bucket, 403
 * AccessDenied to any other (S3 API reference, GetObject, Permissions). Without an identity every call is allowed.
 * Whether S3 evaluates that ListBucket with the key as `s3:prefix` is not documented: `missingKeyListPrefix` picks.
 */
async function missingKey(account: AccountState, bucket: string, key: string): Promise<WireError> {
    const mayList =
        !account.identity ||
        (await account.decide(account.identity, {
            action: "s3:ListBucket",
            resource: `arn:aws:s3:::${bucket}`,
            context: account.missingKeyListPrefix ? { "s3:prefix": key } : {},
        })) === "Allow";
    return mayList
        ? awsError("NoSuchKey", "The specified key does not exist.", 404)
        : awsError("AccessDenied", "Access Denied", 403);
}

/** S3 actions of the bucket-level operations (named differently from the operations for some). */
const S3_BUCKET_ACTIONS: Record<string, string> = {
    HeadBucket: "s3:ListBucket",
    ListObjectsV2: "s3:ListBucket",
    GetBucketTagging: "s3:GetBucketTagging",
    GetBucketEncryption: "s3:GetEncryptionConfiguration",
    GetPublicAccessBlock: "s3:GetBucketPublicAccessBlock",
    GetBucketOwnershipControls: "s3:GetBucketOwnershipControls",
    GetBucketPolicy: "s3:GetBucketPolicy",
    GetBucketLifecycleConfiguration: "s3:GetLifecycleConfiguration",
};

/** An S3 call as IAM authorizes it: object operations on the object's ARN, bucket operations on the bucket's. */
function s3AuthRequest(operation: string, input: Record<string, any>): AuthRequest {
    const bucket = `arn:aws:s3:::${input.Bucket}`;
    if (operation === "ListObjectsV2") {
        return { action: "s3:ListBucket", resource: bucket, context: { "s3:prefix": input.Prefix ?? "" } };
    }
    if (S3_BUCKET_ACTIONS[operation]) {
        return { action: S3_BUCKET_ACTIONS[operation], resource: bucket, context: {} };
    }
    return { action: `s3:${operation}`, resource: `${bucket}/${input.Key}`, context: {} };
}

export const S3: ServiceSpec = {
    service: "s3",
    operations: {
        /** PutObject with S3's conditional writes: If-None-Match "*" and If-Match <etag> (412 PreconditionFailed). */
        PutObject(
            account: AccountState,
            input: { Bucket: string; Key: string; Body: string; IfNoneMatch?: string; IfMatch?: string },
        ) {
            const bucket = requireBucket(account, input.Bucket);
            const existing = bucket.get(input.Key);
            if (input.IfNoneMatch !== undefined && input.IfNoneMatch !== "*") {
                throw awsError("NotImplemented", "If-None-Match accepts only *", 501);
            }
            if (
                (input.IfNoneMatch === "*" && existing) ||
                (input.IfMatch !== undefined && existing?.etag !== input.IfMatch)
            ) {
                throw awsError(
                    "PreconditionFailed",
                    "At least one of the pre-conditions you specified did not hold",
                    412,
                );
            }
            if (input.IfMatch !== undefined && !existing) {
                throw awsError("NoSuchKey", "The specified key does not exist.", 404);
            }
            account.etagCounter++;
            const etag = `"${account.etagCounter.toString(16).padStart(32, "0")}"`;
            bucket.set(input.Key, { body: String(input.Body), etag });
            return { ETag: etag };
        },

        async GetObject(account: AccountState, input: { Bucket: string; Key: string }) {
            const object = requireBucket(account, input.Bucket).get(input.Key);
            if (!object) {
                throw await missingKey(account, input.Bucket, input.Key);
            }
            return { ETag: object.etag, Body: object.body };
        },

        /** ListObjectsV2 in key order, one page of up to MaxKeys (1,000 by default). */
        ListObjectsV2(
            account: AccountState,
            input: { Bucket: string; Prefix?: string; MaxKeys?: number; ContinuationToken?: string },
        ) {
            const keys = [...requireBucket(account, input.Bucket).entries()]
                .filter(([key]) => key.startsWith(input.Prefix ?? ""))
                .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
            const start = input.ContinuationToken ? Number(input.ContinuationToken) : 0;
            const max = input.MaxKeys ?? 1000;
            const page = keys.slice(start, start + max);
            const truncated = start + max < keys.length;
            return {
                Name: input.Bucket,
                Prefix: input.Prefix ?? "",
                KeyCount: page.length,
                MaxKeys: max,
                IsTruncated: truncated,
                Contents: page.map(([Key, object]) => ({ Key, ETag: object.etag, Size: object.body.length })),
                NextContinuationToken: truncated ? String(start + max) : undefined,
            };
        },

        /** DeleteObject: deleting a missing key succeeds (204), unless If-Match is given (404 / 412). */
        async DeleteObject(account: AccountState, input: { Bucket: string; Key: string; IfMatch?: string }) {
            const bucket = requireBucket(account, input.Bucket);
            const existing = bucket.get(input.Key);
            if (input.IfMatch !== undefined) {
                if (!existing) {
                    throw await missingKey(account, input.Bucket, input.Key);
                }
                if (input.IfMatch !== "*" && existing.etag !== input.IfMatch) {
                    throw awsError(
                        "PreconditionFailed",
                        "At least one of the pre-conditions you specified did not hold",
                        412,
                    );
                }
            }
            bucket.delete(input.Key);
            return {};
        },

        /** HeadBucket has no body: a missing bucket is a bare 404, which SDK v3 names NotFound. */
        HeadBucket(account: AccountState, input: { Bucket: string }) {
            if (!account.buckets.has(input.Bucket)) {
                throw awsError("NotFound", "UnknownError", 404);
            }
            return {};
        },

        GetBucketTagging(account: AccountState, input: { Bucket: string }) {
            const { tags } = requireBucketConfig(account, input.Bucket);
            if (Object.keys(tags).length === 0) {
                throw awsError("NoSuchTagSet", "The TagSet does not exist", 404);
            }
            return { TagSet: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) };
        },

        GetBucketEncryption(account: AccountState, input: { Bucket: string }) {
            return bucketSetting(account, input, "encryption", "ServerSideEncryptionConfigurationNotFoundError", {
                ServerSideEncryptionConfiguration: {
                    Rules: [
                        { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" }, BucketKeyEnabled: false },
                    ],
                },
            });
        },

        GetPublicAccessBlock(account: AccountState, input: { Bucket: string }) {
            return bucketSetting(account, input, "publicAccessBlock", "NoSuchPublicAccessBlockConfiguration", {
                PublicAccessBlockConfiguration: {
                    BlockPublicAcls: true,
                    IgnorePublicAcls: true,
                    BlockPublicPolicy: true,
                    RestrictPublicBuckets: true,
                },
            });
        },

        GetBucketOwnershipControls(account: AccountState, input: { Bucket: string }) {
            return bucketSetting(account, input, "ownershipControls", "OwnershipControlsNotFoundError", {
                OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] },
            });
        },

        GetBucketPolicy(account: AccountState, input: { Bucket: string }) {
            return bucketSetting(account, input, "policy", "NoSuchBucketPolicy", {
                Policy: JSON.stringify({ Version: "2012-10-17", Statement: [] }),
            });
        },

        GetBucketLifecycleConfiguration(account: AccountState, input: { Bucket: string }) {
            return bucketSetting(account, input, "lifecycle", "NoSuchLifecycleConfiguration", { Rules: [] });
        },
    },
    authRequests: (_account, operation, input) => [s3AuthRequest(operation, input)],
};
