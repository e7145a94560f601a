import * as aws from "@pulumi/aws";
import { BucketKey, bucketKeyOf } from "../../common/documents";

/**
 * The bucket's KMS key as IAM policies must name it. `kmsKeyId` may be a key id, a key ARN, an alias name or an alias
 * ARN, but KMS authorizes key use against the key's ARN, never the alias's: a policy on `alias/...` matches nothing.
 * DescribeKey (aws.kms.getKey) resolves each form to the key ARN.
 */
export async function resolveBucketKey(kmsKeyId: string | undefined): Promise<BucketKey | undefined> {
    if (!kmsKeyId) {
        return undefined;
    }
    if (/^arn:[^:]+:kms:[^:]+:[0-9]{12}:key\//.test(kmsKeyId)) {
        return bucketKeyOf(kmsKeyId);
    }
    const key = await aws.kms.getKey({ keyId: kmsKeyId });
    return bucketKeyOf(key.arn);
}
