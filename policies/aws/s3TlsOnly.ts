/** Every S3 bucket's one bucket policy denies requests that do not use TLS. */
import { Finding, stackPolicy, StackSubject, unknownValue, violation } from "../lib/policy";
import { containsUnknown, isUnknown } from "../lib/unknown";
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

/**
 * The bucket's partition, from its ARN; undefined while the ARN is unknown (preview). Props without any ARN (inputs
 * written by hand) are taken to be in the standard partition.
 */
function bucketPartition(bucket: StackSubject): string | undefined {
    const arn = bucket.props.arn;
    if (isUnknown(arn)) {
        return undefined;
    }
    return typeof arn === "string" && arn.startsWith("arn:") ? arn.split(":")[1] : "aws";
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
    const partition = bucketPartition(bucket);
    const verdicts = documents.map((d) => tlsVerdict(d, name, partition));
    if (verdicts.some((v) => v.kind === "enforced")) {
        return [];
    }
    if (verdicts.some((v) => v.kind === "unknown") || targeting.undecided.length > 0) {
        return [unknownValue(`the bucket policy of bucket ${bucket.name}`, bucket.urn)];
    }
    const shown = `arn:${partition ?? "aws"}:s3:::${name ?? "<bucket>"}`;
    const missing = verdicts.find((v) => v.kind === "missing");
    return [
        violation(
            `bucket ${bucket.name} does not deny every request made without TLS: ` +
                `${missing ? missing.reason : "it has no bucket policy"}. It needs a statement with ` +
                `Effect Deny, Principal "*", Action s3:*, Resource ${shown} and ${shown}/*, ` +
                `Condition {"Bool": {"aws:SecureTransport": "false"}}`,
            bucket.urn,
        ),
    ];
}

export const s3BucketTlsOnly = stackPolicy<object>({
    name: "s3-bucket-tls-only",
    description:
        "S3 bucket policies explicitly deny every request made without TLS, to the bucket and to each of its objects, " +
        "for every S3 action and every principal (decided over the statements as IAM evaluates them).",
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
