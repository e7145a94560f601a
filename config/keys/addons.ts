import { ConfigKeySpec, shape } from "./spec";
import { CLUSTER_GLOBS_SCHEMA, LOG_RETENTION_DAYS } from "./patterns";

/** The optional add-ons (`addons.<name>.*`). */
export const ADDON_KEYS = [
    {
        key: "addons.cniMetrics.enabled",
        doc: "Install the cni-metrics-helper in the clusters that get the agent and match the two globs below (see [Add-on: CNI metrics](addons.md#add-on-cni-metrics)).",
        type: "boolean",
        default: false,
        description:
            "Install the cni-metrics-helper (VPC CNI IP and ENI metrics to CloudWatch) in the selected clusters that match addons.cniMetrics.include/exclude.",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "addons.cniMetrics.include",
        doc: "Name globs, within the clusters that get the agent, of those that get the cni-metrics-helper; blank means all of them.",
        type: "structured",
        shape: shape<string[]>(),
        default: "",
        description:
            "Name globs of the selected clusters that get the cni-metrics-helper (comma list or YAML list). Blank means all of them.",
        schema: CLUSTER_GLOBS_SCHEMA,
        allowed: "cluster name globs such as prod-*",
    },
    {
        key: "addons.cniMetrics.exclude",
        doc: "Name globs of clusters that never get the cni-metrics-helper; wins over `addons.cniMetrics.include`.",
        type: "structured",
        shape: shape<string[]>(),
        default: "",
        description:
            "Name globs of clusters that never get the cni-metrics-helper; wins over addons.cniMetrics.include.",
        schema: CLUSTER_GLOBS_SCHEMA,
        allowed: "cluster name globs such as sandbox-*",
    },
    {
        key: "addons.cniMetrics.freeIpAlarmPercent",
        doc: "A CloudWatch alarm per cluster when its free IPs (`totalIPAddresses` − `assignIPAddresses`) fall below this percentage of `maxIPAddresses`; `0`: no alarm.",
        type: "integer",
        default: 10,
        description:
            "Alarm per cluster when its free IPs (totalIPAddresses - assignIPAddresses) fall below this percentage of maxIPAddresses. 0: no alarm.",
        schema: { type: "integer", minimum: 0, maximum: 99 },
        allowed: "a whole percentage from 0 to 99",
    },
    {
        key: "addons.cniMetrics.alarmEmail",
        doc: "An email address subscribed to the stack's alarm topic (AWS mails a confirmation link first). Not together with `alarmTopicArn`.",
        type: "string",
        default: "",
        description:
            "Email address subscribed to the stack's alarm topic (AWS sends a confirmation mail first). Blank: no subscription.",
        schema: { type: "string", pattern: "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", maxLength: 254 },
        allowed: "an email address such as ops@example.com",
    },
    {
        key: "addons.cniMetrics.alarmTopicArn",
        doc: "An existing SNS topic the alarms notify instead of the stack's own topic.",
        type: "string",
        default: "",
        description:
            "An existing SNS topic the alarms notify instead of a topic created by the stack (in the clusters' region).",
        schema: { type: "string", pattern: "^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?$" },
        allowed: "an SNS topic ARN such as arn:aws:sns:us-east-1:111122223333:ops-alarms",
    },
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
        schema: { enum: [...LOG_RETENTION_DAYS] },
        allowed: `one of CloudWatch's retention periods: ${LOG_RETENTION_DAYS.join(", ")}`,
    },
] as const satisfies readonly ConfigKeySpec[];
