import { bucketArn } from "../../common/documents";
import { clusterRoleArnPattern, reconcilerFunctionNames } from "../../common/naming";

/** Where this stack lives; IAM policies are scoped to the ARNs derived from it. */
export interface StackScope {
    accountId: string;
    partition: string;
    /** Region of the stack's own resources (the Lambdas and their log groups). */
    region: string;
    stackName: string;
    bucketName: string;
}

/** The ARNs a stack's own resources have, the only ones its roles may change. */
export function ownedArns(scope: StackScope) {
    const functions = reconcilerFunctionNames(scope.stackName);
    const functionArn = (fn: string) => `arn:${scope.partition}:lambda:${scope.region}:${scope.accountId}:function:${fn}`;
    const logGroupArn = (fn: string) =>
        `arn:${scope.partition}:logs:${scope.region}:${scope.accountId}:log-group:/aws/lambda/${fn}:*`;
    const bucket = bucketArn(scope.partition, scope.bucketName);
    return {
        clusterRoles: clusterRoleArnPattern(scope),
        functions: [functionArn(functions.creation), functionArn(functions.management)],
        logGroups: [logGroupArn(functions.creation), logGroupArn(functions.management)],
        bucket,
        clusters: `arn:${scope.partition}:eks:*:${scope.accountId}:cluster/*`,
    };
}

/** IAM actions that create, change and remove per-cluster roles. */
export const CLUSTER_ROLE_WRITE_ACTIONS = [
    "iam:CreateRole",
    "iam:DeleteRole",
    "iam:UpdateAssumeRolePolicy",
    "iam:PutRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy",
    "iam:TagRole",
    "iam:UntagRole",
];

export const CLUSTER_ROLE_READ_ACTIONS = [
    "iam:GetRole",
    "iam:GetRolePolicy",
    "iam:ListRolePolicies",
    "iam:ListAttachedRolePolicies",
    "iam:ListRoleTags",
];
