/**
 * Where a call goes: the region (the resource's own `region` input, else AWS_REGION, which the tier sets to the
 * stack's aws:region: the Node provider server drops Configure's variables), the account (STS against the emulator)
 * and AWS SDK v3 clients. Endpoints come from the environment as the SDK reads them (AWS_ENDPOINT_URL,
 * AWS_ENDPOINT_URL_<SERVICE>), credentials too.
 */
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { EC2Client } from "@aws-sdk/client-ec2";
import { EKSClient } from "@aws-sdk/client-eks";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { IAMClient } from "@aws-sdk/client-iam";
import { KMSClient } from "@aws-sdk/client-kms";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { Props, str } from "./values";

/** The provider's region: AWS_REGION (the tier sets the stack's aws:region there), else AWS_DEFAULT_REGION. */
export function defaultRegion(env: NodeJS.ProcessEnv = process.env): string {
    const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
    if (!region) {
        throw new Error("the stand-in AWS provider needs AWS_REGION (the stack's aws:region) in its environment");
    }
    return region;
}

/** A resource's or invoke's region: its own `region` argument, else the provider's. */
export function regionOf(props: Props): string {
    return str(props, "region") ?? defaultRegion();
}

export function partitionOf(region: string): string {
    return region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
}

/** The emulator's DNS suffix for the partition, as the real ARNs and URLs carry it. */
export function dnsSuffix(region: string): string {
    return partitionOf(region) === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
}

type ClientClass<T> = new (config: { region: string; forcePathStyle?: boolean }) => T;

export class Clients {
    private readonly cache = new Map<string, unknown>();
    private account?: Promise<{ accountId: string; arn: string; userId: string }>;

    private client<T>(Class: ClientClass<T>, region: string, extra: { forcePathStyle?: boolean } = {}): T {
        const key = `${Class.name}/${region}`;
        if (!this.cache.has(key)) {
            this.cache.set(key, new Class({ region, ...extra }));
        }
        return this.cache.get(key) as T;
    }

    iam(): IAMClient {
        return this.client(IAMClient, defaultRegion());
    }
    s3(region: string): S3Client {
        // An emulator endpoint has no per-bucket DNS names: address buckets by path.
        const emulated = Boolean(process.env.AWS_ENDPOINT_URL || process.env.AWS_ENDPOINT_URL_S3);
        return this.client(S3Client, region, { forcePathStyle: emulated });
    }
    secrets(region: string): SecretsManagerClient {
        return this.client(SecretsManagerClient, region);
    }
    events(region: string): EventBridgeClient {
        return this.client(EventBridgeClient, region);
    }
    sqs(region: string): SQSClient {
        return this.client(SQSClient, region);
    }
    logs(region: string): CloudWatchLogsClient {
        return this.client(CloudWatchLogsClient, region);
    }
    lambda(region: string): LambdaClient {
        return this.client(LambdaClient, region);
    }
    eks(region: string): EKSClient {
        return this.client(EKSClient, region);
    }
    ec2(region: string): EC2Client {
        return this.client(EC2Client, region);
    }
    kms(region: string): KMSClient {
        return this.client(KMSClient, region);
    }

    /** The caller (STS GetCallerIdentity), once per provider process. */
    identity(): Promise<{ accountId: string; arn: string; userId: string }> {
        this.account ??= this.client(STSClient, defaultRegion())
            .send(new GetCallerIdentityCommand({}))
            .then((r) => ({ accountId: r.Account!, arn: r.Arn!, userId: r.UserId! }));
        return this.account;
    }

    async accountId(): Promise<string> {
        return (await this.identity()).accountId;
    }
}
