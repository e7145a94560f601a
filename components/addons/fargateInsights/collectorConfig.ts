/**
 * The ADOT collector configuration for Container Insights on EKS Fargate, built in code.
 *
 * Source: aws-observability/aws-otel-collector, deployment-template/eks/otel-fargate-container-insights.yaml at
 * v0.49.0 (the collector version the add-on pins, whose bundled components are the ones named here), and the ADOT
 * "Container Insights EKS Fargate" guide (../shared/reference/adot-container-insights-eks-fargate.txt). The pipeline,
 * its processors and their order are upstream's. Deviations, each for a stated reason:
 * - `log_group_name` is the cluster's group by name, not `/aws/containerinsights/{ClusterName}/performance`: the
 *   collector's role may write only that one group, which the program creates; a placeholder that failed to resolve
 *   would send everything to a group the role is denied.
 * - `region` is the cluster's region (upstream hard-codes us-east-1 and tells the reader to edit it).
 * The processor that computes `*_utilization_over_pod_limit` is `metricsgeneration`: collector builds before ADOT
 * v0.42 called it `experimental_metricsgeneration` (upstream renamed it in b41c9b9), and v0.49.0 knows only the new name.
 *
 * Every `$$` below is the collector's escape for a literal `$` (its config resolver turns `$$` into `$` before the
 * Prometheus receiver and the processors see the value, and would otherwise expand `${...}` as a variable).
 */
import { stringify } from "yaml";
import { performanceLogGroupName } from "./naming";

/** Where Kubernetes mounts a pod's service-account token and the cluster CA. */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

export const CADVISOR_JOB = "kubelets-cadvisor-metrics";
export const CONTAINER_INSIGHTS_NAMESPACE = "ContainerInsights";

/** The pod metrics the exporter publishes as CloudWatch metrics (the guide's list); the rest stay log-only. */
export const FARGATE_POD_METRICS = [
    "pod_cpu_utilization_over_pod_limit",
    "pod_cpu_usage_total",
    "pod_cpu_limit",
    "pod_memory_utilization_over_pod_limit",
    "pod_memory_working_set",
    "pod_memory_limit",
    "pod_network_rx_bytes",
    "pod_network_tx_bytes",
] as const;

/** The dimension sets every published metric carries (the guide's list). */
export const FARGATE_DIMENSION_SETS = [
    ["ClusterName", "LaunchType"],
    ["ClusterName", "Namespace", "LaunchType"],
    ["ClusterName", "Namespace", "PodName", "LaunchType"],
] as const;

/** The pipeline's processors, in upstream's order. */
export const FARGATE_PROCESSORS = [
    "metricstransform/label_1",
    "resourcedetection",
    "metricstransform/rename",
    "filter",
    "cumulativetodelta",
    "deltatorate",
    "metricsgeneration/1",
    "metricsgeneration/2",
    "metricstransform/label_2",
    "batch",
] as const;

/** One cAdvisor series renamed to a Container Insights metric; `labels` narrow it to one kind of memory failure. */
interface Rename {
    cadvisor: string;
    /** The name after `new_container_` (container level) or `pod_` (pod level). */
    as: string;
    labels?: Record<string, string>;
}

const failures = (as: string, failureType: string, scope: string): Rename => ({
    cadvisor: "container_memory_failures_total",
    as,
    labels: { failure_type: failureType, scope },
});

/** Renamed at both container and pod level. */
const CPU_AND_MEMORY: Rename[] = [
    { cadvisor: "container_spec_cpu_quota", as: "cpu_limit_raw" },
    { cadvisor: "container_spec_cpu_shares", as: "cpu_request" },
    { cadvisor: "container_cpu_usage_seconds_total", as: "cpu_usage_seconds_total" },
    { cadvisor: "container_spec_memory_limit_bytes", as: "memory_limit" },
    { cadvisor: "container_memory_cache", as: "memory_cache" },
    { cadvisor: "container_memory_max_usage_bytes", as: "memory_max_usage" },
    { cadvisor: "container_memory_usage_bytes", as: "memory_usage" },
    { cadvisor: "container_memory_working_set_bytes", as: "memory_working_set" },
    { cadvisor: "container_memory_rss", as: "memory_rss" },
    { cadvisor: "container_memory_swap", as: "memory_swap" },
    { cadvisor: "container_memory_failcnt", as: "memory_failcnt" },
    failures("memory_hierarchical_pgfault", "pgfault", "hierarchy"),
    failures("memory_hierarchical_pgmajfault", "pgmajfault", "hierarchy"),
    failures("memory_pgfault", "pgfault", "container"),
    failures("memory_pgmajfault", "pgmajfault", "container"),
];

/** Container level only. */
const FILESYSTEM: Rename[] = [
    { cadvisor: "container_fs_limit_bytes", as: "filesystem_capacity" },
    { cadvisor: "container_fs_usage_bytes", as: "filesystem_usage" },
];

/** Pod level only: cAdvisor reports network per pod sandbox. */
const NETWORK: Rename[] = (
    [
        ["receive_bytes_total", "rx_bytes"],
        ["receive_packets_dropped_total", "rx_dropped"],
        ["receive_errors_total", "rx_errors"],
        ["receive_packets_total", "rx_packets"],
        ["transmit_bytes_total", "tx_bytes"],
        ["transmit_packets_dropped_total", "tx_dropped"],
        ["transmit_errors_total", "tx_errors"],
        ["transmit_packets_total", "tx_packets"],
    ] as const
).map(([cadvisor, as]) => ({ cadvisor: `container_network_${cadvisor}`, as: `network_${as}` }));

const FARGATE = { LaunchType: "fargate" };
/** A container's series: a container label. */
const CONTAINER_SERIES = { container: "\\S", ...FARGATE };
/** A pod's cgroup totals: no image and no container label, a pod label. */
const POD_SERIES = { image: "^$", container: "^$", pod: "\\S", ...FARGATE };
/** Network series carry only the pod label. */
const POD_NETWORK_SERIES = { pod: "\\S", ...FARGATE };

function insert(rename: Rename, newName: string, series: Record<string, string>) {
    return {
        include: rename.cadvisor,
        new_name: newName,
        action: "insert",
        match_type: "regexp",
        experimental_match_labels: { ...series, ...rename.labels },
    };
}

/** The cumulative counters the pipeline turns into per-second rates (delta first, then rate). */
export const RATE_METRICS = [
    "new_container_cpu_usage_seconds_total",
    "pod_cpu_usage_seconds_total",
    "pod_memory_pgfault",
    "pod_memory_pgmajfault",
    "pod_memory_hierarchical_pgfault",
    "pod_memory_hierarchical_pgmajfault",
    ...NETWORK.map((n) => `pod_${n.as}`),
    "new_container_memory_pgfault",
    "new_container_memory_pgmajfault",
    "new_container_memory_hierarchical_pgfault",
    "new_container_memory_hierarchical_pgmajfault",
];

const updateLabel = (label: string, newLabel: string) => ({ action: "update_label", label, new_label: newLabel });
const addLabel = (newLabel: string, newValue: string) => ({
    action: "add_label",
    new_label: newLabel,
    new_value: newValue,
});

function prometheusReceiver() {
    return {
        config: {
            global: { scrape_interval: "1m", scrape_timeout: "40s" },
            scrape_configs: [
                {
                    job_name: CADVISOR_JOB,
                    sample_limit: 10000,
                    scheme: "https",
                    // Every node, Fargate's included: one collector covers the cluster.
                    kubernetes_sd_configs: [{ role: "node" }],
                    tls_config: { ca_file: `${SERVICE_ACCOUNT_DIR}/ca.crt` },
                    bearer_token_file: `${SERVICE_ACCOUNT_DIR}/token`,
                    relabel_configs: [
                        { action: "labelmap", regex: "__meta_kubernetes_node_label_(.+)" },
                        // A Fargate pod cannot reach a kubelet: scrape through the API server's node proxy instead.
                        { target_label: "__address__", replacement: "kubernetes.default.svc:443" },
                        {
                            source_labels: ["__meta_kubernetes_node_name"],
                            regex: "(.+)",
                            target_label: "__metrics_path__",
                            replacement: "/api/v1/nodes/$${1}/proxy/metrics/cadvisor",
                        },
                    ],
                    metric_relabel_configs: [
                        {
                            action: "replace",
                            source_labels: ["id"],
                            regex: "^/machine\\.slice/machine-rkt\\\\x2d([^\\\\]+)\\\\.+/([^/]+)\\.service$",
                            target_label: "rkt_container_name",
                            replacement: "$${2}-$${1}",
                        },
                        {
                            action: "replace",
                            source_labels: ["id"],
                            regex: "^/system\\.slice/(.+)\\.service$",
                            target_label: "systemd_service_name",
                            replacement: "$${1}",
                        },
                    ],
                },
            ],
        },
    };
}

function processors() {
    return {
        // Labels every metric has, renamed before the renames below match on LaunchType.
        "metricstransform/label_1": {
            transforms: [
                {
                    include: ".*",
                    match_type: "regexp",
                    action: "update",
                    operations: [
                        updateLabel("name", "container_id"),
                        updateLabel("kubernetes_io_hostname", "NodeName"),
                        updateLabel("eks_amazonaws_com_compute_type", "LaunchType"),
                    ],
                },
            ],
        },
        // Copies (action insert) of the cAdvisor series Container Insights uses, as new_container_* and pod_*.
        "metricstransform/rename": {
            transforms: [
                ...[...CPU_AND_MEMORY, ...FILESYSTEM].map((r) => insert(r, `new_container_${r.as}`, CONTAINER_SERIES)),
                ...CPU_AND_MEMORY.map((r) => insert(r, `pod_${r.as}`, POD_SERIES)),
                ...NETWORK.map((r) => insert(r, `pod_${r.as}`, POD_NETWORK_SERIES)),
            ],
        },
        filter: { metrics: { include: { match_type: "regexp", metric_names: ["new_container_.*", "pod_.*"] } } },
        cumulativetodelta: { include: { metrics: [...RATE_METRICS], match_type: "strict" } },
        deltatorate: { metrics: [...RATE_METRICS] },
        "metricsgeneration/1": {
            rules: [
                {
                    name: "pod_network_total_bytes",
                    unit: "Bytes/Second",
                    type: "calculate",
                    metric1: "pod_network_rx_bytes",
                    metric2: "pod_network_tx_bytes",
                    operation: "add",
                },
                {
                    name: "pod_memory_utilization_over_pod_limit",
                    unit: "Percent",
                    type: "calculate",
                    metric1: "pod_memory_working_set",
                    metric2: "pod_memory_limit",
                    operation: "percent",
                },
                // Cores per second to millicores.
                {
                    name: "pod_cpu_usage_total",
                    unit: "Millicore",
                    type: "scale",
                    metric1: "pod_cpu_usage_seconds_total",
                    operation: "multiply",
                    scale_by: 1000,
                },
                // CFS quota (microseconds per 100 ms period) to millicores.
                {
                    name: "pod_cpu_limit",
                    unit: "Millicore",
                    type: "scale",
                    metric1: "pod_cpu_limit_raw",
                    operation: "divide",
                    scale_by: 100,
                },
            ],
        },
        // A second pass: its inputs are the first pass's outputs.
        "metricsgeneration/2": {
            rules: [
                {
                    name: "pod_cpu_utilization_over_pod_limit",
                    type: "calculate",
                    unit: "Percent",
                    metric1: "pod_cpu_usage_total",
                    metric2: "pod_cpu_limit",
                    operation: "percent",
                },
            ],
        },
        "metricstransform/label_2": {
            transforms: [
                { include: "pod_.*", match_type: "regexp", action: "update", operations: [addLabel("Type", "Pod")] },
                {
                    include: "new_container_.*",
                    match_type: "regexp",
                    action: "update",
                    operations: [addLabel("Type", "Container")],
                },
                {
                    include: ".*",
                    match_type: "regexp",
                    action: "update",
                    operations: [updateLabel("namespace", "Namespace"), updateLabel("pod", "PodName")],
                },
                { include: "^new_container_(.*)$$", match_type: "regexp", action: "update", new_name: "container_$$1" },
            ],
        },
        // ClusterName from OTEL_RESOURCE_ATTRIBUTES (the StatefulSet sets it).
        resourcedetection: { detectors: ["env"] },
        batch: { timeout: "60s" },
    };
}

export interface FargateCollectorConfigArgs {
    clusterName: string;
    /** The cluster's region, where the log group is. */
    region: string;
}

/** The collector's configuration as an object (what the YAML below serialises). */
export function fargateCollectorConfig(args: FargateCollectorConfigArgs) {
    return {
        receivers: { prometheus: prometheusReceiver() },
        processors: processors(),
        exporters: {
            awsemf: {
                log_group_name: performanceLogGroupName(args.clusterName),
                log_stream_name: "{PodName}",
                namespace: CONTAINER_INSIGHTS_NAMESPACE,
                region: args.region,
                resource_to_telemetry_conversion: { enabled: true },
                eks_fargate_container_insights_enabled: true,
                parse_json_encoded_attr_values: ["kubernetes"],
                dimension_rollup_option: "NoDimensionRollup",
                // Only pod metrics become CloudWatch metrics; every other data point stays in the log events.
                metric_declarations: [
                    {
                        dimensions: FARGATE_DIMENSION_SETS.map((set) => [...set]),
                        metric_name_selectors: [...FARGATE_POD_METRICS],
                    },
                ],
            },
        },
        extensions: { health_check: {} },
        service: {
            pipelines: {
                metrics: { receivers: ["prometheus"], processors: [...FARGATE_PROCESSORS], exporters: ["awsemf"] },
            },
            extensions: ["health_check"],
        },
    };
}

/** The configuration as the collector reads it from its ConfigMap. */
export function fargateCollectorYaml(args: FargateCollectorConfigArgs): string {
    // No anchors or aliases, and no folded long lines: the file reads exactly as the object says.
    return stringify(fargateCollectorConfig(args), { aliasDuplicateObjects: false, lineWidth: 0 });
}
