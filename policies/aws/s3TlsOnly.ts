/** Every S3 bucket's one bucket policy denies requests that do not use TLS. */
import { Finding, stackPolicy, StackSubject, unknownValue, violation } from "../lib/policy";
import { containsUnknown } from "../lib/unknown";
import { BucketIndex, bucketName, duplicateMessage, indexBuckets, inlineConflict } from "./buckets";
import { tlsVerdict } from "./tlsStatement";

const BUCKET_POLICY_TYPES = new Set(["aws:s3/bucketPolicy:BucketPolicy", "aws-native:s3:BucketPolicy"]);

const documentOf = (props: Record<string, unknown>) => props.policy ?? props.policyDocument;

/** A policy document as S3 compares it: parsed, keys sorted, one-element lists as their element; undefined while unknown. */
export function canonicalDocument(document: unknown): string | undefined {
    let parsed = document;
    if (typeof document === "string") {
        try {
            parsed = JSON.parse(document);
        } catch {
            return containsUnknown(document) ? undefined : document;
        }
    }
    if (containsUnknown(parsed)) {
        return undefined;
    }
    const normal = (value: unknown): unknown => {
        if (Array.isArray(value)) {
            return value.length === 1 ? normal(value[0]) : value.map(normal);
        }
        if (typeof value === "object" && value !== null) {
            return Object.fromEntries(
                Object.keys(value)
                    .sort()
                    .map((key) => [key, normal((value as Record<string, unknown>)[key])]),
            );
        }
        return value;
    };
    return JSON.stringify(normal(parsed));
}

function checkBucket(bucket: StackSubject, index: BucketIndex): Finding[] {
    const name = bucketName(bucket);
    const targeting = index.settingsFor(bucket);
    const duplicate = duplicateMessage(bucket, "bucket policies", targeting.matched);
    if (duplicate) {
        return [violation(duplicate, bucket.urn)];
    }
    const conflict = inlineConflict(
        bucket,
        "bucket policy",
        bucket.props.policy,
        targeting.matched,
        canonicalDocument,
        (p) => documentOf(p.props),
    );
    if (conflict) {
        return [conflict];
    }
    const documents = [bucket.props.policy, ...targeting.matched.map((p) => documentOf(p.props))].filter(
        (d) => d !== undefined && d !== "",
    );
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
