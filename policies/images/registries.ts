/** The allowed registry prefixes, with {account} and {region} resolved for this account's private ECR. */
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";

/** nOps' images, the account's private ECR, and the one AWS image the program itself installs (the Fargate add-on's ADOT collector). */
export const DEFAULT_REGISTRIES = [
    "public.ecr.aws/nops/",
    "{account}.dkr.ecr.{region}.amazonaws.com/",
    "public.ecr.aws/aws-observability/aws-otel-collector/",
];

export interface RegistrySettings {
    allowedRegistries: string[];
    /** Fills {account}; otherwise AWS_ACCOUNT_ID, otherwise STS GetCallerIdentity with the ambient credentials. */
    accountId?: string;
    /** Fills {region}; otherwise AWS_REGION / AWS_DEFAULT_REGION; otherwise any region of the account. */
    region?: string;
}

let callerAccount: Promise<string | undefined> | undefined;

/** The account of the ambient AWS credentials, asked once per process; undefined without credentials. */
export function ambientAccountId(): Promise<string | undefined> {
    callerAccount ??= new STSClient({})
        .send(new GetCallerIdentityCommand({}))
        .then((identity) => identity.Account)
        .catch(() => undefined);
    return callerAccount;
}

/** Forgets the cached account (tests). */
export function resetAmbientAccount(): void {
    callerAccount = undefined;
}

/**
 * Each configured entry with placeholders filled. An entry whose {account} cannot be resolved is dropped and named
 * in `unresolved`, so a violation can say how to fix it. STS is asked only with askAmbient (a private ECR image is
 * not matched otherwise), so manifests without such images never reach for credentials.
 */
export async function resolveRegistries(
    settings: RegistrySettings,
    askAmbient = false,
): Promise<{ prefixes: string[]; unresolved: string[] }> {
    const configured = settings.accountId ?? process.env.AWS_ACCOUNT_ID;
    const account = configured ?? (askAmbient ? await ambientAccountId() : undefined);
    const region = settings.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "*";
    const prefixes: string[] = [];
    const unresolved: string[] = [];
    for (const entry of settings.allowedRegistries) {
        if (entry.includes("{account}") && account === undefined) {
            unresolved.push(entry);
        } else {
            prefixes.push(entry.replaceAll("{account}", account ?? "").replaceAll("{region}", region));
        }
    }
    return { prefixes, unresolved };
}
