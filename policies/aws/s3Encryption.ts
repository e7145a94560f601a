/** Every S3 bucket is encrypted at rest: inline, or through a BucketServerSideEncryptionConfiguration for it. */
import { Finding, stackPolicy, StackSubject, unknownValue, violation } from "../lib/policy";
import { asArray, asRecord, isUnknown } from "../lib/unknown";
import { bucketsOf, settingsFor } from "./buckets";

const ENCRYPTION_TYPES = new Set([
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
]);
const ALGORITHMS = ["AES256", "aws:kms", "aws:kms:dsse"];

type Verdict = "encrypted" | "unencrypted" | "unknown";

/** Reads `rule` (the legacy inline block) or `rules` and decides on the algorithms they apply by default. */
function verdictOf(configuration: unknown): Verdict {
    if (isUnknown(configuration)) {
        return "unknown";
    }
    const record = asRecord(configuration);
    const rules = record ? [...asArray(record.rules), ...(record.rule ? [record.rule] : [])] : [];
    let verdict: Verdict = "unencrypted";
    for (const rule of rules) {
        const algorithm = asRecord(asRecord(rule)?.applyServerSideEncryptionByDefault)?.sseAlgorithm;
        if (isUnknown(rule) || isUnknown(algorithm)) {
            verdict = "unknown";
        } else if (ALGORITHMS.includes(algorithm as string)) {
            return "encrypted";
        }
    }
    return verdict;
}

function checkBucket(bucket: StackSubject, resources: StackSubject[]): Finding[] {
    const targeting = settingsFor(bucket, resources, ENCRYPTION_TYPES);
    const verdicts = [
        verdictOf(bucket.props.serverSideEncryptionConfiguration),
        ...targeting.matched.map((s) => verdictOf(s.props)),
    ];
    if (verdicts.includes("encrypted")) {
        return [];
    }
    if (verdicts.includes("unknown") || targeting.undecided.length > 0) {
        return [unknownValue(`the server-side encryption of bucket ${bucket.name}`, bucket.urn)];
    }
    return [
        violation(
            `bucket ${bucket.name} has no server-side encryption: configure ${ALGORITHMS.join(" or ")} inline or with a ` +
                "BucketServerSideEncryptionConfiguration whose bucket is this bucket",
            bucket.urn,
        ),
    ];
}

export const s3BucketEncrypted = stackPolicy<object>({
    name: "s3-bucket-encrypted",
    description: "S3 buckets encrypt objects at rest with SSE-S3 (AES256) or SSE-KMS.",
    severity: "high",
    remediationSteps:
        "Add an aws.s3.BucketServerSideEncryptionConfiguration with bucket set to the bucket's id and a rule whose " +
        "applyServerSideEncryptionByDefault.sseAlgorithm is AES256 or aws:kms.",
    check: (resources) => bucketsOf(resources).flatMap((bucket) => checkBucket(bucket, resources)),
});
