/**
 * A real SDK error for a unit test: the wire error is sent through a client of that service, and what the SDK's own
 * deserializer throws is returned (IAM's NoSuchEntity comes back as NoSuchEntityException, with $metadata and $fault).
 */
import { EKSClient, ListClustersCommand } from "@aws-sdk/client-eks";
import { IAMClient, ListRolesCommand } from "@aws-sdk/client-iam";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { HttpRequest } from "@smithy/core/protocols";
import { WireError } from "./codec";
import { serve } from "./server";

const config = (code: string, message: string, status: number) => ({
    region: "us-east-1",
    maxAttempts: 1,
    credentials: { accessKeyId: "AKIAFAKEFAKEFAKEFAKE", secretAccessKey: "fake" },
    requestHandler: {
        handle: async (request: HttpRequest) => ({
            response: await serve(async () => {
                throw new WireError(code, message, status);
            }, request),
        }),
    },
});

/** Sends one call of the service that answers with the error, and returns what the SDK throws. */
export async function sdkError(
    service: "iam" | "s3" | "eks" | "secretsmanager",
    code: string,
    message: string,
    status = 400,
): Promise<Error> {
    const send = {
        iam: () => new IAMClient(config(code, message, status)).send(new ListRolesCommand({})),
        s3: () => new S3Client(config(code, message, status)).send(new ListObjectsV2Command({ Bucket: "b" })),
        eks: () => new EKSClient(config(code, message, status)).send(new ListClustersCommand({})),
        secretsmanager: () =>
            new SecretsManagerClient(config(code, message, status)).send(new GetSecretValueCommand({ SecretId: "s" })),
    }[service];
    try {
        await send();
    } catch (error) {
        return error as Error;
    }
    throw new Error(`the ${service} call answered ${code} did not fail`);
}
