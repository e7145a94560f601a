import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { irsaTrust } from "../../../common/documents";
import { addonRoleArn, addonRoleName, addonRolePath } from "../../../common/naming";
import { oidcProviderArn } from "../../cluster/checks";
import { performanceLogGroupName } from "./naming";
import { collectorLogsPolicy, fargatePodExecutionPolicyArn, fargatePodExecutionTrust } from "./documents";
import { COLLECTOR_SERVICE_ACCOUNT, FARGATE_NAMESPACE, FARGATE_PROFILE_NAME, fargateManifests } from "./manifests";
import { COLLECTOR_ROLE_PURPOSE, FARGATE_POD_ROLE_PURPOSE } from "./naming";

export const COLLECTOR_POLICY_NAME = "container-insights-performance-logs";

export interface FargateInsightsArgs {
    cluster: { name: string; region: string };
    /** The cluster's Kubernetes provider (its ClusterAgent's). */
    provider: k8s.Provider;
    account: { accountId: string; partition: string };
    stackName: string;
    /** The cluster's OIDC issuer URL, whose IAM OIDC provider is registered: the collector's identity is IRSA. */
    oidcIssuer: string;
    /** The cluster's private subnets (Fargate takes no other). */
    subnetIds: string[];
    logRetentionDays: number;
    /** The collector image, pinned. */
    image: string;
    tags: Record<string, string>;
    /** The collector role's permissions boundary. The pod execution role gets none: see docs/addons.md (Fargate, IAM). */
    collectorBoundaryArn: pulumi.Input<string>;
    /** False: the performance log group exists and is not the stack's; it is used, never created or deleted. */
    manageLogGroup: boolean;
}

/** What the program decides for one cluster; the ClusterAgent adds the cluster and its provider. */
export type FargateInsightsAddon = Omit<FargateInsightsArgs, "cluster" | "provider">;

/**
 * Container Insights for EKS Fargate in one cluster: the `/aws/containerinsights/<cluster>/performance` log group, a
 * Fargate profile for the `fargate-container-insights` namespace with its own pod execution role, the collector's IRSA
 * role (write to that group only), and the one-replica ADOT collector StatefulSet with its RBAC and configuration.
 */
export class FargateInsights extends pulumi.ComponentResource {
    readonly logGroup?: aws.cloudwatch.LogGroup;
    readonly profile: aws.eks.FargateProfile;
    readonly collectorRole: aws.iam.Role;
    readonly statefulSet: k8s.apps.v1.StatefulSet;

    constructor(name: string, args: FargateInsightsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("container-insights:addons:FargateInsights", name, {}, opts);
        const { cluster, account, provider } = args;
        const scope = { ...account, region: cluster.region };
        const logGroupName = performanceLogGroupName(cluster.name);
        const path = addonRolePath(args.stackName);
        const aws_ = { parent: this };
        const k8s_ = { parent: this, provider };

        // Not retained on delete: Container Insights' metrics are extracted from the EMF events at ingestion and outlive
        // the group; a retained group would leak and make the next switch-on's CreateLogGroup fail (it exists).
        this.logGroup = args.manageLogGroup
            ? new aws.cloudwatch.LogGroup(
                  `${name}-performance`,
                  {
                      name: logGroupName,
                      region: cluster.region,
                      retentionInDays: args.logRetentionDays,
                      tags: args.tags,
                  },
                  aws_,
              )
            : undefined;

        const podRole = new aws.iam.Role(
            `${name}-fargate-pods`,
            {
                name: addonRoleName(FARGATE_POD_ROLE_PURPOSE, cluster.name, cluster.region),
                path,
                description: `Fargate pod execution role of the ${FARGATE_PROFILE_NAME} profile of EKS cluster ${cluster.name} (${cluster.region})`,
                assumeRolePolicy: JSON.stringify(fargatePodExecutionTrust({ ...scope, clusterName: cluster.name })),
                tags: args.tags,
            },
            aws_,
        );
        const podRolePolicy = new aws.iam.RolePolicyAttachment(
            `${name}-fargate-pods`,
            { role: podRole.name, policyArn: fargatePodExecutionPolicyArn(account.partition) },
            aws_,
        );
        this.profile = new aws.eks.FargateProfile(
            name,
            {
                clusterName: cluster.name,
                region: cluster.region,
                fargateProfileName: FARGATE_PROFILE_NAME,
                podExecutionRoleArn: podRole.arn,
                subnetIds: args.subnetIds,
                selectors: [{ namespace: FARGATE_NAMESPACE }],
                tags: args.tags,
            },
            // A profile's settings cannot change in place, and its name is fixed: a replacement must delete the old one first.
            { ...aws_, dependsOn: [podRolePolicy], deleteBeforeReplace: true },
        );

        const issuerHostPath = args.oidcIssuer.replace(/^https:\/\//, "");
        const collectorRoleName = addonRoleName(COLLECTOR_ROLE_PURPOSE, cluster.name, cluster.region);
        this.collectorRole = new aws.iam.Role(
            `${name}-collector`,
            {
                name: collectorRoleName,
                path,
                description: `ADOT collector of Container Insights for EKS Fargate in ${cluster.name} (${cluster.region})`,
                assumeRolePolicy: JSON.stringify(
                    irsaTrust({
                        oidcProviderArn: oidcProviderArn(args.oidcIssuer, account),
                        issuerHostPath,
                        namespace: FARGATE_NAMESPACE,
                        serviceAccount: COLLECTOR_SERVICE_ACCOUNT,
                    }),
                ),
                permissionsBoundary: args.collectorBoundaryArn,
                tags: args.tags,
            },
            aws_,
        );
        const collectorPolicy = new aws.iam.RolePolicy(
            `${name}-collector`,
            {
                role: this.collectorRole.name,
                name: COLLECTOR_POLICY_NAME,
                policy: JSON.stringify(collectorLogsPolicy(scope, logGroupName)),
            },
            aws_,
        );

        // The role's ARN follows from its name and path, so the manifests are plain data known at preview.
        const manifests = fargateManifests({
            clusterName: cluster.name,
            region: cluster.region,
            roleArn: addonRoleArn({ ...account, stackName: args.stackName, roleName: collectorRoleName }),
            image: args.image,
        });
        const namespace = new k8s.core.v1.Namespace(`${name}-fargate`, manifests.namespace, k8s_);
        const inNamespace = { ...k8s_, dependsOn: [namespace] };
        const serviceAccount = new k8s.core.v1.ServiceAccount(
            `${name}-collector`,
            manifests.serviceAccount,
            inNamespace,
        );
        const clusterRole = new k8s.rbac.v1.ClusterRole(`${name}-collector`, manifests.clusterRole, k8s_);
        const binding = new k8s.rbac.v1.ClusterRoleBinding(`${name}-collector`, manifests.clusterRoleBinding, {
            ...k8s_,
            dependsOn: [clusterRole],
        });
        const configMap = new k8s.core.v1.ConfigMap(`${name}-collector`, manifests.configMap, inNamespace);
        const service = new k8s.core.v1.Service(`${name}-collector`, manifests.service, inNamespace);
        this.statefulSet = new k8s.apps.v1.StatefulSet(`${name}-collector`, manifests.statefulSet, {
            ...k8s_,
            // The profile first, or the pod is scheduled before Fargate takes the namespace; the role's policy and the
            // group first, or the collector's first writes are denied or go nowhere.
            dependsOn: [
                this.profile,
                collectorPolicy,
                ...(this.logGroup ? [this.logGroup] : []),
                serviceAccount,
                binding,
                configMap,
                service,
            ],
        });
        this.registerOutputs({});
    }
}
