/** Container Insights for EKS Fargate's config keys (`addons.fargateInsights.*`). */
import { CLUSTER_GLOBS_SCHEMA, LOG_RETENTION_RULE } from "../../../config/keys/patterns";
import { AddonConfig, shape } from "../../../config/keys/spec";
import type { FargateProfileLookup } from "./profiles";
import type { FargateInsightsStatus } from "./status";

export const fargateInsightsConfig = {
    name: "fargateInsights",
    keys: [
        {
            key: "addons.fargateInsights.enabled",
            doc: "Install Container Insights for EKS Fargate in the clusters that get the agent, match the globs below and run Fargate (see [Add-on: Fargate Container Insights](addons.md#add-on-fargate-container-insights)).",
            type: "boolean",
            default: false,
            description:
                "Install Container Insights for EKS Fargate (an ADOT collector) in the selected clusters that match addons.fargateInsights.include/exclude and run Fargate.",
            schema: { type: "boolean" },
            allowed: "true or false",
        },
        {
            key: "addons.fargateInsights.include",
            doc: "Name globs, within the clusters that get the agent, of those that get it when they have a Fargate profile; blank means all of them.",
            type: "structured",
            shape: shape<string[]>(),
            default: "",
            description:
                "Name globs of the selected clusters that get Fargate Container Insights when they have a Fargate profile. Blank means all of them.",
            schema: CLUSTER_GLOBS_SCHEMA,
            allowed: "cluster name globs such as prod-*",
        },
        {
            key: "addons.fargateInsights.exclude",
            doc: "Name globs of clusters that never get it; wins over `include` and `alwaysInclude`.",
            type: "structured",
            shape: shape<string[]>(),
            default: "",
            description:
                "Name globs of clusters that never get Fargate Container Insights; wins over include and alwaysInclude.",
            schema: CLUSTER_GLOBS_SCHEMA,
            allowed: "cluster name globs such as sandbox-*",
        },
        {
            key: "addons.fargateInsights.alwaysInclude",
            doc: "Name globs of clusters that get it even without a Fargate profile yet (opt in by glob).",
            type: "structured",
            shape: shape<string[]>(),
            default: "",
            description:
                "Name globs of selected clusters that get Fargate Container Insights even without a Fargate profile yet.",
            schema: CLUSTER_GLOBS_SCHEMA,
            allowed: "cluster name globs such as serverless-*",
        },
        {
            key: "addons.fargateInsights.logRetentionDays",
            doc: "Days the `/aws/containerinsights/<cluster>/performance` log groups are kept (one of CloudWatch's retention periods).",
            type: "integer",
            default: 30,
            description: "Days the /aws/containerinsights/<cluster>/performance log groups are kept.",
            ...LOG_RETENTION_RULE,
        },
    ] as const,
    images: [
        // aws-observability/aws-otel-collector v0.49.0: the release whose deployment-template/eks/otel-fargate-container-insights.yaml
        // the Fargate collector configuration follows (collectorConfig.ts).
        {
            component: "adotCollector",
            addon: "fargateInsights",
            repository: "public.ecr.aws/aws-observability/aws-otel-collector",
            tag: "v0.49.0",
        },
    ],
    status: shape<{
        /** Container Insights for EKS Fargate, where addons.fargateInsights is on and its globs select the cluster. */
        fargateInsights?: FargateInsightsStatus;
    }>(),
    reads: shape<{
        /** Whether a cluster has a Fargate profile: the lookup over EKS (awsReads), or a fake in tests. */
        fargateProfiles?: FargateProfileLookup;
    }>(),
} satisfies AddonConfig;
