/**
 * Credentials for a member account: STS AssumeRole of `--role` in that account, handed to the stack's engine as its
 * environment only (never printed, never written). The account the caller is already in needs no role: its own
 * credentials are used (a management account has no OrganizationAccountAccessRole of its own).
 */
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { errorText } from "../../common/errors";

/** IAM role names: 1-64 of letters, digits and +=,.@_- (a path is not part of the name). */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

export function roleNameFlag(value: string): string {
    if (!ROLE_NAME.test(value)) {
        throw new RangeError(
            `--role ${JSON.stringify(value)} is not an IAM role name (1-64 letters, digits and +=,.@_-)`,
        );
    }
    return value;
}

export function memberRoleArn(partition: string, accountId: string, roleName: string): string {
    return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

/** The environment a child process (the engine, its providers) reaches the member account with. */
export type AccountEnv = Record<string, string>;

export interface AssumeOptions {
    sts: STSClient;
    partition: string;
    roleName: string;
    /** Names the session in the member account's CloudTrail. */
    sessionName: string;
    /** One `pulumi up` of a cluster stack must fit; 1 h is what a role chained from another role may have. */
    durationSeconds?: number;
}

/** AssumeRole of the member account's role failed: the role and STS's own error (AccessDenied, …) in one line. */
export class AssumeRoleError extends Error {
    constructor(
        readonly roleArn: string,
        cause: unknown,
    ) {
        super(`could not assume ${roleArn}: ${errorText(cause)}`, { cause });
        this.name = "AssumeRoleError";
    }
}

/** The caller's own account id (STS GetCallerIdentity). */
export async function callerAccount(sts: STSClient): Promise<string> {
    const { Account } = await sts.send(new GetCallerIdentityCommand({}));
    return Account!;
}

/** Temporary credentials in `accountId`, as the environment of the stack's engine; {} for the caller's own account. */
export async function accountEnv(
    accountId: string,
    callerAccountId: string,
    options: AssumeOptions,
): Promise<AccountEnv> {
    if (accountId === callerAccountId) {
        return {};
    }
    const roleArn = memberRoleArn(options.partition, accountId, options.roleName);
    const { Credentials } = await options.sts
        .send(
            new AssumeRoleCommand({
                RoleArn: roleArn,
                RoleSessionName: options.sessionName.slice(0, 64),
                DurationSeconds: options.durationSeconds ?? 3600,
            }),
        )
        .catch((error: unknown) => {
            throw new AssumeRoleError(roleArn, error);
        });
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey || !Credentials.SessionToken) {
        throw new Error(`AssumeRole of ${roleArn} returned no credentials`);
    }
    return {
        AWS_ACCESS_KEY_ID: Credentials.AccessKeyId,
        AWS_SECRET_ACCESS_KEY: Credentials.SecretAccessKey,
        AWS_SESSION_TOKEN: Credentials.SessionToken,
        // A profile would take precedence over the keys in the SDKs and the provider.
        AWS_PROFILE: "",
    };
}
