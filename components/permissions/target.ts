/** What a deploy of a stack touches, and how its statements name the account (an id, or whichever account). */
import { PolicyStatement } from "../../common/documents";
import { partitionOf } from "../../common/naming";
import { CoreConfig } from "../../config/core";

/**
 * What a deploy of this stack touches. `Own`: the add-on keys its reader sees besides the others (an add-on its own,
 * components/addons/contract.ts; the whole deployer policy every registered add-on's, components/addons/index.ts).
 */
export interface DeployTarget<Own = unknown> {
    stackName: string;
    /** The stack's aws:region: where the bucket, functions, logs, rule and secrets live. */
    stackRegion: string;
    /** The account id; absent: whichever account the policy is created in (see CALLER_ACCOUNT). */
    accountId?: string;
    config: Pick<
        CoreConfig,
        | "regions"
        | "roleName"
        | "identityMode"
        | "installPodIdentityAgent"
        | "autoUpdate"
        | "kmsKeyId"
        | "lifecycleDays"
        | "agent"
        | "clusters"
        | "events"
    > &
        Own;
}

/**
 * Without an account id, the policy names the account of the identity it is attached to. IAM substitutes a policy
 * variable in the resource part of an ARN (after the fifth colon) and in condition values, never in the account field
 * (IAM User Guide, "IAM policy elements: Variables and tags"): an ARN with `${aws:PrincipalAccount}` there matches no
 * request. So the account field gets `*`, and every statement with such an ARN the condition aws:ResourceAccount =
 * ${aws:PrincipalAccount}, which allows exactly what the ARN with the id would; bucket names and condition values carry
 * the variable itself. Reading the id with STS instead would make printing the policy need credentials and a network,
 * and make the output depend on who runs it; this way one document is right in any account, and --account still
 * prints the exact ARNs.
 */
export const CALLER_ACCOUNT = "${aws:PrincipalAccount}";

/** What an ARN's account field holds: the id, or `*` (bound to the caller's account by callerAccountOnly). */
export function arnAccount(accountId: string | undefined): string {
    return accountId ?? "*";
}

/** The account where IAM substitutes variables: in a resource name (the bucket's) or a condition value. */
export function accountValue(accountId: string | undefined): string {
    return accountId ?? CALLER_ACCOUNT;
}

/** A statement whose ARNs have `*` for the account, limited to resources of the caller's account. */
export function callerAccountOnly(statement: PolicyStatement): PolicyStatement {
    const resources = ([] as string[]).concat(statement.Resource ?? []);
    if (!resources.some((arn) => arn.split(":")[4] === "*")) {
        return statement;
    }
    const condition = statement.Condition ?? {};
    return {
        ...statement,
        Condition: {
            ...condition,
            StringEquals: { ...condition.StringEquals, "aws:ResourceAccount": CALLER_ACCOUNT },
        },
    };
}

/** The names every concern's statements start from. */
export function deployScope(target: DeployTarget) {
    const accountId = arnAccount(target.accountId);
    const partition = partitionOf(target.stackRegion);
    return {
        accountId,
        partition,
        region: target.stackRegion,
        /** `arn:<partition>:iam::<account>:<kind><path>`. */
        iamArn: (kind: string, path: string) => `arn:${partition}:iam::${accountId}:${kind}${path}`,
    };
}
