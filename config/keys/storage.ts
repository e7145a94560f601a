import { ConfigKeySpec, shape } from "./spec";

/** The agents' bucket: its encryption, lifetime, adoption and the stack's tags. */
export const STORAGE_KEYS = [
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
] as const satisfies readonly ConfigKeySpec[];
