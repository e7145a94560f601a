/**
 * Correlating S3 buckets with the separate resources that configure them (stack policies). A settings resource
 * targets a bucket by the value of its `bucket` input (the bucket's name, id or ARN): a property dependency alone
 * only counts while both the target and the bucket's name are unknown (preview of a new bucket). Indexed once per
 * stack, so the work grows with the number of resources, not buckets × resources.
 */
import { Finding, StackSubject, unknownValue, violation } from "../lib/policy";
import { isUnknown } from "../lib/unknown";

export const BUCKET_TYPES = new Set(["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws-native:s3:Bucket"]);

const known = (value: unknown): value is string => typeof value === "string" && value !== "" && !isUnknown(value);

/** The bucket's name, as its own props report it (undefined while unknown). */
export function bucketName(bucket: StackSubject): string | undefined {
    return ["bucket", "bucketName", "id"].map((key) => bucket.props[key]).find(known);
}

/** Every value a settings resource may use to name this bucket. */
function identifiers(bucket: StackSubject): string[] {
    const name = bucketName(bucket);
    const values = [bucket.props.bucket, bucket.props.bucketName, bucket.props.id, bucket.props.arn].filter(known);
    return [...new Set([...values, ...(name ? [`arn:aws:s3:::${name}`] : [])])];
}

export interface Targeting {
    /** Settings resources that configure the bucket. */
    matched: StackSubject[];
    /** Settings resources whose target is unknown during preview, so might be this bucket. */
    undecided: StackSubject[];
}

export interface BucketIndex {
    buckets: StackSubject[];
    settingsFor(bucket: StackSubject): Targeting;
}

/** Indexes the settings resources of the given types by the bucket they target. */
export function indexBuckets(resources: StackSubject[], types: Set<string>): BucketIndex {
    const buckets = resources.filter((r) => BUCKET_TYPES.has(r.type));
    const byIdentifier = new Map<string, StackSubject[]>();
    const nameless = new Set(buckets.filter((b) => bucketName(b) === undefined).map((b) => b.urn));
    for (const bucket of buckets) {
        for (const id of identifiers(bucket)) {
            byIdentifier.set(id, [...(byIdentifier.get(id) ?? []), bucket]);
        }
    }
    const matched = new Map<string, StackSubject[]>();
    const undecided: StackSubject[] = [];
    const add = (bucketUrn: string, setting: StackSubject) =>
        matched.set(bucketUrn, [...(matched.get(bucketUrn) ?? []), setting]);
    for (const setting of resources.filter((r) => types.has(r.type))) {
        const target = setting.props.bucket;
        if (known(target)) {
            new Set((byIdentifier.get(target) ?? []).map((b) => b.urn)).forEach((urn) => add(urn, setting));
            continue;
        }
        const dependency = (setting.propertyDependencies.bucket ?? []).filter((urn) => nameless.has(urn));
        if (isUnknown(target) && dependency.length === 1) {
            add(dependency[0], setting);
        } else if (isUnknown(target)) {
            undecided.push(setting);
        }
    }
    return { buckets, settingsFor: (bucket) => ({ matched: matched.get(bucket.urn) ?? [], undecided }) };
}

/** The violation for two or more settings resources of one kind on one bucket (S3 keeps whichever is written last). */
export function duplicateMessage(bucket: StackSubject, what: string, settings: StackSubject[]): string | undefined {
    return settings.length > 1
        ? `bucket ${bucket.name} has ${settings.length} ${what} (${settings.map((s) => s.name).join(", ")}); S3 keeps only the last one written, so keep exactly one`
        : undefined;
}

/**
 * An inline setting on the bucket and a separate settings resource for it are two writers of one S3 setting: whichever
 * is written last wins. `canonical` reduces a setting to what S3 keeps (undefined while unknown in preview). A bucket's
 * props can also hold the provider's read-back of the separate resource's setting (the AWS provider reads `policy` and
 * the encryption into the bucket's outputs); that copy equals the separate resource's value and is not a second writer.
 */
export function inlineConflict(
    bucket: StackSubject,
    what: string,
    inline: unknown,
    separate: StackSubject[],
    canonical: (value: unknown) => string | undefined,
    separateValue: (setting: StackSubject) => unknown = (setting) => setting.props,
): Finding | undefined {
    if (inline === undefined || inline === null || inline === "" || separate.length === 0) {
        return undefined;
    }
    const inlineForm = canonical(inline);
    const separateForms = separate.map((s) => canonical(separateValue(s)));
    if (inlineForm === undefined || separateForms.includes(undefined)) {
        return unknownValue(
            `whether the inline ${what} of bucket ${bucket.name} and ${separate.map((s) => s.name).join(", ")} agree`,
            bucket.urn,
        );
    }
    if (separateForms.every((form) => form === inlineForm)) {
        return undefined;
    }
    return violation(
        `bucket ${bucket.name} has an inline ${what} and a separate one (${separate.map((s) => s.name).join(", ")}) that differ; ` +
            "S3 keeps only the last one written, so keep exactly one",
        bucket.urn,
    );
}
