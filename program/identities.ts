/**
 * The identities stage, by identityMode: the IAM user's keys (iamUser), or the platform token, the Pod Identity role
 * (podIdentity, auto) and the reconciler that creates each cluster's IRSA role and association (every other mode).
 */
import * as pulumi from "@pulumi/pulumi";
import { Settings } from "../config";
import { eventResourceNames, podIdentityRoleArn } from "../common/naming";
import { packageVersion } from "../common/packageRoot";
import { AgentUser } from "../components/iam/agentUser";
import { AutoUpdateRole } from "../components/iam/autoUpdateRole";
import { PodIdentityRole } from "../components/iam/podIdentityRole";
import { ReconcilerRole } from "../components/iam/reconcilerRole";
import { RoleReconciler } from "../components/reconciler/roleReconciler";
import { PlatformToken } from "../components/secrets/platformToken";
import { clusterKey } from "../components/cluster/fleet";
import { AccountSide } from "./accountSide";
import { AgentIdentityOf, PlannedFleet, roleIdentity } from "./fleet";
import { Account, ProgramOptions, ProgramOutputs, resourceTags } from "./options";
import { mayUsePodIdentity } from "../common/identity";

export interface Identities {
    /** The identity each cluster's agent gets. */
    agentIdentity: AgentIdentityOf;
    podIdentityRoleArn?: pulumi.Output<string>;
    /** Absent in iamUser mode. `ready`: what must exist before the event pipeline starts it. */
    reconciler?: { function: RoleReconciler; ready: pulumi.Resource[] };
    outputs: Partial<ProgramOutputs>;
}

export function createIdentities(
    settings: Settings,
    options: ProgramOptions,
    account: Account,
    side: AccountSide,
    planned: PlannedFleet,
): Identities {
    return settings.identityMode === "iamUser"
        ? createAgentUser(settings, options, account, side)
        : createReconciler(settings, options, account, side, planned);
}

function createAgentUser(settings: Settings, options: ProgramOptions, account: Account, side: AccountSide): Identities {
    const user = new AgentUser(
        "agent-user",
        {
            stackName: settings.stackName,
            bucketName: side.bucket.bucketName,
            partition: account.partition,
            queueArnPattern: settings.platform.queueArnPattern,
            kms: side.kms,
            tags: resourceTags(settings),
            adopt: side.adoption.user,
        },
        { parent: options.parent },
    );
    return {
        agentIdentity: () => ({
            kind: "iamUser",
            accessKeyId: user.accessKeyId,
            secretAccessKey: user.secretAccessKey,
        }),
        outputs: {
            iamUserName: user.userName,
            iamUserAccessKeyId: user.accessKeyId,
            iamUserSecretAccessKey: user.secretAccessKey,
            iamUserCredentialsSecretArn: user.credentialsSecretArn,
        },
    };
}

/** The settings of every identity mode but the IAM user, where the table makes `token` required. */
type ReconcilerSettings = Exclude<Settings, { identityMode: "iamUser" }>;

function createReconciler(
    settings: ReconcilerSettings,
    options: ProgramOptions,
    account: Account,
    side: AccountSide,
    { fleet, handover }: PlannedFleet,
): Identities {
    const { accountId, partition, bucketName } = account;
    const { kms, boundary } = side;
    const childOptions = { parent: options.parent };
    const tags = resourceTags(settings);
    const mode = settings.identityMode;
    const usesPodIdentity = mayUsePodIdentity(mode);
    const token = new PlatformToken(
        "platform-token",
        { stackName: settings.stackName, token: settings.token, tags },
        childOptions,
    );
    const podIdentityRole = usesPodIdentity
        ? new PodIdentityRole(
              "pod-identity",
              {
                  stackName: settings.stackName,
                  accountId,
                  partition,
                  bucketName: side.bucket.bucketName,
                  queueArnPattern: settings.platform.queueArnPattern,
                  kms,
                  namespace: settings.agentNamespace,
                  serviceAccount: settings.agentServiceAccount,
                  boundaryPolicyArn: boundary.policyArn,
                  tags,
              },
              childOptions,
          )
        : undefined;
    const state = side.stateBucket!;
    const reconcilerRole = new ReconcilerRole(
        "reconciler",
        {
            scope: state.bucketName.apply((stateBucketName) => ({ ...side.scope, stateBucketName })),
            tokenSecretArn: token.secretArn,
            associations: { stackId: settings.stackId, podIdentity: usesPodIdentity, auto: mode === "auto" },
            events: side.events.enabled,
            tags,
        },
        childOptions,
    );
    const reconciler = new RoleReconciler(
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
                    eventBusName: side.events.enabled ? eventResourceNames(settings.stackName).bus : undefined,
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
    return {
        agentIdentity: roleIdentity(settings, account),
        podIdentityRoleArn: podIdentityRole?.roleArn,
        reconciler: { function: reconciler, ready: [reconcilerRole.policy] },
        outputs: {
            ...(podIdentityRole ? { podIdentityRoleArn: podIdentityRole.roleArn } : {}),
            reconcilerRoleArn: reconcilerRole.roleArn,
            stateBucketName: state.bucketName,
            reconcilerLastRun: reconciler.lastRun,
        },
    };
}

/** autoUpdate: the role the platform's account assumes to update the stack's resources. */
export function createAutoUpdateRole(
    settings: Extract<Settings, { autoUpdate: true }>,
    options: ProgramOptions,
    side: AccountSide,
): Pick<ProgramOutputs, "crossAccountRoleArn"> {
    const role = new AutoUpdateRole(
        "auto-update",
        {
            scope: side.scope,
            platformAccountId: settings.platform.accountId,
            externalId: settings.externalId,
            tags: resourceTags(settings),
        },
        { parent: options.parent },
    );
    return { crossAccountRoleArn: role.roleArn };
}
