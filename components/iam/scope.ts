import { PolicyStatement, bucketArn } from "../../common/documents";
import {
    CLUSTER_ARN_TAG_KEY,
    RECONCILER_STATE_KEYS,
    REGION_TAG_KEY,
    STACK_TAG_KEY,
    agentBoundaryPolicyArn,
    clusterRoleArnPattern,
    podIdentityRoleArn,
    eventResourceNames,
    reconcilerFunctionNames,
    reconcilerScheduleName,
    stateBucketPrefix,
} from "../../common/naming";
import {
    ASSOCIATION_TAG_KEYS,
    MANAGED_BY_TAG_KEY,
    POD_IDENTITY_AGENT_ADDON,
    POD_IDENTITY_SERVICE,
} from "../../common/identity";

/** Where this stack lives; IAM policies are scoped to the ARNs derived from it. */
export interface StackScope {
    accountId: string;
    partition: string;
    /** Region of the stack's own resources (the Lambdas and their log groups). */
    region: string;
    stackName: string;
    /** The value of the ownership tag (STACK_TAG_KEY) on everything the stack owns: `<project>/<stack>`. */
    stackId: string;
    /** The agents' bucket. */
    bucketName: string;
    /** The stack's state bucket (stateBucketPrefix), in every mode with the reconciler. */
    stateBucketName?: string;
}

/** The ARNs a stack's own resources have, the only ones its roles may change. */
export function ownedArns(scope: StackScope) {
    const functions = reconcilerFunctionNames(scope.stackName);
    const functionArn = (fn: string) =>
        `arn:${scope.partition}:lambda:${scope.region}:${scope.accountId}:function:${fn}`;
    const logGroupArn = (fn: string) =>
        `arn:${scope.partition}:logs:${scope.region}:${scope.accountId}:log-group:/aws/lambda/${fn}:*`;
    const bucket = bucketArn(scope.partition, scope.bucketName);
    const events = eventResourceNames(scope.stackName);
    const stateBuckets = bucketArn(scope.partition, `${stateBucketPrefix(scope.accountId)}*`);
    return {
        clusterRoles: clusterRoleArnPattern(scope),
        boundaryPolicy: agentBoundaryPolicyArn(scope),
        functions: [functionArn(functions.creation), functionArn(functions.management)],
        /** The deploy-time function: its delete event may tear every per-cluster role down. */
        creationFunction: functionArn(functions.creation),
        /** The scheduled and event-driven function: its runs never tear down. */
        managementFunction: functionArn(functions.management),
        logGroups: [logGroupArn(functions.creation), logGroupArn(functions.management)],
        bucket,
        /** Every state bucket a stack of this account may have (one per deploy after a kept one), and their objects. */
        stateBuckets: [stateBuckets, `${stateBuckets}/*`],
        /** The reconciler's two objects in this stack's state bucket (none without the reconciler). */
        stateObjects: scope.stateBucketName
            ? Object.values(RECONCILER_STATE_KEYS).map(
                  (key) => `${bucketArn(scope.partition, scope.stateBucketName!)}/${key}`,
              )
            : [],
        /** The reconciler's schedule: a real destroy deletes it before the deploy-time Invocation. */
        scheduleRule: `arn:${scope.partition}:events:${scope.region}:${scope.accountId}:rule/${reconcilerScheduleName(scope.stackName)}`,
        clusters: `arn:${scope.partition}:eks:*:${scope.accountId}:cluster/*`,
        podIdentityAssociations: `arn:${scope.partition}:eks:*:${scope.accountId}:podidentityassociation/*`,
        podIdentityAgentAddons: `arn:${scope.partition}:eks:*:${scope.accountId}:addon/*/${POD_IDENTITY_AGENT_ADDON}/*`,
        podIdentityRole: podIdentityRoleArn(scope),
        eventBus: `arn:${scope.partition}:events:${scope.region}:${scope.accountId}:event-bus/${events.bus}`,
        reconcilerQueue: `arn:${scope.partition}:sqs:${scope.region}:${scope.accountId}:${events.reconcilerQueue}`,
        watchQueue: `arn:${scope.partition}:sqs:${scope.region}:${scope.accountId}:${events.watchQueue}`,
    };
}

/** What the reconciler's execution role needs to consume its queue (the event source mapping polls as the function). */
export const RECONCILER_QUEUE_ACTIONS = [
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueAttributes",
];

/**
 * events.enabled: consume the reconciler queue (the mapping's receive, delete and attributes, and the consumer's own
 * ChangeMessageVisibility for a record that must wait), and publish the cluster events on the stack's bus only.
 */
export function eventStatements(scope: StackScope): PolicyStatement[] {
    const arns = ownedArns(scope);
    return [
        {
            Sid: "ConsumeReconcilerQueue",
            Effect: "Allow",
            Action: RECONCILER_QUEUE_ACTIONS,
            Resource: arns.reconcilerQueue,
        },
        { Sid: "PublishClusterEvents", Effect: "Allow", Action: "events:PutEvents", Resource: arns.eventBus },
    ];
}

export const CLUSTER_ROLE_READ_ACTIONS = [
    "iam:GetRole",
    "iam:GetRolePolicy",
    "iam:ListRolePolicies",
    "iam:ListAttachedRolePolicies",
    "iam:ListRoleTags",
];

/**
 * IAM writes to per-cluster roles. IAM authorizes each of them with the `iam:PermissionsBoundary` condition key (the
 * boundary in the request for CreateRole and PutRolePermissionsBoundary, the role's current boundary otherwise;
 * Service Authorization Reference, IAM), so each is allowed only where that key is the stack's boundary.
 */
export const BOUNDED_ROLE_WRITE_ACTIONS = [
    "iam:CreateRole",
    "iam:DeleteRole",
    "iam:UpdateAssumeRolePolicy",
    "iam:PutRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePermissionsBoundary",
];

/**
 * The only tags the per-cluster roles carry. TagRole has no boundary key: it is limited to these tag keys, and the
 * ownership tag to the stack's own value, so no role can be handed to another stack or hidden from this one.
 */
export const CLUSTER_ROLE_TAG_KEYS = [STACK_TAG_KEY, CLUSTER_ARN_TAG_KEY, REGION_TAG_KEY];

/** The condition of every TagRole (and CreateRole with tags, which IAM also authorizes as TagRole). */
export function clusterRoleTagCondition(scope: StackScope): NonNullable<PolicyStatement["Condition"]> {
    return {
        "ForAllValues:StringEquals": { "aws:TagKeys": CLUSTER_ROLE_TAG_KEYS },
        StringEqualsIfExists: { [`aws:RequestTag/${STACK_TAG_KEY}`]: scope.stackId },
    };
}

/** Role writes an escalation would need and that the stack's identities must never make, on any role. */
export const FORBIDDEN_ACTIONS = [
    "iam:DeleteRolePermissionsBoundary",
    "iam:AttachRolePolicy",
    "iam:PassRole",
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:DeletePolicy",
    "iam:DeletePolicyVersion",
    "lambda:UpdateFunctionCode",
    "lambda:UpdateFunctionConfiguration",
];

/** Reading and writing the stack's per-cluster roles, each write bounded by the stack's boundary. */
export function clusterRoleStatements(scope: StackScope): PolicyStatement[] {
    const arns = ownedArns(scope);
    return [
        { Sid: "ReadClusterRoles", Effect: "Allow", Action: CLUSTER_ROLE_READ_ACTIONS, Resource: arns.clusterRoles },
        {
            Sid: "WriteBoundedClusterRoles",
            Effect: "Allow",
            Action: BOUNDED_ROLE_WRITE_ACTIONS,
            Resource: arns.clusterRoles,
            Condition: { StringEquals: { "iam:PermissionsBoundary": arns.boundaryPolicy } },
        },
        {
            Sid: "TagClusterRoles",
            Effect: "Allow",
            Action: "iam:TagRole",
            Resource: arns.clusterRoles,
            Condition: clusterRoleTagCondition(scope),
        },
    ];
}

/**
 * What every reconciler may do with Pod Identity associations, IRSA-only ones included (a deploy that moves a stack
 * to IRSA removes the associations the reconciler made): list them per cluster, describe them, and delete only those
 * already tagged as this stack's and the reconciler's own (aws:ResourceTag/*), never the program's or anyone else's.
 */
export function associationCleanupStatements(scope: StackScope, stackId: string): PolicyStatement[] {
    const arns = ownedArns(scope);
    return [
        {
            Sid: "ListPodIdentityAssociations",
            Effect: "Allow",
            Action: "eks:ListPodIdentityAssociations",
            Resource: arns.clusters,
        },
        {
            Sid: "DescribePodIdentityAssociations",
            Effect: "Allow",
            Action: "eks:DescribePodIdentityAssociation",
            Resource: arns.podIdentityAssociations,
        },
        {
            Sid: "DeleteOwnPodIdentityAssociations",
            Effect: "Allow",
            Action: "eks:DeletePodIdentityAssociation",
            Resource: arns.podIdentityAssociations,
            Condition: { StringEquals: ownResourceTags(stackId) },
        },
    ];
}

const ownResourceTags = (stackId: string) => ({
    [`aws:ResourceTag/${STACK_TAG_KEY}`]: stackId,
    [`aws:ResourceTag/${MANAGED_BY_TAG_KEY}`]: "reconciler",
});

/**
 * The reconciler's Pod Identity work, each write tied to the ownership tags: it may create an association only tagged
 * as the stack's and its own (EKS authorizes the tags of CreatePodIdentityAssociation as aws:RequestTag/* and
 * aws:TagKeys, and needs eks:TagResource for them), and update only associations that already carry those tags
 * (aws:ResourceTag/*), so the program's associations (managed-by pulumi) and anyone else's are out of reach.
 * EKS requires iam:PassRole on the association's role for create and update: only the stack's Pod Identity role, only
 * to pods.eks.amazonaws.com. `auto` also reads whether clusters have the eks-pod-identity-agent add-on.
 */
export function podIdentityStatements(scope: StackScope, stackId: string, auto: boolean): PolicyStatement[] {
    const arns = ownedArns(scope);
    const ownTags = {
        [`aws:RequestTag/${STACK_TAG_KEY}`]: stackId,
        [`aws:RequestTag/${MANAGED_BY_TAG_KEY}`]: "reconciler",
    };
    const statements: PolicyStatement[] = [
        {
            Sid: "CreateOwnPodIdentityAssociations",
            Effect: "Allow",
            Action: "eks:CreatePodIdentityAssociation",
            Resource: arns.clusters,
            Condition: { StringEquals: ownTags, "ForAllValues:StringEquals": { "aws:TagKeys": ASSOCIATION_TAG_KEYS } },
        },
        {
            Sid: "TagOwnPodIdentityAssociations",
            Effect: "Allow",
            Action: "eks:TagResource",
            Resource: arns.podIdentityAssociations,
            Condition: { StringEquals: ownTags, "ForAllValues:StringEquals": { "aws:TagKeys": ASSOCIATION_TAG_KEYS } },
        },
        {
            Sid: "UpdateOwnPodIdentityAssociations",
            Effect: "Allow",
            Action: "eks:UpdatePodIdentityAssociation",
            Resource: arns.podIdentityAssociations,
            Condition: { StringEquals: ownResourceTags(stackId) },
        },
        {
            Sid: "PassPodIdentityRole",
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: arns.podIdentityRole,
            Condition: { StringEquals: { "iam:PassedToService": POD_IDENTITY_SERVICE } },
        },
    ];
    if (auto) {
        statements.push({
            Sid: "ReadPodIdentityAgentAddon",
            Effect: "Allow",
            Action: "eks:DescribeAddon",
            Resource: arns.podIdentityAgentAddons,
        });
    }
    return statements;
}

/**
 * Explicit denies that hold whatever else is ever allowed to the same identity: no role without the stack's
 * boundary, no removing or replacing a boundary, no change to the boundary policy, no passing roles, no new code
 * for the reconciler. `passesPodIdentityRole` (the reconciler in Pod Identity modes): the one exception to "no passing
 * roles" is the stack's Pod Identity role, to pods.eks.amazonaws.com only. The auto-update role never passes a role.
 */
export function guardStatements(
    scope: StackScope,
    options: { passesPodIdentityRole?: boolean } = {},
): PolicyStatement[] {
    const arns = ownedArns(scope);
    const passRole: PolicyStatement[] = options.passesPodIdentityRole
        ? [
              {
                  Sid: "DenyPassRoleButPodIdentityRole",
                  Effect: "Deny",
                  Action: "iam:PassRole",
                  NotResource: arns.podIdentityRole,
              },
              {
                  Sid: "DenyPassPodIdentityRoleElsewhere",
                  Effect: "Deny",
                  Action: "iam:PassRole",
                  Resource: arns.podIdentityRole,
                  Condition: { StringNotEquals: { "iam:PassedToService": POD_IDENTITY_SERVICE } },
              },
          ]
        : [{ Sid: "DenyPassRole", Effect: "Deny", Action: "iam:PassRole", Resource: "*" }];
    return [
        {
            Sid: "DenyRoleWritesWithoutBoundary",
            Effect: "Deny",
            Action: BOUNDED_ROLE_WRITE_ACTIONS,
            Resource: "*",
            Condition: { StringNotEquals: { "iam:PermissionsBoundary": arns.boundaryPolicy } },
        },
        // A role's boundary only ever goes; managed policies are never attached to per-cluster roles.
        {
            Sid: "DenyBoundaryRemovalAndAttach",
            Effect: "Deny",
            Action: ["iam:DeleteRolePermissionsBoundary", "iam:AttachRolePolicy"],
            Resource: "*",
        },
        {
            Sid: "DenyBoundaryPolicyChanges",
            Effect: "Deny",
            Action: [
                "iam:CreatePolicyVersion",
                "iam:SetDefaultPolicyVersion",
                "iam:DeletePolicy",
                "iam:DeletePolicyVersion",
                "iam:TagPolicy",
                "iam:UntagPolicy",
            ],
            Resource: arns.boundaryPolicy,
        },
        ...passRole,
        {
            Sid: "DenyReconcilerCodeChanges",
            Effect: "Deny",
            Action: [
                "lambda:UpdateFunctionCode",
                "lambda:UpdateFunctionConfiguration",
                "lambda:PublishVersion",
                "lambda:CreateAlias",
                "lambda:UpdateAlias",
            ],
            Resource: arns.functions,
        },
    ];
}
