/** What the deploying identity needs for the reconciler: its functions, logs, schedule, token and role to pass. */
import { PolicyStatement } from "../../common/documents";
import {
    reconcilerFunctionNames,
    reconcilerScheduleName,
    secretNamePrefixes,
    stackRoleNames,
} from "../../common/naming";
import { eventBridgeResources } from "../events/permissions";
import { actions } from "../permissions/providerActions";
import { DeployTarget, deployScope } from "../permissions/target";

/** Every mode but the IAM user; with events.enabled, the stack's bus and rules join the schedule's statement. */
export function reconcilerStatements(target: DeployTarget): PolicyStatement[] {
    const { stackName, config } = target;
    const { accountId, partition, region, iamArn } = deployScope(target);
    const functions = reconcilerFunctionNames(stackName);
    const events = config.events.enabled;
    const functionArns = [functions.creation, functions.management].map(
        (fn) => `arn:${partition}:lambda:${region}:${accountId}:function:${fn}`,
    );
    return [
        {
            Sid: "PassReconcilerRoleToLambda",
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: iamArn("role/", stackRoleNames(stackName).reconciler),
            Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } },
        },
        {
            Sid: "PlatformToken",
            Effect: "Allow",
            Action: actions("aws:secretsmanager/secret:Secret", "aws:secretsmanager/secretVersion:SecretVersion"),
            Resource: `arn:${partition}:secretsmanager:${region}:${accountId}:secret:${secretNamePrefixes(stackName).platformToken}*`,
        },
        {
            Sid: "ReconcilerFunctions",
            Effect: "Allow",
            Action: actions(
                "aws:lambda/function:Function",
                "aws:lambda/invocation:Invocation",
                "aws:lambda/permission:Permission",
            ),
            Resource: functionArns,
        },
        {
            Sid: "ReconcilerLogs",
            Effect: "Allow",
            Action: actions("aws:cloudwatch/logGroup:LogGroup"),
            Resource: [functions.creation, functions.management].flatMap((fn) => {
                const group = `arn:${partition}:logs:${region}:${accountId}:log-group:/aws/lambda/${fn}`;
                return [group, `${group}:*`];
            }),
        },
        {
            // The provider finds a log group by listing with its name as prefix. DescribeLogGroups has no resource-level
            // permissions (Service Authorization Reference); AWS reports a denial on log-group::log-stream:, which
            // `log-group:*` would match, but only "*" matches in both readings.
            Sid: "FindLogGroups",
            Effect: "Allow",
            Action: "logs:DescribeLogGroups",
            Resource: "*",
            Condition: { StringEquals: { "aws:RequestedRegion": region } },
        },
        {
            // With events, also the stack's bus and its rules (one statement: IAM's managed-policy size limit).
            Sid: "ReconcilerSchedule",
            Effect: "Allow",
            Action: actions(
                "aws:cloudwatch/eventRule:EventRule",
                "aws:cloudwatch/eventTarget:EventTarget",
                ...(events ? ["aws:cloudwatch/eventBus:EventBus"] : []),
            ),
            Resource: [
                `arn:${partition}:events:${region}:${accountId}:rule/${reconcilerScheduleName(stackName)}`,
                ...(events ? eventBridgeResources(target) : []),
            ],
        },
    ];
}
