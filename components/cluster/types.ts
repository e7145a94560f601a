import { ClusterIdentity } from "../../common/identity";

/** An EKS cluster as discovery sees it. */
export interface DiscoveredCluster {
    name: string;
    region: string;
    arn: string;
    status: string;
    endpoint: string;
    certificateAuthority: string;
    oidcIssuer?: string;
    tags: Record<string, string>;
    /** The cluster's VPC and subnets (vpcConfig); absent for a cluster kept from the last deploy's output. */
    vpcId?: string;
    subnetIds?: string[];
}

/** Whether the cluster has the `aws-ebs-csi-driver` add-on, which the chart's Prometheus volume (gp2) needs. */
export type EbsCsiDriver = "installed" | "missing" | "unknown";

/**
 * One line of the `clusters` output. `installed`: the agent is in the cluster as read now; `kept`: the cluster could
 * not be read now, so the agent installed by an earlier deploy stays as it was; `skipped`: no agent, see `reason`.
 * `endpoint` and `certificateAuthority` (public values) are what a later deploy needs to keep the agent's resources
 * of a cluster it cannot read. The registered add-ons' own fields are added where the output is made (program/options.ts
 * ClusterLine).
 */
export interface ClusterStatus {
    name: string;
    region: string;
    arn: string;
    roleArn?: string;
    /** The KarpenOps cluster id the chart got; absent when KarpenOps is off there. */
    karpenopsClusterId?: string;
    /** How the agent gets AWS credentials there: irsa, podIdentity or iamUser. */
    identityMode?: ClusterIdentity;
    status: "installed" | "kept" | "skipped";
    reason?: string;
    /** GitOps mode (agent.renderTo): the agent's manifests were written to this directory, not applied. */
    renderedTo?: string;
    endpoint?: string;
    certificateAuthority?: string;
    /** The cluster's OIDC issuer URL, when it has one: what a later deploy needs for IRSA trust of a cluster it cannot read. */
    oidcIssuer?: string;
    ebsCsiDriver?: EbsCsiDriver;
    /** Whether `pulumi up` waits for the agent's workloads to become ready (false: helm.v4.Chart skipAwait). */
    awaitsReadiness?: boolean;
    /** The optional add-ons installed there (`addons.*`), on every `installed` or `kept` cluster; none: `[]`. */
    addons?: string[];
}
