/**
 * Each cluster its own OIDC issuer. moto 5.2.6 draws one random 10-character issuer id when it is imported
 * (moto/eks/models.py, ISSUER_TEMPLATE) and gives it to every cluster of a region, for the process's whole life; EKS
 * gives every cluster its own issuer (32 upper-case hex characters), and a cluster deleted and created again under the
 * same name gets a new one. IRSA trust, OIDC providers and the reconciler's "recreated cluster" rule all key on the
 * issuer, so the fake rewrites it in the cluster bodies moto returns: derived from the cluster's ARN and creation
 * time, it is stable for a cluster's life and new for a recreated one.
 */
import { createHash } from "node:crypto";

interface ClusterBody {
    arn?: string;
    createdAt?: unknown;
    identity?: { oidc?: { issuer?: string } };
}

/** The issuer EKS would give this cluster (same host as moto's, a per-cluster id). */
export function clusterIssuer(cluster: { arn: string; createdAt: unknown; mockIssuer: string }): string {
    const id = createHash("sha256")
        .update(`${cluster.arn}|${String(cluster.createdAt)}`)
        .digest("hex");
    return cluster.mockIssuer.replace(/\/id\/[^/]*$/, `/id/${id.slice(0, 32).toUpperCase()}`);
}

/** A CreateCluster/DescribeCluster/DeleteCluster response body with the cluster's own issuer. */
export function withClusterIssuer(body: { cluster?: ClusterBody }): { cluster?: ClusterBody } {
    const cluster = body.cluster;
    const mockIssuer = cluster?.identity?.oidc?.issuer;
    if (!cluster?.arn || !mockIssuer) {
        return body;
    }
    const issuer = clusterIssuer({ arn: cluster.arn, createdAt: cluster.createdAt, mockIssuer });
    return { ...body, cluster: { ...cluster, identity: { ...cluster.identity, oidc: { issuer } } } };
}
