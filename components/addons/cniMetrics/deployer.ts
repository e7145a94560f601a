import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { associationTags } from "../../../common/identity";
import { addonRolePath } from "../../../common/naming";
import { freeIpAlarmName } from "./naming";
import { DiscoveredCluster } from "../../cluster/types";
import {
    CNI_METRICS,
    CNI_METRICS_RULES,
    cniMetricsIrsaTrust,
    cniMetricsPermissions,
    cniMetricsPodIdentityTrust,
} from "./documents";
import { freeIpAlarmQueries } from "./alarm";

/** How the helper gets AWS credentials in this cluster: the cluster's identity mode (iamUser clusters get no helper). */
export type CniMetricsIdentity = { kind: "irsa"; oidcIssuer: string } | { kind: "podIdentity" };

export interface CniMetricsArgs {
    stackName: string;
    stackId: string;
    accountId: string;
    partition: string;
    identity: CniMetricsIdentity;
    /** The role's name (common/naming.ts addonRoleName, under the stack's add-on role path) and its permissions boundary. */
    roleName: string;
    boundaryPolicyArn: pulumi.Input<string>;
    /** The full image reference, from the EKS add-on registry of the cluster's region, pinned where the lock pins it. */
    image: string;
    /** The free-IP alarm; absent: none (freeIpAlarmPercent 0). */
    alarm?: { freeIpPercent: number; topicArn: pulumi.Input<string> };
    /** The user's tags; AWS resources get them with the stack's ownership tag (already in them). */
    tags: Record<string, string>;
}

export interface CniMetricsContext {
    cluster: DiscoveredCluster;
    provider: k8s.Provider;
}

const LABELS = {
    "k8s-app": CNI_METRICS.name,
    "app.kubernetes.io/name": CNI_METRICS.name,
    "app.kubernetes.io/managed-by": "pulumi",
};
/** The helper's container runs as this user and group (the eks-distro minimal base image's nonroot user). */
export const CNI_METRICS_USER = 65532;

/**
 * The cni-metrics-helper in one cluster: its IAM role (IRSA or Pod Identity, allowed only PutMetricData to the
 * Kubernetes namespace, under the stack's boundary), the service account, the ClusterRole and binding, the
 * Deployment (written here from the upstream chart, so every object is in the Pulumi state and the policy pack sees
 * it), and the cluster's free-IP alarm.
 */
export class CniMetrics extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    readonly deployment: k8s.apps.v1.Deployment;
    readonly alarm?: aws.cloudwatch.MetricAlarm;

    constructor(
        name: string,
        args: CniMetricsArgs,
        context: CniMetricsContext,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("container-insights:addons:CniMetrics", name, {}, opts);
        const { cluster, provider } = context;
        const k8sOpts = { parent: this, provider };
        const trust =
            args.identity.kind === "irsa"
                ? cniMetricsIrsaTrust({
                      partition: args.partition,
                      accountId: args.accountId,
                      oidcIssuer: args.identity.oidcIssuer,
                  })
                : cniMetricsPodIdentityTrust({ accountId: args.accountId, clusterArn: cluster.arn });
        this.role = new aws.iam.Role(
            name,
            {
                name: args.roleName,
                path: addonRolePath(args.stackName),
                description: `cni-metrics-helper of EKS cluster ${cluster.name} (${cluster.region})`,
                assumeRolePolicy: JSON.stringify(trust),
                permissionsBoundary: args.boundaryPolicyArn,
                maxSessionDuration: 3600,
                tags: args.tags,
            },
            { parent: this },
        );
        const policy = new aws.iam.RolePolicy(
            name,
            { role: this.role.name, name: "cni-metrics-helper", policy: JSON.stringify(cniMetricsPermissions()) },
            { parent: this },
        );
        const association =
            args.identity.kind === "podIdentity"
                ? new aws.eks.PodIdentityAssociation(
                      name,
                      {
                          clusterName: cluster.name,
                          region: cluster.region,
                          namespace: CNI_METRICS.namespace,
                          serviceAccount: CNI_METRICS.serviceAccount,
                          roleArn: this.role.arn,
                          tags: { ...args.tags, ...associationTags(args.stackId, "pulumi", cluster.arn) },
                      },
                      { parent: this },
                  )
                : undefined;
        const serviceAccount = new k8s.core.v1.ServiceAccount(
            name,
            {
                metadata: {
                    name: CNI_METRICS.serviceAccount,
                    namespace: CNI_METRICS.namespace,
                    labels: LABELS,
                    ...(args.identity.kind === "irsa"
                        ? { annotations: { "eks.amazonaws.com/role-arn": this.role.arn } }
                        : {}),
                },
            },
            k8sOpts,
        );
        const clusterRole = new k8s.rbac.v1.ClusterRole(
            name,
            { metadata: { name: CNI_METRICS.name, labels: LABELS }, rules: CNI_METRICS_RULES },
            k8sOpts,
        );
        new k8s.rbac.v1.ClusterRoleBinding(
            name,
            {
                metadata: { name: CNI_METRICS.name, labels: LABELS },
                roleRef: {
                    apiGroup: "rbac.authorization.k8s.io",
                    kind: "ClusterRole",
                    name: clusterRole.metadata.name,
                },
                subjects: [
                    { kind: "ServiceAccount", name: serviceAccount.metadata.name, namespace: CNI_METRICS.namespace },
                ],
            },
            k8sOpts,
        );
        this.deployment = new k8s.apps.v1.Deployment(
            name,
            {
                metadata: { name: CNI_METRICS.name, namespace: CNI_METRICS.namespace, labels: LABELS },
                spec: cniMetricsDeploymentSpec(cluster, args.image, {
                    kind: args.identity.kind,
                    roleArn: this.role.arn,
                }),
            },
            // Credentials first: a pod started before its role's policy (or association) exists fails its first publishes.
            { ...k8sOpts, dependsOn: [policy, ...(association ? [association] : [])] },
        );
        if (args.alarm) {
            this.alarm = new aws.cloudwatch.MetricAlarm(
                name,
                {
                    region: cluster.region,
                    name: freeIpAlarmName(args.stackName, cluster.name, cluster.region),
                    alarmDescription:
                        `EKS cluster ${cluster.name} (${cluster.region}) has fewer than ${args.alarm.freeIpPercent}% of its maxIPAddresses free ` +
                        "(totalIPAddresses - assignIPAddresses, published by the cni-metrics-helper): pods may soon get no IP address.",
                    comparisonOperator: "LessThanThreshold",
                    threshold: args.alarm.freeIpPercent,
                    evaluationPeriods: 3,
                    datapointsToAlarm: 3,
                    treatMissingData: "missing",
                    metricQueries: freeIpAlarmQueries(cluster.name),
                    alarmActions: [args.alarm.topicArn],
                    okActions: [args.alarm.topicArn],
                    // A helper that stops publishing leaves the alarm without data: someone hears of that too.
                    insufficientDataActions: [args.alarm.topicArn],
                    tags: args.tags,
                },
                { parent: this },
            );
        }
        this.registerOutputs({});
    }
}

/**
 * Pod-template annotations naming how the pod gets credentials. The IRSA webhook and the Pod Identity agent inject
 * them (env, projected token) only when a pod is created, so a switch of identity mode or role must roll the pod.
 */
export function identityAnnotations(identity: {
    kind: CniMetricsIdentity["kind"];
    roleArn: pulumi.Input<string>;
}): Record<string, pulumi.Input<string>> {
    return { "container-insights/identity-mode": identity.kind, "container-insights/role-arn": identity.roleArn };
}

/** The upstream Deployment (config/master/cni-metrics-helper.yaml, v1.23.1), hardened to the restricted profile. */
export function cniMetricsDeploymentSpec(
    cluster: Pick<DiscoveredCluster, "name" | "region">,
    image: string,
    identity: { kind: CniMetricsIdentity["kind"]; roleArn: pulumi.Input<string> },
): k8s.types.input.apps.v1.DeploymentSpec {
    return {
        replicas: 1,
        revisionHistoryLimit: 10,
        selector: { matchLabels: { "k8s-app": CNI_METRICS.name } },
        template: {
            metadata: { labels: LABELS, annotations: identityAnnotations(identity) },
            spec: {
                serviceAccountName: CNI_METRICS.serviceAccount,
                nodeSelector: { "kubernetes.io/os": "linux" },
                securityContext: {
                    runAsNonRoot: true,
                    runAsUser: CNI_METRICS_USER,
                    runAsGroup: CNI_METRICS_USER,
                    // The projected IRSA / Pod Identity token must be readable by that user.
                    fsGroup: CNI_METRICS_USER,
                    seccompProfile: { type: "RuntimeDefault" },
                },
                containers: [
                    {
                        name: CNI_METRICS.name,
                        image,
                        env: [
                            { name: "USE_CLOUDWATCH", value: "true" },
                            { name: "USE_PROMETHEUS", value: "false" },
                            // The CLUSTER_ID dimension; set, the helper never asks IMDS (which may be blocked).
                            { name: "AWS_CLUSTER_ID", value: cluster.name },
                            { name: "AWS_REGION", value: cluster.region },
                            { name: "AWS_VPC_K8S_CNI_LOGLEVEL", value: "INFO" },
                        ],
                        resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
                        securityContext: {
                            allowPrivilegeEscalation: false,
                            readOnlyRootFilesystem: true,
                            capabilities: { drop: ["ALL"] },
                        },
                    },
                ],
            },
        },
    };
}
