import { IDENTITY_MODES, IdentityMode } from "../common/identity";

/**
 * The identity mode a stack's values mean: `identityMode`, or when blank iamUser if `createIamUser` is true, else irsa.
 * The one rule: `identityMode: iamUser` and `createIamUser: true` are the same stack everywhere.
 */
export function resolveIdentityMode(values: { identityMode?: unknown; createIamUser?: unknown }): IdentityMode {
    const configured = IDENTITY_MODES.find((mode) => mode === values.identityMode);
    if (configured) {
        return configured;
    }
    return values.createIamUser === true || values.createIamUser === "true" ? "iamUser" : "irsa";
}
