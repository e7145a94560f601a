import { ENVIRONMENTS } from "../environments";
import { IDENTITY_MODES } from "../../common/identity";
import { resolveIdentityMode } from "../identityMode";
import { ConfigKeySpec, shape } from "./spec";
import { ACCOUNT_ID_PATTERN, AWS_REGION_PATTERN, IAM_NAME_PATTERN } from "./patterns";

/** The platform environment, the regions, the identities and the platform's secrets. */
export const PLATFORM_KEYS = [
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
] as const satisfies readonly ConfigKeySpec[];

/** Overrides of the environment's platform endpoints (private platforms). */
export const PLATFORM_OVERRIDE_KEYS = [
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
] as const satisfies readonly ConfigKeySpec[];
