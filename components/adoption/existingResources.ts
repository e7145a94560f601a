/**
 * Before anything is registered: what already holds the account's fixed names (the bucket, the IAM user), whether it
 * belongs to another stack (stop: one environment per account), and with `adopt`, what the next `up` imports.
 */
import * as pulumi from "@pulumi/pulumi";
import { IAMClient } from "@aws-sdk/client-iam";
import { S3Client } from "@aws-sdk/client-s3";
import {
    BucketSettings,
    ExistingBucket,
    ExistingUser,
    findBucket,
    findUser,
    ownershipConflict,
} from "../../common/existing";
import { STACK_TAG_KEY } from "../../common/naming";
import { errorText } from "../../common/errors";

/** Read-only lookups of the resources with the account's fixed names (SDK v3 in the program; a fake in tests). */
export interface ExistingLookup {
    bucket(name: string): Promise<ExistingBucket | undefined>;
    user(name: string): Promise<ExistingUser | undefined>;
}

/**
 * The lookups with the credentials and region the stack's AWS provider uses by default (the same environment, and
 * `aws:profile` when the stack sets one).
 */
export function sdkLookup(region: string, profile?: string): ExistingLookup {
    const options = { region, ...(profile ? { profile } : {}) };
    const s3 = new S3Client(options);
    const iam = new IAMClient(options);
    return { bucket: (name) => findBucket(s3, name), user: (name) => findUser(iam, name) };
}

/** What the program imports this run: the bucket and which of its settings exist, and the user. */
export interface Adoption {
    bucket?: BucketSettings;
    user: boolean;
}

export class ForeignOwnerError extends pulumi.RunError {
    constructor(readonly problems: string[]) {
        super(problems.join("\n"));
        this.name = "ForeignOwnerError";
    }
}

export async function inspectExisting(
    lookup: ExistingLookup,
    args: { stackId: string; bucketName: string; userName?: string; adopt: boolean },
): Promise<Adoption> {
    let bucket: ExistingBucket | undefined;
    let user: ExistingUser | undefined;
    try {
        [bucket, user] = await Promise.all([
            lookup.bucket(args.bucketName),
            args.userName ? lookup.user(args.userName) : Promise.resolve(undefined),
        ]);
    } catch (error) {
        throw new pulumi.RunError(
            `reading the existing bucket ${args.bucketName}${args.userName ? ` and IAM user ${args.userName}` : ""} failed: ${errorText(error)}`,
        );
    }
    const conflicts = [
        bucket && ownershipConflict("bucket", bucket.name, bucket.tags, args.stackId),
        user && ownershipConflict("IAM user", user.name, user.tags, args.stackId),
    ].filter((c): c is string => c !== undefined);
    if (conflicts.length > 0) {
        throw new ForeignOwnerError(conflicts);
    }
    const untagged = (found?: { tags: Record<string, string> }) =>
        found !== undefined && found.tags[STACK_TAG_KEY] === undefined;
    if (!args.adopt) {
        for (const found of [
            untagged(bucket) && `bucket ${bucket!.name}`,
            untagged(user) && `IAM user ${user!.name}`,
        ].filter(Boolean)) {
            pulumi.log.warn(
                `${found} exists without this stack's ${STACK_TAG_KEY} tag: unless this stack made it, creating it fails. ` +
                    "To take over what the vendor's CloudFormation left, run `npx container-insights adopt` (docs/migration.md)",
            );
        }
        return { user: false };
    }
    // With adopt, whatever is not another stack's is imported: untagged (the vendor's) or tagged as this stack's (kept
    // by an earlier destroy). A resource already in this stack's state is not imported again: the engine imports only
    // when the state has no resource with that id (pulumi/pulumi step_generator.go, isImport).
    if (bucket || user) {
        pulumi.log.info(
            `adopt: importing ${[bucket && `bucket ${bucket.name}`, user && `IAM user ${user.name}`].filter(Boolean).join(" and ")} ` +
                "as they are; set container-insights:adopt to false and run up again to apply this stack's settings and tags",
        );
    }
    return { bucket: bucket?.settings, user: user !== undefined };
}
