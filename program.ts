import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AgentSettings, Settings, installsAgent } from "./config";
import {
    STACK_TAG_KEY,
    bucketNameFor,
    clusterRoleArn,
    clusterRoleName,
    eventResourceNames,
    partitionOf,
    podIdentityRoleArn,
} from "./common/naming";
import { InsightsBucket } from "./components/storage/insightsBucket";
import { StateBucket } from "./components/storage/stateBucket";
import { PlatformReadPolicy } from "./components/iam/platformReadPolicy";
import { AGENT_USER_NAME, AgentUser } from "./components/iam/agentUser";
import { ExistingLookup, inspectExisting } from "./components/adoption/existingResources";
import { AgentBoundary } from "./components/iam/agentBoundary";
import { resolveBucketKey } from "./components/iam/bucketKey";
import { AutoUpdateRole } from "./components/iam/autoUpdateRole";
import { ReconcilerRole } from "./components/iam/reconcilerRole";
import { StackScope } from "./components/iam/scope";
import { PlatformToken } from "./components/secrets/platformToken";
import { RECONCILER_TIMEOUT_S, RoleReconciler } from "./components/reconciler/roleReconciler";
import { ReconcileEvents } from "./components/events/reconcileEvents";
import { ManagementTrail, trailArn } from "./components/events/trail";
import { TrailLookup, trailCoverage } from "./components/events/trailCheck";
import { iamEventRegion } from "./components/events/patterns";
import { packageVersion } from "./common/packageRoot";
import { ClusterAgent, renderDirectory } from "./components/cluster/clusterAgent";
import { EBS_CSI_ADDON } from "./components/cluster/checks";
import { ResolvedFleet, awaitsReadiness, clusterKey, discoverFleet } from "./components/cluster/fleet";
import { ClusterStatus } from "./components/cluster/types";
import { ADDONS } from "./components/addons";
import { AddonFleet, AddonPlan } from "./components/addons/contract";
import { ADDON_NAMES } from "./components/addons/names";
import { AgentIdentity, karpenopsFor } from "./components/cluster/values";
import { ImageLock, lockedUser, readImageLock } from "./images/lock";
import { CHART_IMAGES } from "./images/catalog";
import { ChartHardening, chartHardening, notForced } from "./components/cluster/hardening";
import { UNPINNED_WARNING, pinAddonImage, pinImages } from "./images/pin";
import { ADDON_IMAGES } from "./images/catalog";
import { AgentPodIdentity } from "./components/cluster/podIdentity";
import { IdentityPlan, planIdentities } from "./components/cluster/identity";
import { PodIdentityRole } from "./components/iam/podIdentityRole";
import { ClusterIdentity } from "./common/identity";
import { FargateProfileLookup } from "./components/addons/fargateInsights/profiles";
import { errorMessage } from "./common/errors";
import { accountStackReference, clusterStackSettings, inGroup } from "./components/fleet/accountStack";

export interface ProgramOutputs {
    bucketName: pulumi.Output<string>;
    s3BucketSecureUrl: pulumi.Output<string>;
    readPolicyName: pulumi.Output<string>;
    iamUserName?: pulumi.Output<string>;
    iamUserAccessKeyId?: pulumi.Output<string>;
    iamUserSecretAccessKey?: pulumi.Output<string>;
    iamUserCredentialsSecretArn?: pulumi.Output<string>;
    crossAccountRoleArn?: pulumi.Output<string>;
    reconcilerRoleArn?: pulumi.Output<string>;
    reconcilerLastRun?: pulumi.Output<string>;
    /** The stack's state bucket (the reconciler's lease and deployment record, the created trail's logs). */
    stateBucketName?: pulumi.Output<string>;
    /** identityMode podIdentity or auto: the one role every cluster's Pod Identity association names. */
    podIdentityRoleArn?: pulumi.Output<string>;
    /** Per cluster: name, region, ARN, role ARN and whether the agent was installed or why not. */
    clusters: ClusterStatus[];
    /** events.enabled: the stack's home event bus, the reconciler queue, and the queue the watch service consumes. */
    eventBusName?: pulumi.Output<string>;
    reconcilerQueueUrl?: pulumi.Output<string>;
    watchQueueUrl?: pulumi.Output<string>;
    watchQueueArn?: pulumi.Output<string>;
}

export interface ContainerInsights {
    outputs: ProgramOutputs;
    /** The reconciler, in IRSA mode: in-cluster work waits for its deploy-time run. */
    reconciler?: RoleReconciler;
}

/** Tags every taggable resource carries: the user's, then the ownership tag (which the user cannot override). */
export function resourceTags(settings: Pick<Settings, "tags" | "stackId">): Record<string, string> {
    return { ...settings.tags, [STACK_TAG_KEY]: settings.stackId };
}

export interface ProgramOptions {
    /** The images lock; images/images.lock.json when absent (read only when the agent is installed). */
    imageLock?: ImageLock;
    /** The account's fixed-name resources (bucket, IAM user): ownership check and `adopt`. index.ts passes the SDK
     * lookups, tests a fake account's; skipped when absent. */
    existing?: ExistingLookup;
    /** Whether a cluster has a Fargate profile (addons.fargateInsights): index.ts passes the SDK lookup, tests a fake. */
    fargateProfiles?: FargateProfileLookup;
    /** The account's CloudTrail trails, for the events check (index.ts passes the SDK lookup); skipped when absent. */
    trails?: TrailLookup;
    /** The component everything is registered under (the ContainerInsights component); the stack when absent. */
    parent?: pulumi.Resource;
}

/** Composes an onboarding from validated settings: the account side, then the agent in every selected cluster. */
export async function createContainerInsights(
    settings: Settings,
    options: ProgramOptions = {},
): Promise<ContainerInsights> {
    // Before anything is registered: an unpinned image stops the whole deploy, not just the in-cluster half.
    const imageLock = settings.agent.install ? (options.imageLock ?? readImageLock()) : undefined;
    const childOptions = { parent: options.parent };
    const imageTags = imageLock ? pinnedImageTags(settings, imageLock) : {};
    const hardening = imageLock ? agentHardening(settings, imageLock) : undefined;
    const addonImages = imageLock ? pinnedAddonImages(settings, imageLock) : {};
    const stackRegion = settings.stackRegion;
    const tags = resourceTags(settings);
    const { accountId } = await aws.getCallerIdentity();
    const partition = partitionOf(stackRegion);
    const bucketName = bucketNameFor(accountId);
    if (settings.fleet.part === "clusters") {
        return createClusterPart(settings, options, {
            accountId,
            partition,
            bucketName,
            imageLock,
            imageTags,
            hardening,
            addonImages,
        });
    }
    const kms = await resolveBucketKey(settings.kmsKeyId);
    // One environment per account: the bucket and the user have fixed names; another stack's tag on them stops here.
    const adoption = options.existing
        ? await inspectExisting(options.existing, {
              stackId: settings.stackId,
              bucketName,
              userName: settings.identityMode === "iamUser" ? AGENT_USER_NAME : undefined,
              adopt: settings.adopt,
          })
        : { user: false };

    // Events need the reconciler, which every mode but the IAM user has.
    const events = settings.events.enabled && settings.identityMode !== "iamUser";
    const createTrail = events && settings.events.createTrail;
    if (events && !createTrail && options.trails) {
        await warnWithoutTrail(options.trails, settings.regions, iamEventRegion(partition));
    }
    if (createTrail && settings.kmsKeyId) {
        pulumi.log.warn(
            `events.createTrail: the trail writes to the stack's state bucket, whose default encryption is the KMS key ${settings.kmsKeyId}; its key policy must let cloudtrail.amazonaws.com use it (kms:GenerateDataKey*) or the trail cannot deliver`,
        );
    }

    const bucket = new InsightsBucket(
        "insights",
        {
            bucketName,
            partition,
            kmsKeyId: settings.kmsKeyId,
            lifecycleDays: settings.lifecycleDays > 0 ? settings.lifecycleDays : undefined,
            tags,
            retainOnDestroy: settings.retainBucket,
            adopt: adoption.bucket ? { bucketName, settings: adoption.bucket } : undefined,
        },
        childOptions,
    );
    // The reconciler's lease and deployment record, and the created trail's logs: never in the agents' bucket.
    const stateBucket =
        settings.identityMode === "iamUser"
            ? undefined
            : new StateBucket(
                  "state",
                  {
                      accountId,
                      partition,
                      kmsKeyId: settings.kmsKeyId,
                      tags,
                      // Only the trail's logs are worth keeping after a destroy.
                      retainOnDestroy: settings.retainBucket && createTrail,
                      trailArn: createTrail
                          ? trailArn({ partition, region: stackRegion, accountId, stackName: settings.stackName })
                          : undefined,
                  },
                  childOptions,
              );
    if (createTrail && stateBucket) {
        new ManagementTrail(
            "management-events",
            {
                stackName: settings.stackName,
                region: stackRegion,
                bucketName: stateBucket.bucketName,
                bucketPolicy: stateBucket.policy,
                tags,
            },
            childOptions,
        );
    }

    const readPolicy = new PlatformReadPolicy(
        "platform-read",
        {
            roleName: settings.roleName,
            bucketName: bucket.bucketName,
            partition,
            policyName: `nops-container-cost-read-${settings.stackName}`,
            kms,
        },
        childOptions,
    );
    const boundary = new AgentBoundary(
        "agent-boundary",
        {
            stackName: settings.stackName,
            partition,
            bucketName: bucket.bucketName,
            queueArnPattern: settings.platform.queueArnPattern,
            kms,
            tags,
        },
        childOptions,
    );

    const scope: StackScope = {
        accountId,
        partition,
        region: stackRegion,
        stackName: settings.stackName,
        stackId: settings.stackId,
        bucketName,
    };

    const mode = settings.identityMode;
    const usesPodIdentity = mode === "podIdentity" || mode === "auto";
    // The fleet is read first: the reconciler's deploy-time run must know when the set of clusters changes, and
    // which clusters' Pod Identity associations the program registers (it hands those over).
    const { fleet, identityPlan, handover } = await planFleetFor(settings, { accountId, partition }, options.parent);

    let reconciler: RoleReconciler | undefined;
    const outputs: ProgramOutputs = {
        bucketName: bucket.bucketName,
        s3BucketSecureUrl: bucket.secureUrl,
        readPolicyName: readPolicy.policyName,
        clusters: [],
    };
    let agentIdentity: (cluster: { name: string; region: string }, identity: ClusterIdentity) => AgentIdentity;
    let podIdentityRole: PodIdentityRole | undefined;

    if (settings.identityMode === "iamUser") {
        const user = new AgentUser(
            "agent-user",
            {
                stackName: settings.stackName,
                bucketName: bucket.bucketName,
                partition,
                queueArnPattern: settings.platform.queueArnPattern,
                kms,
                tags,
                adopt: adoption.user,
            },
            childOptions,
        );
        outputs.iamUserName = user.userName;
        outputs.iamUserAccessKeyId = user.accessKeyId;
        outputs.iamUserSecretAccessKey = user.secretAccessKey;
        outputs.iamUserCredentialsSecretArn = user.credentialsSecretArn;
        agentIdentity = () => ({
            kind: "iamUser",
            accessKeyId: user.accessKeyId,
            secretAccessKey: user.secretAccessKey,
        });
    } else {
        const token = new PlatformToken(
            "platform-token",
            {
                stackName: settings.stackName,
                token: settings.token,
                tags,
            },
            childOptions,
        );
        if (usesPodIdentity) {
            podIdentityRole = new PodIdentityRole(
                "pod-identity",
                {
                    stackName: settings.stackName,
                    accountId,
                    partition,
                    bucketName: bucket.bucketName,
                    queueArnPattern: settings.platform.queueArnPattern,
                    kms,
                    namespace: settings.agentNamespace,
                    serviceAccount: settings.agentServiceAccount,
                    boundaryPolicyArn: boundary.policyArn,
                    tags,
                },
                childOptions,
            );
            outputs.podIdentityRoleArn = podIdentityRole.roleArn;
        }
        const state = stateBucket!;
        const reconcilerRole = new ReconcilerRole(
            "reconciler",
            {
                scope: state.bucketName.apply((stateBucketName) => ({ ...scope, stateBucketName })),
                tokenSecretArn: token.secretArn,
                associations: { stackId: settings.stackId, podIdentity: usesPodIdentity, auto: mode === "auto" },
                events,
                tags,
            },
            childOptions,
        );
        outputs.reconcilerRoleArn = reconcilerRole.roleArn;
        outputs.stateBucketName = state.bucketName;
        reconciler = new RoleReconciler(
            "reconciler",
            {
                stackName: settings.stackName,
                environment: pulumi
                    .all([token.secretArn, boundary.policyArn, state.bucketName])
                    .apply(([tokenSecretArn, boundaryPolicyArn, stateBucketName]) => ({
                        stackId: settings.stackId,
                        stackName: settings.stackName,
                        regions: settings.regions,
                        bucketName,
                        stateBucketName,
                        queueArnPattern: settings.platform.queueArnPattern,
                        namespace: settings.agentNamespace,
                        serviceAccount: settings.agentServiceAccount,
                        boundaryPolicyArn,
                        clusters: {
                            include: settings.clusters.include,
                            exclude: settings.clusters.exclude,
                            tags: settings.clusters.tags,
                        },
                        kmsKeyArn: kms?.keyArn,
                        identityMode: settings.identityMode,
                        podIdentityRoleArn: usesPodIdentity
                            ? podIdentityRoleArn({ accountId, partition, stackName: settings.stackName })
                            : undefined,
                        apiUrl: settings.platform.apiUrl,
                        tokenSecretArn,
                        version: packageVersion(),
                        eventBusName: events ? eventResourceNames(settings.stackName).bus : undefined,
                        environment: settings.environment,
                    })),
                roleArn: reconcilerRole.roleArn,
                // The state bucket holds the runs' lease and the deployment record, so it must outlive the destroy-time
                // run; the Pod Identity role must exist before the reconciler names it in an association.
                ready: [reconcilerRole.policy, state, ...(podIdentityRole ? [podIdentityRole.policy] : [])],
                logRetentionDays: settings.logRetentionDays,
                tags,
                fleet: fleet?.plan.agents.map((agent) => clusterKey(agent.cluster)),
                handover: usesPodIdentity ? (handover ?? []) : undefined,
            },
            childOptions,
        );
        outputs.reconcilerLastRun = reconciler.lastRun;
        if (events) {
            const pipeline = new ReconcileEvents(
                "events",
                {
                    stackName: settings.stackName,
                    accountId,
                    partition,
                    homeRegion: stackRegion,
                    regions: settings.regions,
                    functionName: reconciler.managementFunction.name,
                    functionTimeoutSeconds: RECONCILER_TIMEOUT_S,
                    ready: [reconcilerRole.policy],
                    tags,
                },
                childOptions,
            );
            outputs.eventBusName = pipeline.busName;
            outputs.reconcilerQueueUrl = pipeline.reconcilerQueueUrl;
            outputs.watchQueueUrl = pipeline.watchQueueUrl;
            outputs.watchQueueArn = pipeline.watchQueueArn;
        }
        agentIdentity = roleIdentity(settings, { accountId, partition });
    }

    if (settings.autoUpdate) {
        const autoUpdate = new AutoUpdateRole(
            "auto-update",
            {
                scope,
                platformAccountId: settings.platform.accountId,
                externalId: settings.externalId,
                tags,
            },
            childOptions,
        );
        outputs.crossAccountRoleArn = autoUpdate.roleArn;
    }
    // An account stack of a fleet leaves the agents to its cluster stacks.
    if (settings.fleet.part === "whole") {
        outputs.clusters = await installFleetAgents(settings, { fleet, identityPlan }, options, {
            account: { accountId, partition },
            imageLock,
            imageTags,
            hardening,
            addonImages,
            bucketName,
            identity: agentIdentity,
            podIdentityRoleArn: podIdentityRole?.roleArn,
            dependsOn: reconciler ? [reconciler.invocation] : [],
        });
    }
    return { outputs, reconciler };
}

type PlannedFleet = Awaited<ReturnType<typeof planFleetFor>>;

/** The fleet read and the identity each cluster gets, before anything is registered for it. */
async function planFleetFor(
    settings: Settings,
    account: { accountId: string; partition: string },
    parent?: pulumi.Resource,
) {
    const mode = settings.identityMode;
    const usesPodIdentity = mode === "podIdentity" || mode === "auto";
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
function roleIdentity(
    settings: Settings,
    account: { accountId: string; partition: string },
): (cluster: { name: string; region: string }, identity: ClusterIdentity) => AgentIdentity {
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

/** The add-ons' plans and the agent in every cluster the plan gives it to (a whole stack's, or a cluster stack's). */
async function installFleetAgents(
    settings: Settings,
    { fleet, identityPlan }: Pick<PlannedFleet, "fleet" | "identityPlan">,
    options: ProgramOptions,
    context: {
        account: { accountId: string; partition: string };
        imageLock?: ImageLock;
        imageTags: Record<string, string>;
        hardening?: ChartHardening;
        addonImages: Record<string, string>;
        bucketName: string;
        identity: (cluster: { name: string; region: string }, identity: ClusterIdentity) => AgentIdentity;
        podIdentityRoleArn?: pulumi.Output<string>;
        dependsOn: pulumi.Resource[];
    },
): Promise<ClusterStatus[]> {
    if (!fleet || !identityPlan || !installsAgent(settings) || !context.hardening) {
        return [];
    }
    const { accountId, partition } = context.account;
    const { imageLock, imageTags, addonImages, bucketName } = context;
    const tags = resourceTags(settings);
    const addonFleet: AddonFleet = {
        settings,
        agents: fleet.plan.agents,
        identityOf: (cluster) => identityPlan.identities.get(clusterKey(cluster))!.identity,
        oidcChecks: fleet.oidc,
        account: { accountId, partition },
        tags,
        imageLock: imageLock!,
        images: addonImages,
        reads: { fargateProfiles: options.fargateProfiles },
    };
    // One after the other, in ADDONS order: each plan registers what its add-on shares across clusters.
    const addons: AddonPlan[] = [];
    for (const addon of ADDONS) {
        addons.push(await addon.plan(addonFleet));
    }
    return installAgents(settings, fleet, identityPlan.identities, {
        addons,
        imageTags,
        hardening: context.hardening,
        bucketName,
        identity: context.identity,
        podIdentityRoleArn: context.podIdentityRoleArn,
        dependsOn: context.dependsOn,
        parent: options.parent,
    });
}

/**
 * A cluster stack of a fleet (fleet.part clusters): the agents of its regions (one group of their clusters), named
 * and tagged as its account stack's, reading that stack's outputs through a StackReference. The fleet command runs the
 * account stack first, so the reconciler's roles exist before the agents that name them.
 */
async function createClusterPart(
    stackSettings: Settings,
    options: ProgramOptions,
    context: {
        accountId: string;
        partition: string;
        bucketName: string;
        imageLock?: ImageLock;
        imageTags: Record<string, string>;
        hardening?: ChartHardening;
        addonImages: Record<string, string>;
    },
): Promise<ContainerInsights> {
    const settings = clusterStackSettings(stackSettings);
    const accountStack = accountStackReference(settings.fleet.accountStack!, { parent: options.parent });
    const output = (name: string) => accountStack.requireOutput(name) as pulumi.Output<string>;
    const account = { accountId: context.accountId, partition: context.partition };
    const planned = await planFleetFor(settings, account, options.parent);
    const identity: (cluster: { name: string; region: string }, identity: ClusterIdentity) => AgentIdentity =
        settings.identityMode === "iamUser"
            ? () => ({
                  kind: "iamUser",
                  accessKeyId: output("iamUserAccessKeyId"),
                  secretAccessKey: pulumi.secret(output("iamUserSecretAccessKey")),
              })
            : roleIdentity(settings, account);
    const usesPodIdentity = settings.identityMode === "podIdentity" || settings.identityMode === "auto";
    const clusters = await installFleetAgents(settings, planned, options, {
        account,
        imageLock: context.imageLock,
        imageTags: context.imageTags,
        hardening: context.hardening,
        addonImages: context.addonImages,
        bucketName: context.bucketName,
        identity,
        podIdentityRoleArn: usesPodIdentity ? output("podIdentityRoleArn") : undefined,
        dependsOn: [],
    });
    return {
        outputs: {
            bucketName: output("bucketName"),
            s3BucketSecureUrl: output("s3BucketSecureUrl"),
            readPolicyName: output("readPolicyName"),
            clusters,
        },
    };
}

/** The enabled add-ons' images, each pinned by its locked digest (by component); stops the program like the chart's. */
function pinnedAddonImages(settings: Settings, lock: ImageLock): Record<string, string> {
    const references: Record<string, string> = {};
    for (const image of ADDON_IMAGES.filter((i) => settings.addons[i.addon as keyof Settings["addons"]].enabled)) {
        let pinned;
        try {
            pinned = pinAddonImage(image, lock, settings.agent.allowUnpinnedImages);
        } catch (error) {
            throw new pulumi.RunError(errorMessage(error));
        }
        if (pinned.unpinned) {
            pulumi.log.warn(`${UNPINNED_WARNING}: ${pinned.unpinned}`);
        }
        references[image.component] = pinned.reference;
    }
    return references;
}

/**
 * Warns per region where no trail would deliver the EKS events (and when IAM's would not reach us-east-1): those
 * clusters are onboarded by the 2-hourly run only. A failed lookup warns too; it never stops the deploy.
 */
async function warnWithoutTrail(lookup: TrailLookup, regions: string[], iamRegion: string): Promise<void> {
    const coverage = await trailCoverage(lookup, regions, iamRegion);
    for (const region of coverage.uncovered) {
        const why = coverage.errors[region]
            ? `the trails could not be read (${coverage.errors[region]})`
            : coverage.unreadable[region]
              ? `no readable CloudTrail trail logs its management write events, and could not read trail ${coverage.unreadable[region].join("; trail ")}`
              : "no CloudTrail trail logs its management write events";
        pulumi.log.warn(
            `region ${region}: ${why}, so EventBridge receives no EKS events there; its new clusters wait for the 2-hourly run. ` +
                "Turn logging on in a multi-region trail, or set events.createTrail to true",
        );
    }
    if (!coverage.iam && !coverage.uncovered.includes(iamRegion)) {
        pulumi.log.warn(
            `${iamRegion}: no trail logs global service events (IAM) there, so a new OIDC provider is noticed by the 2-hourly run only; ` +
                "a multi-region trail with global service events (or events.createTrail) delivers them",
        );
    }
}

/** Every chart image's tag pinned by its locked digest; stops the program naming the unpinned ones unless allowed. */
function pinnedImageTags(settings: Settings, lock: ImageLock): Record<string, string> {
    let pinned;
    try {
        pinned = pinImages(settings.images, lock, settings.agent.allowUnpinnedImages);
    } catch (error) {
        throw new pulumi.RunError(errorMessage(error));
    }
    if (pinned.unpinned.length > 0) {
        pulumi.log.warn(`${UNPINNED_WARNING}: ${pinned.unpinned.join(", ")}`);
    }
    return pinned.tags;
}

/**
 * How the chart's workloads are hardened: each image's user from the lock's recorded image config, else the vendor's
 * documentation; every image that is not run as a non-root user is named, with the reason.
 */
function agentHardening(settings: Settings, lock: ImageLock): ChartHardening {
    const plan = chartHardening((component) => {
        const image = CHART_IMAGES.find((i) => i.component === component)!;
        return lockedUser(lock, image.repository, settings.images[component] ?? image.tag);
    });
    for (const { message, expected } of notForced(plan)) {
        (expected ? pulumi.log.info : pulumi.log.warn)(`agent hardening: ${message}`);
    }
    return plan;
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
        identity: (cluster: { name: string; region: string }, identity: ClusterIdentity) => AgentIdentity;
        podIdentityRoleArn?: pulumi.Output<string>;
        dependsOn: pulumi.Resource[];
        parent?: pulumi.Resource;
        /** The add-ons' plans, asked which of them each cluster gets. */
        addons: AddonPlan[];
    },
): ClusterStatus[] {
    for (const { region, error } of plan.unreadRegions) {
        pulumi.log.warn(
            `region ${region}: the EKS clusters could not be listed (${error}); its clusters keep what the last deploy gave them`,
        );
    }
    for (const { name, region, reason } of plan.removed) {
        pulumi.log.warn(`cluster ${name} (${region}): the agent is removed: ${reason}`);
    }
    const statuses: ClusterStatus[] = [];
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
                `${cluster.region}-${cluster.name}`,
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
            `${cluster.region}-${cluster.name}`,
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
