/**
 * Names shared by the program and the reconciler Lambda. Both sides must agree on them byte for byte, so they are
 * computed here and nowhere else.
 */
import { createHash } from "node:crypto";

/** Tag that marks everything a stack owns; its value is `<project>/<stack>`. */
export const STACK_TAG_KEY = "container-insights:stack";

/** The STACK_TAG_KEY value of a stack of this project (config/load.ts builds it from the engine's project and stack). */
export function stackIdOf(stackName: string, project = "container-insights"): string {
    return `${project}/${stackName}`;
}
export const CLUSTER_ARN_TAG_KEY = "container-insights:cluster-arn";
export const REGION_TAG_KEY = "container-insights:region";

/** Name of the inline agent policy on every agent role (per-cluster IRSA roles and the Pod Identity role). */
export const AGENT_POLICY_NAME = "container-insights-agent";

const ROLE_PREFIX = "nops-ccost-";
const MAX_ROLE_NAME = 64;
const HASH_LENGTH = 10;

/**
 * The IAM role name for one cluster's agents. The vendor's `nops-ccost-<cluster>_<region>` when it fits IAM's
 * 64-character limit; otherwise, or when the cluster name has capitals (IAM names are unique regardless of case, EKS
 * names are not), the cluster name cut to fit and followed by a hash of the full cluster name and region.
 */
export function clusterRoleName(clusterName: string, region: string): string {
    const vendorName = `${ROLE_PREFIX}${clusterName}_${region}`;
    if (vendorName.length <= MAX_ROLE_NAME && clusterName === clusterName.toLowerCase()) {
        return vendorName;
    }
    const hash = createHash("sha256").update(`${clusterName}_${region}`).digest("hex").slice(0, HASH_LENGTH);
    const room = MAX_ROLE_NAME - ROLE_PREFIX.length - 1 - HASH_LENGTH - 1 - region.length;
    return `${ROLE_PREFIX}${clusterName.slice(0, room)}-${hash}_${region}`;
}

/** The IAM path under which a stack keeps its per-cluster roles; IAM permissions are scoped to it. */
export function clusterRolePath(stackName: string): string {
    return `/container-insights/${stackName}/`;
}

export function partitionOf(region: string): string {
    if (region.startsWith("cn-")) {
        return "aws-cn";
    }
    if (region.startsWith("us-gov-")) {
        return "aws-us-gov";
    }
    return "aws";
}

export function clusterRoleArn(args: {
    accountId: string;
    partition: string;
    stackName: string;
    roleName: string;
}): string {
    return `arn:${args.partition}:iam::${args.accountId}:role${clusterRolePath(args.stackName)}${args.roleName}`;
}

/** ARN pattern covering every per-cluster role of a stack, for IAM policies. */
export function clusterRoleArnPattern(args: { accountId: string; partition: string; stackName: string }): string {
    return `arn:${args.partition}:iam::${args.accountId}:role${clusterRolePath(args.stackName)}*`;
}

/**
 * Name of the managed policy that is the permissions boundary of every per-cluster role of a stack. It lives under
 * the stack's role path; the roles that may write per-cluster roles may do so only with this boundary.
 */
export function agentBoundaryPolicyName(stackName: string): string {
    return `nops-ccost-${stackName}-agent-boundary`;
}

export function agentBoundaryPolicyArn(args: { accountId: string; partition: string; stackName: string }): string {
    return `arn:${args.partition}:iam::${args.accountId}:policy${clusterRolePath(args.stackName)}${agentBoundaryPolicyName(args.stackName)}`;
}

/** The platform read policy, inline on the platform's integration role (components/iam/platformReadPolicy.ts). */
export function readPolicyName(stackName: string): string {
    return `nops-container-cost-read-${stackName}`;
}

export function bucketNameFor(accountId: string): string {
    return `nops-container-cost-${accountId}`;
}

/** A stack's name cut to fit physical-name limits (40 characters at most, stable and distinct per stack). */
function stackBase(stackName: string): string {
    let base = `nops-ccost-${stackName}`;
    if (base.length > 40) {
        const hash = createHash("sha256").update(stackName).digest("hex").slice(0, 8);
        base = `${base.slice(0, 31)}-${hash}`;
    }
    return base;
}

/** Physical names of the two reconciler functions (64 characters at most, stable and distinct per stack). */
export function reconcilerFunctionNames(stackName: string): { creation: string; management: string } {
    const base = stackBase(stackName);
    return { creation: `${base}-role-creation`, management: `${base}-role-management` };
}

/** The EventBridge rule that runs the management function. */
export function reconcilerScheduleName(stackName: string): string {
    return `${stackBase(stackName)}-schedule`;
}

/**
 * The event-driven reconcile's resources (events.enabled): the home bus (`container-insights-<stack>`, the watch
 * service's contract), the two queues and their dead-letter queues (80 characters at most), the forwarding role.
 */
export function eventResourceNames(stackName: string): {
    bus: string;
    reconcilerQueue: string;
    reconcilerDeadLetterQueue: string;
    watchQueue: string;
    watchDeadLetterQueue: string;
    forwardRole: string;
    eksRule: string;
    iamRule: string;
    reconcilerRule: string;
    watchRule: string;
    deadLetterAlarm: string;
    watchDeadLetterAlarm: string;
    trail: string;
} {
    const base = stackBase(stackName);
    return {
        bus: `container-insights-${stackName}`,
        reconcilerQueue: `${base}-reconciler-events`,
        reconcilerDeadLetterQueue: `${base}-reconciler-events-dlq`,
        watchQueue: `${base}-watch-events`,
        watchDeadLetterQueue: `${base}-watch-events-dlq`,
        forwardRole: `${base}-event-forward`,
        eksRule: `${base}-eks-events`,
        iamRule: `${base}-iam-events`,
        reconcilerRule: `${base}-reconciler-events`,
        watchRule: `${base}-watch-events`,
        deadLetterAlarm: `${base}-reconciler-events-dlq`,
        watchDeadLetterAlarm: `${base}-watch-events-dlq`,
        trail: `${base}-management-events`,
    };
}

/** Where a trail made by `events.createTrail` writes in the stack's state bucket (stateBucketPrefix). */
export const TRAIL_PREFIX = "cloudtrail";

/** The stack's own roles, at the root path: never under the per-cluster path, which the reconciler owns. */
export function stackRoleNames(stackName: string): { reconciler: string; autoUpdate: string; podIdentity: string } {
    const base = stackBase(stackName);
    return { reconciler: `${base}-reconciler`, autoUpdate: `${base}-auto-update`, podIdentity: `${base}-pod-identity` };
}

/** ARN of the stack's one Pod Identity agent role (root path, like the stack's other roles). */
export function podIdentityRoleArn(args: { accountId: string; partition: string; stackName: string }): string {
    return `arn:${args.partition}:iam::${args.accountId}:role/${stackRoleNames(args.stackName).podIdentity}`;
}

/**
 * Name prefixes of the stack's Secrets Manager secrets. A prefix, not a name: a deleted secret keeps its name for its
 * recovery window, and Secrets Manager appends a random suffix to every ARN anyway.
 */
export function secretNamePrefixes(stackName: string): { platformToken: string; agentUserCredentials: string } {
    return {
        platformToken: `container-insights/${stackName}/platform-token-`,
        agentUserCredentials: `container-insights/${stackName}/agent-user-credentials-`,
    };
}

/**
 * The stack's own bucket, apart from the agents' one: the reconciler's run lease and deployment record, and the logs
 * of the trail `events.createTrail` makes. Apart, because the agents' bucket may carry a lifecycle rule over every
 * object (the agents' key layout is the vendor's and not published, and an S3 lifecycle rule cannot exclude a prefix),
 * and because the agents, the platform's read role and its auto-update role all have rights there; none has any here.
 * Named by S3 from this prefix (`bucketPrefix`): a bucket kept by one destroy never blocks the next deploy.
 */
export function stateBucketPrefix(accountId: string): string {
    return `nops-ccost-state-${accountId}-`;
}

/** The reconciler's objects in the state bucket. */
export const RECONCILER_STATE_KEYS = {
    lease: "reconciler/lease.json",
    deployment: "reconciler/deployment.json",
} as const;

/**
 * The prefix in the agents' bucket where stacks kept their lease, record and trail logs before the state bucket. The
 * agents and the platform stay denied it (common/documents.ts): what was written there, the account's API activity
 * included, is nobody's to read until it is gone.
 */
export const LEGACY_STATE_PREFIX = "_container-insights/";

/**
 * The IAM path of the roles the program creates for the in-cluster add-ons: per stack, and outside the per-cluster
 * path the reconciler owns (it would take any role there for its own).
 */
export function addonRolePath(stackName: string): string {
    return `/container-insights-addons/${stackName}/`;
}

/**
 * One cluster's role for one add-on purpose (`fargate-pods`, `adot-collector`): the purpose, the cluster name cut to
 * fit IAM's 64 characters, and a hash of the full cluster name and region (the same name may exist in two regions).
 */
export function addonRoleName(purpose: string, clusterName: string, region: string): string {
    const hash = createHash("sha256").update(`${clusterName}_${region}`).digest("hex").slice(0, 8);
    const room = MAX_ROLE_NAME - purpose.length - 1 - 1 - hash.length;
    return `${purpose}-${clusterName.slice(0, room)}-${hash}`;
}

/** ARN pattern of a stack's add-on roles for one purpose, for the deployer's policy. */
export function addonRoleArnPattern(args: {
    accountId: string;
    partition: string;
    stackName: string;
    purpose: string;
}): string {
    return `arn:${args.partition}:iam::${args.accountId}:role${addonRolePath(args.stackName)}${args.purpose}-*`;
}

export function addonRoleArn(args: {
    accountId: string;
    partition: string;
    stackName: string;
    roleName: string;
}): string {
    return `arn:${args.partition}:iam::${args.accountId}:role${addonRolePath(args.stackName)}${args.roleName}`;
}

/** The managed policy that is the permissions boundary of a stack's add-on roles of one purpose (root path). */
export function addonBoundaryName(stackName: string, purpose: string): string {
    return `${stackBase(stackName)}-${purpose}-boundary`;
}

/** A stack's add-on boundary policy by name (root path), as IAM names it in iam:PermissionsBoundary. */
export function addonBoundaryArn(args: { partition: string; accountId: string; policyName: string }): string {
    return `arn:${args.partition}:iam::${args.accountId}:policy/${args.policyName}`;
}

/**
 * The CloudWatch alarms of a stack start with this; the alarm topic's policies admit exactly them. A stack name
 * holds no `.`, so no other stack's prefix starts with this one.
 */
export function alarmNamePrefix(stackName: string): string {
    return `${stackBase(stackName)}.`;
}

/** One cluster's alarm of one kind (`cni-free-ips`). */
export function clusterAlarmName(stackName: string, kind: string, clusterName: string, region: string): string {
    return `${alarmNamePrefix(stackName)}${kind}.${clusterName}.${region}`;
}

/** The stack's alarm topic in a region (one per region: an alarm notifies only a topic of its own region). */
export function alarmTopicName(stackName: string): string {
    return `${stackBase(stackName)}-alarms`;
}
