/** What the deploying identity needs for the event pipeline (events.enabled), and what the watch service needs. */
import { PolicyStatement } from "../../common/documents";
import { eventResourceNames, partitionOf, reconcilerFunctionNames } from "../../common/naming";
import { actions } from "../permissions/providerActions";
import { DeployTarget, accountValue, arnAccount, callerAccountOnly } from "../permissions/target";
import { iamEventRegion } from "./patterns";

/** events.enabled: the stack's bus, its two rules there, and the regional rules (included regions and IAM's). */
export function eventBridgeResources(target: DeployTarget): string[] {
    const { stackName, stackRegion: region, config } = target;
    const accountId = arnAccount(target.accountId);
    const partition = partitionOf(region);
    const names = eventResourceNames(stackName);
    const arn = (rest: string, r = region) => `arn:${partition}:events:${r}:${accountId}:${rest}`;
    const iamRegion = iamEventRegion(partition);
    return [
        arn(`event-bus/${names.bus}`),
        arn(`rule/${names.bus}/${names.reconcilerRule}`),
        arn(`rule/${names.bus}/${names.watchRule}`),
        ...config.regions.map((r) => arn(`rule/${names.eksRule}`, r)),
        arn(`rule/${names.iamRule}`, iamRegion),
    ];
}

/** events.enabled: passing the forwarding role to EventBridge, the queues, the alarm, the mapping, the trail or its check. */
export function eventStatements(target: DeployTarget): PolicyStatement[] {
    const { stackName, stackRegion: region, config } = target;
    const accountId = arnAccount(target.accountId);
    const partition = partitionOf(region);
    const names = eventResourceNames(stackName);
    const regional = (service: string, rest: string) => `arn:${partition}:${service}:${region}:${accountId}:${rest}`;
    const queues = [
        names.reconcilerQueue,
        names.reconcilerDeadLetterQueue,
        names.watchQueue,
        names.watchDeadLetterQueue,
    ];
    const statements: PolicyStatement[] = [
        {
            Sid: "PassEventForwardRole",
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: `arn:${partition}:iam::${accountId}:role/${names.forwardRole}`,
            Condition: { StringEquals: { "iam:PassedToService": "events.amazonaws.com" } },
        },
        {
            Sid: "EventQueues",
            Effect: "Allow",
            Action: actions("aws:sqs/queue:Queue", "aws:sqs/queuePolicy:QueuePolicy"),
            Resource: queues.map((q) => regional("sqs", q)),
        },
        {
            Sid: "EventDeadLetterAlarm",
            Effect: "Allow",
            Action: actions("aws:cloudwatch/metricAlarm:MetricAlarm"),
            Resource: [names.deadLetterAlarm, names.watchDeadLetterAlarm].map((alarm) =>
                regional("cloudwatch", `alarm:${alarm}`),
            ),
        },
        ...eventSourceMappingStatements(target),
    ];
    // DescribeTrails has no resource-level permissions: the provider's read of the stack's trail and the trail check both list.
    statements.push({ Sid: "FindTrails", Effect: "Allow", Action: "cloudtrail:DescribeTrails", Resource: "*" });
    if (config.events.createTrail) {
        statements.push({
            Sid: "ManagementTrail",
            Effect: "Allow",
            Action: actions("aws:cloudtrail/trail:Trail").filter((a) => a !== "cloudtrail:DescribeTrails"),
            Resource: regional("cloudtrail", `trail/${names.trail}`),
        });
    } else {
        statements.push({
            Sid: "CheckTrails",
            Effect: "Allow",
            Action: ["cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"],
            Resource: `arn:${partition}:cloudtrail:*:${accountId}:trail/*`,
        });
    }
    return statements;
}

/**
 * The reconciler queue's mapping onto the management function. CreateEventSourceMapping has no resource-level
 * permissions: it is authorized on "*" and scoped by lambda:FunctionArn, as are the calls on a mapping; tagging a
 * mapping carries no lambda:FunctionArn (Service Authorization Reference, AWS Lambda).
 */
function eventSourceMappingStatements(target: DeployTarget): PolicyStatement[] {
    const partition = partitionOf(target.stackRegion);
    const lambdaArn = (account: string, rest: string) =>
        `arn:${partition}:lambda:${target.stackRegion}:${account}:${rest}`;
    const management = reconcilerFunctionNames(target.stackName).management;
    // StringEquals, not ArnEquals: the value holds the ${aws:PrincipalAccount} variable, which the reference evaluator
    // (iam-simulate) does not substitute inside an ARN operator's value.
    const ownFunction = {
        StringEquals: { "lambda:FunctionArn": lambdaArn(accountValue(target.accountId), `function:${management}`) },
    };
    const mappingActions = actions("aws:lambda/eventSourceMapping:EventSourceMapping");
    const onMappings = [
        "lambda:GetEventSourceMapping",
        "lambda:UpdateEventSourceMapping",
        "lambda:DeleteEventSourceMapping",
    ];
    const mappings = lambdaArn(arnAccount(target.accountId), "event-source-mapping:*");
    return [
        {
            Sid: "CreateReconcilerEventSourceMapping",
            Effect: "Allow",
            Action: "lambda:CreateEventSourceMapping",
            Resource: "*",
            Condition: {
                StringEquals: { ...ownFunction.StringEquals, "aws:RequestedRegion": target.stackRegion },
            },
        },
        {
            Sid: "ReconcilerEventSourceMapping",
            Effect: "Allow",
            Action: onMappings,
            Resource: mappings,
            Condition: ownFunction,
        },
        {
            Sid: "TagReconcilerEventSourceMapping",
            Effect: "Allow",
            Action: mappingActions.filter((a) => a !== "lambda:CreateEventSourceMapping" && !onMappings.includes(a)),
            Resource: mappings,
        },
    ];
}

/**
 * What the watch service (`container-insights watch`) needs beyond the deployer's policy: to consume the stack's watch
 * queue. The batch calls it makes (DeleteMessageBatch, ChangeMessageVisibilityBatch) are authorized as the single
 * actions. The queue is encrypted with SSE-SQS, so no KMS permission is needed.
 */
export const WATCH_QUEUE_ACTIONS = [
    "sqs:ChangeMessageVisibility",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:ReceiveMessage",
];

/** The watch queue's name: the events module's (events.enabled), in the stack's region. */
export function watchQueueName(stackName: string): string {
    return eventResourceNames(stackName).watchQueue;
}

export function watchStatement(target: Pick<DeployTarget, "stackName" | "stackRegion" | "accountId">): PolicyStatement {
    const partition = partitionOf(target.stackRegion);
    const statement: PolicyStatement = {
        Sid: "WatchQueue",
        Effect: "Allow",
        Action: WATCH_QUEUE_ACTIONS,
        Resource: `arn:${partition}:sqs:${target.stackRegion}:${arnAccount(target.accountId)}:${watchQueueName(target.stackName)}`,
    };
    return target.accountId === undefined ? callerAccountOnly(statement) : statement;
}
