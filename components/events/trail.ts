import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { TRAIL_PREFIX, eventResourceNames } from "../../common/naming";

export interface ManagementTrailArgs {
    stackName: string;
    region: string;
    bucketName: pulumi.Input<string>;
    /** The bucket policy that lets this trail write: CloudTrail checks it at CreateTrail. */
    bucketPolicy: pulumi.Resource;
    tags: Record<string, string>;
}

/** The ARN the trail will have (the bucket policy names it before the trail exists). */
export function trailArn(args: { partition: string; region: string; accountId: string; stackName: string }): string {
    return `arn:${args.partition}:cloudtrail:${args.region}:${args.accountId}:trail/${eventResourceNames(args.stackName).trail}`;
}

/**
 * events.createTrail: a multi-region trail logging every management write event (global services such as IAM too)
 * into the stack's state bucket under `cloudtrail/`, which is what makes EventBridge receive the "AWS API Call via
 * CloudTrail" events in every region.
 */
export class ManagementTrail extends pulumi.ComponentResource {
    readonly trail: aws.cloudtrail.Trail;

    constructor(name: string, args: ManagementTrailArgs, opts?: pulumi.ComponentResourceOptions) {
        super("container-insights:events:ManagementTrail", name, {}, opts);
        this.trail = new aws.cloudtrail.Trail(
            name,
            {
                name: eventResourceNames(args.stackName).trail,
                region: args.region,
                s3BucketName: args.bucketName,
                s3KeyPrefix: TRAIL_PREFIX,
                isMultiRegionTrail: true,
                includeGlobalServiceEvents: true,
                enableLogging: true,
                enableLogFileValidation: true,
                eventSelectors: [{ readWriteType: "WriteOnly", includeManagementEvents: true }],
                tags: args.tags,
            },
            { parent: this, dependsOn: [args.bucketPolicy] },
        );
        this.registerOutputs({ trailArn: this.trail.arn });
    }
}
