/** The cni-metrics-helper's physical names, from the stack-wide naming rules (common/naming.ts). */
import { addonBoundaryName, clusterAlarmName } from "../../../common/naming";

/** The add-on role purpose of the cni-metrics-helper (addonRoleName, addonRoleArnPattern). */
export const CNI_METRICS_ROLE_PURPOSE = "cni-metrics";

/** The managed policy that is the permissions boundary of every cni-metrics-helper role of a stack (root path). */
export function cniMetricsBoundaryName(stackName: string): string {
    return addonBoundaryName(stackName, CNI_METRICS_ROLE_PURPOSE);
}

/** The free-IP alarm of one cluster. */
export function freeIpAlarmName(stackName: string, clusterName: string, region: string): string {
    return clusterAlarmName(stackName, "cni-free-ips", clusterName, region);
}
