import { agentPermissions, irsaTrust } from "../../common/documents";
import { CLUSTER_ARN_TAG_KEY, REGION_TAG_KEY, STACK_TAG_KEY, clusterRoleName } from "../../common/naming";
import { ClusterFacts, ClusterResult, DesiredRole, ReconcilerSettings } from "./types";

export interface Account {
    accountId: string;
    partition: string;
}

/** The role each cluster should have, or why it gets none. `providers` are the account's OIDC provider ARNs. */
export function desiredRoles(
    clusters: ClusterFacts[],
    providers: string[],
    account: Account,
    settings: ReconcilerSettings,
): { desired: DesiredRole[]; skipped: ClusterResult[] } {
    const providerByHostPath = new Map(providers.map((arn) => [arn.slice(arn.indexOf("oidc-provider/") + "oidc-provider/".length), arn]));
    const desired: DesiredRole[] = [];
    const skipped: ClusterResult[] = [];
    for (const cluster of clusters) {
        const roleName = clusterRoleName(cluster.name, cluster.region);
        const skip = (reason: string) =>
            skipped.push({ cluster: cluster.name, region: cluster.region, clusterArn: cluster.arn, roleName, outcome: "skipped", reason });
        if (cluster.status !== "ACTIVE") {
            skip(`cluster status is ${cluster.status}, not ACTIVE`);
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
        desired.push({
            roleName,
            cluster,
            trust: irsaTrust({
                oidcProviderArn: providerArn,
                issuerHostPath,
                namespace: settings.namespace,
                serviceAccount: settings.serviceAccount,
            }),
            permissions: agentPermissions({
                partition: account.partition,
                bucketName: settings.bucketName,
                queueArnPattern: settings.queueArnPattern,
            }),
            tags: { [STACK_TAG_KEY]: settings.stackId, [CLUSTER_ARN_TAG_KEY]: cluster.arn, [REGION_TAG_KEY]: cluster.region },
        });
    }
    return { desired, skipped };
}
