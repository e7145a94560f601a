/**
 * Every config key the program reads, in one table. Pulumi.yaml, the README, the validator, the parsed config's
 * TypeScript type (config/values.ts) and the Automation API all follow this table (test/project-files.test.ts holds
 * Pulumi.yaml and the README to it).
 *
 * A dotted key such as `agent.karpenops` is a field of an object-valued key (`agent`): Pulumi.yaml declares it
 * dotted, the CLI merges its default into the object as a property path, `pulumi config set --path` sets it, and
 * the program receives `container-insights:agent` as one JSON object (see config/cliConfig.ts). The parsed config
 * mirrors that: `agent.karpenops` is `config.agent.karpenops`; a deeper key such as `addons.cni.enabled` is
 * `config.addons.cni.enabled`.
 *
 * Adding a key: add a row below (a new object-valued key needs nothing else: its fields' rows make it), then
 * `npx ts-node --transpile-only scripts/pulumi-yaml-config.ts` for Pulumi.yaml's config block, a row in the README config table, and the key in the exact
 * expected map of test/stacks.test.ts; a secret one also in automation/request.ts SECRET_CONFIG_KEYS. Its parsed
 * type follows from the row: `type` (and an `enum` in its schema) for single values, `shape: shape<T>()` for
 * structured ones; optional (`?`) when its default is blank; required while another key has a value: `requiredWhen`.
 */
import { ENVIRONMENTS } from "./environments";
import { CHART_IMAGES, TAG_PATTERN } from "../images/catalog";
import { IDENTITY_MODES } from "../common/identity";
import { resolveIdentityMode } from "./identityMode";

export const NAMESPACE = "container-insights";

/** The value types Pulumi.yaml can declare; `structured` keys accept a YAML list or map and are declared untyped. */
export type ConfigValueType = "string" | "boolean" | "integer" | "structured";

declare const SHAPE: unique symbol;
/** The TypeScript type of a structured key's value, which its schema describes at run time. */
export interface Shape<T> {
    readonly [SHAPE]?: T;
}
/** Declares a structured key's value type (`shape: shape<Record<string, string>>()`); nothing at run time. */
export function shape<T>(): Shape<T> {
    return {};
}

/** Another key's value that makes a key required (`externalId` while `autoUpdate` is true). */
export interface Requirement {
    /** The key it depends on (dotted for a field of an object-valued key). */
    key: string;
    /** Required while that key has this value... */
    is?: string | boolean;
    /** ...or while it has any value but this one. */
    isNot?: string | boolean;
    /** Why it is needed, quoted in the error. */
    because?: string;
    /** How to do without it, quoted in the error after "or". */
    otherwise?: string;
}

interface KeySpecFields {
    key: string;
    description: string;
    /** The default as Pulumi.yaml declares it; absent only for required keys (the Pulumi CLI then demands a value). */
    default?: string | boolean | number | Record<string, never>;
    required?: boolean;
    /** Required while another key has a value; the parsed config's type says so (config/values.ts). */
    requiredWhen?: Requirement;
    /**
     * Treated as a secret: wrapped as a Pulumi secret when read and never shown in errors. Pulumi.yaml marks it
     * `secret: true` only when the key is required, since the CLI then insists the stored value is encrypted.
     */
    secret?: boolean;
    /** JSON Schema for the value after it has been coerced from its config string. */
    schema: Record<string, unknown>;
    /** What an allowed value looks like, quoted in error messages. */
    allowed: string;
    /** Applied to a string value before it is validated (e.g. upper-casing). */
    normalize?: (value: string) => string;
    /** What a blank value means, from the other keys' values (identityMode from createIamUser). */
    blankMeans?: (values: Readonly<Record<string, unknown>>) => unknown;
}

/** A key's row; a structured key declares its TypeScript type (`shape: shape<T>()`), since its schema alone cannot. */
export type ConfigKeySpec = KeySpecFields &
    (
        | { type: "structured"; shape: Shape<unknown> }
        | { type: Exclude<ConfigValueType, "structured">; shape?: undefined }
    );

/** A toleration of the Prometheus server, as its schema below allows it. */
export interface Toleration {
    key?: string;
    operator?: "Exists" | "Equal";
    value?: string;
    effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
    tolerationSeconds?: number;
}

export const AWS_REGION_PATTERN = "^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}$";
const IAM_NAME_PATTERN = "^[A-Za-z0-9+=,.@_-]{1,64}$";
const ACCOUNT_ID_PATTERN = "^[0-9]{12}$";
/** The retention periods CloudWatch Logs accepts (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
const CLUSTER_GLOBS_SCHEMA = { type: "array", items: { type: "string", minLength: 1, maxLength: 100 } };

/** The table as written: config/values.ts computes the parsed config's type from its literal types. */
export const KEY_TABLE = [
    {
        key: "environment",
        type: "string",
        default: "PROD",
        description:
            "Platform environment to onboard to: PROD or UAT. Selects the platform account, API host and SQS queues.",
        schema: { enum: [...ENVIRONMENTS] },
        allowed: ENVIRONMENTS.join(", "),
        normalize: (value: string) => value.toUpperCase(),
    },
    {
        key: "includeRegions",
        type: "structured",
        shape: shape<string[]>(),
        default: "",
        description:
            "Regions whose EKS clusters are onboarded: a comma-separated list or a YAML list. Blank means the stack's aws:region.",
        schema: { type: "array", items: { type: "string", pattern: AWS_REGION_PATTERN }, uniqueItems: true },
        allowed: "AWS region names such as us-east-1 or eu-west-2",
    },
    {
        key: "roleName",
        type: "string",
        required: true,
        description: "Name of the existing platform integration IAM role that receives the bucket read policy.",
        schema: { type: "string", pattern: IAM_NAME_PATTERN },
        allowed: "an IAM role name: 1-64 characters of letters, digits and + = , . @ _ -",
    },
    {
        key: "createIamUser",
        type: "boolean",
        default: false,
        description: "Create the IAM user nops-container-cost-s3 with an access key instead of per-cluster IRSA roles.",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "identityMode",
        type: "string",
        default: "",
        description:
            "How the agents get AWS credentials: irsa (a role per cluster), podIdentity (one role, an EKS Pod Identity association per cluster), iamUser, or auto (Pod Identity where the eks-pod-identity-agent add-on is, else IRSA where the OIDC provider is registered). Blank means iamUser when createIamUser is true, else irsa.",
        schema: { enum: [...IDENTITY_MODES] },
        allowed: IDENTITY_MODES.join(", "),
        blankMeans: resolveIdentityMode,
    },
    {
        key: "installPodIdentityAgent",
        type: "boolean",
        default: false,
        description:
            "Install the eks-pod-identity-agent add-on on clusters that lack it (identityMode podIdentity or auto).",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "token",
        type: "string",
        default: "",
        secret: true,
        description:
            "Platform API token. Set it with `pulumi config set --secret container-insights:token`. Required unless identityMode is iamUser (which sends no onboarding confirmation).",
        schema: { type: "string", minLength: 1 },
        allowed: "a non-empty secret string",
        requiredWhen: { key: "identityMode", isNot: "iamUser" },
    },
    {
        key: "autoUpdate",
        type: "boolean",
        default: true,
        description: "Create the cross-account role the platform assumes to keep this stack's resources up to date.",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "externalId",
        type: "string",
        default: "",
        secret: true,
        description:
            "External id the platform presents when it assumes the auto-update role. Required when autoUpdate is true.",
        schema: { type: "string", pattern: "^[A-Za-z0-9+=,.@:/_-]{2,1224}$" },
        allowed: "2-1224 characters of letters, digits and + = , . @ : / _ -",
        requiredWhen: { key: "autoUpdate", is: true, otherwise: "set autoUpdate to false" },
    },
    {
        key: "datadogApiKey",
        type: "string",
        default: "",
        secret: true,
        description:
            "Datadog API key the platform issues at onboarding (chart value datadog.apiKey). Required while agent.install is true.",
        schema: { type: "string", minLength: 1 },
        allowed: "a non-empty secret string",
        requiredWhen: {
            key: "agent.install",
            is: true,
            because: "the chart's datadog.apiKey, issued by the platform",
            otherwise: "set agent.install to false",
        },
    },
    {
        key: "karpenopsApiKey",
        type: "string",
        default: "",
        secret: true,
        description:
            "KarpenOps API key the platform issues (chart value karpenops.apiKey). Without it KarpenOps stays off everywhere.",
        schema: { type: "string", minLength: 1 },
        allowed: "a non-empty secret string",
    },
    {
        key: "kmsKeyId",
        type: "string",
        default: "",
        description: "KMS key id or ARN for the bucket's default encryption. Blank means SSE-S3 (AES256).",
        schema: {
            type: "string",
            pattern: "^(arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/.+|alias/.+|[0-9a-f-]{36})?$",
        },
        allowed: "a KMS key id, key ARN, alias/NAME or alias ARN",
    },
    {
        key: "retainBucket",
        type: "boolean",
        default: true,
        description:
            "Keep the bucket, its data and its settings when the stack is destroyed. false (then pulumi up) lets pulumi destroy empty and delete it.",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "adopt",
        type: "boolean",
        default: false,
        description:
            "Import the bucket and the IAM user that already exist (the vendor's CloudFormation left them) as they are; set it back to false and run pulumi up again to bring them to this stack's settings.",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "lifecycleDays",
        type: "integer",
        default: 0,
        description: "Delete the agents' Parquet files after this many days. 0 keeps them forever.",
        schema: { type: "integer", minimum: 0, maximum: 36500 },
        allowed: "a whole number of days from 0 to 36500",
    },
    {
        key: "tags",
        type: "structured",
        shape: shape<Record<string, string>>(),
        default: {},
        description: "Tags added to every taggable resource, as a YAML map or a JSON object of strings.",
        schema: {
            type: "object",
            additionalProperties: { type: "string", maxLength: 256 },
            propertyNames: { minLength: 1, maxLength: 128, not: { pattern: "^aws:" } },
        },
        allowed: "a map of tag names (1-128 characters, not starting with aws:) to string values",
    },
    {
        key: "agentNamespace",
        type: "string",
        default: "nops",
        description: "Kubernetes namespace of the agent; the per-cluster roles trust its service account there.",
        schema: { type: "string", pattern: "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$" },
        allowed: "a Kubernetes namespace name (lower-case letters, digits and -, at most 63 characters)",
    },
    {
        key: "agentServiceAccount",
        type: "string",
        default: "nops-container-insights",
        description: "Service account of the agent; the per-cluster roles trust it.",
        schema: { type: "string", pattern: "^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$" },
        allowed: "a Kubernetes service account name (lower-case letters, digits, - and .)",
    },
    {
        key: "logRetentionDays",
        type: "integer",
        default: 30,
        description: "Days the reconciler functions' CloudWatch logs are kept.",
        schema: { enum: [...LOG_RETENTION_DAYS] },
        allowed: `one of CloudWatch's retention periods: ${LOG_RETENTION_DAYS.join(", ")}`,
    },
    {
        key: "clusters.include",
        type: "structured",
        shape: shape<string[]>(),
        default: "",
        description:
            "Name globs of the clusters that get the agent (comma list or YAML list). Blank means every cluster.",
        schema: { type: "array", items: { type: "string", minLength: 1, maxLength: 100 } },
        allowed: "cluster name globs such as prod-* or team-?-eks",
    },
    {
        key: "clusters.exclude",
        type: "structured",
        shape: shape<string[]>(),
        default: "",
        description: "Name globs of clusters that never get the agent; wins over clusters.include.",
        schema: { type: "array", items: { type: "string", minLength: 1, maxLength: 100 } },
        allowed: "cluster name globs such as sandbox-*",
    },
    {
        key: "clusters.tags",
        type: "structured",
        shape: shape<Record<string, string>>(),
        default: {},
        description: "Only clusters carrying all of these tags get the agent (a YAML map, e.g. insights: on).",
        schema: { type: "object", additionalProperties: { type: "string" } },
        allowed: "a map of tag names to the values they must have",
    },
    {
        key: "clusters.assumeRoleArn",
        type: "string",
        default: "",
        description:
            "Role the deploying identity assumes to reach the clusters' Kubernetes API (aws eks get-token --role-arn).",
        schema: { type: "string", pattern: "^(arn:aws[a-z-]*:iam::[0-9]{12}:role/.+)?$" },
        allowed: "an IAM role ARN",
    },
    {
        key: "agent.install",
        type: "boolean",
        default: true,
        description: "Install the agent chart in every selected cluster. false manages the AWS side only.",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "agent.chart",
        type: "string",
        default: "oci://public.ecr.aws/nops/kubernetes-agent",
        description: "Chart reference of the agent (an oci:// reference or a local path).",
        schema: { type: "string", minLength: 1 },
        allowed: "a Helm chart reference such as oci://public.ecr.aws/nops/kubernetes-agent",
    },
    {
        key: "agent.chartVersion",
        type: "string",
        default: "0.0.67",
        description: "Pinned version of the agent chart; Pulumi owns upgrades, so the in-cluster auto-updater is off.",
        schema: { type: "string", pattern: "^v?[0-9]+\\.[0-9]+\\.[0-9]+([-+][0-9A-Za-z.-]+)?$" },
        allowed: "a semantic version such as 0.0.67",
    },
    {
        key: "agent.karpenops",
        type: "boolean",
        default: false,
        description:
            "Install KarpenOps (karpenops.enabled) in clusters that have an id in agent.karpenopsClusterIds; needs karpenopsApiKey and Karpenter.",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "agent.karpenopsClusterIds",
        type: "structured",
        shape: shape<Record<string, string>>(),
        default: {},
        description:
            "KarpenOps cluster id per cluster (chart value karpenops.clusterId), keyed by cluster ARN or name, as the platform issues them.",
        schema: {
            type: "object",
            additionalProperties: { type: "string", pattern: "^[A-Za-z0-9/+=_.:-]{1,128}$" },
            propertyNames: { minLength: 1, maxLength: 256 },
        },
        allowed: "a map of cluster ARNs or names to KarpenOps cluster ids such as D/M7Yj",
    },
    {
        key: "agent.containerInsights",
        type: "boolean",
        default: true,
        description: "Install the Container Insights agent (containerInsights.enabled).",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "agent.debug",
        type: "boolean",
        default: false,
        description: "Debug mode of the Container Insights agent (containerInsights.debug).",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "agent.opencostLogLevel",
        type: "string",
        default: "info",
        description: "Log level of OpenCost (opencost.loglevel).",
        schema: { enum: ["trace", "debug", "info", "warn", "error"] },
        allowed: "trace, debug, info, warn, error",
    },
    {
        key: "agent.ipv6",
        type: "boolean",
        default: false,
        description: "The clusters use IPv6 (prometheus.ipv6_enabled).",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "agent.allowUnpinnedImages",
        type: "boolean",
        default: false,
        description:
            "Install images that images/images.lock.json does not pin, by tag. Off: the program refuses and names them.",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "agent.dataFetcher",
        type: "boolean",
        default: true,
        description: "Install the Data Fetcher agent (dataFetcher.enabled).",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "agent.values",
        type: "structured",
        shape: shape<Record<string, unknown>>(),
        default: {},
        description: "Extra chart values (a YAML map), deep-merged last over the values this program sets.",
        schema: { type: "object" },
        allowed: "a map of Helm values",
    },
    ...CHART_IMAGES.map((image) => ({
        key: `images.${image.component}` as const,
        type: "string" as const,
        default: image.tag,
        description: `Tag of ${image.repository} (the chart's ${image.component} image); pinned by digest from images/images.lock.json.`,
        schema: { type: "string", pattern: TAG_PATTERN },
        allowed: "an image tag such as 1.2.3 (letters, digits, _ . -; at most 128 characters)",
    })),
    {
        key: "prometheus.size",
        type: "string",
        default: "small",
        description:
            "Prometheus server resources by cluster size, as the vendor sizes them: small (100-500 pods), medium (500-1000), large (1000 or more).",
        schema: { enum: ["small", "medium", "large"] },
        allowed: "small, medium, large",
    },
    {
        key: "prometheus.storageClass",
        type: "string",
        default: "gp2",
        description:
            "StorageClass of the Prometheus server's volume (prometheus.server.persistentVolume.storageClass); needs the EBS CSI driver.",
        schema: { type: "string", pattern: "^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$" },
        allowed: "a StorageClass name such as gp2 or gp3",
    },
    {
        key: "prometheus.nodeSelector",
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
    {
        key: "addons.cniMetrics.enabled",
        type: "boolean",
        default: false,
        description:
            "Install the cni-metrics-helper (VPC CNI IP and ENI metrics to CloudWatch) in the selected clusters that match addons.cniMetrics.include/exclude.",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "addons.cniMetrics.include",
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
        type: "integer",
        default: 10,
        description:
            "Alarm per cluster when its free IPs (totalIPAddresses - assignIPAddresses) fall below this percentage of maxIPAddresses. 0: no alarm.",
        schema: { type: "integer", minimum: 0, maximum: 99 },
        allowed: "a whole percentage from 0 to 99",
    },
    {
        key: "addons.cniMetrics.alarmEmail",
        type: "string",
        default: "",
        description:
            "Email address subscribed to the stack's alarm topic (AWS sends a confirmation mail first). Blank: no subscription.",
        schema: { type: "string", pattern: "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", maxLength: 254 },
        allowed: "an email address such as ops@example.com",
    },
    {
        key: "addons.cniMetrics.alarmTopicArn",
        type: "string",
        default: "",
        description:
            "An existing SNS topic the alarms notify instead of a topic created by the stack (in the clusters' region).",
        schema: { type: "string", pattern: "^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?$" },
        allowed: "an SNS topic ARN such as arn:aws:sns:us-east-1:111122223333:ops-alarms",
    },
    {
        key: "addons.fargateInsights.enabled",
        type: "boolean",
        default: false,
        description:
            "Install Container Insights for EKS Fargate (an ADOT collector) in the selected clusters that match addons.fargateInsights.include/exclude and run Fargate.",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "addons.fargateInsights.include",
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
        type: "integer",
        default: 30,
        description: "Days the /aws/containerinsights/<cluster>/performance log groups are kept.",
        schema: { enum: [...LOG_RETENTION_DAYS] },
        allowed: `one of CloudWatch's retention periods: ${LOG_RETENTION_DAYS.join(", ")}`,
    },
    {
        key: "events.enabled",
        type: "boolean",
        default: true,
        description:
            "Event-driven reconcile: EventBridge rules in every included region forward EKS and IAM CloudTrail events to the stack's event bus, whose queue runs the reconciler for the cluster they name within minutes (the 2-hourly run stays). No effect with identityMode iamUser.",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "events.createTrail",
        type: "boolean",
        default: false,
        description:
            "Create a multi-region CloudTrail trail logging management events into the stack's bucket (prefix _container-insights/cloudtrail/), for accounts where no trail delivers the events.",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "platformAccountId",
        type: "string",
        default: "",
        description:
            "Override of the environment's platform AWS account id (private platforms). Blank uses the environment's.",
        schema: { type: "string", pattern: `(${ACCOUNT_ID_PATTERN})|^$` },
        allowed: "a 12-digit AWS account id",
    },
    {
        key: "platformApiUrl",
        type: "string",
        default: "",
        description: "Override of the environment's platform API base URL. Blank uses the environment's.",
        schema: { type: "string", pattern: "^(https://[A-Za-z0-9.-]+(:[0-9]+)?(/[^\\s]*)?)?$" },
        allowed: "an https:// URL",
    },
    {
        key: "platformQueueArnPattern",
        type: "string",
        default: "",
        description: "Override of the environment's Data Fetcher SQS queue ARN pattern. Blank uses the environment's.",
        schema: { type: "string", pattern: "^(arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_*?-]+)?$" },
        allowed: "an SQS queue ARN, wildcards allowed in the queue name",
    },
] as const satisfies readonly ConfigKeySpec[];

export const CONFIG_KEYS: readonly ConfigKeySpec[] = KEY_TABLE;

export function fullKey(key: string): string {
    return `${NAMESPACE}:${key}`;
}

/** The object-valued key a dotted key is a field of (`agent` for `agent.karpenops`); undefined for a plain key. */
export function groupOf(spec: Pick<ConfigKeySpec, "key">): string | undefined {
    const dot = spec.key.indexOf(".");
    return dot === -1 ? undefined : spec.key.slice(0, dot);
}

/**
 * The field name of a dotted key inside its object (`karpenops` for `agent.karpenops`); a property path for a key
 * two levels down (`cniMetrics.enabled` for `addons.cniMetrics.enabled`).
 */
export function fieldOf(spec: Pick<ConfigKeySpec, "key">): string {
    return spec.key.slice(spec.key.indexOf(".") + 1);
}

/** The object-valued keys, in table order. */
export const CONFIG_GROUPS: readonly string[] = [
    ...new Set(CONFIG_KEYS.map(groupOf).filter((g): g is string => g !== undefined)),
];

/** How a user sets a key from the command line: dotted keys need `--path`. */
export function configSetCommand(spec: Pick<ConfigKeySpec, "key" | "secret">, value = "<value>"): string {
    const flags = [groupOf(spec) ? "--path" : "", spec.secret ? "--secret" : ""].filter((f) => f !== "").join(" ");
    return `pulumi config set ${flags ? `${flags} ` : ""}${fullKey(spec.key)} ${value}`;
}
