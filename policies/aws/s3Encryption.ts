/**
 * Every S3 bucket is encrypted at rest: inline (aws.s3.Bucket's `serverSideEncryptionConfiguration`, BucketV2's
 * `serverSideEncryptionConfigurations`, aws-native's `bucketEncryption`) or through exactly one
 * BucketServerSideEncryptionConfiguration that targets it.
 */
import { Finding, stackPolicy, StackSubject, unknownValue, violation } from "../lib/policy";
import { isUnknown } from "../lib/unknown";
import { BucketIndex, duplicateMessage, indexBuckets, inlineConflict } from "./buckets";

const ENCRYPTION_TYPES = new Set([
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
]);
const ALGORITHMS = ["AES256", "aws:kms", "aws:kms:dsse"];
/** Where each bucket type keeps its inline encryption settings. */
const INLINE_KEYS = ["serverSideEncryptionConfiguration", "serverSideEncryptionConfigurations", "bucketEncryption"];

type Verdict = "encrypted" | "unencrypted" | "unknown";

/**
 * Decides on every `sseAlgorithm` inside a configuration, whatever its shape (rule/rules, the plural v7 BucketV2
 * blocks, aws-native's serverSideEncryptionByDefault): encrypted when one is a known algorithm.
 */
export function encryptionVerdict(configuration: unknown): Verdict {
    let verdict: Verdict = "unencrypted";
    const stack = [configuration];
    while (stack.length > 0) {
        const node = stack.pop();
        if (isUnknown(node)) {
            verdict = "unknown";
        } else if (typeof node === "object" && node !== null) {
            for (const [key, value] of Object.entries(node)) {
                if (key === "sseAlgorithm" && typeof value === "string" && ALGORITHMS.includes(value)) {
                    return "encrypted";
                }
                stack.push(value);
            }
        }
    }
    return verdict;
}

/**
 * The algorithms a configuration sets, sorted, to tell two writers apart (keys are left out: the provider may read a
 * key back in another form, an alias as an ARN); undefined while unknown.
 */
function canonicalAlgorithms(configuration: unknown): string | undefined {
    const found = new Set<string>();
    const stack = [configuration];
    while (stack.length > 0) {
        const node = stack.pop();
        if (isUnknown(node)) {
            return undefined;
        }
        if (typeof node === "object" && node !== null) {
            for (const [key, value] of Object.entries(node)) {
                if (key === "sseAlgorithm" && typeof value === "string") {
                    found.add(value);
                } else {
                    stack.push(value);
                }
            }
        }
    }
    return [...found].sort().join(",");
}

function checkBucket(bucket: StackSubject, index: BucketIndex): Finding[] {
    const targeting = index.settingsFor(bucket);
    const duplicate = duplicateMessage(bucket, "server-side encryption configurations", targeting.matched);
    if (duplicate) {
        return [violation(duplicate, bucket.urn)];
    }
    for (const key of INLINE_KEYS) {
        const conflict = inlineConflict(
            bucket,
            "server-side encryption configuration",
            bucket.props[key],
            targeting.matched,
            canonicalAlgorithms,
        );
        if (conflict) {
            return [conflict];
        }
    }
    const verdicts = [
        ...INLINE_KEYS.map((key) => encryptionVerdict(bucket.props[key])),
        ...targeting.matched.map((s) => encryptionVerdict(s.props)),
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
                "BucketServerSideEncryptionConfiguration whose bucket is this bucket's name",
            bucket.urn,
        ),
    ];
}

export const s3BucketEncrypted = stackPolicy<object>({
    name: "s3-bucket-encrypted",
    description: "S3 buckets encrypt objects at rest with SSE-S3 (AES256) or SSE-KMS, configured once.",
    severity: "high",
    remediationSteps:
        "Add one aws.s3.BucketServerSideEncryptionConfiguration with bucket set to the bucket's name (bucket.bucket or " +
        "bucket.id) and a rule whose applyServerSideEncryptionByDefault.sseAlgorithm is AES256 or aws:kms.",
    check: (resources) => {
        const index = indexBuckets(resources, ENCRYPTION_TYPES);
        return index.buckets.flatMap((bucket) => checkBucket(bucket, index));
    },
});
