/** IAM policy documents, as plain data, shared by the program and the reconciler Lambda. */
import { LEGACY_STATE_PREFIX } from "./naming";

export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: unknown;
    Action: string | string[];
    Resource?: string | string[];
    /** Only in Deny statements: "every resource but these". */
    NotResource?: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

export function policy(...statements: PolicyStatement[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: statements };
}

export function bucketArn(partition: string, bucketName: string): string {
    return `arn:${partition}:s3:::${bucketName}`;
}

/** The bucket's KMS key (its key ARN, never an alias: key policies and IAM match key use on the key ARN). */
export interface BucketKey {
    keyArn: string;
    /** Region of the bucket: the key may be used only by S3 there (kms:ViaService). */
    region: string;
}

/**
 * Trust of a role an AWS service assumes (Lambda, EventBridge): that service, and only on behalf of this account
 * (aws:SourceAccount, against the confused deputy).
 */
export function accountServiceTrust(service: string, accountId: string): PolicyDocument {
    return policy({
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
    });
}

/** The key's region is the bucket's: S3 uses only a KMS key in the bucket's own region. */
export function bucketKeyOf(keyArn: string): BucketKey {
    return { keyArn, region: keyArn.split(":")[3] };
}

/** Use of the bucket's key, and only by S3 on the caller's behalf. */
export function bucketKeyStatement(sid: string, actions: string[], key: BucketKey): PolicyStatement {
    return {
        Sid: sid,
        Effect: "Allow",
        Action: actions,
        Resource: key.keyArn,
        Condition: { StringEquals: { "kms:ViaService": `s3.${key.region}.amazonaws.com` } },
    };
}

export interface AgentPermissionArgs {
    partition: string;
    bucketName: string;
    queueArnPattern: string;
    /** Present when the bucket is encrypted with a customer KMS key. */
    kms?: BucketKey;
}

/**
 * What an agent may do: write and read its Parquet files, use the platform's Data Fetcher queues, and the bucket's
 * KMS key through S3. The same document is the permissions boundary of every per-cluster role, so nothing that can
 * change a role's policies can lift an agent role above it; it is also the IAM user's policy. Every agent identity
 * gets it, so the deny of the legacy state prefix (where older stacks kept their lease, deployment record and trail
 * logs) holds for all of them. The stack's state now lives in its own bucket, on which agents have no right at all.
 */
export function agentPermissions(args: AgentPermissionArgs): PolicyDocument {
    const bucket = bucketArn(args.partition, args.bucketName);
    const statements: PolicyStatement[] = [
        {
            Sid: "ParquetFiles",
            Effect: "Allow",
            Action: ["s3:PutObject", "s3:GetObject", "s3:ListBucket"],
            Resource: [bucket, `${bucket}/*`],
        },
        {
            Sid: "DataFetcherQueues",
            Effect: "Allow",
            Action: ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"],
            Resource: args.queueArnPattern,
        },
    ];
    if (args.kms) {
        statements.push(bucketKeyStatement("BucketKey", ["kms:GenerateDataKey", "kms:Decrypt"], args.kms));
    }
    statements.push(
        {
            Sid: "DenyReconcilerState",
            Effect: "Deny",
            Action: "s3:*",
            Resource: `${bucket}/${LEGACY_STATE_PREFIX}*`,
        },
        denyListingReserved(bucket),
    );
    return policy(...statements);
}

/**
 * No listing of the legacy state prefix (`_container-insights/`: older stacks' reconciler state and trail logs).
 * S3 evaluates s3:ListBucket against the request's s3:prefix; a listing without a prefix (the bucket root) has no
 * s3:prefix, so this Deny does not apply to it: requiring a prefix would break whoever lists the bucket root. Such a
 * listing shows key names only; reading any of them is denied by the object statement beside this one.
 */
function denyListingReserved(bucket: string): PolicyStatement {
    return {
        Sid: "DenyListingReservedPrefix",
        Effect: "Deny",
        Action: "s3:ListBucket",
        Resource: bucket,
        Condition: { StringLike: { "s3:prefix": `${RESERVED_PREFIX}*` } },
    };
}

/** `_container-insights` without the slash: a prefix `_container-insights` lists the folder too. */
const RESERVED_PREFIX = LEGACY_STATE_PREFIX.replace(/\/$/, "");

/** IRSA trust: only the agent's service account, with the STS audience, through the cluster's OIDC provider. */
export function irsaTrust(args: {
    oidcProviderArn: string;
    issuerHostPath: string;
    namespace: string;
    serviceAccount: string;
}): PolicyDocument {
    return policy({
        Effect: "Allow",
        Principal: { Federated: args.oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
            StringEquals: {
                [`${args.issuerHostPath}:sub`]: `system:serviceaccount:${args.namespace}:${args.serviceAccount}`,
                [`${args.issuerHostPath}:aud`]: "sts.amazonaws.com",
            },
        },
    });
}

/**
 * EKS Pod Identity trust: the Pod Identity service assumes the role (with session tags) only on behalf of this
 * account's clusters, and only for the agent's namespace and service account, which it passes as the session tags
 * kubernetes-namespace and kubernetes-service-account (EKS User Guide, "Create IAM role with trust policy required by
 * EKS Pod Identity"). The associations must keep session tags on (disableSessionTags false, the default). With
 * `clusterArn`, only for that one cluster (EKS passes its ARN as the session tag eks-cluster-arn).
 */
export function podIdentityTrust(args: {
    accountId: string;
    namespace: string;
    serviceAccount: string;
    clusterArn?: string;
}): PolicyDocument {
    return policy({
        Sid: "AllowEksAuthToAssumeRoleForPodIdentity",
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: {
            StringEquals: {
                "aws:SourceAccount": args.accountId,
                ...(args.clusterArn ? { "aws:RequestTag/eks-cluster-arn": args.clusterArn } : {}),
                "aws:RequestTag/kubernetes-namespace": args.namespace,
                "aws:RequestTag/kubernetes-service-account": args.serviceAccount,
            },
        },
    });
}

/** Denies every request to the bucket and its objects that does not arrive over TLS. */
export function tlsOnlyBucketPolicy(partition: string, bucketName: string): PolicyDocument {
    const bucket = bucketArn(partition, bucketName);
    return policy({
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucket, `${bucket}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
}

export function bucketReadPolicy(partition: string, bucketName: string, kms?: BucketKey): PolicyDocument {
    const bucket = bucketArn(partition, bucketName);
    const statements: PolicyStatement[] = [
        {
            Sid: "ReadParquetFiles",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:ListBucket"],
            Resource: [bucket, `${bucket}/*`],
        },
        // Older stacks kept the reconciler's state there and, with events.createTrail, the account's whole CloudTrail
        // log: not the platform's to read.
        { Sid: "DenyStackPrefix", Effect: "Deny", Action: "s3:*", Resource: `${bucket}/${LEGACY_STATE_PREFIX}*` },
        denyListingReserved(bucket),
    ];
    if (kms) {
        statements.push(bucketKeyStatement("DecryptParquetFiles", ["kms:Decrypt"], kms));
    }
    return policy(...statements);
}

/**
 * What CloudTrail needs of a bucket to deliver a trail's logs (CloudTrail User Guide, "Amazon S3 bucket policy for
 * CloudTrail"): read the bucket's ACL, and write under `<prefix>/AWSLogs/<account>/` with the bucket owner's full
 * control, both only for this one trail (aws:SourceArn).
 */
export function cloudTrailBucketStatements(args: {
    partition: string;
    bucketName: string;
    accountId: string;
    trailArn: string;
    prefix: string;
}): PolicyStatement[] {
    const bucket = bucketArn(args.partition, args.bucketName);
    const principal = { Service: "cloudtrail.amazonaws.com" };
    return [
        {
            Sid: "CloudTrailAclCheck",
            Effect: "Allow",
            Principal: principal,
            Action: "s3:GetBucketAcl",
            Resource: bucket,
            Condition: { StringEquals: { "aws:SourceArn": args.trailArn } },
        },
        {
            Sid: "CloudTrailWrite",
            Effect: "Allow",
            Principal: principal,
            Action: "s3:PutObject",
            Resource: `${bucket}/${args.prefix}/AWSLogs/${args.accountId}/*`,
            Condition: {
                StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": args.trailArn },
            },
        },
    ];
}
