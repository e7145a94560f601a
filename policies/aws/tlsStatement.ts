/**
 * The TLS-only verdict for one bucket policy document (a JSON string or an object), with what is missing in words.
 * The reasoning itself is tlsCoverage's; this module handles documents unknown during preview and the bucket's name or
 * partition not being known yet.
 */
import { containsUnknown, isUnknown } from "../lib/unknown";
import { asRecord } from "../lib/objects";
import { Coverage, tlsCoverage } from "./tlsCoverage";
import { rawStatements } from "./policyStatements";

/** Every partition a bucket can live in: while the bucket's ARN is unknown, a policy must hold in each. */
export const PARTITIONS = ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"];

export type TlsVerdict =
    | { kind: "enforced" }
    | { kind: "unknown" }
    /** `reason` says which request gets through, or which statement could not be credited and why. */
    | { kind: "missing"; reason: string; coverage?: Coverage };

/** A statement that is, or might turn out to be once values are known, a Deny. */
function mightDeny(statement: unknown): boolean {
    const s = asRecord(statement);
    return isUnknown(statement) || (s !== undefined && (s.Effect === "Deny" || isUnknown(s.Effect)));
}

/** What a coverage result says is missing, in one sentence. */
export function shortfallText(coverage: Coverage): string {
    if (coverage.enforced) {
        return "";
    }
    if ("tooComplex" in coverage) {
        return `${coverage.tooComplex}, so it is not proven`;
    }
    const { action, resource, realRequest, partial } = coverage.shortfall;
    const request = `${action} on ${resource} without TLS`;
    const scope = realRequest ? "" : " (every S3 action name counts, on the bucket and on its objects alike)";
    if (partial.length === 0) {
        return `${request} is denied by no statement${scope}`;
    }
    const statements = partial.map((p) => `${p.statement}: ${p.why.join("; ")}`).join("; ");
    return `${request} is denied only by statements that do not cover every such request${scope} (${statements})`;
}

/**
 * The verdict for one policy document. `bucket` is undefined while the bucket's name is unknown, `partition` while
 * its ARN is: then the policy must hold for any name, in every partition, or the verdict waits for the values.
 */
export function tlsVerdict(document: unknown, bucket: string | undefined, partition: string | undefined): TlsVerdict {
    let parsed = document;
    if (typeof document === "string") {
        try {
            parsed = JSON.parse(document);
        } catch {
            return containsUnknown(document)
                ? { kind: "unknown" }
                : { kind: "missing", reason: "its policy is not valid JSON" };
        }
    }
    if (isUnknown(parsed) || isUnknown(asRecord(parsed)?.Statement)) {
        return { kind: "unknown" };
    }
    const results = (partition === undefined ? PARTITIONS : [partition]).map((p) =>
        tlsCoverage(parsed, { partition: p, bucket }),
    );
    if (results.every((r) => r.enforced)) {
        return { kind: "enforced" };
    }
    const undecided = bucket === undefined || partition === undefined || containsUnknown(parsed);
    if (undecided && rawStatements(parsed).some(mightDeny)) {
        return { kind: "unknown" };
    }
    const coverage = results.find((r) => !r.enforced)!;
    return { kind: "missing", reason: shortfallText(coverage), coverage };
}
