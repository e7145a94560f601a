/**
 * The cni-metrics-helper's AWS side as plain data: what it may do, who may assume its role, and the Kubernetes RBAC
 * it gets. Everything here is checked statement by statement in test/cniMetrics.test.ts.
 */
import { PolicyDocument, irsaTrust, podIdentityTrust, policy } from "../../../common/documents";

/** Where the helper runs, and what it publishes (amazon-vpc-cni-k8s v1.23.1, pkg/publisher/publisher.go). */
export const CNI_METRICS = {
    name: "cni-metrics-helper",
    namespace: "kube-system",
    serviceAccount: "cni-metrics-helper",
    /** cloudwatchMetricNamespace in pkg/publisher/publisher.go. */
    cloudwatchNamespace: "Kubernetes",
    /** clusterIDDimension: the one dimension of every datum, valued AWS_CLUSTER_ID. */
    dimension: "CLUSTER_ID",
} as const;

/**
 * PutMetricData has no resource-level permissions (Service Authorization Reference: Resource "*" only); the
 * `cloudwatch:namespace` condition is what confines the helper to its own namespace.
 */
export function cniMetricsPermissions(): PolicyDocument {
    return policy({
        Sid: "PublishCniMetrics",
        Effect: "Allow",
        Action: "cloudwatch:PutMetricData",
        Resource: "*",
        Condition: { StringEquals: { "cloudwatch:namespace": CNI_METRICS.cloudwatchNamespace } },
    });
}

/** IRSA: only kube-system/cni-metrics-helper of this one cluster, through its OIDC provider. */
export function cniMetricsIrsaTrust(args: {
    partition: string;
    accountId: string;
    oidcIssuer: string;
}): PolicyDocument {
    const issuerHostPath = args.oidcIssuer.replace(/^https:\/\//, "");
    return irsaTrust({
        oidcProviderArn: `arn:${args.partition}:iam::${args.accountId}:oidc-provider/${issuerHostPath}`,
        issuerHostPath,
        namespace: CNI_METRICS.namespace,
        serviceAccount: CNI_METRICS.serviceAccount,
    });
}

/**
 * EKS Pod Identity: the Pod Identity service, for this account, and only with the session tags of this cluster and
 * kube-system/cni-metrics-helper (EKS passes eks-cluster-arn, kubernetes-namespace and kubernetes-service-account).
 */
export function cniMetricsPodIdentityTrust(args: { accountId: string; clusterArn: string }): PolicyDocument {
    return podIdentityTrust({
        accountId: args.accountId,
        clusterArn: args.clusterArn,
        namespace: CNI_METRICS.namespace,
        serviceAccount: CNI_METRICS.serviceAccount,
    });
}

/**
 * The upstream chart's ClusterRole (charts/cni-metrics-helper/templates/clusterrole.yaml, the reference document's
 * too): it lists the aws-node pods in kube-system and reads each one's ipamd metrics (:61678) through the API
 * server's pod proxy. Nothing else: it reads no nodes.
 */
export const CNI_METRICS_RULES = [
    { apiGroups: [""], resources: ["pods", "pods/proxy"], verbs: ["get", "watch", "list"] },
];
