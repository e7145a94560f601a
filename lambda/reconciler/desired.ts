import { agentPermissions, bucketKeyOf, irsaTrust } from "../../common/documents";
import { CLUSTER_ARN_TAG_KEY, REGION_TAG_KEY, STACK_TAG_KEY, clusterRoleName } from "../../common/naming";
import { chooseIdentity } from "../../common/identity";
import { selectCluster } from "../../common/selection";
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
     * their roles stay. A cluster the selection leaves out is not here, so its role goes as an orphan; so do the roles
     * of Pod Identity clusters, except in `auto` between deploys (the chart still points at the role until the next
     * deploy switches it).
     */
    selected: string[];
    /** Clusters that should have a Pod Identity association for the agent. */
    associations: ClusterFacts[];
    /** Clusters whose association made by the reconciler goes, and why. Clusters in neither list keep theirs. */
    dropAssociations: Array<{ cluster: ClusterFacts; reason: string }>;
}

/**
 * The role or Pod Identity association each cluster should have, or why it gets none. `providers` are the account's
 * OIDC provider ARNs.
 */
export function desiredRoles(
    clusters: ClusterFacts[],
    providers: string[],
    account: Account,
    settings: ReconcilerSettings,
): Desired {
    const providerByHostPath = new Map(
        providers.map((arn) => [arn.slice(arn.indexOf("oidc-provider/") + "oidc-provider/".length), arn]),
    );
    const permissions = agentPermissions({
        partition: account.partition,
        bucketName: settings.bucketName,
        queueArnPattern: settings.queueArnPattern,
        kms: settings.kmsKeyArn ? bucketKeyOf(settings.kmsKeyArn) : undefined,
    });
    const handover = new Set(settings.handover ?? []);
    const deployTime = settings.handover !== undefined;
    const result: Desired = { desired: [], skipped: [], selected: [], associations: [], dropAssociations: [] };
    for (const cluster of clusters) {
        const roleName = clusterRoleName(cluster.name, cluster.region);
        const skip = (reason: string) =>
            result.skipped.push({
                cluster: cluster.name,
                region: cluster.region,
                clusterArn: cluster.arn,
                roleName,
                outcome: "skipped",
                reason,
            });
        const selection = selectCluster(cluster, settings.clusters);
        if (!selection.selected) {
            if (selection.filtered) {
                result.dropAssociations.push({ cluster, reason: selection.reason });
            } else {
                result.selected.push(roleName);
            }
            skip(selection.reason);
            continue;
        }
        const providerArn = cluster.oidcIssuer
            ? providerByHostPath.get(cluster.oidcIssuer.replace(/^https:\/\//, ""))
            : undefined;
        const choice =
            settings.identityMode === "irsa"
                ? { identity: "irsa" as const }
                : chooseIdentity(settings.identityMode, {
                      podIdentityAgent: cluster.podIdentityAgent,
                      oidcProvider: providerArn !== undefined,
                  });
        if ("skip" in choice) {
            result.selected.push(roleName);
            skip(choice.skip);
            continue;
        }
        if (choice.identity === "podIdentity") {
            if (settings.identityMode === "auto" && !deployTime) {
                result.selected.push(roleName);
            }
            if (handover.has(cluster.arn)) {
                result.dropAssociations.push({
                    cluster,
                    reason: "the program registers this cluster's association in this deploy",
                });
            } else {
                result.associations.push(cluster);
            }
            continue;
        }
        result.selected.push(roleName);
        result.dropAssociations.push({
            cluster,
            reason: `the cluster uses IRSA (identityMode ${settings.identityMode})`,
        });
        if (!cluster.oidcIssuer) {
            skip("cluster has no OIDC issuer");
            continue;
        }
        const issuerHostPath = cluster.oidcIssuer.replace(/^https:\/\//, "");
        if (!providerArn) {
            skip(
                `OIDC provider for ${issuerHostPath} is not registered in IAM (eksctl utils associate-iam-oidc-provider)`,
            );
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
            tags: {
                [STACK_TAG_KEY]: settings.stackId,
                [CLUSTER_ARN_TAG_KEY]: cluster.arn,
                [REGION_TAG_KEY]: cluster.region,
            },
        });
    }
    return result;
}
