/**
 * The contract between the program and its optional add-ons (as cdk-eks-blueprints' lib/spi/addon-contracts.ts): the
 * program hands each registered add-on the planned fleet, the add-on decides which clusters get it and returns one
 * installer per such cluster, and the cluster's ClusterAgent calls that installer with its own Kubernetes provider.
 * Neither the program nor the ClusterAgent knows an add-on by name; an add-on builds on this module, common/, the
 * config's key rows and the shared cluster and permission helpers, and never on another add-on.
 *
 * An add-on is typed from its own config (config/keys/spec.ts AddonConfig): the config without the add-ons
 * (config/core.ts) plus its own rows' slice, its own reads and its own status fields. So its code never depends on
 * the whole config, whose type the registry (components/addons/index.ts) builds from every add-on's rows.
 */
import type { ListFargateProfilesCommandOutput } from "@aws-sdk/client-eks";
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { PolicyStatement } from "../../common/documents";
import type { ClusterIdentity } from "../../common/identity";
import type { CoreSettings } from "../../config/core";
import type { AddonConfig, Shape } from "../../config/keys/spec";
import type { ValuesOf } from "../../config/values";
import type { ImageLock } from "../../images/lock";
import type { Check } from "../cluster/checks";
import type { AgentPlan } from "../cluster/fleet";
import type { DiscoveredCluster } from "../cluster/types";
import type { DeployTarget } from "../permissions/target";

/**
 * The AWS reads an add-on may make at program time, as the AWS SDK pages them: through the SDK with the stack's
 * credentials and `aws:profile` on a deploy (components/addons/awsReads.ts), answered from a described fleet offline
 * (automation/plan/fleet.ts). A call an add-on needs besides these is added here.
 */
export interface AwsReads {
    /** EKS ListFargateProfiles of the cluster, page by page. */
    listFargateProfiles(cluster: { name: string; region: string }): AsyncIterable<ListFargateProfilesCommandOutput>;
}

/** An add-on's slice of the parsed config, from its own rows: `{ addons: { <name>: { enabled, ... } } }`. */
export type OwnConfig<C extends AddonConfig> = ValuesOf<C["keys"][number]>;

type Declared<C, K extends "status" | "reads"> = C extends { [P in K]: Shape<infer T> } ? T : Record<never, never>;

/** The fields an add-on adds to a cluster's line of the `clusters` output (its config's `status`). */
export type StatusOf<C extends AddonConfig> = Declared<C, "status">;

/**
 * The program-time reads an add-on needs besides invokes (its config's `reads`), part of the program's options
 * (program/options.ts): the AWS SDK's by default (Addon.awsReads), fakes in tests.
 */
export type ReadsOf<C extends AddonConfig> = Declared<C, "reads">;

/** What the ClusterAgent gives an add-on's installer in its cluster. */
export interface AddonInstallContext {
    cluster: DiscoveredCluster;
    /** The cluster's Kubernetes provider (owned by the ClusterAgent). */
    provider: k8s.Provider;
}

/** One add-on in one cluster, decided by the add-on's plan; the ClusterAgent installs it as its child. */
export interface AddonInstaller {
    /** The add-on's name (its config's `name`). */
    addon: string;
    /** Registers the add-on's component under `parent`, named after `agentName` (the ClusterAgent's name). */
    install(agentName: string, context: AddonInstallContext, parent: pulumi.Resource): pulumi.Resource;
}

/** An agent cluster as an add-on sees it: its line of the last deploy's output may carry the add-on's own fields. */
export type AddonAgent<Status = unknown> = AgentPlan & { previous?: Partial<Status> };

/** The fleet as the program planned it, before anything is registered for its clusters. */
export interface AddonFleet<Own = unknown, Reads = unknown, Status = unknown> {
    /** The stack's settings: the add-on sees the keys that are not an add-on's, and its own. */
    settings: CoreSettings & Own;
    /** The clusters that get the agent. */
    agents: AddonAgent<Status>[];
    /** The identity each agent cluster got (identityMode, or the choice of auto). */
    identityOf(cluster: DiscoveredCluster): ClusterIdentity;
    /** The OIDC provider checks the fleet pass made, by issuer URL. */
    oidcChecks: Map<string, Check>;
    account: { accountId: string; partition: string };
    /** The stack's tags (the user's and the ownership tag). */
    tags: Record<string, string>;
    imageLock: ImageLock;
    /** The enabled add-ons' images pinned by the program, by component (images/lockedImages.ts ADDON_IMAGES). */
    images: Record<string, string>;
    reads: Reads;
}

/** One add-on's decision for one agent cluster. */
export interface AddonForCluster<Status = unknown> {
    /** Present: the cluster gets the add-on. */
    installer?: AddonInstaller;
    /** The add-on's fields of the cluster's `clusters` output line. */
    status?: Partial<Status>;
}

/** One add-on's plan over the fleet: asked once per agent cluster, in the fleet's order. */
export interface AddonPlan<Status = unknown> {
    forCluster(cluster: DiscoveredCluster): AddonForCluster<Status>;
}

/** What the identity running `pulumi up` needs for an add-on (components/permissions/deployerPolicy.ts). */
export interface AddonPermissions<Own = unknown> {
    /** The add-on's statements for the stack's config; none while it is off. */
    statements(target: DeployTarget<Own>): PolicyStatement[];
    /** Whether its roles trust the clusters' OIDC providers whatever `identityMode` is (the deployer then manages them). */
    usesOidcProviders(config: DeployTarget<Own>["config"]): boolean;
}

/**
 * An add-on as the program registers it (one line in components/addons/index.ts): its config and what it does with it.
 * The add-on's folder defines it as `Addon<typeof itsConfig>`.
 */
export interface Addon<C extends AddonConfig = AddonConfig> {
    /** Its rows of the key table, its rules across keys, its images and the types it adds to shared ones. */
    config: C;
    /** Decides which clusters get the add-on and registers what it shares across clusters; once per deploy. */
    plan(fleet: AddonFleet<OwnConfig<C>, ReadsOf<C>, StatusOf<C>>): Promise<AddonPlan<StatusOf<C>>>;
    permissions: AddonPermissions<OwnConfig<C>>;
    /** Its program-time reads (among the program's options), made through `aws`, when it has any. */
    awsReads?(aws: AwsReads): ReadsOf<C>;
}
