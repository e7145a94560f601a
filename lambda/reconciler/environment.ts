import { ReconcilerSettings } from "./types";

/** Everything the Lambda reads from its environment. No secret is ever put there: the token is fetched at run time. */
export interface LambdaEnvironment extends ReconcilerSettings {
    homeRegion: string;
    apiUrl: string;
    tokenSecretArn: string;
    version: string;
}

export const ENVIRONMENT_VARIABLES = {
    stackId: "CI_STACK_ID",
    stackName: "CI_STACK_NAME",
    regions: "CI_REGIONS",
    bucketName: "CI_BUCKET_NAME",
    queueArnPattern: "CI_QUEUE_ARN_PATTERN",
    namespace: "CI_AGENT_NAMESPACE",
    serviceAccount: "CI_AGENT_SERVICE_ACCOUNT",
    apiUrl: "CI_PLATFORM_API_URL",
    tokenSecretArn: "CI_TOKEN_SECRET_ARN",
    version: "CI_VERSION",
} as const;

export function readEnvironment(env: NodeJS.ProcessEnv): LambdaEnvironment {
    const missing = Object.values(ENVIRONMENT_VARIABLES).filter((name) => !env[name]);
    if (missing.length > 0) {
        throw new Error(`missing environment variables: ${missing.join(", ")}`);
    }
    const value = (key: keyof typeof ENVIRONMENT_VARIABLES) => env[ENVIRONMENT_VARIABLES[key]]!;
    return {
        stackId: value("stackId"),
        stackName: value("stackName"),
        regions: value("regions").split(",").filter(Boolean),
        bucketName: value("bucketName"),
        queueArnPattern: value("queueArnPattern"),
        namespace: value("namespace"),
        serviceAccount: value("serviceAccount"),
        apiUrl: value("apiUrl"),
        tokenSecretArn: value("tokenSecretArn"),
        version: value("version"),
        homeRegion: env.AWS_REGION ?? "us-east-1",
    };
}
