/**
 * Every config key the program reads, in one table. Pulumi.yaml, docs/configuration.md, the validator, the parsed config's
 * TypeScript type (config/values.ts) and the Automation API all follow this table (test/project-files.test.ts holds
 * Pulumi.yaml and docs/configuration.md to it).
 *
 * A dotted key such as `agent.karpenops` is a field of an object-valued key (`agent`): Pulumi.yaml declares it
 * dotted, the CLI merges its default into the object as a property path, `pulumi config set --path` sets it, and
 * the program receives `container-insights:agent` as one JSON object (see config/pulumiConfigReplay/). The parsed config
 * mirrors that: `agent.karpenops` is `config.agent.karpenops`; a deeper key such as `addons.cni.enabled` is
 * `config.addons.cni.enabled`.
 *
 * Adding a key: add a row below (a new object-valued key needs nothing else: its fields' rows make it), then
 * `npx ts-node --transpile-only scripts/pulumi-yaml-config.ts` for Pulumi.yaml's config block and `npm run docs:config` for the table in
 * docs/configuration.md; a secret one also in automation/request.ts SECRET_CONFIG_KEYS. Its parsed
 * type follows from the row: `type` (and an `enum` in its schema) for single values, `shape: shape<T>()` for
 * structured ones; optional (`?`) when its default is blank; required while another key has a value: `requiredWhen`.
 */
import { ENVIRONMENTS } from "./environments";
import { CHART_IMAGES, TAG_PATTERN, imageTagValue } from "../images/catalog";
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
    /** One line, for Pulumi.yaml's `description`. */
    description: string;
    /** The fuller explanation docs/configuration.md's table gives (Markdown, links relative to docs/); else `description`. */
    doc?: string;
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
        doc: "`PROD` or `UAT` (any case): selects the platform account, API host and SQS queues.",
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
        doc: "Regions whose EKS clusters are onboarded, as `us-east-1,eu-west-1` or a YAML list. Blank means the stack's `aws:region`.",
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
        doc: "The platform's existing integration role; it gets the bucket read policy. IAM role name rules apply.",
        type: "string",
        required: true,
        description: "Name of the existing platform integration IAM role that receives the bucket read policy.",
        schema: { type: "string", pattern: IAM_NAME_PATTERN },
        allowed: "an IAM role name: 1-64 characters of letters, digits and + = , . @ _ -",
    },
    {
        key: "createIamUser",
        doc: "IAM-user mode: create user `nops-container-cost-s3` and an access key instead of per-cluster roles. Kept for compatibility: `identityMode: iamUser` says the same; `true` with any other `identityMode` is a config error.",
        type: "boolean",
        default: false,
        description: "Create the IAM user nops-container-cost-s3 with an access key instead of per-cluster IRSA roles.",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "identityMode",
        doc: "`irsa`, `podIdentity`, `iamUser` or `auto` (see [Identity modes](identity-modes.md)). Blank means `iamUser` when `createIamUser` is true, else `irsa`.",
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
        doc: "With `identityMode` `podIdentity` or `auto`: install the `eks-pod-identity-agent` add-on on selected clusters that lack it. `true` with another mode is a config error.",
        type: "boolean",
        default: false,
        description:
            "Install the eks-pod-identity-agent add-on on clusters that lack it (identityMode podIdentity or auto).",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "token",
        doc: "Platform API token, required unless `identityMode` is `iamUser`. Stored encrypted in Pulumi config and in Secrets Manager; never in outputs, logs or environment variables. With `identityMode` `iamUser` it is not needed and not used: that mode runs no reconciler and sends no onboarding confirmation.",
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
        doc: "Create the cross-account role the platform assumes to update this stack's resources.",
        type: "boolean",
        default: true,
        description: "Create the cross-account role the platform assumes to keep this stack's resources up to date.",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "externalId",
        doc: "External id the platform must present to assume the auto-update role. Required while `autoUpdate` is true.",
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
        doc: "The chart's `datadog.apiKey`, issued by the platform at onboarding. Required while `agent.install` is true (the program stops before creating anything without it). Reaches the cluster only inside the chart's values, as a Pulumi secret.",
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
        doc: "The chart's `karpenops.apiKey` (chart 0.1.x calls it `nops.apiKey`), issued by the platform. Without it KarpenOps stays off in every cluster, with a warning.",
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
        doc: "KMS key id, key ARN or alias for the bucket's default encryption. Blank means SSE-S3 (AES256).",
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
        doc: "The bucket, its data and its settings survive `pulumi destroy` (see [Destroying a stack](operations.md#destroying-a-stack)), and so does the state bucket when it holds the trail's logs (`events.createTrail`). `false`, applied with `pulumi up`, lets destroy empty and delete them.",
        type: "boolean",
        default: true,
        description:
            "Keep the bucket, its data and its settings when the stack is destroyed. false (then pulumi up) lets pulumi destroy empty and delete it.",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "adopt",
        doc: "Import the bucket and the IAM user that already exist (left by the vendor's CloudFormation) as they are; then set it back to `false` and run `pulumi up` again (see [Migrating from the CloudFormation stack](migration.md)).",
        type: "boolean",
        default: false,
        description:
            "Import the bucket and the IAM user that already exist (the vendor's CloudFormation left them) as they are; set it back to false and run pulumi up again to bring them to this stack's settings.",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "lifecycleDays",
        doc: "Expire the Parquet files after this many days; `0` keeps them. The rule covers every object of the agents' bucket, which holds nothing else: the stack's own objects are in its state bucket (see [The reconciler](reconciler.md)).",
        type: "integer",
        default: 0,
        description: "Delete the agents' Parquet files after this many days. 0 keeps them forever.",
        schema: { type: "integer", minimum: 0, maximum: 36500 },
        allowed: "a whole number of days from 0 to 36500",
    },
    {
        key: "tags",
        doc: "Extra tags on every taggable resource (a YAML map). The ownership tag `container-insights:stack` = `<project>/<stack>` is always added and cannot be overridden.",
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
        schema: { enum: [...LOG_RETENTION_DAYS] },
        allowed: `one of CloudWatch's retention periods: ${LOG_RETENTION_DAYS.join(", ")}`,
    },
    {
        key: "clusters.include",
        doc: "Name globs of the clusters that get the agent (comma list or YAML list); blank means all.",
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
        doc: "Name globs of clusters that never get the agent; wins over `clusters.include`.",
        type: "structured",
        shape: shape<string[]>(),
        default: "",
        description: "Name globs of clusters that never get the agent; wins over clusters.include.",
        schema: { type: "array", items: { type: "string", minLength: 1, maxLength: 100 } },
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
    {
        key: "agent.install",
        doc: "Install the agent chart in the selected clusters; `false` manages the AWS side only.",
        type: "boolean",
        default: true,
        description: "Install the agent chart in every selected cluster. false manages the AWS side only.",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "agent.chart",
        doc: "The agent's chart reference.",
        type: "string",
        default: "oci://public.ecr.aws/nops/kubernetes-agent",
        description: "Chart reference of the agent (an oci:// reference or a local path).",
        schema: { type: "string", minLength: 1 },
        allowed: "a Helm chart reference such as oci://public.ecr.aws/nops/kubernetes-agent",
    },
    {
        key: "agent.chartVersion",
        doc: "Pinned chart version (Pulumi owns upgrades: the in-cluster `autoUpdater` is turned off).",
        type: "string",
        default: "0.0.67",
        description: "Pinned version of the agent chart; Pulumi owns upgrades, so the in-cluster auto-updater is off.",
        schema: { type: "string", pattern: "^v?[0-9]+\\.[0-9]+\\.[0-9]+([-+][0-9A-Za-z.-]+)?$" },
        allowed: "a semantic version such as 0.0.67",
    },
    {
        key: "agent.karpenops",
        doc: "`karpenops.enabled` (the chart's default): KarpenOps, for clusters that run Karpenter. Each cluster also needs its id in `agent.karpenopsClusterIds` and the stack needs `karpenopsApiKey`; a cluster missing either gets the agent with KarpenOps off and a warning naming the missing key.",
        type: "boolean",
        default: false,
        description:
            "Install KarpenOps (karpenops.enabled) in clusters that have an id in agent.karpenopsClusterIds; needs karpenopsApiKey and Karpenter.",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "agent.karpenopsClusterIds",
        doc: "`karpenops.clusterId` per cluster, as the platform issues it (e.g. `D/M7Yj`), keyed by cluster ARN (wins) or name.",
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
        doc: "`containerInsights.enabled`: the Container Insights agent.",
        type: "boolean",
        default: true,
        description: "Install the Container Insights agent (containerInsights.enabled).",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "agent.debug",
        doc: "`containerInsights.debug`.",
        type: "boolean",
        default: false,
        description: "Debug mode of the Container Insights agent (containerInsights.debug).",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "agent.opencostLogLevel",
        doc: "`opencost.loglevel`: `trace`, `debug`, `info`, `warn` or `error`.",
        type: "string",
        default: "info",
        description: "Log level of OpenCost (opencost.loglevel).",
        schema: { enum: ["trace", "debug", "info", "warn", "error"] },
        allowed: "trace, debug, info, warn, error",
    },
    {
        key: "agent.ipv6",
        doc: "`prometheus.ipv6_enabled`: the clusters use IPv6.",
        type: "boolean",
        default: false,
        description: "The clusters use IPv6 (prometheus.ipv6_enabled).",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "agent.allowUnpinnedImages",
        doc: "Install images that `images/images.lock.json` does not pin, by tag, with a warning. Off: the program stops before creating anything and names them.",
        type: "boolean",
        default: false,
        description:
            "Install images that images/images.lock.json does not pin, by tag. Off: the program refuses and names them.",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "agent.renderTo",
        type: "string",
        default: "",
        description:
            "GitOps mode: write each cluster's manifests to <dir>/<region>/<cluster>/ instead of applying them (for Argo CD or Flux); no credentials to the clusters are used.",
        schema: { type: "string", pattern: "^$|^[^\\0]+$" },
        allowed: "a directory path (relative to the project directory, or absolute)",
    },
    {
        key: "agent.dataFetcher",
        doc: "`dataFetcher.enabled`: the Data Fetcher agent.",
        type: "boolean",
        default: true,
        description: "Install the Data Fetcher agent (dataFetcher.enabled).",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "agent.values",
        doc: "Extra chart values (a YAML map), deep-merged last over everything this program sets.",
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
        doc: `Tag of ${image.repository} (\`${imageTagValue(image)}\`${image.note ? `; ${image.note}` : ""}${image.documentedFor === "0.0.67" ? "" : `, documented from chart ${image.documentedFor}`}).`,
        schema: { type: "string", pattern: TAG_PATTERN },
        allowed: "an image tag such as 1.2.3 (letters, digits, _ . -; at most 128 characters)",
    })),
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
    {
        key: "events.enabled",
        doc: "Event-driven reconcile (see [How onboarding gets fast](reconciler.md#how-onboarding-gets-fast-events)): EventBridge rules in every included region forward EKS (and, in us-east-1, IAM) CloudTrail events to the stack's event bus; a new cluster gets its role or association within minutes of becoming ACTIVE, and the watch service is told. `false`: no event resources; the 2-hourly run works as before. No effect with `identityMode` `iamUser` (there is no reconciler).",
        type: "boolean",
        default: true,
        description:
            "Event-driven reconcile: EventBridge rules in every included region forward EKS and IAM CloudTrail events to the stack's event bus, whose queue runs the reconciler for the cluster they name within minutes (the 2-hourly run stays). No effect with identityMode iamUser.",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "events.createTrail",
        doc: "Create a multi-region CloudTrail trail (management write events) writing to the stack's state bucket under `cloudtrail/`, for accounts where no trail delivers the events (the program warns per region when none does).",
        type: "boolean",
        default: false,
        description:
            "Create a multi-region CloudTrail trail logging management write events into the stack's state bucket (prefix cloudtrail/; never the agents' bucket), for accounts where no trail delivers the events.",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "platformAccountId",
        doc: "Override of the environment's platform account id.",
        type: "string",
        default: "",
        description:
            "Override of the environment's platform AWS account id (private platforms). Blank uses the environment's.",
        schema: { type: "string", pattern: `(${ACCOUNT_ID_PATTERN})|^$` },
        allowed: "a 12-digit AWS account id",
    },
    {
        key: "platformApiUrl",
        doc: "Override of the environment's platform API base URL (https only).",
        type: "string",
        default: "",
        description: "Override of the environment's platform API base URL. Blank uses the environment's.",
        schema: { type: "string", pattern: "^(https://[A-Za-z0-9.-]+(:[0-9]+)?(/[^\\s]*)?)?$" },
        allowed: "an https:// URL",
    },
    {
        key: "platformQueueArnPattern",
        doc: "Override of the environment's Data Fetcher SQS queue ARN pattern.",
        type: "string",
        default: "",
        description: "Override of the environment's Data Fetcher SQS queue ARN pattern. Blank uses the environment's.",
        schema: { type: "string", pattern: "^(arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_*?-]+)?$" },
        allowed: "an SQS queue ARN, wildcards allowed in the queue name",
    },
    {
        key: "fleet.part",
        doc: "Which part of the onboarding this stack holds (see [Fleets of stacks](fleet.md)): `whole` (everything, one stack), `account` (the bucket, identities, reconciler and events, no agents) or `clusters` (the agents of its `includeRegions`, one group of them with `fleet.groups`; it reads the account stack's outputs through a StackReference). `container-insights fleet` sets it.",
        type: "string",
        default: "whole",
        description:
            "whole: this stack holds everything; account: the account side only (no agents); clusters: the agents of its regions, reading the account stack (fleet.accountStack). Set by container-insights fleet.",
        schema: { enum: ["whole", "account", "clusters"] },
        allowed: "whole, account or clusters",
    },
    {
        key: "fleet.accountStack",
        doc: "With `fleet.part` `clusters`: the name of the account stack (same project and backend) whose outputs this stack reads, and whose name its per-cluster names and ownership tags use.",
        type: "string",
        default: "",
        description: "fleet.part clusters: the account stack this cluster stack reads (a stack name of this project).",
        schema: { type: "string", pattern: "^$|^[A-Za-z0-9_-]{1,100}$" },
        allowed: "a stack name of this project",
        requiredWhen: {
            key: "fleet.part",
            is: "clusters",
            because: "a cluster stack reads the account stack's outputs",
        },
    },
    {
        key: "fleet.groups",
        doc: "With `fleet.part` `clusters`: into how many fixed groups each region's clusters are split (a cluster's group is a hash of its name, so it never moves while `fleet.groups` stays); this stack holds group `fleet.group`.",
        type: "integer",
        default: 1,
        description:
            "fleet.part clusters: the number of groups each region's clusters are split into (by a hash of the name).",
        schema: { type: "integer", minimum: 1, maximum: 1000 },
        allowed: "a whole number from 1 to 1000",
    },
    {
        key: "fleet.group",
        doc: "With `fleet.part` `clusters`: which of the `fleet.groups` groups this stack holds (0 to `fleet.groups` - 1).",
        type: "integer",
        default: 0,
        description:
            "fleet.part clusters: the group of each region's clusters this stack holds (0 to fleet.groups - 1).",
        schema: { type: "integer", minimum: 0, maximum: 999 },
        allowed: "a whole number from 0 to fleet.groups - 1",
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
