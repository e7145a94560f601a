/** The platform endpoints each environment talks to. Every field can be overridden by config for a private platform. */
export interface PlatformEndpoints {
    /** AWS account that hosts the platform (trusted by the auto-update role, owner of the SQS queues). */
    accountId: string;
    /** Base URL of the platform API that receives the onboarding confirmation. */
    apiUrl: string;
    /** ARN pattern of the Data Fetcher SQS queues the agents read and write. */
    queueArnPattern: string;
}

export const ENVIRONMENTS = ["PROD", "UAT"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

const platformAccounts: Record<Environment, string> = { PROD: "202279780353", UAT: "844856862745" };

export const PLATFORM_ENDPOINTS: Record<Environment, PlatformEndpoints> = {
    PROD: {
        accountId: platformAccounts.PROD,
        apiUrl: "https://app.nops.io",
        queueArnPattern: `arn:aws:sqs:us-west-2:${platformAccounts.PROD}:nops-k8s-*`,
    },
    UAT: {
        accountId: platformAccounts.UAT,
        apiUrl: "https://uat.nops.io",
        queueArnPattern: `arn:aws:sqs:us-west-2:${platformAccounts.UAT}:nops-k8s-*`,
    },
};
