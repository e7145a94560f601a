import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyStatement, policy, tlsOnlyBucketPolicy } from "../../common/documents";

/** The settings every bucket of the stack has, each a resource of its own. */
export type ProtectingSetting = "encryption" | "publicAccessBlock" | "ownershipControls" | "policy";

export interface BucketProtectionArgs {
    bucket: aws.s3.Bucket;
    partition: pulumi.Input<string>;
    /** KMS key for default encryption; SSE-S3 (AES256) when absent. */
    kmsKeyId?: string;
    /** Statements the bucket policy holds besides the TLS-only deny, given the bucket's name. */
    statements?: (bucketName: string) => PolicyStatement[];
}

/**
 * Default encryption, all four public-access-block flags, BucketOwnerEnforced and a TLS-only bucket policy, under
 * `parent`. `options` gives each setting's resource options (adoption imports some of them). Returns the policy: a
 * trail writing to the bucket must wait for it (CloudTrail checks it at CreateTrail).
 */
export function protectBucket(
    name: string,
    args: BucketProtectionArgs,
    options: (setting: ProtectingSetting) => pulumi.CustomResourceOptions,
): aws.s3.BucketPolicy {
    const bucketId = args.bucket.id;
    new aws.s3.BucketServerSideEncryptionConfiguration(
        name,
        {
            bucket: bucketId,
            rules: [
                {
                    applyServerSideEncryptionByDefault: args.kmsKeyId
                        ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyId }
                        : { sseAlgorithm: "AES256" },
                    bucketKeyEnabled: args.kmsKeyId ? true : undefined,
                },
            ],
        },
        options("encryption"),
    );
    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
        name,
        {
            bucket: bucketId,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        },
        options("publicAccessBlock"),
    );
    new aws.s3.BucketOwnershipControls(
        name,
        { bucket: bucketId, rule: { objectOwnership: "BucketOwnerEnforced" } },
        options("ownershipControls"),
    );
    const policyOptions = options("policy");
    return new aws.s3.BucketPolicy(
        name,
        {
            bucket: bucketId,
            policy: pulumi
                .all([args.partition, args.bucket.bucket])
                .apply(([partition, bucket]) =>
                    JSON.stringify(
                        policy(
                            ...tlsOnlyBucketPolicy(partition, bucket).Statement,
                            ...(args.statements?.(bucket) ?? []),
                        ),
                    ),
                ),
        },
        // S3 rejects a bucket policy while the public access block is still being applied.
        { ...policyOptions, dependsOn: [publicAccessBlock] },
    );
}
