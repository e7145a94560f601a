/** The add-on's entry in the `clusters` output: types only, which its config.ts adds to the shared ClusterStatus. */

/** What the add-on needs from the cluster, as the `clusters` output records it for a later deploy that cannot read it. */
export interface FargateInsightsRecord {
    /** The private subnets its Fargate profile uses. */
    subnetIds: string[];
    /** The OIDC issuer the collector's IRSA role trusts. */
    oidcIssuer: string;
    /** The performance log group existed and is not this stack's: used, never created, changed or deleted. */
    existingLogGroup?: boolean;
}

/** The add-on's line in a cluster's `clusters` output entry (only where the add-on's globs select the cluster). */
export interface FargateInsightsStatus extends Partial<FargateInsightsRecord> {
    status: "installed" | "kept" | "skipped";
    reason?: string;
}
