/**
 * The contract between the program and its optional add-ons (as cdk-eks-blueprints' lib/spi/addon-contracts.ts): the
 * program hands each registered add-on the planned fleet, the add-on decides which clusters get it and returns one
 * installer per such cluster, and the cluster's ClusterAgent calls that installer with its own Kubernetes provider.
 * Neither the program nor the ClusterAgent knows an add-on by name; an add-on knows only this module and common/.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { PolicyStatement } from "../../common/documents";
import type { ClusterIdentity } from "../../common/identity";
import type { Settings } from "../../config";
import type { ImageLock } from "../../images/lock";
import type { Check } from "../cluster/checks";
import type { AgentPlan } from "../cluster/fleet";
import type { ClusterStatus, DiscoveredCluster } from "../cluster/types";
import type { DeployTarget } from "../permissions/target";
import type { AddonReadFields } from "./configs";
import type { AddonName } from "./names";

/** What the ClusterAgent gives an add-on's installer in its cluster. */
export interface AddonInstallContext {
    cluster: DiscoveredCluster;
    /** The cluster's Kubernetes provider (owned by the ClusterAgent). */
    provider: k8s.Provider;
}

/** One add-on in one cluster, decided by the add-on's plan; the ClusterAgent installs it as its child. */
export interface AddonInstaller {
    addon: AddonName;
    /** Registers the add-on's component under `parent`, named after `agentName` (the ClusterAgent's name). */
    install(agentName: string, context: AddonInstallContext, parent: pulumi.Resource): pulumi.Resource;
}

/**
 * Program-time reads the add-ons need besides invokes, part of the program's options (program/options.ts): the AWS
 * SDK's by default (Addon.sdkReads), fakes in tests. Each add-on declares its own in its config.ts.
 */
export type AddonReads = AddonReadFields;

/** The fleet as the program planned it, before anything is registered for its clusters. */
export interface AddonFleet {
    settings: Settings;
    /** The clusters that get the agent. */
    agents: AgentPlan[];
    /** The identity each agent cluster got (identityMode, or the choice of auto). */
    identityOf(cluster: DiscoveredCluster): ClusterIdentity;
    /** The OIDC provider checks the fleet pass made, by issuer URL. */
    oidcChecks: Map<string, Check>;
    account: { accountId: string; partition: string };
    /** The stack's tags (the user's and the ownership tag). */
    tags: Record<string, string>;
    imageLock: ImageLock;
    /** The enabled add-ons' images pinned by the program, by component (images/catalog.ts ADDON_IMAGES). */
    images: Record<string, string>;
    reads: AddonReads;
}

/** One add-on's decision for one agent cluster. */
export interface AddonForCluster {
    /** Present: the cluster gets the add-on. */
    installer?: AddonInstaller;
    /** The add-on's fields of the cluster's `clusters` output line. */
    status?: Partial<ClusterStatus>;
}

/** One add-on's plan over the fleet: asked once per agent cluster, in the fleet's order. */
export interface AddonPlan {
    forCluster(cluster: DiscoveredCluster): AddonForCluster;
}

/** What the identity running `pulumi up` needs for an add-on (components/permissions/deployerPolicy.ts). */
export interface AddonPermissions {
    /** The add-on's statements for the stack's config; none while it is off. */
    statements(target: DeployTarget): PolicyStatement[];
    /** Whether its roles trust the clusters' OIDC providers whatever `identityMode` is (the deployer then manages them). */
    usesOidcProviders(config: DeployTarget["config"]): boolean;
}

/** An add-on as the program registers it (components/addons/index.ts). */
export interface Addon {
    name: AddonName;
    /** Decides which clusters get the add-on and registers what it shares across clusters; once per deploy. */
    plan(fleet: AddonFleet): Promise<AddonPlan>;
    permissions: AddonPermissions;
    /** Its reads through the AWS SDK with the stack's `aws:profile`, when it has any. */
    sdkReads?(awsProfile: string | undefined): AddonReads;
}
