/**
 * What the deploying identity needs for the stack's IAM: the platform's read policy, the agents' boundary, the
 * stack's own roles, the IAM user (identityMode iamUser) and the resolution of the bucket's KMS key.
 */
import { PolicyStatement } from "../../common/documents";
import { agentBoundaryPolicyArn, eventResourceNames, secretNamePrefixes, stackRoleNames } from "../../common/naming";
import { actions } from "../permissions/providerActions";
import { DeployTarget, deployScope } from "../permissions/target";
import { AGENT_USER_NAME } from "./agentUser";
import { mayUsePodIdentity } from "../../common/identity";

export function accountIamStatements(target: DeployTarget): PolicyStatement[] {
    const { stackName, config } = target;
    const { accountId, partition, iamArn } = deployScope(target);
    const roles = stackRoleNames(stackName);
    const irsa = config.identityMode !== "iamUser";
    const podIdentity = mayUsePodIdentity(config.identityMode);
    // Events need the reconciler: nothing of them in IAM-user mode.
    const events = irsa && config.events.enabled;
    const statements: PolicyStatement[] = [
        {
            Sid: "PlatformReadPolicy",
            Effect: "Allow",
            Action: actions("aws:iam/rolePolicy:RolePolicy"),
            // The platform's integration role, at the root path or any other.
            Resource: [iamArn("role/", config.roleName), iamArn("role/*/", config.roleName)],
        },
        {
            Sid: "AgentBoundaryPolicy",
            Effect: "Allow",
            Action: actions("aws:iam/policy:Policy"),
            Resource: agentBoundaryPolicyArn({ accountId, partition, stackName }),
        },
    ];
    const stackRoles = [
        ...(irsa ? [roles.reconciler] : []),
        ...(config.autoUpdate ? [roles.autoUpdate] : []),
        ...(podIdentity ? [roles.podIdentity] : []),
        ...(events ? [eventResourceNames(stackName).forwardRole] : []),
    ];
    if (stackRoles.length > 0) {
        statements.push({
            Sid: "StackRoles",
            Effect: "Allow",
            Action: actions("aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy"),
            Resource: stackRoles.map((name) => iamArn("role/", name)),
        });
    }
    return statements;
}

/** identityMode iamUser: the user, its policy and key, and the secret holding the key. */
export function agentUserStatements(target: DeployTarget): PolicyStatement[] {
    const { accountId, partition, region, iamArn } = deployScope(target);
    const secrets = secretNamePrefixes(target.stackName);
    return [
        {
            Sid: "AgentUser",
            Effect: "Allow",
            Action: actions("aws:iam/user:User", "aws:iam/userPolicy:UserPolicy", "aws:iam/accessKey:AccessKey"),
            Resource: iamArn("user/", AGENT_USER_NAME),
        },
        {
            Sid: "AgentUserCredentials",
            Effect: "Allow",
            Action: actions("aws:secretsmanager/secret:Secret", "aws:secretsmanager/secretVersion:SecretVersion"),
            Resource: `arn:${partition}:secretsmanager:${region}:${accountId}:secret:${secrets.agentUserCredentials}*`,
        },
    ];
}

/** kmsKeyId given as an alias or key id: resolving it to the key ARN (aws.kms.getKey = DescribeKey). */
export function bucketKeyStatements(target: DeployTarget): PolicyStatement[] {
    const { accountId, partition, region } = deployScope(target);
    const key = target.config.kmsKeyId;
    if (!key || /^arn:[^:]+:kms:[^:]+:[0-9]{12}:key\//.test(key)) {
        return [];
    }
    const alias = key.includes("alias/") ? key.slice(key.indexOf("alias/")) : undefined;
    return [
        {
            Sid: "ResolveBucketKey",
            Effect: "Allow",
            Action: "kms:DescribeKey",
            Resource: alias
                ? `arn:${partition}:kms:${region}:${accountId}:key/*`
                : `arn:${partition}:kms:${region}:${accountId}:key/${key}`,
            ...(alias ? { Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": alias } } } : {}),
        },
    ];
}
