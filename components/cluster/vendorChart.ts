/**
 * The agent chart's values as the vendor documents them for chart 0.0.67, key by key, and how this program sets
 * each one. test/values.test.ts holds the values the program renders to this table.
 *
 * Source: nops-io/nops-docs, pages/Integrations_and_Agents/Agents/Configure-nOps-Kubernetes-Agent-on-EKS.md at
 * 9c4347ff999d4a38f3d9b269e16ab05afd40c424 (the last revision whose install examples pin chart 0.0.67): the
 * "Required Parameters", "Optional Parameters" and "Prometheus Resources" tables. From chart 0.1.x on, the page
 * documents `nops.apiKey` where 0.0.67 has `karpenops.apiKey`.
 */
import { CHART_IMAGES } from "../../images/catalog";

export const VENDOR_DOC =
    "nops-io/nops-docs@9c4347ff999d4a38f3d9b269e16ab05afd40c424 pages/Integrations_and_Agents/Agents/Configure-nOps-Kubernetes-Agent-on-EKS.md";

/** Who sets a documented key: a config key, the program itself, or nobody (the chart's default stands). */
export type Setter = { by: "config"; key: string } | { by: "program"; why: string } | { by: "chart"; why: string };

export interface DocumentedValue {
    /** Dotted values path as the doc writes it. */
    key: string;
    /** The documented default; null where the doc says `-` (no default: the installer must supply it). */
    documented: string | boolean | number | Record<string, never> | null;
    /** What the program sets by default where it departs from the documented default. */
    ours?: string | boolean;
    setter: Setter;
}

const imageRows: DocumentedValue[] = CHART_IMAGES.filter((i) => i.documentedFor === "0.0.67").flatMap((image) => {
    const config: Setter = { by: "config", key: `images.${image.component}` };
    const fixed: Setter = { by: "program", why: "repository from images/catalog.ts" };
    switch (image.shape) {
        case "repository+imageTag":
            return [
                { key: `${image.at}.repository`, documented: image.repository, setter: fixed },
                { key: `${image.at}.imageTag`, documented: image.tag, setter: config },
            ];
        case "image.repository+tag":
            return [
                { key: `${image.at}.image.repository`, documented: image.repository, setter: fixed },
                { key: `${image.at}.image.tag`, documented: image.tag, setter: config },
            ];
        case "image.registry+repository+tag": {
            const slash = image.repository.indexOf("/");
            return [
                { key: `${image.at}.image.registry`, documented: image.repository.slice(0, slash), setter: fixed },
                { key: `${image.at}.image.repository`, documented: image.repository.slice(slash + 1), setter: fixed },
                { key: `${image.at}.image.tag`, documented: image.tag, setter: config },
            ];
        }
    }
});

/** prometheus.size sets the server's requests and limits, each documented with the default the `small` size keeps. */
const prometheusResourceRows: DocumentedValue[] = Object.entries({
    "requests.cpu": "500m",
    "requests.memory": "2Gi",
    "limits.cpu": "1000m",
    "limits.memory": "8Gi",
}).map(([path, documented]) => ({
    key: `prometheus.server.resources.${path}`,
    documented,
    setter: { by: "config", key: "prometheus.size" },
}));

export const DOCUMENTED_VALUES: readonly DocumentedValue[] = [
    // Required Parameters
    { key: "datadog.apiKey", documented: null, setter: { by: "config", key: "datadogApiKey" } },
    { key: "containerInsights.enabled", documented: true, setter: { by: "config", key: "agent.containerInsights" } },
    {
        key: "containerInsights.env_variables.APP_NOPS_K8S_AGENT_CLUSTER_ARN",
        documented: null,
        setter: { by: "program", why: "the cluster's ARN from discovery" },
    },
    {
        key: "containerInsights.env_variables.APP_AWS_S3_BUCKET",
        documented: null,
        setter: { by: "program", why: "the stack's bucket" },
    },
    { key: "karpenops.enabled", documented: false, setter: { by: "config", key: "agent.karpenops" } },
    { key: "karpenops.apiKey", documented: null, setter: { by: "config", key: "karpenopsApiKey" } },
    { key: "karpenops.clusterId", documented: null, setter: { by: "config", key: "agent.karpenopsClusterIds" } },
    // Optional Parameters
    {
        key: "externalSecrets.enabled",
        documented: false,
        setter: { by: "chart", why: "the API keys reach the chart as Pulumi secrets" },
    },
    {
        key: "externalSecrets.secretStoreRef.name",
        documented: null,
        setter: { by: "chart", why: "External Secrets is not used" },
    },
    {
        key: "externalSecrets.data.apiKeys.remoteRef.key",
        documented: null,
        setter: { by: "chart", why: "External Secrets is not used" },
    },
    {
        key: "autoUpdater.enabled",
        documented: true,
        ours: false,
        setter: { by: "program", why: "off: Pulumi pins every version, an in-cluster updater would fight each deploy" },
    },
    { key: "autoUpdater.schedule", documented: "0 0 * * 1", setter: { by: "chart", why: "the updater is off" } },
    { key: "containerInsights.debug", documented: false, setter: { by: "config", key: "agent.debug" } },
    { key: "opencost.loglevel", documented: "info", setter: { by: "config", key: "agent.opencostLogLevel" } },
    { key: "prometheus.ipv6_enabled", documented: false, setter: { by: "config", key: "agent.ipv6" } },
    {
        key: "prometheus.server.persistentVolume.storageClass",
        documented: "gp2",
        setter: { by: "config", key: "prometheus.storageClass" },
    },
    ...prometheusResourceRows,
    { key: "prometheus.server.nodeSelector", documented: {}, setter: { by: "config", key: "prometheus.nodeSelector" } },
    ...imageRows,
];

/** Keys the program sets that the 0.0.67 table does not list, each with the reason. */
export const UNDOCUMENTED_VALUES: readonly { key: string; why: string }[] = [
    {
        key: "containerInsights.serviceAccount",
        why: "IRSA: the service account the per-cluster role trusts, annotated with the role",
    },
    { key: "containerInsights.secrets", why: "IAM-user mode: the access key, as Pulumi secrets" },
    { key: "dataFetcher.enabled", why: "agent.dataFetcher" },
    { key: "dataFetcher.image", why: "documented from chart 0.1.x on; pinned like every image" },
    { key: "heartbeat.image", why: "documented from chart 0.1.x on; pinned like every image" },
    { key: "dcgmExporter.enabled", why: "documented from chart 0.1.x on (default true)" },
    { key: "dcgmExporter.affinity", why: "the DCGM exporter runs only on NVIDIA GPU nodes" },
    {
        key: "prometheus.server.tolerations",
        why: "prometheus.tolerations: the community Prometheus chart's server.tolerations",
    },
];

export const PROMETHEUS_SIZES = ["small", "medium", "large"] as const;
export type PrometheusSize = (typeof PROMETHEUS_SIZES)[number];

/**
 * "Prometheus Resources" by number of pods (100-500, 500-1000, 1000 or more): the doc sizes memory; CPU stays at the
 * documented defaults. `small` is the chart's default.
 */
export const PROMETHEUS_RESOURCES: Record<
    PrometheusSize,
    { pods: string; requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } }
> = {
    small: { pods: "100-500", requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "1000m", memory: "8Gi" } },
    medium: { pods: "500-1000", requests: { cpu: "500m", memory: "4Gi" }, limits: { cpu: "1000m", memory: "12Gi" } },
    large: { pods: "1000 or more", requests: { cpu: "500m", memory: "4Gi" }, limits: { cpu: "1000m", memory: "16Gi" } },
};
