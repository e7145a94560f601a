/** Every S3 bucket has a public access block with all four flags on (or the account has one). */
import { Finding, stackPolicy, StackSubject, unknownValue, violation } from "../lib/policy";
import { isUnknown } from "../lib/unknown";
import { bucketsOf, settingsFor } from "./buckets";

const FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
const BLOCK_TYPES = new Set(["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"]);
const ACCOUNT_BLOCK_TYPE = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock";

type Verdict = "blocked" | "open" | "unknown";

function verdictOf(block: StackSubject): Verdict {
    const values = FLAGS.map((flag) => block.props[flag]);
    if (values.every((v) => v === true)) {
        return "blocked";
    }
    return values.some(isUnknown) && values.every((v) => v === true || isUnknown(v)) ? "unknown" : "open";
}

function checkBucket(bucket: StackSubject, resources: StackSubject[], accountVerdicts: Verdict[]): Finding[] {
    const targeting = settingsFor(bucket, resources, BLOCK_TYPES);
    const verdicts = [...accountVerdicts, ...targeting.matched.map(verdictOf)];
    if (verdicts.includes("blocked")) {
        return [];
    }
    if (verdicts.includes("unknown") || targeting.undecided.length > 0) {
        return [unknownValue(`the public access block of bucket ${bucket.name}`, bucket.urn)];
    }
    const missing = targeting.matched.length === 0 ? "has no public access block" : "has a public access block with a flag off";
    return [violation(`bucket ${bucket.name} ${missing}: set ${FLAGS.join(", ")} to true`, bucket.urn)];
}

export const s3BucketPublicAccessBlocked = stackPolicy<object>({
    name: "s3-bucket-public-access-blocked",
    description: "S3 buckets block public ACLs and public policies with all four public access block flags.",
    severity: "high",
    remediationSteps:
        "Add an aws.s3.BucketPublicAccessBlock for the bucket with blockPublicAcls, blockPublicPolicy, " +
        "ignorePublicAcls and restrictPublicBuckets all true (or an account-wide AccountPublicAccessBlock).",
    check: (resources) => {
        const accountVerdicts = resources.filter((r) => r.type === ACCOUNT_BLOCK_TYPE).map(verdictOf);
        return bucketsOf(resources).flatMap((bucket) => checkBucket(bucket, resources, accountVerdicts));
    },
});
