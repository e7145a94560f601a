/**
 * The reconciler's own objects in the stack's bucket (the run lease, the deployment record): reading one that may not
 * exist yet, and reading S3's answers to conditional writes. S3 models none of those answers as an error class except
 * NoSuchKey, so its HTTP status (documented per condition) decides.
 */
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { isAccessDenied } from "./timing";

/**
 * S3 calls, wrapped by the caller: retried on throttling and 5xx, and on AccessDenied while the role's policy
 * propagates unless `refusalIsAnswer` says a 403 is an answer to read at once.
 */
export type Call = <T>(send: () => Promise<T>, options?: { refusalIsAnswer?: boolean }) => Promise<T>;

export interface StoredObject {
    etag: string;
    body: string;
}

/**
 * The object, or undefined when there is none. S3 answers GetObject of a missing key with 404 NoSuchKey only to a
 * caller allowed s3:ListBucket on the bucket, and with 403 AccessDenied to any other (S3 API reference, GetObject,
 * Permissions). The reconciler may list only its own keys (a ListBucket grant conditioned on s3:prefix), and how S3
 * applies such a condition to that check is not documented: on a 403, one ListObjectsV2 of exactly this key, which that
 * grant allows, tells a missing object from a refusal.
 */
export async function readObject(
    s3: S3Client,
    bucket: string,
    key: string,
    call: Call,
): Promise<StoredObject | undefined> {
    try {
        const result = await call(() => s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })), {
            refusalIsAnswer: true,
        });
        return { etag: result.ETag!, body: await result.Body!.transformToString() };
    } catch (error) {
        if (error instanceof NoSuchKey) {
            return undefined;
        }
        if (isAccessDenied(error) && !(await listed(s3, bucket, key, call))) {
            return undefined;
        }
        throw error;
    }
}

/** Whether the key exists, by listing exactly it; a refused listing throws its own AccessDenied. */
async function listed(s3: S3Client, bucket: string, key: string, call: Call): Promise<boolean> {
    const page = await call(() => s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 })));
    return (page.Contents ?? []).some((object) => object.Key === key);
}

const statusOf = (error: unknown) => (error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined);

/** 412 Precondition Failed: an `If-None-Match`/`If-Match` write or delete lost to another writer. */
export function isPreconditionFailed(error: unknown): boolean {
    return statusOf(error) === 412;
}

/** 409 ConditionalRequestConflict: another conditional write of the key is in flight; ask again. */
export function isConditionalConflict(error: unknown): boolean {
    return statusOf(error) === 409;
}
