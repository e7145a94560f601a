/** The purposes in the names of the add-on's roles and the collector roles' boundary (common/naming.ts). */
export const FARGATE_POD_ROLE_PURPOSE = "fargate-pods";
export const COLLECTOR_ROLE_PURPOSE = "adot-collector";

/** The log group Container Insights reads a cluster's performance events from (its `*` form in ARN patterns). */
export function performanceLogGroupName(clusterName: string): string {
    return `/aws/containerinsights/${clusterName}/performance`;
}
