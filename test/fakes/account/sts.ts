/** STS as the fake account answers it: the caller, a role of the account. GetCallerIdentity needs no permission. */
import { AccountState } from "./state";
import { ServiceSpec } from "./service";

export const STS: ServiceSpec = {
    service: "sts",
    operations: {
        GetCallerIdentity(account: AccountState) {
            return {
                Account: account.accountId,
                Arn: `arn:aws:sts::${account.accountId}:assumed-role/reconciler/fn`,
                UserId: "AROA",
            };
        },
    },
    authRequests: () => [],
};
