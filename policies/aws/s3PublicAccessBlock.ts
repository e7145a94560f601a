/** Every S3 bucket has exactly one public access block with all four flags on (inline for aws-native, or account-wide). */
import { Finding, stackPolicy, StackSubject, unknownValue, violation } from "../lib/policy";
import { isUnknown } from "../lib/unknown";
import { asRecord } from "../lib/objects";
import { BucketIndex, duplicateMessage, indexBuckets, inlineConflict } from "./buckets";

const FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
const BLOCK_TYPES = new Set(["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"]);
const ACCOUNT_BLOCK_TYPES = new Set([
    "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
    "aws:s3control/accountPublicAccessBlock:AccountPublicAccessBlock",
]);

type Verdict = "blocked" | "open" | "unknown";

/** The four flags as S3 keeps them (an omitted flag is false); undefined while one is unknown. */
function canonicalFlags(block: unknown): string | undefined {
    if (isUnknown(block)) {
        return undefined;
    }
    const values = FLAGS.map((flag) => asRecord(block)?.[flag]);
    return values.some(isUnknown) ? undefined : values.map((v) => (v === true ? 1 : 0)).join("");
}

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

/**
 * The account-wide blocks, one verdict per account: two blocks for one account (same accountId, or both the provider's
 * account) are two writers of one setting, a violation, and count only as blocked when every one of them blocks.
 */
function accountBlocks(blocks: StackSubject[]): { findings: Finding[]; verdicts: Verdict[] } {
    const byAccount = new Map<string, StackSubject[]>();
    for (const block of blocks) {
        const account =
            typeof block.props.accountId === "string" && !isUnknown(block.props.accountId) ? block.props.accountId : "";
        byAccount.set(account, [...(byAccount.get(account) ?? []), block]);
    }
    const findings: Finding[] = [];
    const verdicts: Verdict[] = [];
    for (const [account, group] of byAccount) {
        const each = group.map((b) => verdictOf(b.props));
        if (group.length > 1) {
            findings.push(
                violation(
                    `${group.length} account public access blocks (${group.map((b) => b.name).join(", ")}) write the setting of ` +
                        `${account ? `account ${account}` : "the provider's account"}; S3 keeps only the last one written, so keep exactly one`,
                    group[0].urn,
                ),
            );
        }
        verdicts.push(each.every((v) => v === "blocked") ? "blocked" : each.includes("open") ? "open" : "unknown");
    }
    return { findings, verdicts };
}

function checkBucket(bucket: StackSubject, index: BucketIndex, accountVerdicts: Verdict[]): Finding[] {
    const targeting = index.settingsFor(bucket);
    const duplicate = duplicateMessage(bucket, "public access blocks", targeting.matched);
    if (duplicate) {
        return [violation(duplicate, bucket.urn)];
    }
    const inline = bucket.props.publicAccessBlockConfiguration;
    const conflict = inlineConflict(bucket, "public access block", inline, targeting.matched, canonicalFlags);
    if (conflict) {
        return [conflict];
    }
    const verdicts = [
        ...accountVerdicts,
        ...targeting.matched.map((s) => verdictOf(s.props)),
        ...(inline === undefined ? [] : [verdictOf(inline)]),
    ];
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
    description:
        "S3 buckets block public ACLs and public policies with all four public access block flags, configured once.",
    severity: "high",
    remediationSteps:
        "Add one aws.s3.BucketPublicAccessBlock for the bucket (bucket set to its name) with blockPublicAcls, " +
        "blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true (or an account-wide AccountPublicAccessBlock).",
    check: (resources) => {
        const { findings, verdicts } = accountBlocks(resources.filter((r) => ACCOUNT_BLOCK_TYPES.has(r.type)));
        const index = indexBuckets(resources, BLOCK_TYPES);
        return [...findings, ...index.buckets.flatMap((bucket) => checkBucket(bucket, index, verdicts))];
    },
});
