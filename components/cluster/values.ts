import * as pulumi from "@pulumi/pulumi";
import { AgentOptions } from "../../config";

/** EC2 instance families with NVIDIA GPUs that EKS runs. */
export const NVIDIA_GPU_FAMILIES = ["p3", "p3dn", "p4d", "p4de", "p5", "p5e", "p5en", "p6-b200", "g4dn", "g5", "g6", "g6e", "gr6", "g5g"];

/** The DCGM exporter runs only where one of these says "NVIDIA GPU here" (terms are ORed). */
export function gpuNodeAffinity() {
    return {
        nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                    { matchExpressions: [{ key: "nvidia.com/gpu.present", operator: "In", values: ["true"] }] },
                    { matchExpressions: [{ key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gt", values: ["0"] }] },
                    { matchExpressions: [{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: NVIDIA_GPU_FAMILIES }] },
                    { matchExpressions: [{ key: "eks.amazonaws.com/instance-family", operator: "In", values: NVIDIA_GPU_FAMILIES }] },
                ],
            },
        },
    };
}

export type AgentIdentity =
    | { kind: "irsa"; roleArn: string; serviceAccount: string }
    | { kind: "iamUser"; accessKeyId: pulumi.Output<string>; secretAccessKey: pulumi.Output<string> };

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;

/** Merges `over` into `base`: maps recursively, anything else (lists, scalars, Outputs) replaced. */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
    const merged: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(over)) {
        merged[key] = isPlainObject(value) && isPlainObject(base[key]) ? deepMerge(base[key] as Record<string, unknown>, value) : value;
    }
    return merged;
}

/** The chart values for one cluster. Secrets stay Pulumi secrets inside the values. */
export function agentValues(args: {
    clusterArn: string;
    bucketName: string;
    token: pulumi.Output<string>;
    identity: AgentIdentity;
    agent: AgentOptions;
}): Record<string, unknown> {
    const containerInsights: Record<string, unknown> = {
        enabled: true,
        env_variables: { APP_NOPS_K8S_AGENT_CLUSTER_ARN: args.clusterArn, APP_AWS_S3_BUCKET: args.bucketName },
    };
    if (args.identity.kind === "irsa") {
        containerInsights.serviceAccount = {
            name: args.identity.serviceAccount,
            annotations: { "eks.amazonaws.com/role-arn": args.identity.roleArn },
        };
    } else {
        containerInsights.secrets = {
            useAwsCredentials: true,
            awsAccessKeyId: pulumi.secret(args.identity.accessKeyId),
            awsSecretAccessKey: pulumi.secret(args.identity.secretAccessKey),
        };
    }
    const ours = {
        nops: { apiKey: pulumi.secret(args.token) },
        containerInsights,
        karpenops: { enabled: args.agent.karpenops, clusterId: args.clusterArn },
        dataFetcher: { enabled: args.agent.dataFetcher },
        // Pulumi pins the chart version; an in-cluster updater would fight every deploy.
        autoUpdater: { enabled: false },
        dcgmExporter: { enabled: true, affinity: gpuNodeAffinity() },
    };
    return deepMerge(ours, args.agent.values);
}
