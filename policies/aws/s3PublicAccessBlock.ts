/** Every S3 bucket has exactly one public access block with all four flags on (inline for aws-native, or account-wide). */
import { Finding, stackPolicy, StackSubject, unknownValue, violation } from "../lib/policy";
import { asRecord, isUnknown } from "../lib/unknown";
import { BucketIndex, duplicateMessage, indexBuckets } from "./buckets";

const FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
const BLOCK_TYPES = new Set(["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"]);
const ACCOUNT_BLOCK_TYPES = new Set(["aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", "aws:s3control/accountPublicAccessBlock:AccountPublicAccessBlock"]);

type Verdict = "blocked" | "open" | "unknown";

function verdictOf(block: unknown): Verdict {
    if (isUnknown(block)) {
        return "unknown";
    }
    const values = FLAGS.map((flag) => asRecord(block)?.[flag]);
    if (values.every((v) => v === true)) {
        return "blocked";
    }
    return values.some(isUnknown) && values.every((v) => v === true || isUnknown(v)) ? "unknown" : "open";
}

function checkBucket(bucket: StackSubject, index: BucketIndex, accountVerdicts: Verdict[]): Finding[] {
    const targeting = index.settingsFor(bucket);
    const duplicate = duplicateMessage(bucket, "public access blocks", targeting.matched);
    if (duplicate) {
        return [violation(duplicate, bucket.urn)];
    }
    const inline = bucket.props.publicAccessBlockConfiguration;
    const verdicts = [...accountVerdicts, ...targeting.matched.map((s) => verdictOf(s.props)), ...(inline === undefined ? [] : [verdictOf(inline)])];
    if (verdicts.includes("blocked")) {
        return [];
    }
    if (verdicts.includes("unknown") || targeting.undecided.length > 0) {
        return [unknownValue(`the public access block of bucket ${bucket.name}`, bucket.urn)];
    }
    const missing = verdicts.length === 0 ? "has no public access block" : "has a public access block with a flag off";
    return [violation(`bucket ${bucket.name} ${missing}: set ${FLAGS.join(", ")} to true`, bucket.urn)];
}

export const s3BucketPublicAccessBlocked = stackPolicy<object>({
    name: "s3-bucket-public-access-blocked",
    description: "S3 buckets block public ACLs and public policies with all four public access block flags, configured once.",
    severity: "high",
    remediationSteps:
        "Add one aws.s3.BucketPublicAccessBlock for the bucket (bucket set to its name) with blockPublicAcls, " +
        "blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true (or an account-wide AccountPublicAccessBlock).",
    check: (resources) => {
        const accountVerdicts = resources.filter((r) => ACCOUNT_BLOCK_TYPES.has(r.type)).map((r) => verdictOf(r.props));
        const index = indexBuckets(resources, BLOCK_TYPES);
        return index.buckets.flatMap((bucket) => checkBucket(bucket, index, accountVerdicts));
    },
});
