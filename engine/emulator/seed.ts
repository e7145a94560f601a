/**
 * Creates a fleet in a running emulator through the real AWS SDK, as the account would hold it before the stack is
 * deployed: EKS clusters per region with their OIDC issuers and tags, the clusters' IAM OIDC providers, the
 * platform's integration role, add-ons in any status. Every function takes the emulator's `env` (startEmulator's, or
 * the lines `npm run emulator` prints), so it works in the process that started the emulator and in any other.
 */
import { CreateAddonCommand, CreateClusterCommand, EKSClient } from "@aws-sdk/client-eks";
import {
    CreateOpenIDConnectProviderCommand,
    CreateRoleCommand,
    EntityAlreadyExistsException,
    GetRoleCommand,
    IAMClient,
} from "@aws-sdk/client-iam";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { PLATFORM_ENDPOINTS } from "../../config/environments";

export interface FleetCluster {
    region: string;
    name: string;
    tags?: Record<string, string>;
    /** Whether the cluster's IAM OIDC provider is registered (true by default; false: IRSA cannot work there). */
    oidcProvider?: boolean;
    /** Add-ons by name, each with its status: ACTIVE is created through CreateAddon, any other status is seeded. */
    addons?: Record<string, string>;
}

export interface Fleet {
    clusters: FleetCluster[];
    /** The platform's integration role (the stack's `roleName`), trusted by the PROD platform account; none when absent. */
    roleName?: string;
}

export interface SeededCluster extends FleetCluster {
    arn: string;
    issuer: string;
    /** The registered IAM OIDC provider's ARN, when there is one. */
    oidcProviderArn?: string;
}

export interface SeededFleet {
    clusters: SeededCluster[];
    roleArn?: string;
}

/** The role EKS clusters are created with (CreateCluster requires one). */
export const CLUSTER_SERVICE_ROLE = "emulator-eks-cluster";

/** A certificate thumbprint for the OIDC providers (IAM requires one; nothing checks it here). */
const THUMBPRINT = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280";

/**
 * SDK client settings that reach the emulator named by `env`, whatever this process's own environment says: the
 * service's own endpoint variable (`serviceId` as the SDK names it: "EKS", "IAM") when `env` has one, else
 * AWS_ENDPOINT_URL, as the SDK itself resolves them.
 */
export function clientConfig(env: Record<string, string>, region: string, serviceId?: string) {
    const own = serviceId ? env[`AWS_ENDPOINT_URL_${serviceId.toUpperCase().replace(/ /g, "_")}`] : undefined;
    return {
        region,
        endpoint: own ?? env.AWS_ENDPOINT_URL,
        credentials: {
            accessKeyId: env.AWS_ACCESS_KEY_ID,
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
            ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
        },
    };
}

/**
 * The emulator's `env` with credentials in another account, to seed it: STS AssumeRole asked of moto itself (not the
 * front, which refuses roles that do not exist), whose temporary key moto maps to the role's account. The role need
 * not exist; nothing is created in the account.
 */
export async function accountEnvOf(env: Record<string, string>, accountId: string): Promise<Record<string, string>> {
    const sts = new STSClient({ ...clientConfig(env, env.AWS_REGION), maxAttempts: 1 });
    try {
        const { Credentials } = await sts.send(
            new AssumeRoleCommand({
                RoleArn: `arn:aws:iam::${accountId}:role/emulator-seed`,
                RoleSessionName: "emulator-seed",
            }),
        );
        return {
            ...env,
            AWS_ACCESS_KEY_ID: Credentials!.AccessKeyId!,
            AWS_SECRET_ACCESS_KEY: Credentials!.SecretAccessKey!,
            AWS_SESSION_TOKEN: Credentials!.SessionToken!,
        };
    } finally {
        sts.destroy();
    }
}

function trust(principal: Record<string, string>, action = "sts:AssumeRole"): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: principal, Action: action }],
    });
}

/** Creates a role unless one of that name exists; returns its ARN either way. */
async function ensureRole(iam: IAMClient, roleName: string, document: string): Promise<string> {
    try {
        const { Role } = await iam.send(
            new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: document }),
        );
        return Role!.Arn!;
    } catch (error) {
        if (!(error instanceof EntityAlreadyExistsException)) {
            throw error;
        }
        return (await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role!.Arn!;
    }
}

/** Puts an add-on in `status` through the EKS fake's seed API (creating it when the cluster has none of that name). */
export async function setAddonStatus(
    env: Record<string, string>,
    addon: { region: string; clusterName: string; addonName: string; status: string },
): Promise<void> {
    const response = await fetch(`${env.AWS_ENDPOINT_URL_EKS}/_emulator/addons`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(addon),
    });
    if (!response.ok) {
        throw new Error(`seeding add-on ${addon.addonName} on ${addon.clusterName}: ${await response.text()}`);
    }
}

/** Denies every EKS call in `region` with AccessDeniedException (`denied: false` lifts it), as an SCP would. */
export async function denyEksRegion(env: Record<string, string>, region: string, denied = true): Promise<void> {
    const response = await fetch(`${env.AWS_ENDPOINT_URL_EKS}/_emulator/denied-regions`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ region, denied }),
    });
    if (!response.ok) {
        throw new Error(`denying EKS in ${region}: ${await response.text()}`);
    }
}

export async function seedFleet(env: Record<string, string>, fleet: Fleet): Promise<SeededFleet> {
    const iam = new IAMClient(clientConfig(env, env.AWS_REGION, "IAM"));
    try {
        const serviceRoleArn = await ensureRole(iam, CLUSTER_SERVICE_ROLE, trust({ Service: "eks.amazonaws.com" }));
        const roleArn = fleet.roleName
            ? await ensureRole(
                  iam,
                  fleet.roleName,
                  trust({ AWS: `arn:aws:iam::${PLATFORM_ENDPOINTS.PROD.accountId}:root` }),
              )
            : undefined;
        const clusters: SeededCluster[] = [];
        for (const wanted of fleet.clusters) {
            const eks = new EKSClient(clientConfig(env, wanted.region, "EKS"));
            try {
                const { cluster } = await eks.send(
                    new CreateClusterCommand({
                        name: wanted.name,
                        roleArn: serviceRoleArn,
                        resourcesVpcConfig: {},
                        tags: wanted.tags,
                    }),
                );
                const issuer = cluster!.identity!.oidc!.issuer!;
                let oidcProviderArn: string | undefined;
                if (wanted.oidcProvider !== false) {
                    const provider = await iam.send(
                        new CreateOpenIDConnectProviderCommand({
                            Url: issuer,
                            ClientIDList: ["sts.amazonaws.com"],
                            ThumbprintList: [THUMBPRINT],
                        }),
                    );
                    oidcProviderArn = provider.OpenIDConnectProviderArn;
                }
                for (const [addonName, status] of Object.entries(wanted.addons ?? {})) {
                    await eks.send(new CreateAddonCommand({ clusterName: wanted.name, addonName }));
                    if (status !== "ACTIVE") {
                        await setAddonStatus(env, {
                            region: wanted.region,
                            clusterName: wanted.name,
                            addonName,
                            status,
                        });
                    }
                }
                clusters.push({ ...wanted, arn: cluster!.arn!, issuer, oidcProviderArn });
            } finally {
                eks.destroy();
            }
        }
        return { clusters, roleArn };
    } finally {
        iam.destroy();
    }
}
