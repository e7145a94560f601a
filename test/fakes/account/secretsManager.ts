/** Secrets Manager as the fake account answers it: a secret's value by ARN. */
import { awsError } from "./errors";
import { AccountState } from "./state";
import { ServiceSpec } from "./service";

export const SECRETS_MANAGER: ServiceSpec = {
    service: "secretsmanager",
    operations: {
        GetSecretValue(account: AccountState, input: { SecretId: string }) {
            const value = account.secrets.get(input.SecretId);
            if (value === undefined) {
                throw awsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
            }
            return { ARN: input.SecretId, SecretString: value };
        },
    },
    authRequests: (_account, operation, input) => [
        { action: `secretsmanager:${operation}`, resource: input.SecretId, context: {} },
    ],
};
