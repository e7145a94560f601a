import { ClusterFilters } from "../../common/selection";
import { ReconcilerSettings } from "./types";

/** Everything the Lambda reads from its environment. No secret is ever put there: the token is fetched at run time. */
export interface LambdaEnvironment extends ReconcilerSettings {
    homeRegion: string;
    /** The stack's state bucket: the run lease and the deployment record. */
    stateBucketName: string;
    apiUrl: string;
    tokenSecretArn: string;
    version: string;
    /** The stack's home event bus, when events are on: runs publish the cluster events there. */
    eventBusName?: string;
    /** The platform environment (PROD, UAT), named in the published cluster events. */
    environment?: string;
}

export const ENVIRONMENT_VARIABLES = {
    stackId: "CI_STACK_ID",
    stackName: "CI_STACK_NAME",
    regions: "CI_REGIONS",
    bucketName: "CI_BUCKET_NAME",
    stateBucketName: "CI_STATE_BUCKET_NAME",
    queueArnPattern: "CI_QUEUE_ARN_PATTERN",
    namespace: "CI_AGENT_NAMESPACE",
    serviceAccount: "CI_AGENT_SERVICE_ACCOUNT",
    apiUrl: "CI_PLATFORM_API_URL",
    tokenSecretArn: "CI_TOKEN_SECRET_ARN",
    version: "CI_VERSION",
    boundaryPolicyArn: "CI_BOUNDARY_POLICY_ARN",
    clusters: "CI_CLUSTER_FILTERS",
    kmsKeyArn: "CI_KMS_KEY_ARN",
    identityMode: "CI_IDENTITY_MODE",
    podIdentityRoleArn: "CI_POD_IDENTITY_ROLE_ARN",
    eventBusName: "CI_EVENT_BUS_NAME",
    environment: "CI_ENVIRONMENT",
} as const;

type Key = keyof typeof ENVIRONMENT_VARIABLES;

/**
 * Variables that may be absent: the bucket's KMS key exists only when the bucket uses one, the Pod Identity role only
 * in podIdentity and auto modes, the event bus only with events on, and functions deployed before identityMode run in
 * IRSA mode.
 */
const OPTIONAL: ReadonlySet<Key> = new Set<Key>([
    "kmsKeyArn",
    "identityMode",
    "podIdentityRoleArn",
    "eventBusName",
    "environment",
]);
const IDENTITY_MODES = ["irsa", "podIdentity", "auto"] as const;

function parseIdentityMode(text: string | undefined): LambdaEnvironment["identityMode"] {
    const mode = text || "irsa";
    if (!(IDENTITY_MODES as readonly string[]).includes(mode)) {
        throw new Error(
            `${ENVIRONMENT_VARIABLES.identityMode} must be one of ${IDENTITY_MODES.join(", ")}, not ${JSON.stringify(text)}`,
        );
    }
    return mode as LambdaEnvironment["identityMode"];
}

/** The variables the functions are given: the exact inverse of `readEnvironment`. */
export function environmentVariables(env: Omit<LambdaEnvironment, "homeRegion">): Record<string, string> {
    const variables: Record<string, string> = {};
    for (const key of Object.keys(ENVIRONMENT_VARIABLES) as Key[]) {
        const value = env[key];
        if (value === undefined) {
            continue;
        }
        variables[ENVIRONMENT_VARIABLES[key]] = Array.isArray(value)
            ? value.join(",")
            : typeof value === "object"
              ? JSON.stringify(value)
              : String(value);
    }
    return variables;
}

function parseFilters(text: string): ClusterFilters {
    const parsed = JSON.parse(text) as Partial<ClusterFilters>;
    const strings = (value: unknown) => Array.isArray(value) && value.every((item) => typeof item === "string");
    const tags = parsed.tags ?? {};
    if (
        !strings(parsed.include ?? []) ||
        !strings(parsed.exclude ?? []) ||
        typeof tags !== "object" ||
        Object.values(tags).some((v) => typeof v !== "string")
    ) {
        throw new Error(
            `${ENVIRONMENT_VARIABLES.clusters} must be {"include": [globs], "exclude": [globs], "tags": {name: value}}`,
        );
    }
    return { include: parsed.include ?? [], exclude: parsed.exclude ?? [], tags };
}

export function readEnvironment(env: NodeJS.ProcessEnv): LambdaEnvironment {
    const missing = (Object.keys(ENVIRONMENT_VARIABLES) as Key[])
        .filter((key) => !OPTIONAL.has(key) && !env[ENVIRONMENT_VARIABLES[key]])
        .map((key) => ENVIRONMENT_VARIABLES[key]);
    if (missing.length > 0) {
        throw new Error(`missing environment variables: ${missing.join(", ")}`);
    }
    const value = (key: Key) => env[ENVIRONMENT_VARIABLES[key]]!;
    const identityMode = parseIdentityMode(env[ENVIRONMENT_VARIABLES.identityMode]);
    if (identityMode !== "irsa" && !env[ENVIRONMENT_VARIABLES.podIdentityRoleArn]) {
        throw new Error(
            `${ENVIRONMENT_VARIABLES.podIdentityRoleArn} is required with ${ENVIRONMENT_VARIABLES.identityMode}=${identityMode}`,
        );
    }
    return {
        stackId: value("stackId"),
        stackName: value("stackName"),
        regions: value("regions").split(",").filter(Boolean),
        bucketName: value("bucketName"),
        stateBucketName: value("stateBucketName"),
        queueArnPattern: value("queueArnPattern"),
        namespace: value("namespace"),
        serviceAccount: value("serviceAccount"),
        boundaryPolicyArn: value("boundaryPolicyArn"),
        clusters: parseFilters(value("clusters")),
        kmsKeyArn: env[ENVIRONMENT_VARIABLES.kmsKeyArn] || undefined,
        identityMode,
        podIdentityRoleArn: env[ENVIRONMENT_VARIABLES.podIdentityRoleArn] || undefined,
        apiUrl: value("apiUrl"),
        tokenSecretArn: value("tokenSecretArn"),
        version: value("version"),
        eventBusName: env[ENVIRONMENT_VARIABLES.eventBusName] || undefined,
        environment: env[ENVIRONMENT_VARIABLES.environment] || undefined,
        homeRegion: env.AWS_REGION ?? "us-east-1",
    };
}
