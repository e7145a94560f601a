import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { cloudTrailBucketStatements } from "../../common/documents";
import { TRAIL_PREFIX, stateBucketPrefix } from "../../common/naming";
import { protectBucket } from "./bucketSettings";

export interface StateBucketArgs {
    accountId: string;
    partition: string;
    /** The agents' bucket's KMS key: the trail's logs are encrypted like the agents' data. SSE-S3 when absent. */
    kmsKeyId?: string;
    tags: Record<string, string>;
    /**
     * Keep the bucket when the stack is destroyed. Only worth it for the trail's logs (the lease and the deployment
     * record mean nothing without the stack); false lets `pulumi destroy` empty and delete it.
     */
    retainOnDestroy: boolean;
    /** events.createTrail: the ARN of the one trail allowed to deliver its logs under `cloudtrail/`. */
    trailArn?: string;
}

/**
 * The stack's own bucket (see stateBucketPrefix): the reconciler's run lease and deployment record, and the created
 * trail's logs. Encrypted, private, owner-enforced and TLS-only like the agents' bucket, with no lifecycle rule, and
 * no right on it for the agents, the platform's read role or its auto-update role.
 */
export class StateBucket extends pulumi.ComponentResource {
    readonly bucket: aws.s3.Bucket;
    readonly bucketName: pulumi.Output<string>;
    /** The bucket policy: a trail writing here must wait for it (CloudTrail checks it at CreateTrail). */
    readonly policy: aws.s3.BucketPolicy;

    constructor(name: string, args: StateBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("container-insights:storage:StateBucket", name, {}, opts);
        const parent = { parent: this, retainOnDelete: args.retainOnDestroy };
        this.bucket = new aws.s3.Bucket(
            name,
            { bucketPrefix: stateBucketPrefix(args.accountId), forceDestroy: !args.retainOnDestroy, tags: args.tags },
            parent,
        );
        const trailArn = args.trailArn;
        this.policy = protectBucket(
            name,
            {
                bucket: this.bucket,
                partition: args.partition,
                kmsKeyId: args.kmsKeyId,
                statements: trailArn
                    ? (bucketName) =>
                          cloudTrailBucketStatements({
                              partition: args.partition,
                              bucketName,
                              accountId: args.accountId,
                              trailArn,
                              prefix: TRAIL_PREFIX,
                          })
                    : undefined,
            },
            () => parent,
        );
        this.bucketName = this.bucket.bucket;
        this.registerOutputs({ bucketName: this.bucketName });
    }
}
