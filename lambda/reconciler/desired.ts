import { agentPermissions, bucketKeyOf, irsaTrust } from "../../common/documents";
import { CLUSTER_ARN_TAG_KEY, REGION_TAG_KEY, STACK_TAG_KEY, clusterRoleName } from "../../common/naming";
import { NOT_INSTALLED_STATUSES, filterReason } from "../../common/selection";
import { ClusterFacts, ClusterResult, DesiredRole, ReconcilerSettings } from "./types";

export interface Account {
    accountId: string;
    partition: string;
}

/**
 * The account and partition the stack lives in, read from an ARN the stack owns (the boundary policy's): the
 * reconciler runs in the same account, so this saves asking STS on every run.
 */
export function accountOfArn(arn: string): Account {
    const [prefix, partition, , , accountId] = arn.split(":");
    if (prefix !== "arn" || !partition || !/^[0-9]{12}$/.test(accountId ?? "")) {
        throw new Error(`not an ARN with an account: ${arn}`);
    }
    return { accountId, partition };
}

export interface Desired {
    desired: DesiredRole[];
    skipped: ClusterResult[];
    /**
     * Role names of the selected clusters, including those skipped for their state (creating, failed..., no OIDC provider):
     * their roles stay. A cluster the selection leaves out is not here, so its role goes as an orphan.
     */
    selected: string[];
}

/** The role each cluster should have, or why it gets none. `providers` are the account's OIDC provider ARNs. */
export function desiredRoles(clusters: ClusterFacts[], providers: string[], account: Account, settings: ReconcilerSettings): Desired {
    const providerByHostPath = new Map(providers.map((arn) => [arn.slice(arn.indexOf("oidc-provider/") + "oidc-provider/".length), arn]));
    const permissions = agentPermissions({
        partition: account.partition,
        bucketName: settings.bucketName,
        queueArnPattern: settings.queueArnPattern,
        kms: settings.kmsKeyArn ? bucketKeyOf(settings.kmsKeyArn) : undefined,
    });
    const result: Desired = { desired: [], skipped: [], selected: [] };
    for (const cluster of clusters) {
        const roleName = clusterRoleName(cluster.name, cluster.region);
        const skip = (reason: string) =>
            result.skipped.push({ cluster: cluster.name, region: cluster.region, clusterArn: cluster.arn, roleName, outcome: "skipped", reason });
        const filtered = filterReason(cluster, settings.clusters);
        if (filtered) {
            skip(filtered);
            continue;
        }
        result.selected.push(roleName);
        if (NOT_INSTALLED_STATUSES.includes(cluster.status)) {
            skip(`cluster status is ${cluster.status}`);
            continue;
        }
        if (!cluster.oidcIssuer) {
            skip("cluster has no OIDC issuer");
            continue;
        }
        const issuerHostPath = cluster.oidcIssuer.replace(/^https:\/\//, "");
        const providerArn = providerByHostPath.get(issuerHostPath);
        if (!providerArn) {
            skip(`OIDC provider for ${issuerHostPath} is not registered in IAM (eksctl utils associate-iam-oidc-provider)`);
            continue;
        }
        result.desired.push({
            roleName,
            cluster,
            trust: irsaTrust({
                oidcProviderArn: providerArn,
                issuerHostPath,
                namespace: settings.namespace,
                serviceAccount: settings.serviceAccount,
            }),
            permissions,
            boundary: settings.boundaryPolicyArn,
            tags: { [STACK_TAG_KEY]: settings.stackId, [CLUSTER_ARN_TAG_KEY]: cluster.arn, [REGION_TAG_KEY]: cluster.region },
        });
    }
    return result;
}
