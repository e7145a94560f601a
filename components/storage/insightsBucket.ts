import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BucketSettings } from "../../common/existing";
import { ProtectingSetting, protectBucket } from "./bucketSettings";

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
}

/**
 * The bucket the agents write their hourly Parquet files to: encrypted, private, owner-enforced and TLS-only. It holds
 * the agents' data only, so `lifecycleDays` may expire every object in it.
 */
export class InsightsBucket extends pulumi.ComponentResource {
    readonly bucket: aws.s3.Bucket;
    readonly bucketName: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;
    /** https URL of the bucket. */
    readonly secureUrl: pulumi.Output<string>;

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
        const settings = adopt?.settings;
        const ignored: Record<ProtectingSetting, string[]> = {
            encryption: ["rules"],
            publicAccessBlock: ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"],
            ownershipControls: ["rule"],
            policy: ["policy"],
        };
        protectBucket(name, { bucket: this.bucket, partition: args.partition, kmsKeyId: args.kmsKeyId }, (setting) =>
            imported(settings?.[setting] === true, ignored[setting]),
        );

        // Every object: the bucket is the agents' alone (the stack's own objects are in its state bucket).
        if (args.lifecycleDays !== undefined) {
            new aws.s3.BucketLifecycleConfiguration(
                name,
                {
                    bucket: this.bucket.id,
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
