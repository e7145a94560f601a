/** Every S3 bucket's policy denies requests that do not use TLS. */
import { Finding, stackPolicy, StackSubject, unknownValue, violation } from "../lib/policy";
import { bucketName, bucketsOf, settingsFor } from "./buckets";
import { tlsVerdict } from "./tlsStatement";

const BUCKET_POLICY_TYPES = new Set(["aws:s3/bucketPolicy:BucketPolicy"]);

function checkBucket(bucket: StackSubject, resources: StackSubject[]): Finding[] {
    const name = bucketName(bucket);
    const targeting = settingsFor(bucket, resources, BUCKET_POLICY_TYPES);
    const documents = [bucket.props.policy, ...targeting.matched.map((p) => p.props.policy)].filter(
        (d) => d !== undefined && d !== "",
    );
    if (name === undefined) {
        return documents.length > 0 || targeting.undecided.length > 0
            ? [unknownValue(`the name of bucket ${bucket.name}, needed to read its policy,`, bucket.urn)]
            : [violation(`bucket ${bucket.name} has no bucket policy denying non-TLS access`, bucket.urn)];
    }
    const verdicts = documents.map((d) => tlsVerdict(d, name));
    if (verdicts.includes("enforced")) {
        return [];
    }
    if (verdicts.includes("unknown") || targeting.undecided.length > 0) {
        return [unknownValue(`the bucket policy of bucket ${bucket.name}`, bucket.urn)];
    }
    return [
        violation(
            `bucket ${bucket.name} has no bucket policy statement denying non-TLS access: it needs Effect Deny, ` +
                `Principal "*", Action s3:*, Resource arn:aws:s3:::${name} and arn:aws:s3:::${name}/*, ` +
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
        'Attach an aws.s3.BucketPolicy with a statement {"Effect": "Deny", "Principal": "*", "Action": "s3:*", ' +
        '"Resource": [<bucket ARN>, "<bucket ARN>/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}. ' +
        'An Allow conditioned on "true" does not stop plain-HTTP requests that another statement allows.',
    check: (resources) => bucketsOf(resources).flatMap((bucket) => checkBucket(bucket, resources)),
});
