/** The free-IP alarm's metric math, over the metrics the cni-metrics-helper publishes for one cluster. */
import { CNI_METRICS } from "./documents";

/** The helper publishes every 60 seconds (METRIC_UPDATE_INTERVAL 30 × 2); five minutes smooths a missed push. */
const PERIOD_SECONDS = 300;

/**
 * m1 totalIPAddresses, m2 assignIPAddresses, m3 maxIPAddresses (Kubernetes namespace, CLUSTER_ID = the cluster's
 * name); the alarm reads `free` = 100 × (total − assigned) / max, the free IPs as a percentage of the maximum, so
 * "free < share × max" is "free% < percent".
 */
export function freeIpAlarmQueries(clusterName: string) {
    const metric = (id: string, metricName: string) => ({
        id,
        returnData: false,
        metric: {
            namespace: CNI_METRICS.cloudwatchNamespace,
            metricName,
            dimensions: { [CNI_METRICS.dimension]: clusterName },
            period: PERIOD_SECONDS,
            stat: "Average",
        },
    });
    return [
        metric("m1", "totalIPAddresses"),
        metric("m2", "assignIPAddresses"),
        metric("m3", "maxIPAddresses"),
        { id: "free", expression: "100 * (m1 - m2) / m3", label: "free IPs, % of maxIPAddresses", returnData: true },
    ];
}
