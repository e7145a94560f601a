import * as pulumi from "@pulumi/pulumi";
import { AgentOptions, PrometheusOptions } from "../../config";
import { CHART_IMAGES, imageValues } from "../../images/catalog";
import { isPlainObject } from "../../common/objects";
import { PROMETHEUS_RESOURCES } from "./vendorChart";

/** EC2 instance families with NVIDIA GPUs that EKS runs. */
export const NVIDIA_GPU_FAMILIES = [
    "p3",
    "p3dn",
    "p4d",
    "p4de",
    "p5",
    "p5e",
    "p5en",
    "p6-b200",
    "g4dn",
    "g5",
    "g6",
    "g6e",
    "gr6",
    "g5g",
];

/** The DCGM exporter runs only where one of these says "NVIDIA GPU here" (terms are ORed). */
export function gpuNodeAffinity() {
    return {
        nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                    { matchExpressions: [{ key: "nvidia.com/gpu.present", operator: "In", values: ["true"] }] },
                    {
                        matchExpressions: [
                            { key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gt", values: ["0"] },
                        ],
                    },
                    {
                        matchExpressions: [
                            { key: "karpenter.k8s.aws/instance-family", operator: "In", values: NVIDIA_GPU_FAMILIES },
                        ],
                    },
                    {
                        matchExpressions: [
                            { key: "eks.amazonaws.com/instance-family", operator: "In", values: NVIDIA_GPU_FAMILIES },
                        ],
                    },
                ],
            },
        },
    };
}

export type AgentIdentity =
    | { kind: "irsa"; roleArn: string; serviceAccount: string }
    /** EKS Pod Identity: the association names the service account, so the chart gets no role annotation. */
    | { kind: "podIdentity"; serviceAccount: string }
    | { kind: "iamUser"; accessKeyId: pulumi.Output<string>; secretAccessKey: pulumi.Output<string> };

/** Merges `over` into `base`: maps recursively, anything else (lists, scalars, Outputs) replaced. */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
    const merged: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(over)) {
        merged[key] = isPlainObject(value) && isPlainObject(base[key]) ? deepMerge(base[key], value) : value;
    }
    return merged;
}

/** KarpenOps as one cluster gets it: on with its id, or off, with a warning when it was asked for. */
export interface KarpenopsDecision {
    clusterId?: string;
    warning?: string;
}

/**
 * KarpenOps needs the account's API key and the platform's id for the cluster (looked up by ARN, then by name).
 * Without either the cluster gets the agent with KarpenOps off, and the warning names the missing key.
 */
export function karpenopsFor(
    cluster: { name: string; region: string; arn: string },
    agent: AgentOptions,
    hasApiKey: boolean,
): KarpenopsDecision {
    if (!agent.karpenops) {
        return {};
    }
    const where = `cluster ${cluster.name} (${cluster.region})`;
    if (!hasApiKey) {
        return {
            warning: `${where}: KarpenOps is off: container-insights:karpenopsApiKey is not set (pulumi config set --secret container-insights:karpenopsApiKey <key>)`,
        };
    }
    const clusterId = agent.karpenopsClusterIds[cluster.arn] ?? agent.karpenopsClusterIds[cluster.name];
    if (clusterId === undefined) {
        return {
            warning:
                `${where}: KarpenOps is off: container-insights:agent.karpenopsClusterIds has no id for ${cluster.arn} or ${cluster.name} ` +
                `(pulumi config set --path 'container-insights:agent.karpenopsClusterIds["${cluster.name}"]' <id from the platform>)`,
        };
    }
    return { clusterId };
}

/** Every image's values, each tag as pinned (`<tag>@sha256:...`) or as configured when unpinned images are allowed. */
export function allImageValues(tags: Record<string, string>): Record<string, unknown> {
    return CHART_IMAGES.reduce<Record<string, unknown>>(
        (values, image) => deepMerge(values, imageValues(image, tags[image.component])),
        {},
    );
}

/** What the chart values of one cluster are made of. */
export interface AgentValuesArgs {
    clusterArn: string;
    bucketName: string;
    /** The Datadog API key, a Pulumi secret; it reaches the cluster only inside the chart's values. */
    datadogApiKey: pulumi.Output<string>;
    /** The KarpenOps API key (a Pulumi secret) and this cluster's KarpenOps id; absent: KarpenOps off. */
    karpenops?: { apiKey: pulumi.Output<string>; clusterId: string };
    identity: AgentIdentity;
    agent: AgentOptions;
    prometheus: PrometheusOptions;
    /** Tag per chart image, pinned by digest (images/pin.ts). */
    imageTags: Record<string, string>;
}

/** The chart values for one cluster. Secrets stay Pulumi secrets inside the values. */
export function agentValues(args: AgentValuesArgs): Record<string, unknown> {
    const { agent, prometheus } = args;
    const containerInsights: Record<string, unknown> = {
        enabled: agent.containerInsights,
        debug: agent.debug,
        env_variables: { APP_NOPS_K8S_AGENT_CLUSTER_ARN: args.clusterArn, APP_AWS_S3_BUCKET: args.bucketName },
    };
    if (args.identity.kind === "irsa") {
        containerInsights.serviceAccount = {
            name: args.identity.serviceAccount,
            annotations: { "eks.amazonaws.com/role-arn": args.identity.roleArn },
        };
    } else if (args.identity.kind === "podIdentity") {
        containerInsights.serviceAccount = { name: args.identity.serviceAccount };
    } else {
        containerInsights.secrets = {
            useAwsCredentials: true,
            awsAccessKeyId: pulumi.secret(args.identity.accessKeyId),
            awsSecretAccessKey: pulumi.secret(args.identity.secretAccessKey),
        };
    }
    const ours = {
        datadog: { apiKey: pulumi.secret(args.datadogApiKey) },
        containerInsights,
        karpenops: args.karpenops
            ? { enabled: true, apiKey: pulumi.secret(args.karpenops.apiKey), clusterId: args.karpenops.clusterId }
            : { enabled: false },
        dataFetcher: { enabled: agent.dataFetcher },
        // Pulumi pins the chart version and every image; an in-cluster updater would fight every deploy.
        autoUpdater: { enabled: false },
        opencost: { loglevel: agent.opencostLogLevel },
        dcgmExporter: { enabled: true, affinity: gpuNodeAffinity() },
        prometheus: {
            ipv6_enabled: agent.ipv6,
            server: {
                persistentVolume: { storageClass: prometheus.storageClass },
                resources: prometheusResources(prometheus.size),
                nodeSelector: prometheus.nodeSelector,
                tolerations: prometheus.tolerations,
            },
        },
    };
    return deepMerge(deepMerge(ours, allImageValues(args.imageTags)), agent.values);
}

function prometheusResources(size: PrometheusOptions["size"]) {
    const { requests, limits } = PROMETHEUS_RESOURCES[size];
    return { requests: { ...requests }, limits: { ...limits } };
}
