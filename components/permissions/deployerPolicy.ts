/**
 * The least-privilege policy of the identity running `pulumi up` (and `destroy`) for a stack's configuration: each
 * concern's statements, from the permissions.ts beside its components, in one document. Every ARN comes from the
 * naming functions the program itself uses.
 */
import { PolicyDocument, PolicyStatement, policy } from "../../common/documents";
import { ADDONS, AddonsConfig } from "../addons";
import {
    clusterAccessStatements,
    discoveryStatements,
    oidcProviderStatements,
    podIdentityStatements,
} from "../cluster/permissions";
import { eventStatements } from "../events/permissions";
import { accountIamStatements, agentUserStatements, bucketKeyStatements } from "../iam/permissions";
import { reconcilerStatements } from "../reconciler/permissions";
import { bucketStatements } from "../storage/permissions";
import { DeployTarget, callerAccountOnly } from "./target";
import { mayUseIrsa, mayUsePodIdentity } from "../../common/identity";

/** What the deployer policy is made for: the stack's config, every registered add-on's keys included. */
export type StackDeployTarget = DeployTarget<AddonsConfig>;

export function deployerPolicy(target: StackDeployTarget): PolicyDocument {
    const { config } = target;
    // Every mode but the IAM user has the reconciler, and only it has events.
    const irsa = config.identityMode !== "iamUser";
    const statements: PolicyStatement[] = [
        ...bucketStatements(target),
        ...accountIamStatements(target),
        ...(irsa
            ? [...reconcilerStatements(target), ...(config.events.enabled ? eventStatements(target) : [])]
            : agentUserStatements(target)),
        ...bucketKeyStatements(target),
        ...(config.agent.install ? agentStatements(target) : []),
    ];
    return policy(...(target.accountId === undefined ? statements.map(callerAccountOnly) : statements));
}

function agentStatements(target: StackDeployTarget): PolicyStatement[] {
    const { config } = target;
    const podIdentity = mayUsePodIdentity(config.identityMode);
    // The add-ons whose roles need the OIDC providers in any identity mode come before the providers' statements.
    const oidcUsers = ADDONS.filter((addon) => addon.permissions.usesOidcProviders(config));
    const others = ADDONS.filter((addon) => !oidcUsers.includes(addon));
    return [
        ...discoveryStatements(target),
        ...(podIdentity ? podIdentityStatements(target) : []),
        ...oidcUsers.flatMap((addon) => addon.permissions.statements(target)),
        ...(mayUseIrsa(config.identityMode) || oidcUsers.length > 0 ? oidcProviderStatements(target) : []),
        ...others.flatMap((addon) => addon.permissions.statements(target)),
        ...clusterAccessStatements(target),
    ];
}
