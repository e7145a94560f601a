/** IAM's users as adopt and status read them. */
import { awsError } from "./errors";
import { AccountState, FakeUser } from "./state";
import { ServiceSpec } from "./service";
import { iamAuthRequests } from "./iamRoles";

function requireUser(account: AccountState, name: string): FakeUser {
    const user = account.users.get(name);
    if (!user) {
        throw awsError("NoSuchEntity", `The user with name ${name} cannot be found.`, 404);
    }
    return user;
}

export const IAM_USERS: ServiceSpec = {
    service: "iam",
    operations: {
        GetUser(account: AccountState, input: { UserName: string }) {
            const user = requireUser(account, input.UserName);
            return {
                User: {
                    UserName: input.UserName,
                    Path: "/",
                    Arn: `arn:aws:iam::${account.accountId}:user/${input.UserName}`,
                    Tags:
                        Object.keys(user.tags).length > 0
                            ? Object.entries(user.tags).map(([Key, Value]) => ({ Key, Value }))
                            : undefined,
                },
            };
        },

        ListUserPolicies(account: AccountState, input: { UserName: string }) {
            return { PolicyNames: requireUser(account, input.UserName).inlinePolicies, IsTruncated: false };
        },

        ListAttachedUserPolicies(account: AccountState, input: { UserName: string }) {
            return {
                AttachedPolicies: requireUser(account, input.UserName).attachedPolicies.map((PolicyArn) => ({
                    PolicyArn,
                })),
                IsTruncated: false,
            };
        },

        ListAccessKeys(account: AccountState, input: { UserName: string }) {
            const user = requireUser(account, input.UserName);
            return {
                AccessKeyMetadata: Array.from({ length: user.accessKeys }, (_, i) => ({
                    UserName: input.UserName,
                    AccessKeyId: `AKIA${i}`,
                    Status: "Active",
                })),
                IsTruncated: false,
            };
        },
    },
    authRequests: iamAuthRequests,
};
