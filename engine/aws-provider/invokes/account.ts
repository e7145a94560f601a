/** aws.getCallerIdentity, aws.iam.getOpenIdConnectProvider and aws.kms.getKey, answered from the emulator. */
import {
    GetOpenIDConnectProviderCommand,
    ListOpenIDConnectProvidersCommand,
    NoSuchEntityException,
} from "@aws-sdk/client-iam";
import { DescribeKeyCommand, NotFoundException } from "@aws-sdk/client-kms";
import { Clients, regionOf } from "../context";
import { rfc3339, tagMap } from "../resources/naming";
import { need, Props, str } from "../values";
import { DataSourceError, failed, notFound } from "./errors";

export async function getCallerIdentity(clients: Clients): Promise<Props> {
    const { accountId, arn, userId } = await clients.identity();
    return { id: accountId, accountId, arn, userId };
}

/** By `arn`, or by `url` (every provider listed, then the one whose URL matches). */
export async function getOpenIdConnectProvider(clients: Clients, args: Props): Promise<Props> {
    const iam = clients.iam();
    let arn = str(args, "arn");
    const url = str(args, "url")?.replace(/^https:\/\//, "");
    const what = `IAM OIDC Provider (${arn ?? url})`;
    try {
        if (!arn) {
            const listed = (await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList ?? [];
            arn = listed.map((p) => p.Arn!).find((candidate) => candidate.endsWith(`oidc-provider/${url}`));
            if (!arn) {
                throw notFound(what);
            }
        }
        const found = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
        return {
            id: arn,
            arn,
            url: found.Url ?? "",
            clientIdLists: found.ClientIDList ?? [],
            thumbprintLists: found.ThumbprintList ?? [],
            tags: tagMap(found.Tags),
        };
    } catch (error) {
        if (error instanceof NoSuchEntityException) {
            throw notFound(what);
        }
        throw error instanceof DataSourceError ? error : failed(what, "IAM", "GetOpenIDConnectProvider", error);
    }
}

export async function getKey(clients: Clients, args: Props): Promise<Props> {
    const region = regionOf(args);
    const keyId = need(args, "keyId");
    try {
        const { KeyMetadata: k } = await clients.kms(region).send(new DescribeKeyCommand({ KeyId: keyId }));
        return {
            id: k!.KeyId,
            keyId: k!.KeyId,
            arn: k!.Arn,
            awsAccountId: k!.AWSAccountId,
            creationDate: rfc3339(k!.CreationDate),
            customerMasterKeySpec: k!.CustomerMasterKeySpec ?? "",
            customKeyStoreId: k!.CustomKeyStoreId ?? "",
            cloudHsmClusterId: k!.CloudHsmClusterId ?? "",
            deletionDate: k!.DeletionDate ? rfc3339(k!.DeletionDate) : "",
            description: k!.Description ?? "",
            enabled: k!.Enabled ?? false,
            expirationModel: k!.ExpirationModel ?? "",
            keyManager: k!.KeyManager ?? "",
            keySpec: k!.KeySpec ?? "",
            keyState: k!.KeyState ?? "",
            keyUsage: k!.KeyUsage ?? "",
            multiRegion: k!.MultiRegion ?? false,
            multiRegionConfigurations: [],
            origin: k!.Origin ?? "",
            pendingDeletionWindowInDays: k!.PendingDeletionWindowInDays ?? 0,
            validTo: k!.ValidTo ? rfc3339(k!.ValidTo) : "",
            xksKeyConfigurations: [],
            region,
        };
    } catch (error) {
        throw error instanceof NotFoundException
            ? notFound(`KMS Key (${keyId})`)
            : failed(`KMS Key (${keyId})`, "KMS", "DescribeKey", error);
    }
}
