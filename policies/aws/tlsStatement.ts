/**
 * Whether an S3 bucket policy denies every request that does not use TLS (AWS Config's s3-bucket-ssl-requests-only):
 * Effect Deny, Principal "*", Action s3:* (or *), Resource covering the bucket ARN and ARN/*, and the condition
 * Bool or BoolIfExists aws:SecureTransport = false.
 */
import { containsUnknown, isUnknown } from "../lib/unknown";
import { asRecord } from "../lib/objects";
import { wildcardMatch } from "../lib/wildcard";

const PARTITIONS = ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"];

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

function isEveryone(principal: unknown): boolean {
    if (principal === "*") {
        return true;
    }
    return list(asRecord(principal)?.AWS).includes("*");
}

function coversAllS3Actions(action: unknown): boolean {
    return list(action).some((a) => typeof a === "string" && ["s3:*", "*"].includes(a.toLowerCase()));
}

function coversBucketAndObjects(resource: unknown, bucket: string): boolean {
    const patterns = list(resource).filter((r): r is string => typeof r === "string");
    const covered = (arn: string) => patterns.some((p) => wildcardMatch(p, arn));
    return PARTITIONS.some(
        (partition) => covered(`arn:${partition}:s3:::${bucket}`) && covered(`arn:${partition}:s3:::${bucket}/*`),
    );
}

/** A condition value list matches when any value matches: ["false", "true"] still covers every non-TLS request. */
function includesFalse(value: unknown): boolean {
    return list(value).some((v) => v === false || (typeof v === "string" && v.toLowerCase() === "false"));
}

/** Condition operators and keys are matched case-insensitively, as IAM does. */
function deniesWithoutTls(condition: unknown): boolean {
    const operators = Object.entries(asRecord(condition) ?? {});
    if (operators.length !== 1) {
        // Any further condition narrows the deny: it no longer covers every insecure request.
        return false;
    }
    const [operator, keys] = operators[0];
    const entries = Object.entries(asRecord(keys) ?? {});
    return (
        ["bool", "boolifexists"].includes(operator.toLowerCase()) &&
        entries.length === 1 &&
        entries[0][0].toLowerCase() === "aws:securetransport" &&
        includesFalse(entries[0][1])
    );
}

export function deniesInsecureTransport(statement: unknown, bucket: string): boolean {
    const s = asRecord(statement);
    if (!s || s.Effect !== "Deny" || "NotPrincipal" in s || "NotAction" in s || "NotResource" in s) {
        return false;
    }
    return (
        isEveryone(s.Principal) &&
        coversAllS3Actions(s.Action) &&
        coversBucketAndObjects(s.Resource, bucket) &&
        deniesWithoutTls(s.Condition)
    );
}

export type TlsVerdict = "enforced" | "missing" | "unknown";

/** A statement that is, or might turn out to be once values are known, a Deny. */
function mightDeny(statement: unknown): boolean {
    const s = asRecord(statement);
    return isUnknown(statement) || (s !== undefined && (s.Effect === "Deny" || isUnknown(s.Effect)));
}

/**
 * The verdict for one policy document (a JSON string or an object). `bucket` is undefined while the bucket's name is
 * unknown: only a statement on every bucket ("*") enforces then, and a policy without any Deny is still missing it.
 */
export function tlsVerdict(document: unknown, bucket: string | undefined): TlsVerdict {
    let parsed = document;
    if (typeof document === "string") {
        try {
            parsed = JSON.parse(document);
        } catch {
            return containsUnknown(document) ? "unknown" : "missing";
        }
    }
    if (isUnknown(parsed) || isUnknown(asRecord(parsed)?.Statement)) {
        return "unknown";
    }
    const statements = list(asRecord(parsed)?.Statement);
    if (statements.some((s) => deniesInsecureTransport(s, bucket ?? "*"))) {
        return "enforced";
    }
    const undecided = bucket === undefined || containsUnknown(parsed);
    return undecided && statements.some(mightDeny) ? "unknown" : "missing";
}
