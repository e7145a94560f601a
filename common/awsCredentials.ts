/** The AWS SDK found no credentials, and what the operator can do about it (one wording for every command). */
import { ProviderError } from "@smithy/core/config";

/** How to give a command credentials. */
export const SIGN_IN_ADVICE = "sign in (aws sso login, environment variables, an instance role) or set AWS_PROFILE";

/** The SDK's "no credentials" failures: its provider chain found none, or a named profile does not exist. */
export function isMissingCredentials(error: unknown): error is ProviderError {
    return error instanceof ProviderError;
}
