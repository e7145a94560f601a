/** Correlating S3 buckets with the separate resources that configure them (stack policies). */
import { StackSubject } from "../lib/policy";
import { isUnknown } from "../lib/unknown";

export const BUCKET_TYPES = new Set(["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"]);

export function bucketsOf(resources: StackSubject[]): StackSubject[] {
    return resources.filter((r) => BUCKET_TYPES.has(r.type));
}

/** The bucket's name, as its own props report it (undefined while unknown). */
export function bucketName(bucket: StackSubject): string | undefined {
    for (const key of ["bucket", "id"]) {
        const value = bucket.props[key];
        if (typeof value === "string" && value !== "" && !isUnknown(value)) {
            return value;
        }
    }
    return undefined;
}

export interface Targeting {
    /** Settings resources that configure the bucket. */
    matched: StackSubject[];
    /** Settings resources whose target bucket is unknown during preview, so might be this one. */
    undecided: StackSubject[];
}

/** Settings resources of the given types whose `bucket` input names this bucket or was computed from it. */
export function settingsFor(bucket: StackSubject, resources: StackSubject[], types: Set<string>): Targeting {
    const name = bucketName(bucket);
    const idLike = [name, bucket.props.id].filter((v): v is string => typeof v === "string" && !isUnknown(v));
    const result: Targeting = { matched: [], undecided: [] };
    for (const setting of resources.filter((r) => types.has(r.type))) {
        const target = setting.props.bucket;
        if ((setting.propertyDependencies.bucket ?? []).includes(bucket.urn) || idLike.includes(target as string)) {
            result.matched.push(setting);
        } else if (isUnknown(target)) {
            result.undecided.push(setting);
        }
    }
    return result;
}
