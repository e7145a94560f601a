/** Every S3 bucket's one bucket policy denies requests that do not use TLS. */
import { Finding, stackPolicy, StackSubject, unknownValue, violation } from "../lib/policy";
import { BucketIndex, bucketName, duplicateMessage, indexBuckets } from "./buckets";
import { tlsVerdict } from "./tlsStatement";

const BUCKET_POLICY_TYPES = new Set(["aws:s3/bucketPolicy:BucketPolicy", "aws-native:s3:BucketPolicy"]);

const documentOf = (props: Record<string, unknown>) => props.policy ?? props.policyDocument;

function checkBucket(bucket: StackSubject, index: BucketIndex): Finding[] {
    const name = bucketName(bucket);
    const targeting = index.settingsFor(bucket);
    const duplicate = duplicateMessage(bucket, "bucket policies", targeting.matched);
    if (duplicate) {
        return [violation(duplicate, bucket.urn)];
    }
    const documents = [bucket.props.policy, ...targeting.matched.map((p) => documentOf(p.props))].filter((d) => d !== undefined && d !== "");
    const verdicts = documents.map((d) => tlsVerdict(d, name));
    if (verdicts.includes("enforced")) {
        return [];
    }
    if (verdicts.includes("unknown") || targeting.undecided.length > 0) {
        return [unknownValue(`the bucket policy of bucket ${bucket.name}`, bucket.urn)];
    }
    const shown = name ?? "<bucket>";
    return [
        violation(
            `bucket ${bucket.name} has no bucket policy statement denying non-TLS access: it needs Effect Deny, ` +
                `Principal "*", Action s3:*, Resource arn:aws:s3:::${shown} and arn:aws:s3:::${shown}/*, ` +
                `Condition {"Bool": {"aws:SecureTransport": "false"}}`,
            bucket.urn,
        ),
    ];
}

export const s3BucketTlsOnly = stackPolicy<object>({
    name: "s3-bucket-tls-only",
    description: "S3 bucket policies deny every request made without TLS, to the bucket and to its objects.",
    severity: "high",
    remediationSteps:
        'Attach one aws.s3.BucketPolicy with a statement {"Effect": "Deny", "Principal": "*", "Action": "s3:*", ' +
        '"Resource": [<bucket ARN>, "<bucket ARN>/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}. ' +
        'An Allow conditioned on "true" does not stop plain-HTTP requests that another statement allows.',
    check: (resources) => {
        const index = indexBuckets(resources, BUCKET_POLICY_TYPES);
        return index.buckets.flatMap((bucket) => checkBucket(bucket, index));
    },
});
