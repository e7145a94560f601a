/**
 * The agents and add-ons stage: each registered add-on's plan over the fleet, then the agent (and the add-ons it gets)
 * in every cluster the fleet plan gives it to, and each cluster's line of the `clusters` output.
 */
import * as pulumi from "@pulumi/pulumi";
import { AgentSettings, Settings, installsAgent } from "../config";
import { ADDONS, ADDON_NAMES, AddonReads, AddonStatusFields, AddonsConfig } from "../components/addons";
import { AddonFleet, AddonPlan } from "../components/addons/contract";
import { EBS_CSI_ADDON } from "../components/cluster/checks";
import { agentComponentName } from "../components/cluster/agentNames";
import { ClusterAgent, renderDirectory } from "../components/cluster/clusterAgent";
import { ResolvedFleet, awaitsReadiness, clusterKey } from "../components/cluster/fleet";
import { ChartHardening } from "../components/cluster/hardening";
import { IdentityPlan } from "../components/cluster/identity";
import { AgentPodIdentity } from "../components/cluster/podIdentity";
import { karpenopsFor } from "../components/cluster/values";
import { AgentIdentityOf, PlannedFleet } from "./fleet";
import { PinnedImages } from "./images";
import { ClusterLine, ProgramOptions, resourceTags } from "./options";

/** The add-ons' plans and the agent in every cluster the plan gives it to (a whole stack's, or a cluster stack's). */
export async function installFleetAgents(
    settings: Settings,
    { fleet, identityPlan }: Pick<PlannedFleet, "fleet" | "identityPlan">,
    options: ProgramOptions,
    context: {
        account: { accountId: string; partition: string; bucketName: string };
        images: PinnedImages;
        identity: AgentIdentityOf;
        podIdentityRoleArn?: pulumi.Output<string>;
        dependsOn: pulumi.Resource[];
    },
): Promise<ClusterLine[]> {
    const { imageLock, imageTags, hardening, addonImages } = context.images;
    if (!fleet || !identityPlan || !installsAgent(settings) || !hardening || !imageLock) {
        return [];
    }
    const addonFleet: AddonFleet<AddonsConfig, AddonReads, AddonStatusFields> = {
        settings,
        agents: fleet.plan.agents,
        identityOf: (cluster) => identityPlan.identities.get(clusterKey(cluster))!.identity,
        oidcChecks: fleet.oidc,
        account: { accountId: context.account.accountId, partition: context.account.partition },
        tags: resourceTags(settings),
        imageLock,
        images: addonImages,
        reads: options,
    };
    // One after the other, in ADDONS order: each plan registers what its add-on shares across clusters.
    const addons: AddonPlan[] = [];
    for (const addon of ADDONS) {
        addons.push(await addon.plan(addonFleet));
    }
    return installAgents(settings, fleet, identityPlan.identities, {
        addons,
        imageTags,
        hardening,
        bucketName: context.account.bucketName,
        identity: context.identity,
        podIdentityRoleArn: context.podIdentityRoleArn,
        dependsOn: context.dependsOn,
        parent: options.parent,
    });
}

/**
 * Installs the agent in every cluster the fleet plan gives it to; says why the others are skipped or lose it.
 * Transient failures (a region not enabled, AccessDenied, throttling, a cluster that cannot be read) never fail the
 * deploy and never remove an agent: components/cluster/fleet.ts decides.
 */
function installAgents(
    settings: AgentSettings,
    { plan, ebs }: ResolvedFleet,
    identities: Map<string, IdentityPlan>,
    context: {
        imageTags: Record<string, string>;
        hardening: ChartHardening;
        bucketName: string;
        identity: AgentIdentityOf;
        podIdentityRoleArn?: pulumi.Output<string>;
        dependsOn: pulumi.Resource[];
        parent?: pulumi.Resource;
        /** The add-ons' plans, asked which of them each cluster gets. */
        addons: AddonPlan[];
    },
): ClusterLine[] {
    for (const { region, error } of plan.unreadRegions) {
        pulumi.log.warn(
            `region ${region}: the EKS clusters could not be listed (${error}); its clusters keep what the last deploy gave them`,
        );
    }
    for (const { name, region, reason } of plan.removed) {
        pulumi.log.warn(`cluster ${name} (${region}): the agent is removed: ${reason}`);
    }
    const statuses: ClusterLine[] = [];
    const withoutEbsCsi: string[] = [];
    for (const { cluster, reason } of plan.skipped) {
        pulumi.log.warn(`cluster ${cluster.name} (${cluster.region}) skipped: ${reason}`);
        statuses.push({ name: cluster.name, region: cluster.region, arn: cluster.arn, status: "skipped", reason });
    }
    for (const agent of plan.agents) {
        const { cluster } = agent;
        const storage = ebs.get(clusterKey(cluster))!;
        const renderedTo = renderDirectory(settings.agent.renderTo, cluster);
        const awaitReadiness = !renderedTo && awaitsReadiness(storage.state, agent.previous);
        if (agent.reason) {
            pulumi.log.warn(`cluster ${cluster.name} (${cluster.region}): ${agent.reason}`);
        }
        if (storage.state === "missing") {
            withoutEbsCsi.push(`${cluster.name} (${cluster.region})`);
        } else if (storage.state === "unknown") {
            pulumi.log.warn(
                `cluster ${cluster.name} (${cluster.region}): the ${EBS_CSI_ADDON} add-on could not be checked (${storage.error})`,
            );
        }
        const chosen = identities.get(clusterKey(cluster))!;
        const identity = context.identity(cluster, chosen.identity);
        let association: AgentPodIdentity | undefined;
        if (chosen.identity === "podIdentity") {
            association = new AgentPodIdentity(
                agentComponentName(cluster),
                {
                    cluster,
                    namespace: settings.agentNamespace,
                    serviceAccount: settings.agentServiceAccount,
                    roleArn: context.podIdentityRoleArn!,
                    stackId: settings.stackId,
                    tags: settings.tags,
                    installAgent: chosen.installAgent,
                    // After the deploy-time run, which hands over any association it made here between deploys.
                    dependsOn: context.dependsOn,
                },
                { parent: context.parent },
            );
            if (chosen.installAgent) {
                pulumi.log.info(
                    `cluster ${cluster.name} (${cluster.region}): installing the eks-pod-identity-agent add-on (installPodIdentityAgent)`,
                );
            }
        }
        const karpenops = karpenopsFor(cluster, settings.agent, settings.karpenopsApiKey !== undefined);
        if (karpenops.warning) {
            pulumi.log.warn(karpenops.warning);
        }
        const addons = context.addons.map((plan) => plan.forCluster(cluster));
        const installers = addons.flatMap((addon) => (addon.installer ? [addon.installer] : []));
        new ClusterAgent(
            agentComponentName(cluster),
            {
                cluster,
                namespace: settings.agentNamespace,
                bucketName: context.bucketName,
                datadogApiKey: settings.datadogApiKey,
                karpenops: karpenops.clusterId
                    ? { apiKey: settings.karpenopsApiKey!, clusterId: karpenops.clusterId }
                    : undefined,
                identity,
                agent: settings.agent,
                prometheus: settings.prometheus,
                imageTags: context.imageTags,
                hardening: context.hardening,
                assumeRoleArn: settings.clusters.assumeRoleArn,
                dependsOn: association ? [...context.dependsOn, association] : context.dependsOn,
                awaitReadiness,
                addons: installers,
            },
            { parent: context.parent },
        );
        statuses.push({
            name: cluster.name,
            region: cluster.region,
            arn: cluster.arn,
            identityMode: chosen.identity,
            ...(identity.kind === "irsa" ? { roleArn: identity.roleArn } : {}),
            status: agent.status,
            ...(renderedTo ? { renderedTo } : {}),
            ...(agent.reason ? { reason: agent.reason } : {}),
            endpoint: cluster.endpoint,
            certificateAuthority: cluster.certificateAuthority,
            ...(cluster.oidcIssuer ? { oidcIssuer: cluster.oidcIssuer } : {}),
            ebsCsiDriver: storage.state,
            awaitsReadiness: awaitReadiness,
            ...(karpenops.clusterId ? { karpenopsClusterId: karpenops.clusterId } : {}),
            addons: ADDON_NAMES.filter((name) => installers.some((installer) => installer.addon === name)),
            ...Object.assign({}, ...addons.map((addon) => addon.status)),
        });
    }
    if (withoutEbsCsi.length > 0) {
        pulumi.log.warn(
            `${withoutEbsCsi.length} cluster(s) without the ${EBS_CSI_ADDON} add-on: ${withoutEbsCsi.join(", ")}. The chart's Prometheus ` +
                "volume needs a StorageClass (gp2 by default) and stays Pending without one; `pulumi up` does not wait for the agent there.",
        );
    }
    return statuses;
}
