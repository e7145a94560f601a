import { ConfigKeySpec, shape } from "./spec";

/** A toleration of the Prometheus server, as its schema in PROMETHEUS_KEYS allows it. */
export interface Toleration {
    key?: string;
    operator?: "Exists" | "Equal";
    value?: string;
    effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
    tolerationSeconds?: number;
}

/** The Prometheus server the chart installs (`prometheus.*`). */
export const PROMETHEUS_KEYS = [
    {
        key: "prometheus.size",
        doc: "Prometheus server resources by cluster size, from the vendor's table: `small` (100-500 pods: memory 2Gi request / 8Gi limit), `medium` (500-1000: 4Gi / 12Gi), `large` (1000 or more: 4Gi / 16Gi); CPU 500m / 1000m.",
        type: "string",
        default: "small",
        description:
            "Prometheus server resources by cluster size, as the vendor sizes them: small (100-500 pods), medium (500-1000), large (1000 or more).",
        schema: { enum: ["small", "medium", "large"] },
        allowed: "small, medium, large",
    },
    {
        key: "prometheus.storageClass",
        doc: "`prometheus.server.persistentVolume.storageClass` (needs the EBS CSI driver).",
        type: "string",
        default: "gp2",
        description:
            "StorageClass of the Prometheus server's volume (prometheus.server.persistentVolume.storageClass); needs the EBS CSI driver.",
        schema: { type: "string", pattern: "^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$" },
        allowed: "a StorageClass name such as gp2 or gp3",
    },
    {
        key: "prometheus.nodeSelector",
        doc: "`prometheus.server.nodeSelector`; the vendor recommends on-demand nodes, e.g. `karpenter.sh/capacity-type: on-demand`.",
        type: "structured",
        shape: shape<Record<string, string>>(),
        default: {},
        description:
            "Node labels the Prometheus server must run on (prometheus.server.nodeSelector), e.g. karpenter.sh/capacity-type: on-demand.",
        schema: {
            type: "object",
            additionalProperties: { type: "string", maxLength: 63 },
            propertyNames: { minLength: 1, maxLength: 316 },
        },
        allowed: "a map of node label names to values",
    },
    {
        key: "prometheus.tolerations",
        doc: "`prometheus.server.tolerations`, a YAML list of Kubernetes tolerations.",
        type: "structured",
        shape: shape<Toleration[]>(),
        default: "",
        description:
            "Tolerations of the Prometheus server (prometheus.server.tolerations), as a YAML list of Kubernetes tolerations.",
        schema: {
            type: "array",
            items: {
                type: "object",
                additionalProperties: false,
                properties: {
                    key: { type: "string" },
                    operator: { enum: ["Exists", "Equal"] },
                    value: { type: "string" },
                    effect: { enum: ["NoSchedule", "PreferNoSchedule", "NoExecute"] },
                    tolerationSeconds: { type: "integer" },
                },
            },
        },
        allowed:
            "a list of tolerations ({key, operator: Exists|Equal, value, effect: NoSchedule|PreferNoSchedule|NoExecute, tolerationSeconds})",
    },
] as const satisfies readonly ConfigKeySpec[];
