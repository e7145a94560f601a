/**
 * Resources kept only in the Pulumi state: nothing the reconciler or the watch service reads at run time. Their
 * computed outputs are shaped as the real provider's (ARNs, ids), so the program's wiring of them is exercised.
 * CloudWatch alarms, SNS topics, their policies and subscriptions, and the CloudTrail trail.
 */
import { randomUUID } from "node:crypto";
import { intBetween, json, tags as tagRule } from "../check/rules";
import { partitionOf, regionOf } from "../context";
import { need, Props, str, stringMap } from "../values";
import { Ctx, outputsOf, ResourceType } from "./types";

/** A state-only type: create computes the outputs, update recomputes them, delete has nothing to remove. */
function stateOnly(spec: {
    autoName?: ResourceType["autoName"];
    defaults?: Props;
    required?: string[];
    rules?: ResourceType["rules"];
    computed: string[];
    id: (inputs: Props, computed: Props) => string;
    outputs: (ctx: Ctx, inputs: Props, region: string, accountId: string) => Props;
}): ResourceType {
    const computedOf = async (ctx: Ctx, inputs: Props) => {
        const region = regionOf(inputs);
        return {
            region,
            tagsAll: stringMap(inputs.tags),
            ...spec.outputs(ctx, inputs, region, await ctx.clients.accountId()),
        };
    };
    return {
        backing: "state",
        autoName: spec.autoName,
        defaults: spec.defaults,
        required: spec.required,
        rules: spec.rules,
        computed: ["region", "tagsAll", ...spec.computed],
        async create(ctx, inputs) {
            const computed = await computedOf(ctx, inputs);
            return { id: spec.id(inputs, computed), outs: outputsOf(inputs, computed) };
        },
        async update(ctx, _id, olds, news) {
            // Keep what was generated at create (ids), recompute the rest.
            const kept = Object.fromEntries(spec.computed.filter((key) => key in olds).map((key) => [key, olds[key]]));
            return outputsOf(news, { ...(await computedOf(ctx, news)), ...kept });
        },
    };
}

export const metricAlarm = stateOnly({
    autoName: { property: "name", maxLength: 255 },
    defaults: { actionsEnabled: true, treatMissingData: "missing" },
    required: ["comparisonOperator", "evaluationPeriods"],
    rules: { evaluationPeriods: intBetween(1, 1_000_000), tags: tagRule },
    computed: ["arn", "evaluateLowSampleCountPercentiles"],
    id: (inputs) => need(inputs, "name"),
    outputs: (_ctx, inputs, region, accountId) => ({
        arn: `arn:${partitionOf(region)}:cloudwatch:${region}:${accountId}:alarm:${need(inputs, "name")}`,
        evaluateLowSampleCountPercentiles: "",
    }),
});

export const topic = stateOnly({
    autoName: { property: "name", maxLength: 256, conflictsWith: "namePrefix" },
    defaults: { contentBasedDeduplication: false, fifoTopic: false },
    rules: { tags: tagRule },
    computed: ["arn", "beginningArchiveTime", "fifoThroughputScope", "name", "owner", "policy", "signatureVersion"],
    id: (_inputs, computed) => computed.arn as string,
    outputs: (_ctx, inputs, region, accountId) => ({
        arn: `arn:${partitionOf(region)}:sns:${region}:${accountId}:${need(inputs, "name")}`,
        owner: accountId,
        policy: "",
        signatureVersion: 1,
        beginningArchiveTime: "",
        fifoThroughputScope: "",
    }),
});

export const topicPolicy = stateOnly({
    required: ["arn", "policy"],
    rules: { policy: json },
    computed: ["owner"],
    id: (inputs) => need(inputs, "arn"),
    outputs: (_ctx, _inputs, _region, accountId) => ({ owner: accountId }),
});

export const topicSubscription = stateOnly({
    defaults: { confirmationTimeoutInMinutes: 1, endpointAutoConfirms: false, rawMessageDelivery: false },
    required: ["endpoint", "protocol", "topic"],
    computed: ["arn", "confirmationWasAuthenticated", "filterPolicyScope", "ownerId", "pendingConfirmation"],
    id: (_inputs, computed) => computed.arn as string,
    outputs: (_ctx, inputs, _region, accountId) => ({
        // An email subscription waits for confirmation: SNS reports it as pending, with a real ARN when asked for one.
        arn: `${need(inputs, "topic")}:${randomUUID()}`,
        confirmationWasAuthenticated: false,
        filterPolicyScope: "",
        ownerId: accountId,
        pendingConfirmation: str(inputs, "protocol") === "email" || str(inputs, "protocol") === "email-json",
    }),
});

export const trail = stateOnly({
    autoName: { property: "name", maxLength: 128 },
    defaults: {
        enableLogFileValidation: false,
        enableLogging: true,
        includeGlobalServiceEvents: true,
        isMultiRegionTrail: false,
        isOrganizationTrail: false,
    },
    required: ["s3BucketName"],
    rules: {
        name: (v) =>
            typeof v === "string" && v.length >= 3 && v.length <= 128 ? undefined : "must be 3-128 characters",
        tags: tagRule,
    },
    computed: ["arn", "homeRegion", "snsTopicArn"],
    id: (_inputs, computed) => computed.arn as string,
    outputs: (_ctx, inputs, region, accountId) => ({
        arn: `arn:${partitionOf(region)}:cloudtrail:${region}:${accountId}:trail/${need(inputs, "name")}`,
        homeRegion: region,
        snsTopicArn: "",
    }),
});
