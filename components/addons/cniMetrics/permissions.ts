/** What the deploying identity needs for the cni-metrics-helper (addons.cniMetrics). */
import { PolicyStatement } from "../../../common/documents";
import {
    STACK_TAG_KEY,
    addonBoundaryArn,
    addonRoleArnPattern,
    alarmNamePrefix,
    alarmTopicName,
    stackIdOf,
} from "../../../common/naming";
import { CNI_METRICS_ROLE_PURPOSE, cniMetricsBoundaryName } from "./naming";
import { actions } from "../../permissions/providerActions";
import { accountValue, arnAccount, deployScope } from "../../permissions/target";
import { AddonPermissions, OwnConfig } from "../contract";
import { cniMetricsConfig } from "./config";
import { CniMetricsOptions } from "./plan";
import { addonRoleStatements } from "../roleStatements";
import { mayUsePodIdentity } from "../../../common/identity";

/** The deployer's statements for the add-on: none while it is off, or with an IAM user (no reconciler, no roles). */
export const cniMetricsDeployerPermissions: AddonPermissions<OwnConfig<typeof cniMetricsConfig>> = {
    statements(target) {
        const { config } = target;
        if (!config.addons.cniMetrics.enabled || config.identityMode === "iamUser") {
            return [];
        }
        return cniMetricsStatements({
            partition: deployScope(target).partition,
            accountId: target.accountId,
            stackName: target.stackName,
            regions: config.regions,
            options: config.addons.cniMetrics,
            podIdentity: mayUsePodIdentity(config.identityMode),
        });
    },
    // Its role trusts an OIDC provider only in the irsa and auto modes, which manage the providers anyway.
    usesOidcProviders: () => false,
};

/** addons.cniMetrics: the helpers' roles and boundary, their Pod Identity associations, the alarms and the alarm topics. */
export function cniMetricsStatements(args: {
    partition: string;
    accountId: string | undefined;
    stackName: string;
    regions: string[];
    options: CniMetricsOptions;
    podIdentity: boolean;
}): PolicyStatement[] {
    const { partition, stackName, regions, options } = args;
    const accountId = arnAccount(args.accountId);
    const roleArns = addonRoleArnPattern({ ...args, accountId, purpose: CNI_METRICS_ROLE_PURPOSE });
    const keys = regions.map((r) => `arn:${partition}:kms:${r}:${accountId}:key/*`);
    const stackId = stackIdOf(stackName);
    const boundary = (arnField: string) =>
        addonBoundaryArn({ partition, accountId: arnField, policyName: cniMetricsBoundaryName(stackName) });
    const statements: PolicyStatement[] = [
        ...addonRoleStatements("CniMetricsRoles", roleArns, boundary(accountValue(args.accountId))),
        {
            Sid: "CniMetricsBoundaryPolicy",
            Effect: "Allow",
            Action: actions("aws:iam/policy:Policy"),
            Resource: boundary(accountId),
        },
    ];
    if (args.podIdentity) {
        statements.push(
            {
                Sid: "CniMetricsPodIdentityAssociations",
                Effect: "Allow",
                Action: actions("aws:eks/podIdentityAssociation:PodIdentityAssociation"),
                Resource: regions.flatMap((r) => [
                    `arn:${partition}:eks:${r}:${accountId}:cluster/*`,
                    `arn:${partition}:eks:${r}:${accountId}:podidentityassociation/*`,
                ]),
            },
            {
                Sid: "PassCniMetricsRoles",
                Effect: "Allow",
                Action: "iam:PassRole",
                Resource: roleArns,
                Condition: { StringEquals: { "iam:PassedToService": "pods.eks.amazonaws.com" } },
            },
        );
    }
    if (options.freeIpAlarmPercent > 0) {
        statements.push({
            Sid: "CniMetricsAlarms",
            Effect: "Allow",
            Action: actions("aws:cloudwatch/metricAlarm:MetricAlarm"),
            Resource: regions.map(
                (r) => `arn:${partition}:cloudwatch:${r}:${accountId}:alarm:${alarmNamePrefix(stackName)}*`,
            ),
        });
        if (!options.alarmTopicArn) {
            statements.push(
                {
                    // Only keys tagged as this stack's (alarmTopic.ts tags its key with the stack's ownership tag).
                    Sid: "AlarmTopicKeys",
                    Effect: "Allow",
                    Action: actions("aws:kms/key:Key").filter((a) => a !== "kms:CreateKey"),
                    Resource: keys,
                    Condition: { StringEquals: { [`aws:ResourceTag/${STACK_TAG_KEY}`]: stackId } },
                },
                {
                    // CreateKey has no resource to scope to: only with the stack's ownership tag.
                    Sid: "CreateAlarmTopicKeys",
                    Effect: "Allow",
                    Action: "kms:CreateKey",
                    Resource: "*",
                    Condition: {
                        StringEquals: { "aws:RequestedRegion": regions, [`aws:RequestTag/${STACK_TAG_KEY}`]: stackId },
                    },
                },
                {
                    // The tags of a CreateKey are authorized as kms:TagResource on the region's keys, with no resource
                    // tags (KMS Developer Guide, "Controlling access to tags"). Only the stack's tag, and only where no
                    // stack's ownership tag is yet: a key of this stack is managed by AlarmTopicKeys, another stack's
                    // key can never be taken over. IAM cannot tell a key being created from an existing key without
                    // that tag key; the README names the SCP that closes this.
                    Sid: "TagAlarmTopicKeysAtCreation",
                    Effect: "Allow",
                    Action: "kms:TagResource",
                    Resource: keys,
                    Condition: {
                        StringEquals: { [`aws:RequestTag/${STACK_TAG_KEY}`]: stackId },
                        Null: { [`aws:ResourceTag/${STACK_TAG_KEY}`]: "true" },
                    },
                },
                {
                    Sid: "AlarmTopics",
                    Effect: "Allow",
                    Action: actions(
                        "aws:sns/topic:Topic",
                        "aws:sns/topicPolicy:TopicPolicy",
                        "aws:sns/topicSubscription:TopicSubscription",
                    ),
                    Resource: regions.flatMap((r) => [
                        `arn:${partition}:sns:${r}:${accountId}:${alarmTopicName(stackName)}`,
                        `arn:${partition}:sns:${r}:${accountId}:${alarmTopicName(stackName)}:*`,
                    ]),
                },
            );
        }
    }
    return statements;
}
