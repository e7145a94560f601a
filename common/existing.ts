/**
 * What already exists in the account under the names this program uses, read with SDK v3 and only read: the bucket
 * (its tags and which of its settings are set), the IAM user, and the vendor's per-cluster roles at path `/`. Used by
 * the program (one stack per account; `adopt`) and by `container-insights adopt`.
 */
import {
    GetBucketEncryptionCommand,
    GetBucketLifecycleConfigurationCommand,
    GetBucketOwnershipControlsCommand,
    GetBucketPolicyCommand,
    GetBucketTaggingCommand,
    GetPublicAccessBlockCommand,
    HeadBucketCommand,
    NoSuchBucket,
    NotFound,
    S3Client,
    S3ServiceException,
} from "@aws-sdk/client-s3";
import {
    GetUserCommand,
    IAMClient,
    ListAccessKeysCommand,
    ListAttachedUserPoliciesCommand,
    ListRolesCommand,
    ListUserPoliciesCommand,
    NoSuchEntityException,
} from "@aws-sdk/client-iam";
import { STACK_TAG_KEY } from "./naming";

/** Which of the bucket's settings exist (each is a resource of its own in the program, imported when it exists). */
export interface BucketSettings {
    encryption: boolean;
    publicAccessBlock: boolean;
    ownershipControls: boolean;
    policy: boolean;
    lifecycle: boolean;
}

export interface ExistingBucket {
    name: string;
    tags: Record<string, string>;
    settings: BucketSettings;
}

export interface ExistingUser {
    name: string;
    tags: Record<string, string>;
    inlinePolicies: string[];
    attachedPolicies: string[];
    accessKeys: number;
}

export interface VendorRole {
    roleName: string;
    arn: string;
}

const status = (error: unknown) => (error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined);

/**
 * A bucket setting, or undefined when the bucket has none. S3 answers a missing setting of an existing bucket with 404
 * and a code of its own (NoSuchTagSet, NoSuchBucketPolicy, ...) for which the SDK has no class, so the status decides;
 * a bucket deleted meanwhile (NoSuchBucket, also 404) stays an error.
 */
async function setting<T>(read: Promise<T>): Promise<T | undefined> {
    try {
        return await read;
    } catch (error) {
        if (status(error) === 404 && !(error instanceof NoSuchBucket)) {
            return undefined;
        }
        throw error;
    }
}

const present = async (read: Promise<unknown>) => (await setting(read)) !== undefined;

/** The bucket, or undefined when no bucket has that name. A bucket of another account is an error that says so. */
export async function findBucket(s3: S3Client, name: string): Promise<ExistingBucket | undefined> {
    try {
        await s3.send(new HeadBucketCommand({ Bucket: name }));
    } catch (error) {
        if (error instanceof NotFound || status(error) === 404) {
            return undefined;
        }
        if (status(error) === 403) {
            throw new Error(
                `bucket ${name} exists but this identity may not read it (HeadBucket 403): it belongs to another account, or s3:ListBucket is missing`,
            );
        }
        throw error;
    }
    const tagging = await setting(s3.send(new GetBucketTaggingCommand({ Bucket: name })));
    const tags = Object.fromEntries((tagging?.TagSet ?? []).map((tag) => [tag.Key!, tag.Value ?? ""]));
    const [encryption, publicAccessBlock, ownershipControls, policy, lifecycle] = await Promise.all([
        present(s3.send(new GetBucketEncryptionCommand({ Bucket: name }))),
        present(s3.send(new GetPublicAccessBlockCommand({ Bucket: name }))),
        present(s3.send(new GetBucketOwnershipControlsCommand({ Bucket: name }))),
        present(s3.send(new GetBucketPolicyCommand({ Bucket: name }))),
        present(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: name }))),
    ]);
    return { name, tags, settings: { encryption, publicAccessBlock, ownershipControls, policy, lifecycle } };
}

/** The IAM user, or undefined. */
export async function findUser(iam: IAMClient, name: string): Promise<ExistingUser | undefined> {
    let tags: Record<string, string>;
    try {
        const { User } = await iam.send(new GetUserCommand({ UserName: name }));
        tags = Object.fromEntries((User?.Tags ?? []).map((tag) => [tag.Key!, tag.Value ?? ""]));
    } catch (error) {
        if (error instanceof NoSuchEntityException) {
            return undefined;
        }
        throw error;
    }
    const [inline, attached, keys] = await Promise.all([
        iam.send(new ListUserPoliciesCommand({ UserName: name })),
        iam.send(new ListAttachedUserPoliciesCommand({ UserName: name })),
        iam.send(new ListAccessKeysCommand({ UserName: name })),
    ]);
    return {
        name,
        tags,
        inlinePolicies: inline.PolicyNames ?? [],
        attachedPolicies: (attached.AttachedPolicies ?? []).map((p) => p.PolicyArn!),
        accessKeys: (keys.AccessKeyMetadata ?? []).length,
    };
}

/** The vendor's per-cluster roles: `nops-ccost-*` at path `/` (this program keeps its roles under its own path). */
export async function findVendorRoles(iam: IAMClient): Promise<VendorRole[]> {
    const roles: VendorRole[] = [];
    let marker: string | undefined;
    do {
        const page = await iam.send(new ListRolesCommand({ PathPrefix: "/", Marker: marker }));
        for (const role of page.Roles ?? []) {
            if (role.Path === "/" && role.RoleName!.startsWith("nops-ccost-")) {
                roles.push({ roleName: role.RoleName!, arn: role.Arn! });
            }
        }
        marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
    return roles;
}

/**
 * Why a resource with one of the account's fixed names cannot belong to this stack: it carries another stack's
 * ownership tag. The bucket and the IAM user have one name per account, so two stacks (PROD and UAT) cannot share
 * an account.
 */
export function ownershipConflict(
    kind: string,
    name: string,
    tags: Record<string, string>,
    stackId: string,
): string | undefined {
    const owner = tags[STACK_TAG_KEY];
    if (owner === undefined || owner === stackId) {
        return undefined;
    }
    return (
        `${kind} ${name} belongs to stack ${owner} (its ${STACK_TAG_KEY} tag), not to ${stackId}: the bucket and the IAM user ` +
        `have one fixed name per AWS account, so only one environment (PROD or UAT) can be onboarded per account. ` +
        `Deploy ${owner} instead, or destroy it first (then delete or re-tag its retained bucket)`
    );
}
