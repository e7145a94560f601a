/** The fleet stage: the clusters read and the identity each gets, before anything is registered for them. */
import * as pulumi from "@pulumi/pulumi";
import { Settings } from "../config";
import { ClusterIdentity, mayUsePodIdentity } from "../common/identity";
import { clusterRoleArn, clusterRoleName } from "../common/naming";
import { clusterKey, discoverFleet } from "../components/cluster/fleet";
import { planIdentities } from "../components/cluster/identity";
import { AgentIdentity } from "../components/cluster/values";
import { inGroup } from "../components/fleet/accountStack";

/** The identity a cluster's agent gets, from the cluster and its identity mode. */
export type AgentIdentityOf = (cluster: { name: string; region: string }, identity: ClusterIdentity) => AgentIdentity;

export type PlannedFleet = Awaited<ReturnType<typeof planFleetFor>>;

/** The fleet read and the identity each cluster gets, before anything is registered for it. */
export async function planFleetFor(
    settings: Settings,
    account: { accountId: string; partition: string },
    parent?: pulumi.Resource,
) {
    const mode = settings.identityMode;
    const usesPodIdentity = mayUsePodIdentity(mode);
    const discovered = settings.agent.install
        ? await discoverFleet({
              regions: settings.regions,
              filters: settings.clusters,
              irsa: mode === "irsa",
              oidc: mode === "auto",
              podIdentityAgent: usesPodIdentity,
              account,
              parent,
              ...(settings.fleet.part === "clusters" && settings.fleet.groups > 1
                  ? { group: inGroup(settings.fleet.group, settings.fleet.groups) }
                  : {}),
          })
        : undefined;
    const identityPlan = discovered
        ? planIdentities(discovered.plan, mode, { ...discovered, installsAgent: settings.installPodIdentityAgent })
        : undefined;
    const fleet = discovered && identityPlan ? { ...discovered, plan: identityPlan.plan } : undefined;
    const handover = fleet?.plan.agents
        .filter((agent) => identityPlan!.identities.get(clusterKey(agent.cluster))?.identity === "podIdentity")
        .map((agent) => agent.cluster.arn);
    return { fleet, identityPlan, handover };
}

/** The agents' identity in IRSA and Pod Identity modes: the reconciler's per-cluster role, or the association's. */
export function roleIdentity(settings: Settings, account: { accountId: string; partition: string }): AgentIdentityOf {
    return (cluster, identity) =>
        identity === "podIdentity"
            ? { kind: "podIdentity", serviceAccount: settings.agentServiceAccount }
            : {
                  kind: "irsa",
                  roleArn: clusterRoleArn({
                      ...account,
                      stackName: settings.stackName,
                      roleName: clusterRoleName(cluster.name, cluster.region),
                  }),
                  serviceAccount: settings.agentServiceAccount,
              };
}
