/** IAM policy documents, as plain data, shared by the program and the reconciler Lambda. */

export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: unknown;
    Action: string | string[];
    Resource?: string | string[];
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

/** What an agent may do: write and read its Parquet files, and use the platform's Data Fetcher queues. */
export function agentPermissions(args: { partition: string; bucketName: string; queueArnPattern: string }): PolicyDocument {
    const bucket = bucketArn(args.partition, args.bucketName);
    return policy(
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
    );
}

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

export function bucketReadPolicy(partition: string, bucketName: string): PolicyDocument {
    const bucket = bucketArn(partition, bucketName);
    return policy({
        Sid: "ReadParquetFiles",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:ListBucket"],
        Resource: [bucket, `${bucket}/*`],
    });
}
