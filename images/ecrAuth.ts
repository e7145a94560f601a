/**
 * Private ECR's registry credentials for npm run images:lock: ECR's GetAuthorizationToken in the registry's own region
 * (its token is the base64 of `AWS:<password>`, sent as `Authorization: Basic <token>`). The token lets the caller pull
 * from any registry of that region its principal may read, so one call per region serves every account's registry
 * there (the EKS add-on registries are other accounts'; `registryIds` is deprecated and changes nothing).
 */
import { ECRClient, GetAuthorizationTokenCommand } from "@aws-sdk/client-ecr";
import { SIGN_IN_ADVICE, isMissingCredentials } from "../common/awsCredentials";
import { errorMessage, errorText } from "../common/errors";

const PRIVATE_ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

/** The region of a private ECR registry host, or undefined for any other registry. */
export function privateEcrRegion(registry: string): string | undefined {
    return PRIVATE_ECR_HOST.exec(registry)?.[2];
}

/** No AWS credentials were found: the operator has to provide some (exit 2, nothing written). */
export class MissingCredentialsError extends Error {}

/**
 * The Authorization header for each private ECR registry host (undefined for other hosts), asking ECR once per region.
 * Credentials come from the SDK's default provider chain, or from `profile`.
 */
export function ecrAuthorizations(profile?: string): (registry: string) => Promise<string | undefined> {
    const byRegion = new Map<string, Promise<string>>();
    return (registry) => {
        const region = privateEcrRegion(registry);
        if (region === undefined) {
            return Promise.resolve(undefined);
        }
        let header = byRegion.get(region);
        if (!header) {
            header = ecrAuthorization(region, registry, profile);
            byRegion.set(region, header);
        }
        return header;
    };
}

async function ecrAuthorization(region: string, registry: string, profile?: string): Promise<string> {
    let token: string | undefined;
    try {
        const response = await new ECRClient({ region, ...(profile ? { profile } : {}) }).send(
            new GetAuthorizationTokenCommand({}),
        );
        token = response.authorizationData?.[0]?.authorizationToken;
    } catch (error) {
        if (isMissingCredentials(error)) {
            throw new MissingCredentialsError(
                `images:lock needs AWS credentials for ${registry} (private ECR, region ${region}) and found none` +
                    `${profile ? ` in profile ${profile}` : ""} (${errorMessage(error)}): ` +
                    `${SIGN_IN_ADVICE}, or pass --profile <name>; nothing was written`,
            );
        }
        throw new Error(`ECR GetAuthorizationToken in ${region} failed for ${registry}: ${errorText(error)}`);
    }
    if (!token) {
        throw new Error(`ECR GetAuthorizationToken in ${region} returned no authorization token`);
    }
    return `Basic ${token}`;
}
