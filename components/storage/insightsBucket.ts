import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { cloudTrailBucketStatements, policy, tlsOnlyBucketPolicy } from "../../common/documents";
import { TRAIL_PREFIX } from "../../common/naming";
import { BucketSettings } from "../../common/existing";

export interface InsightsBucketArgs {
    /** Physical bucket name, `nops-container-cost-<accountId>`. */
    bucketName: pulumi.Input<string>;
    /** AWS partition of the account (aws, aws-cn, aws-us-gov). */
    partition: pulumi.Input<string>;
    /** KMS key for default encryption; SSE-S3 (AES256) when absent. */
    kmsKeyId?: string;
    /** Expire objects after this many days; objects are kept forever when absent. */
    lifecycleDays?: number;
    tags: Record<string, string>;
    /**
     * Keep the bucket, and every setting that protects it, when the stack is destroyed (retainOnDelete); the data
     * outlives the stack. false: `pulumi destroy` deletes the bucket with its objects (forceDestroy). Either choice
     * is recorded in the state by `pulumi up`, and destroy acts on what the state says.
     */
    retainOnDestroy: boolean;
    /**
     * Import the existing bucket, and those of its settings that exist, as they are (`import`, with `ignoreChanges`
     * on every input the existing resource may set otherwise: an import whose inputs differ fails). The next `up`
     * without it brings them to these settings.
     */
    adopt?: { bucketName: string; settings: BucketSettings };
    /** events.createTrail: the one trail allowed to deliver its logs under `_container-insights/cloudtrail/`. */
    cloudTrail?: { accountId: string; trailArn: string };
}

/** The bucket the agents write their hourly Parquet files to: encrypted, private, owner-enforced and TLS-only. */
export class InsightsBucket extends pulumi.ComponentResource {
    readonly bucket: aws.s3.Bucket;
    readonly bucketName: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;
    /** https URL of the bucket. */
    readonly secureUrl: pulumi.Output<string>;
    /** The bucket policy: a trail writing here must wait for it (CloudTrail checks it at CreateTrail). */
    readonly policy: aws.s3.BucketPolicy;

    constructor(name: string, args: InsightsBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("container-insights:storage:InsightsBucket", name, {}, opts);
        // The bucket's settings are kept with it: a retained bucket without its public access block or TLS-only
        // policy would be weaker than the one the stack made.
        const parent = { parent: this, retainOnDelete: args.retainOnDestroy };
        const adopt = args.adopt;
        const imported = (exists: boolean, ignoreChanges: string[]) =>
            adopt && exists ? { ...parent, import: adopt.bucketName, ignoreChanges } : parent;

        this.bucket = new aws.s3.Bucket(
            name,
            { bucket: args.bucketName, forceDestroy: !args.retainOnDestroy, tags: args.tags },
            imported(true, ["tags", "forceDestroy"]),
        );
        const bucketId = this.bucket.id;

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
            imported(adopt?.settings.encryption === true, ["rules"]),
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
            imported(adopt?.settings.publicAccessBlock === true, [
                "blockPublicAcls",
                "blockPublicPolicy",
                "ignorePublicAcls",
                "restrictPublicBuckets",
            ]),
        );

        new aws.s3.BucketOwnershipControls(
            name,
            { bucket: bucketId, rule: { objectOwnership: "BucketOwnerEnforced" } },
            imported(adopt?.settings.ownershipControls === true, ["rule"]),
        );

        const trail = args.cloudTrail;
        this.policy = new aws.s3.BucketPolicy(
            name,
            {
                bucket: bucketId,
                policy: pulumi.all([args.partition, this.bucket.bucket]).apply(([partition, bucket]) =>
                    JSON.stringify(
                        policy(
                            ...tlsOnlyBucketPolicy(partition, bucket).Statement,
                            ...(trail
                                ? cloudTrailBucketStatements({
                                      partition,
                                      bucketName: bucket,
                                      ...trail,
                                      prefix: TRAIL_PREFIX,
                                  })
                                : []),
                        ),
                    ),
                ),
            },
            // S3 rejects a bucket policy while the public access block is still being applied.
            { ...imported(adopt?.settings.policy === true, ["policy"]), dependsOn: [publicAccessBlock] },
        );

        if (args.lifecycleDays !== undefined) {
            new aws.s3.BucketLifecycleConfiguration(
                name,
                {
                    bucket: bucketId,
                    rules: [
                        {
                            id: "expire-parquet-files",
                            status: "Enabled",
                            filter: { prefix: "" },
                            expiration: { days: args.lifecycleDays },
                            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
                        },
                    ],
                },
                imported(adopt?.settings.lifecycle === true, ["rules"]),
            );
        }

        this.bucketName = this.bucket.bucket;
        this.arn = this.bucket.arn;
        this.secureUrl = pulumi.interpolate`https://${this.bucket.bucketDomainName}`;
        this.registerOutputs({ bucketName: this.bucketName, arn: this.arn, secureUrl: this.secureUrl });
    }
}
