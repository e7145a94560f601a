/**
 * What the deploying identity needs for the agents (agent.install): discovering the clusters and their checks, the
 * Pod Identity associations and add-on, the OIDC provider check, and the role `aws eks get-token` assumes.
 */
import { PolicyStatement } from "../../common/documents";
import { stackRoleNames } from "../../common/naming";
import { actions } from "../permissions/providerActions";
import { DeployTarget, deployScope } from "../permissions/target";

const regionalArns = (target: DeployTarget, rest: string) => {
    const { accountId, partition } = deployScope(target);
    return target.config.regions.map((r) => `arn:${partition}:eks:${r}:${accountId}:${rest}`);
};

export function discoveryStatements(target: DeployTarget): PolicyStatement[] {
    return [
        {
            Sid: "ListClustersInIncludedRegions",
            Effect: "Allow",
            Action: "eks:ListClusters",
            Resource: "*",
            Condition: { StringEquals: { "aws:RequestedRegion": target.config.regions } },
        },
        {
            // Discovery, and the cluster endpoint `aws eks get-token` kubeconfigs point at.
            Sid: "DescribeClustersInIncludedRegions",
            Effect: "Allow",
            Action: "eks:DescribeCluster",
            Resource: regionalArns(target, "cluster/*"),
        },
        {
            // Whether the chart's Prometheus volume can be provisioned (components/cluster/checks.ts).
            Sid: "CheckEbsCsiAddon",
            Effect: "Allow",
            Action: "eks:DescribeAddon",
            Resource: regionalArns(target, "addon/*/aws-ebs-csi-driver/*"),
        },
    ];
}

/** identityMode podIdentity and auto: one association per cluster (components/cluster/podIdentity.ts). */
export function podIdentityStatements(target: DeployTarget): PolicyStatement[] {
    const { iamArn } = deployScope(target);
    const clusterArns = regionalArns(target, "cluster/*");
    const statements: PolicyStatement[] = [
        {
            // One association per cluster (components/cluster/podIdentity.ts): created on the cluster, then its own ARN.
            Sid: "PodIdentityAssociations",
            Effect: "Allow",
            Action: actions("aws:eks/podIdentityAssociation:PodIdentityAssociation"),
            Resource: [...clusterArns, ...regionalArns(target, "podidentityassociation/*")],
        },
        {
            Sid: "PassPodIdentityRole",
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: iamArn("role/", stackRoleNames(target.stackName).podIdentity),
            Condition: { StringEquals: { "iam:PassedToService": "pods.eks.amazonaws.com" } },
        },
        {
            Sid: "CheckPodIdentityAgentAddon",
            Effect: "Allow",
            Action: "eks:DescribeAddon",
            Resource: regionalArns(target, "addon/*/eks-pod-identity-agent/*"),
        },
    ];
    if (target.config.installPodIdentityAgent) {
        statements.push({
            Sid: "InstallPodIdentityAgentAddon",
            Effect: "Allow",
            Action: actions("aws:eks/addon:Addon"),
            Resource: [...clusterArns, ...regionalArns(target, "addon/*/eks-pod-identity-agent/*")],
        });
    }
    return statements;
}

/** IRSA (the agent's, or the Fargate collector's in any mode): whether each cluster's IAM OIDC provider is registered. */
export function oidcProviderStatements(target: DeployTarget): PolicyStatement[] {
    const { accountId, partition } = deployScope(target);
    return [
        {
            Sid: "CheckOidcProviders",
            Effect: "Allow",
            Action: "iam:GetOpenIDConnectProvider",
            Resource: `arn:${partition}:iam::${accountId}:oidc-provider/*`,
        },
    ];
}

/** clusters.assumeRoleArn: the role `aws eks get-token` assumes to reach the clusters. */
export function clusterAccessStatements(target: DeployTarget): PolicyStatement[] {
    const role = target.config.clusters.assumeRoleArn;
    return role ? [{ Sid: "AssumeClusterAccessRole", Effect: "Allow", Action: "sts:AssumeRole", Resource: role }] : [];
}
