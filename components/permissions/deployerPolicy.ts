/**
 * The least-privilege policy of the identity running `pulumi up` (and `destroy`) for a stack's configuration: each
 * concern's statements, from the permissions.ts beside its components, in one document. Every ARN comes from the
 * naming functions the program itself uses.
 */
import { PolicyDocument, PolicyStatement, policy } from "../../common/documents";
import { cniMetricsStatements } from "../addons/cniMetrics/permissions";
import { fargateInsightsStatements } from "../addons/fargateInsights/permissions";
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
import { DeployTarget, callerAccountOnly, deployScope } from "./target";

export function deployerPolicy(target: DeployTarget): PolicyDocument {
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

function agentStatements(target: DeployTarget): PolicyStatement[] {
    const { stackName, config } = target;
    const { partition } = deployScope(target);
    const podIdentity = config.identityMode === "podIdentity" || config.identityMode === "auto";
    const fargate = config.addons.fargateInsights.enabled;
    const addon = { partition, accountId: target.accountId, stackName, regions: config.regions };
    return [
        ...discoveryStatements(target),
        ...(podIdentity ? podIdentityStatements(target) : []),
        ...(fargate ? fargateInsightsStatements(addon) : []),
        ...(config.identityMode === "irsa" || config.identityMode === "auto" || fargate
            ? oidcProviderStatements(target)
            : []),
        ...(config.addons.cniMetrics.enabled && config.identityMode !== "iamUser"
            ? cniMetricsStatements({ ...addon, options: config.addons.cniMetrics, podIdentity })
            : []),
        ...clusterAccessStatements(target),
    ];
}
