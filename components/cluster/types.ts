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
}

/** One line of the `clusters` output. */
export interface ClusterStatus {
    name: string;
    region: string;
    arn: string;
    roleArn?: string;
    status: "installed" | "skipped";
    reason?: string;
}
