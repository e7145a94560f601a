import * as aws from "@pulumi/aws";
import { POD_IDENTITY_AGENT_ADDON } from "../../common/identity";
import { describeError } from "../../common/errors";
import { isNotFound } from "./discovery";
import { DiscoveredCluster, EbsCsiDriver } from "./types";

export const EBS_CSI_ADDON = "aws-ebs-csi-driver";

export type Check = { found: boolean } | { error: string };

/** One invoke's answer: found, confirmed missing, or unknown (any other failure). Never throws. */
async function check(lookup: () => Promise<unknown>): Promise<Check> {
    try {
        await lookup();
        return { found: true };
    } catch (error) {
        return isNotFound(error) ? { found: false } : { error: describeError(error) };
    }
}

/** ARN of the IAM OIDC provider that IRSA needs for this cluster's issuer. */
export function oidcProviderArn(issuer: string, account: { accountId: string; partition: string }): string {
    return `arn:${account.partition}:iam::${account.accountId}:oidc-provider/${issuer.replace(/^https:\/\//, "")}`;
}

/**
 * Whether the cluster's IAM OIDC provider is registered. Looked up by ARN: one `GetOpenIDConnectProvider` (the data
 * source's `url` form lists every provider and then gets one, on every call).
 */
export function oidcProviderCheck(issuer: string, account: { accountId: string; partition: string }): Promise<Check> {
    return check(() => aws.iam.getOpenIdConnectProvider({ arn: oidcProviderArn(issuer, account) }));
}

export async function ebsCsiDriverCheck(
    cluster: Pick<DiscoveredCluster, "name" | "region">,
): Promise<{ state: EbsCsiDriver; error?: string }> {
    const result = await check(() =>
        aws.eks.getAddon({ addonName: EBS_CSI_ADDON, clusterName: cluster.name, region: cluster.region }),
    );
    if ("error" in result) {
        return { state: "unknown", error: result.error };
    }
    return { state: result.found ? "installed" : "missing" };
}

/** Whether the eks-pod-identity-agent add-on is on the cluster (identityMode podIdentity and auto). */
export function podIdentityAgentCheck(cluster: Pick<DiscoveredCluster, "name" | "region">): Promise<Check> {
    return check(() =>
        aws.eks.getAddon({ addonName: POD_IDENTITY_AGENT_ADDON, clusterName: cluster.name, region: cluster.region }),
    );
}

export function eksctlOidcHint(cluster: Pick<DiscoveredCluster, "name" | "region">): string {
    return `eksctl utils associate-iam-oidc-provider --cluster ${cluster.name} --region ${cluster.region} --approve`;
}
