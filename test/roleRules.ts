/**
 * The rule every statement of the reconciler's and the auto-update role's policies must meet, as data: each allowed
 * action belongs to exactly one rule, on at most the rule's resources, with exactly the rule's condition. Any
 * widening (another action, a wildcard, a broader resource, a dropped condition, a missing deny) breaks the rule.
 */
import { isDeepStrictEqual } from "node:util";
import { PolicyDocument, PolicyStatement, bucketArn } from "../common/documents";
import { ASSOCIATION_TAG_KEYS, MANAGED_BY_TAG_KEY } from "../common/identity";
import { RECONCILER_STATE_KEYS, STACK_TAG_KEY } from "../common/naming";
import {
    BOUNDED_ROLE_WRITE_ACTIONS,
    CLUSTER_ROLE_READ_ACTIONS,
    CLUSTER_ROLE_TAG_KEYS,
    StackScope,
    guardStatements,
    ownedArns,
} from "../components/iam/scope";
import { autoUpdateDenies } from "../components/iam/autoUpdateRole";

export interface ActionRule {
    name: string;
    actions: string[];
    resources: string[];
    /** When present, the statement's Condition must be exactly this. */
    condition?: PolicyStatement["Condition"];
}

export type StackIdentity = "reconciler" | "auto-update";

/**
 * The rules of one identity. The auto-update role (trusted by the platform's account) has no IAM write at all: IAM
 * has no condition key on a trust policy's content, so any role write there could plant a role anyone may assume.
 */
export function roleRules(
    scope: StackScope,
    identity: StackIdentity,
    extra: { tokenSecretArn?: string; associations?: { stackId: string }; events?: boolean } = {},
): ActionRule[] {
    const arns = ownedArns(scope);
    const readRoles: ActionRule = {
        name: "read cluster roles",
        actions: CLUSTER_ROLE_READ_ACTIONS,
        resources: [arns.clusterRoles],
    };
    const describe: ActionRule = {
        name: "describe clusters",
        actions: ["eks:DescribeCluster"],
        resources: [arns.clusters],
    };
    if (identity === "auto-update") {
        return [
            readRoles,
            describe,
            // No resource-level permissions exist for this (Service Authorization Reference).
            { name: "list", actions: ["eks:ListClusters"], resources: ["*"] },
            {
                name: "run the management function (never the deploy-time one)",
                actions: ["lambda:InvokeFunction", "lambda:GetFunctionConfiguration"],
                resources: [arns.managementFunction],
            },
            {
                name: "read the agents' bucket's settings (no lifecycle write)",
                actions: [
                    "s3:GetBucketLocation",
                    "s3:GetBucketPolicy",
                    "s3:GetEncryptionConfiguration",
                    "s3:GetLifecycleConfiguration",
                    "s3:GetBucketTagging",
                ],
                resources: [arns.bucket],
            },
        ];
    }
    const rules: ActionRule[] = [
        readRoles,
        {
            name: "write cluster roles within the boundary",
            actions: BOUNDED_ROLE_WRITE_ACTIONS,
            resources: [arns.clusterRoles],
            condition: { StringEquals: { "iam:PermissionsBoundary": arns.boundaryPolicy } },
        },
        {
            name: "tag cluster roles with the stack's keys, the ownership tag with the stack's own value",
            actions: ["iam:TagRole"],
            resources: [arns.clusterRoles],
            condition: {
                "ForAllValues:StringEquals": { "aws:TagKeys": CLUSTER_ROLE_TAG_KEYS },
                StringEqualsIfExists: { [`aws:RequestTag/${STACK_TAG_KEY}`]: scope.stackId },
            },
        },
        // No resource-level permissions exist for these (Service Authorization Reference).
        {
            name: "list",
            actions: ["iam:ListRoles", "iam:ListOpenIDConnectProviders", "eks:ListClusters"],
            resources: ["*"],
        },
        describe,
        {
            name: "read which roles carry the boundary",
            actions: ["iam:ListEntitiesForPolicy"],
            resources: [arns.boundaryPolicy],
        },
        { name: "write logs", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: arns.logGroups },
        {
            name: "hold the run lease and the deployment record in the state bucket",
            actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            resources: arns.stateObjects,
        },
        { name: "see whether the schedule exists", actions: ["events:DescribeRule"], resources: [arns.scheduleRule] },
        {
            // S3 answers a read of a missing key with 404, not 403, only to a caller that may list the bucket.
            name: "list exactly the run lease and the deployment record",
            actions: ["s3:ListBucket"],
            resources: [bucketArn(scope.partition, scope.stateBucketName!)],
            condition: { StringEquals: { "s3:prefix": Object.values(RECONCILER_STATE_KEYS) } },
        },
    ];
    if (extra.associations) {
        const { stackId } = extra.associations;
        const ownTags = {
            [`aws:RequestTag/${STACK_TAG_KEY}`]: stackId,
            [`aws:RequestTag/${MANAGED_BY_TAG_KEY}`]: "reconciler",
        };
        const tagKeys = { "ForAllValues:StringEquals": { "aws:TagKeys": ASSOCIATION_TAG_KEYS } };
        rules.push(
            {
                name: "list Pod Identity associations",
                actions: ["eks:ListPodIdentityAssociations"],
                resources: [arns.clusters],
            },
            {
                name: "describe Pod Identity associations",
                actions: ["eks:DescribePodIdentityAssociation"],
                resources: [arns.podIdentityAssociations],
            },
            {
                name: "create associations tagged as the reconciler's own",
                actions: ["eks:CreatePodIdentityAssociation"],
                resources: [arns.clusters],
                condition: { StringEquals: ownTags, ...tagKeys },
            },
            {
                name: "tag new associations as the reconciler's own",
                actions: ["eks:TagResource"],
                resources: [arns.podIdentityAssociations],
                condition: { StringEquals: ownTags, ...tagKeys },
            },
            {
                name: "delete only the reconciler's own associations",
                actions: ["eks:DeletePodIdentityAssociation"],
                resources: [arns.podIdentityAssociations],
                condition: {
                    StringEquals: {
                        [`aws:ResourceTag/${STACK_TAG_KEY}`]: stackId,
                        [`aws:ResourceTag/${MANAGED_BY_TAG_KEY}`]: "reconciler",
                    },
                },
            },
            {
                name: "update only the reconciler's own associations",
                actions: ["eks:UpdatePodIdentityAssociation"],
                resources: [arns.podIdentityAssociations],
                condition: {
                    StringEquals: {
                        [`aws:ResourceTag/${STACK_TAG_KEY}`]: stackId,
                        [`aws:ResourceTag/${MANAGED_BY_TAG_KEY}`]: "reconciler",
                    },
                },
            },
            {
                name: "pass only the Pod Identity role, only to Pod Identity",
                actions: ["iam:PassRole"],
                resources: [arns.podIdentityRole],
                condition: { StringEquals: { "iam:PassedToService": "pods.eks.amazonaws.com" } },
            },
            {
                name: "check the Pod Identity agent add-on",
                actions: ["eks:DescribeAddon"],
                resources: [arns.podIdentityAgentAddons],
            },
        );
    }
    if (extra.events) {
        rules.push(
            {
                name: "consume the reconciler queue",
                actions: [
                    "sqs:ReceiveMessage",
                    "sqs:DeleteMessage",
                    "sqs:ChangeMessageVisibility",
                    "sqs:GetQueueAttributes",
                ],
                resources: [arns.reconcilerQueue],
            },
            {
                name: "publish cluster events on the stack's bus",
                actions: ["events:PutEvents"],
                resources: [arns.eventBus],
            },
        );
    }
    if (extra.tokenSecretArn) {
        rules.push({
            name: "read the token",
            actions: ["secretsmanager:GetSecretValue"],
            resources: [extra.tokenSecretArn],
        });
    }
    return rules;
}

/** IAM actions that change IAM: the auto-update role may have none of them, however spelled. */
export const IAM_WRITE_PATTERN = /^iam:(?!(Get|List)[A-Z])/i;

const list = <T>(value: T | T[] | undefined): T[] =>
    value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Every way the document breaks the rule; empty when it meets it. */
export function ruleViolations(
    document: PolicyDocument,
    scope: StackScope,
    rules: ActionRule[],
    options: { passesPodIdentityRole?: boolean; identity?: StackIdentity } = {},
): string[] {
    const problems: string[] = [];
    for (const statement of document.Statement) {
        const where = JSON.stringify(statement);
        const raw = statement as unknown as Record<string, unknown>;
        // NotResource only narrows a Deny ("every resource but these"); in an Allow it would widen it.
        if (
            raw.NotAction !== undefined ||
            raw.NotPrincipal !== undefined ||
            (raw.NotResource !== undefined && statement.Effect !== "Deny")
        ) {
            problems.push(`NotAction/NotResource/NotPrincipal: ${where}`);
        }
        if (statement.Effect !== "Allow") {
            continue;
        }
        const actions = list(statement.Action);
        const matched = new Set<ActionRule>();
        for (const action of actions) {
            const rule = rules.find((r) => r.actions.includes(action));
            if (!rule) {
                problems.push(`${action} is not an action these roles may have: ${where}`);
            } else {
                matched.add(rule);
            }
        }
        if (matched.size > 1) {
            problems.push(`one statement mixes rules (${[...matched].map((r) => r.name).join(", ")}): ${where}`);
        }
        for (const rule of matched) {
            for (const resource of list(statement.Resource)) {
                if (!rule.resources.includes(resource)) {
                    problems.push(
                        `${rule.name}: resource ${resource} is outside ${rule.resources.join(", ")}: ${where}`,
                    );
                }
            }
            if (list(statement.Resource).length === 0) {
                problems.push(`${rule.name}: no Resource: ${where}`);
            }
            if (rule.condition && !isDeepStrictEqual(statement.Condition, rule.condition)) {
                problems.push(`${rule.name}: condition must be ${JSON.stringify(rule.condition)}: ${where}`);
            }
        }
    }
    for (const guard of [
        ...guardStatements(scope, options),
        ...(options.identity === "auto-update" ? autoUpdateDenies(scope) : []),
    ]) {
        if (!document.Statement.some((statement) => isDeepStrictEqual(statement, guard))) {
            problems.push(`deny ${guard.Sid} is missing or changed`);
        }
    }
    return problems;
}
