/** What the deploying identity needs for Container Insights for EKS Fargate (addons.fargateInsights). */
import { PolicyStatement } from "../../../common/documents";
import { addonBoundaryArn, addonBoundaryName, addonRoleArnPattern } from "../../../common/naming";
import { SDK_ACTIONS, actions } from "../../permissions/providerActions";
import { accountValue, arnAccount, deployScope } from "../../permissions/target";
import { AddonPermissions, OwnConfig } from "../contract";
import { fargateInsightsConfig } from "./config";
import { addonRoleStatements } from "../roleStatements";
import { performanceLogGroupName } from "./naming";
import { COLLECTOR_ROLE_PURPOSE, FARGATE_POD_ROLE_PURPOSE } from "./naming";
import { fargatePodExecutionPolicyArn } from "./documents";
import { FARGATE_PROFILE_NAME } from "./manifests";

const FARGATE_SERVICE = "eks-fargate.amazonaws.com";

/** The deployer's statements for the add-on while it is on; its collector roles trust the OIDC providers (IRSA) in every mode. */
export const fargateInsightsDeployerPermissions: AddonPermissions<OwnConfig<typeof fargateInsightsConfig>> = {
    statements: (target) =>
        target.config.addons.fargateInsights.enabled
            ? fargateInsightsStatements({
                  partition: deployScope(target).partition,
                  accountId: target.accountId,
                  stackName: target.stackName,
                  regions: target.config.regions,
              })
            : [],
    usesOidcProviders: (config) => config.addons.fargateInsights.enabled,
};

/**
 * Container Insights for EKS Fargate (components/addons/fargateInsights/): per cluster a pod execution role and a collector
 * role under the add-ons' role path, the managed Fargate policy on the first, a Fargate profile of that one name, the
 * performance log group; at deploy, the clusters' Fargate profiles (SDK) and route tables (invoke).
 */
export function fargateInsightsStatements(args: {
    partition: string;
    accountId: string | undefined;
    stackName: string;
    regions: string[];
}): PolicyStatement[] {
    const { partition, regions } = args;
    const accountId = arnAccount(args.accountId);
    const podRoles = addonRoleArnPattern({ ...args, accountId, purpose: FARGATE_POD_ROLE_PURPOSE });
    const collectorRoles = addonRoleArnPattern({ ...args, accountId, purpose: COLLECTOR_ROLE_PURPOSE });
    const boundary = (arnField: string) =>
        addonBoundaryArn({
            partition,
            accountId: arnField,
            policyName: addonBoundaryName(args.stackName, COLLECTOR_ROLE_PURPOSE),
        });
    const eks = (rest: string) => regions.map((r) => `arn:${partition}:eks:${r}:${accountId}:${rest}`);
    return [
        // The pod execution roles get no inline policy and, as managed policy, only AWS's Fargate one (below): that is their ceiling.
        { Sid: "FargatePodExecutionRoles", Effect: "Allow", Action: actions("aws:iam/role:Role"), Resource: podRoles },
        ...addonRoleStatements("FargateCollectorRoles", collectorRoles, boundary(accountValue(args.accountId))),
        {
            Sid: "FargateCollectorBoundaryPolicy",
            Effect: "Allow",
            Action: actions("aws:iam/policy:Policy"),
            Resource: boundary(accountId),
        },
        {
            // The pod execution role gets AWS's managed Fargate policy and no other.
            Sid: "FargatePodExecutionPolicy",
            Effect: "Allow",
            // iam:PolicyARN is in the request context of these two only; ListAttachedRolePolicies comes with the role's actions.
            Action: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
            Resource: podRoles,
            Condition: { ArnEquals: { "iam:PolicyARN": fargatePodExecutionPolicyArn(partition) } },
        },
        {
            // CreateFargateProfile passes the pod execution role to EKS: iam:PassedToService is the service whose API
            // takes the role (eks.amazonaws.com), not the role's trusted principal (eks-fargate-pods.amazonaws.com);
            // EKS User Guide, "Amazon EKS identity-based policy examples", the console policy that creates profiles.
            Sid: "PassFargatePodExecutionRole",
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: podRoles,
            Condition: { StringEquals: { "iam:PassedToService": "eks.amazonaws.com" } },
        },
        {
            // An account's first Fargate profile makes EKS create its Fargate service-linked role, as the caller.
            Sid: "FargateServiceLinkedRole",
            Effect: "Allow",
            Action: "iam:CreateServiceLinkedRole",
            Resource: `arn:${partition}:iam::${accountId}:role/aws-service-role/${FARGATE_SERVICE}/AWSServiceRoleForAmazonEKSForFargate`,
            Condition: { StringEquals: { "iam:AWSServiceName": FARGATE_SERVICE } },
        },
        {
            Sid: "FargateInsightsProfiles",
            Effect: "Allow",
            Action: actions("aws:eks/fargateProfile:FargateProfile"),
            Resource: [...eks("cluster/*"), ...eks(`fargateprofile/*/${FARGATE_PROFILE_NAME}/*`)],
        },
        {
            Sid: "FindFargateProfiles",
            Effect: "Allow",
            Action: SDK_ACTIONS.fargateProfiles,
            Resource: eks("cluster/*"),
        },
        {
            Sid: "FargatePerformanceLogGroups",
            Effect: "Allow",
            Action: actions("aws:cloudwatch/logGroup:LogGroup"),
            Resource: regions.flatMap((r) => {
                const group = `arn:${partition}:logs:${r}:${accountId}:log-group:${performanceLogGroupName("*")}`;
                return [group, `${group}:*`];
            }),
        },
        {
            Sid: "FindPerformanceLogGroups",
            Effect: "Allow",
            Action: "logs:DescribeLogGroups",
            Resource: "*",
            Condition: { StringEquals: { "aws:RequestedRegion": regions } },
        },
        // Which of a cluster's subnets are private (DescribeRouteTables has no resource-level permissions).
        {
            Sid: "ReadRouteTables",
            Effect: "Allow",
            Action: "ec2:DescribeRouteTables",
            Resource: "*",
            Condition: { StringEquals: { "aws:RequestedRegion": regions } },
        },
    ];
}
