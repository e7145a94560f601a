/** What the deploying identity needs for the agents' bucket and, with the reconciler, the stack's state buckets. */
import { PolicyStatement, bucketArn } from "../../common/documents";
import { bucketNameFor, stateBucketPrefix } from "../../common/naming";
import { FORCE_DESTROY_ACTIONS, actions } from "../permissions/providerActions";
import { DeployTarget, accountValue, deployScope } from "../permissions/target";

export function bucketStatements(target: DeployTarget): PolicyStatement[] {
    const { config } = target;
    const { partition } = deployScope(target);
    const bucket = bucketArn(partition, bucketNameFor(accountValue(target.accountId)));
    // Every mode but the IAM user has the reconciler.
    const irsa = config.identityMode !== "iamUser";
    // With the reconciler, also the stack's state buckets (named by S3 from the prefix), which destroy empties
    // (forceDestroy) unless one keeps a trail's logs. One statement with the agents' bucket: IAM's size limit.
    const stateBuckets = bucketArn(partition, `${stateBucketPrefix(accountValue(target.accountId))}*`);
    return [
        {
            Sid: "Bucket",
            Effect: "Allow",
            Action: [
                ...actions(
                    "aws:s3/bucket:Bucket",
                    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
                    "aws:s3/bucketPolicy:BucketPolicy",
                    ...(config.lifecycleDays
                        ? ["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"]
                        : []),
                ),
                ...(irsa ? FORCE_DESTROY_ACTIONS : []),
            ],
            Resource: irsa ? [bucket, stateBuckets, `${stateBuckets}/*`] : bucket,
        },
    ];
}
