import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BucketKey, bucketReadPolicy } from "../../common/documents";

export interface PlatformReadPolicyArgs {
    /** The platform's existing integration role that reads the Parquet files. */
    roleName: string;
    bucketName: pulumi.Input<string>;
    partition: pulumi.Input<string>;
    /** Name of the inline policy; unique per stack so that two stacks can share one integration role. */
    policyName: string;
    /** The bucket's KMS key, when it has one: the platform may decrypt with it, through S3 only. */
    kms?: BucketKey;
}

/**
 * Lets the platform's integration role read the bucket (s3:GetObject, s3:ListBucket, and kms:Decrypt through S3 when
 * the bucket has a KMS key), as an inline role policy.
 */
export class PlatformReadPolicy extends pulumi.ComponentResource {
    readonly policyName: pulumi.Output<string>;

    constructor(name: string, args: PlatformReadPolicyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("container-insights:iam:PlatformReadPolicy", name, {}, opts);
        const rolePolicy = new aws.iam.RolePolicy(
            name,
            {
                role: args.roleName,
                name: args.policyName,
                policy: pulumi
                    .all([args.partition, args.bucketName])
                    .apply(([partition, bucket]) => JSON.stringify(bucketReadPolicy(partition, bucket, args.kms))),
            },
            { parent: this },
        );
        this.policyName = rolePolicy.name;
        this.registerOutputs({ policyName: this.policyName });
    }
}
