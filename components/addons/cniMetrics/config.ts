/** The cni-metrics-helper's config keys (`addons.cniMetrics.*`) and its rules across keys. */
import { fullKey } from "../../../config/keys/naming";
import { CLUSTER_GLOBS_SCHEMA } from "../../../config/keys/patterns";
import { AddonConfig, shape } from "../../../config/keys/spec";
import { CNI_METRICS_IMAGE } from "./image";

export const cniMetricsConfig = {
    name: "cniMetrics",
    keys: [
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
            schema: {
                type: "string",
                pattern: "^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?$",
            },
            allowed: "an SNS topic ARN such as arn:aws:sns:us-east-1:111122223333:ops-alarms",
        },
    ] as const,
    regionalImages: [CNI_METRICS_IMAGE],
    problems: cniMetricsProblems,
} satisfies AddonConfig;

/** The add-on's rules across keys: one alarm destination, in the clusters' region, and a whole stack. */
function cniMetricsProblems(values: Readonly<Record<string, unknown>>, context: { awsRegion?: string }): string[] {
    const problems: string[] = [];
    if (values["fleet.part"] === "clusters" && values["addons.cniMetrics.enabled"] === true) {
        problems.push(
            `${fullKey("addons.cniMetrics.enabled")}: the add-on's permissions boundary is one per account stack, so it cannot be split over cluster stacks yet; turn it off in a fleet, or deploy one whole stack (${fullKey("fleet.part")} whole)`,
        );
    }
    const topicArn = values["addons.cniMetrics.alarmTopicArn"] as string | undefined;
    const regions = (values.includeRegions as string[] | undefined)?.length
        ? (values.includeRegions as string[])
        : [context.awsRegion];
    const topicRegion = topicArn?.split(":")[3];
    const elsewhere = regions.filter((r): r is string => r !== undefined && r !== topicRegion);
    if (
        topicArn &&
        values["addons.cniMetrics.enabled"] === true &&
        values["addons.cniMetrics.freeIpAlarmPercent"] !== 0 &&
        elsewhere.length > 0
    ) {
        problems.push(
            `${fullKey("addons.cniMetrics.alarmTopicArn")}: ${JSON.stringify(topicArn)} is in ${topicRegion}, but clusters of ${elsewhere.join(", ")} ` +
                "would alarm to it, and a CloudWatch alarm notifies only a topic of its own region; leave it blank (the stack makes a topic per region) " +
                "or onboard only that region",
        );
    }
    if (
        values["addons.cniMetrics.alarmEmail"] !== undefined &&
        values["addons.cniMetrics.alarmTopicArn"] !== undefined
    ) {
        problems.push(
            `${fullKey("addons.cniMetrics.alarmEmail")} and ${fullKey("addons.cniMetrics.alarmTopicArn")} are both set: the email is ` +
                "subscribed to the stack's own topic, which is not created when alarmTopicArn names an existing one; set one of them",
        );
    }
    return problems;
}
