import { ConfigKeySpec, shape } from "./spec";
import { CLUSTER_GLOBS_SCHEMA, LOG_RETENTION_RULE } from "./patterns";

/** The agent's Kubernetes identity, the reconciler's logs, and which clusters get the agent. */
export const CLUSTER_KEYS = [
    {
        key: "agentNamespace",
        doc: "Kubernetes namespace of the agent; the per-cluster roles trust its service account there.",
        type: "string",
        default: "nops",
        description: "Kubernetes namespace of the agent; the per-cluster roles trust its service account there.",
        schema: { type: "string", pattern: "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$" },
        allowed: "a Kubernetes namespace name (lower-case letters, digits and -, at most 63 characters)",
    },
    {
        key: "agentServiceAccount",
        doc: "The agent's service account; the per-cluster roles trust `system:serviceaccount:<agentNamespace>:<agentServiceAccount>`.",
        type: "string",
        default: "nops-container-insights",
        description: "Service account of the agent; the per-cluster roles trust it.",
        schema: { type: "string", pattern: "^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$" },
        allowed: "a Kubernetes service account name (lower-case letters, digits, - and .)",
    },
    {
        key: "logRetentionDays",
        doc: "Days the reconciler's CloudWatch logs are kept (one of CloudWatch's retention periods).",
        type: "integer",
        default: 30,
        description: "Days the reconciler functions' CloudWatch logs are kept.",
        ...LOG_RETENTION_RULE,
    },
    {
        key: "clusters.include",
        doc: "Name globs of the clusters that get the agent (comma list or YAML list); blank means all.",
        type: "structured",
        shape: shape<string[]>(),
        default: "",
        description:
            "Name globs of the clusters that get the agent (comma list or YAML list). Blank means every cluster.",
        schema: CLUSTER_GLOBS_SCHEMA,
        allowed: "cluster name globs such as prod-* or team-?-eks",
    },
    {
        key: "clusters.exclude",
        doc: "Name globs of clusters that never get the agent; wins over `clusters.include`.",
        type: "structured",
        shape: shape<string[]>(),
        default: "",
        description: "Name globs of clusters that never get the agent; wins over clusters.include.",
        schema: CLUSTER_GLOBS_SCHEMA,
        allowed: "cluster name globs such as sandbox-*",
    },
    {
        key: "clusters.tags",
        doc: 'Only clusters carrying all these tags get the agent, e.g. `insights: "on"`.',
        type: "structured",
        shape: shape<Record<string, string>>(),
        default: {},
        description: "Only clusters carrying all of these tags get the agent (a YAML map, e.g. insights: on).",
        schema: { type: "object", additionalProperties: { type: "string" } },
        allowed: "a map of tag names to the values they must have",
    },
    {
        key: "clusters.assumeRoleArn",
        doc: "Role assumed by `aws eks get-token --role-arn` to reach the clusters' API.",
        type: "string",
        default: "",
        description:
            "Role the deploying identity assumes to reach the clusters' Kubernetes API (aws eks get-token --role-arn).",
        schema: { type: "string", pattern: "^(arn:aws[a-z-]*:iam::[0-9]{12}:role/.+)?$" },
        allowed: "an IAM role ARN",
    },
] as const satisfies readonly ConfigKeySpec[];
