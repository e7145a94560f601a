/**
 * The program's event resources (events.enabled, events.createTrail) under Pulumi mocks, with what AWS checks when they
 * are created replayed: Lambda refuses an SQS mapping whose queue's visibility timeout is below the function's timeout,
 * or whose function role cannot receive from the queue; CloudTrail refuses a trail whose bucket policy does not let it
 * write; an EventBridge bus target in another region needs a role that may PutEvents on that bus.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { agentPermissions } from "../common/documents";
import { reconcilerFunctionNames } from "../common/naming";
import {
    EKS_RULE_PATTERN,
    IAM_RULE_PATTERN,
    RECONCILER_RULE_PATTERN,
    WATCH_RULE_PATTERN,
} from "../components/events/patterns";
import { TrailFacts, sdkTrailLookup, trailCoverage } from "../components/events/trailCheck";
import { WATCH_MAX_RECEIVE_COUNT } from "../components/events/watchQueue";
import { mockClient } from "aws-sdk-client-mock";
import * as cloudtrail from "@aws-sdk/client-cloudtrail";
import { StackScope } from "../components/iam/scope";
import { MAX_RECEIVE_COUNT } from "../lambda/reconciler/queueRun";
import { PolicySet, simulate, simulateIdentity } from "./iamSimulator";
import {
    ACCOUNT_ID,
    ProgramRun,
    Registration,
    STATE_BUCKET_NAME,
    baseConfig,
    doc,
    runProgram,
    unwrap,
} from "./harness";
import { roleRules, ruleViolations } from "./roleRules";
import { configKey } from "./configKeys";

const QUEUE = "aws:sqs/queue:Queue";
const RULE = "aws:cloudwatch/eventRule:EventRule";
const TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping";
const EVENT_TYPES = [
    "aws:cloudwatch/eventBus:EventBus",
    QUEUE,
    "aws:sqs/queuePolicy:QueuePolicy",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    MAPPING,
    "aws:cloudtrail/trail:Trail",
];
const scope: StackScope = {
    accountId: ACCOUNT_ID,
    partition: "aws",
    region: "us-east-1",
    stackName: "prod",
    stackId: "container-insights/prod",
    bucketName: `nops-container-cost-${ACCOUNT_ID}`,
    stateBucketName: STATE_BUCKET_NAME,
};
const FLEET = { "us-east-1": [{ name: "alpha" }], "eu-west-1": [{ name: "beta" }] };
/** SQS's default when a queue sets none. */
const SQS_DEFAULT_VISIBILITY_TIMEOUT_S = 30;

const inputs = (r: Registration) => unwrap(r.inputs) as Record<string, any>;
const byName = (run: ProgramRun, type: string, name: string) => run.ofType(type).find((r) => inputs(r).name === name)!;

/**
 * What CreateEventSourceMapping checks for an SQS source (Lambda Developer Guide, "Using Lambda with Amazon SQS"; the
 * provider retries "execution role does not have permissions" while IAM propagates): the queue's visibility timeout is
 * at least the function's timeout, and the function's role may receive, delete and read the queue's attributes.
 */
async function createEventSourceMapping(run: ProgramRun, mapping: Registration): Promise<void> {
    const { eventSourceArn, functionName } = inputs(mapping);
    const queue = run.ofType(QUEUE).find((q) => q.state.arn === eventSourceArn);
    const fn = run.ofType("aws:lambda/function:Function").find((f) => inputs(f).name === functionName)!;
    const visibility = inputs(queue!).visibilityTimeoutSeconds ?? SQS_DEFAULT_VISIBILITY_TIMEOUT_S;
    const timeout = inputs(fn).timeout ?? 3;
    if (visibility < timeout) {
        throw new Error(
            `InvalidParameterValueException: Queue visibility timeout: ${visibility} seconds is less than Function timeout: ${timeout} seconds`,
        );
    }
    const role = run
        .ofType("aws:iam/rolePolicy:RolePolicy")
        .find((p) => String(inputs(fn).role).endsWith(`/${inputs(p).role}`))!;
    for (const action of ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]) {
        const decision = await simulateIdentity(doc(role.inputs.policy) as never, {
            action,
            resource: eventSourceArn,
            context: {},
        });
        if (decision !== "Allow") {
            throw new Error(
                `InvalidParameterValueException: The provided execution role does not have permissions to call ${action.split(":")[1]} on SQS`,
            );
        }
    }
}

describe("event resources (events.enabled)", () => {
    let run: ProgramRun;
    const dependsOn: Record<string, string[]> = {};
    before(async () => {
        run = await runProgram(
            { ...baseConfig(), includeRegions: "eu-west-1,ap-south-1" },
            {
                fleet: FLEET,
                transformation: (args) => {
                    dependsOn[`${args.type}::${args.name}`] = ((args.opts.dependsOn ?? []) as pulumi.Resource[]).map(
                        (r) => (r as unknown as { __name: string }).__name,
                    );
                    return undefined;
                },
            },
        );
    });

    it("puts one bus in the home region and forwards from every included region, IAM's rule in us-east-1 though not included", () => {
        const bus = run.one("aws:cloudwatch/eventBus:EventBus");
        assert.equal(inputs(bus).name, "container-insights-prod");
        const regional = run
            .ofType(RULE)
            .filter((r) => inputs(r).eventBusName === undefined && inputs(r).scheduleExpression === undefined);
        assert.deepEqual(
            regional.map((r) => [inputs(r).region, inputs(r).name, JSON.parse(inputs(r).eventPattern)]).sort(),
            [
                ["ap-south-1", "nops-ccost-prod-eks-events", EKS_RULE_PATTERN],
                ["eu-west-1", "nops-ccost-prod-eks-events", EKS_RULE_PATTERN],
                ["us-east-1", "nops-ccost-prod-iam-events", IAM_RULE_PATTERN],
            ].sort(),
        );
        const targets = run.ofType(TARGET).filter((t) => inputs(t).arn === bus.state.arn);
        assert.equal(targets.length, 3);
        const role = byName(run, "aws:iam/role:Role", "nops-ccost-prod-event-forward");
        for (const target of targets) {
            assert.equal(inputs(target).roleArn, role.state.arn, "a bus target in another region needs a role");
            assert.equal(
                inputs(target).region,
                inputs(
                    regional.find(
                        (r) => inputs(r).name === inputs(target).rule && inputs(r).region === inputs(target).region,
                    )!,
                ).region,
            );
        }
        assert.deepEqual(doc(inputs(role).assumeRolePolicy).Statement[0].Principal, {
            Service: "events.amazonaws.com",
        });
        const permissions = doc(
            run.ofType("aws:iam/rolePolicy:RolePolicy").find((p) => inputs(p).role === "nops-ccost-prod-event-forward")!
                .inputs.policy,
        );
        assert.deepEqual(permissions.Statement, [
            { Sid: "PutOnHomeBus", Effect: "Allow", Action: "events:PutEvents", Resource: bus.state.arn },
        ]);
    });

    it("feeds two encrypted queues with dead-letter queues; only their bus rule may send to each", async () => {
        const queues = run.ofType(QUEUE);
        assert.equal(queues.length, 4);
        for (const queue of queues) {
            assert.equal(inputs(queue).sqsManagedSseEnabled, true, inputs(queue).name);
            assert.equal(inputs(queue).region, "us-east-1");
        }
        for (const [queueName, ruleName, pattern] of [
            ["nops-ccost-prod-reconciler-events", "nops-ccost-prod-reconciler-events", RECONCILER_RULE_PATTERN],
            ["nops-ccost-prod-watch-events", "nops-ccost-prod-watch-events", WATCH_RULE_PATTERN],
        ] as const) {
            const queue = byName(run, QUEUE, queueName);
            const redrive = JSON.parse(inputs(queue).redrivePolicy);
            assert.equal(redrive.deadLetterTargetArn, byName(run, QUEUE, `${queueName}-dlq`).state.arn);
            const rule = byName(run, RULE, ruleName);
            assert.equal(inputs(rule).eventBusName, "container-insights-prod");
            assert.deepEqual(JSON.parse(inputs(rule).eventPattern), pattern);
            const target = run.ofType(TARGET).find((t) => inputs(t).rule === ruleName)!;
            assert.equal(inputs(target).arn, queue.state.arn);
            assert.equal(inputs(target).eventBusName, "container-insights-prod");
            const queuePolicy = run
                .ofType("aws:sqs/queuePolicy:QueuePolicy")
                .find((p) => inputs(p).queueUrl === queue.state.url)!;
            const document = doc(queuePolicy.inputs.policy) as never;
            // A service principal has no identity policy: the queue's policy alone decides.
            const asService: PolicySet = { identity: [], resource: document };
            const send = (sourceArn: string, secure = "true") =>
                simulate(
                    asService,
                    {
                        action: "sqs:SendMessage",
                        resource: queue.state.arn as string,
                        context: { "aws:SourceArn": sourceArn, "aws:SecureTransport": secure },
                    },
                    { principal: "events.amazonaws.com" },
                );
            assert.equal(await send(rule.state.arn as string), "Allow");
            assert.notEqual(await send(String(rule.state.arn).replace(ruleName, "someone-elses-rule")), "Allow");
            assert.equal(await send(rule.state.arn as string, "false"), "ExplicitDeny", "TLS only");
            assert.notEqual(
                await simulate(
                    asService,
                    {
                        action: "sqs:SendMessage",
                        resource: queue.state.arn as string,
                        context: { "aws:SourceArn": rule.state.arn as string },
                    },
                    { principal: "sns.amazonaws.com" },
                ),
                "Allow",
            );
            assert.ok(
                dependsOn[`${TARGET}::${target.name}`].includes(queuePolicy.name),
                "the target waits for the policy",
            );
        }
        assert.equal(
            JSON.parse(inputs(byName(run, QUEUE, "nops-ccost-prod-reconciler-events")).redrivePolicy).maxReceiveCount,
            MAX_RECEIVE_COUNT,
        );
    });

    it("maps the reconciler queue to the management function with partial batch failures, as Lambda accepts it", async () => {
        const mapping = run.one(MAPPING);
        assert.deepEqual(inputs(mapping).functionResponseTypes, ["ReportBatchItemFailures"]);
        assert.equal(inputs(mapping).functionName, reconcilerFunctionNames("prod").management);
        assert.equal(inputs(mapping).eventSourceArn, byName(run, QUEUE, "nops-ccost-prod-reconciler-events").state.arn);
        assert.ok(inputs(mapping).scalingConfig.maximumConcurrency >= 2, "the provider's minimum");
        await createEventSourceMapping(run, mapping);
        assert.ok(dependsOn[`${MAPPING}::${mapping.name}`].includes("reconciler"), "after the role's policy");
    });

    it("the replay catches a queue whose visibility timeout is below the function's, and a role that cannot receive", async () => {
        const mapping = run.one(MAPPING);
        const queue = byName(run, QUEUE, "nops-ccost-prod-reconciler-events");
        const saved = queue.inputs.visibilityTimeoutSeconds;
        delete queue.inputs.visibilityTimeoutSeconds;
        await assert.rejects(
            () => createEventSourceMapping(run, mapping),
            /Queue visibility timeout: 30 seconds is less than Function timeout: 900 seconds/,
        );
        queue.inputs.visibilityTimeoutSeconds = saved;
        const other = {
            ...mapping,
            inputs: { ...mapping.inputs, eventSourceArn: byName(run, QUEUE, "nops-ccost-prod-watch-events").state.arn },
        };
        queue.inputs.visibilityTimeoutSeconds = saved;
        const watch = byName(run, QUEUE, "nops-ccost-prod-watch-events");
        watch.inputs.visibilityTimeoutSeconds = 900;
        await assert.rejects(
            () => createEventSourceMapping(run, other as Registration),
            /does not have permissions to call ReceiveMessage/,
        );
    });

    it("alarms on both dead-letter queues (the reconciler's and the watch service's)", () => {
        const alarms = run.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
        assert.deepEqual(alarms.map((a) => inputs(a).dimensions.QueueName).sort(), [
            "nops-ccost-prod-reconciler-events-dlq",
            "nops-ccost-prod-watch-events-dlq",
        ]);
        for (const alarm of alarms) {
            assert.equal(inputs(alarm).metricName, "ApproximateNumberOfMessagesVisible");
            assert.equal(inputs(alarm).comparisonOperator, "GreaterThanThreshold");
            assert.equal(inputs(alarm).threshold, 0);
        }
    });

    it("gives the watch queue room for the service's restarts before a change goes to its dead-letter queue", () => {
        // Each stop releases the held messages and each start receives them again: 5 would dead-letter a change after
        // five restarts while an up keeps failing.
        assert.equal(
            JSON.parse(inputs(byName(run, QUEUE, "nops-ccost-prod-watch-events")).redrivePolicy).maxReceiveCount,
            WATCH_MAX_RECEIVE_COUNT,
        );
        assert.ok(WATCH_MAX_RECEIVE_COUNT >= 50);
    });

    it("tells the reconciler its bus, and lets it consume its queue and publish there only", async () => {
        for (const fn of run.ofType("aws:lambda/function:Function")) {
            assert.equal(inputs(fn).environment.variables.CI_EVENT_BUS_NAME, "container-insights-prod");
            assert.equal(inputs(fn).environment.variables.CI_ENVIRONMENT, "PROD");
        }
        const policy = run
            .ofType("aws:iam/rolePolicy:RolePolicy")
            .find((p) => inputs(p).role === "nops-ccost-prod-reconciler")!;
        const document = doc(policy.inputs.policy) as never;
        const tokenSecretArn = String(run.one("aws:secretsmanager/secret:Secret").state.arn);
        assert.deepEqual(
            ruleViolations(
                document,
                { ...scope },
                roleRules(scope, "reconciler", {
                    tokenSecretArn,
                    associations: { stackId: scope.stackId },
                    events: true,
                }),
            ),
            [],
        );
        assert.deepEqual(
            ruleViolations(
                document,
                scope,
                roleRules(scope, "reconciler", { tokenSecretArn, associations: { stackId: scope.stackId } }),
            ).length > 0,
            true,
            "without the events rules the new statements are refused",
        );
        const bus = String(run.one("aws:cloudwatch/eventBus:EventBus").state.arn);
        assert.equal(
            await simulateIdentity(document, { action: "events:PutEvents", resource: bus, context: {} }),
            "Allow",
        );
        assert.notEqual(
            await simulateIdentity(document, {
                action: "events:PutEvents",
                resource: bus.replace("container-insights-prod", "default"),
                context: {},
            }),
            "Allow",
        );
        assert.notEqual(
            await simulateIdentity(document, {
                action: "sqs:SendMessage",
                resource: String(byName(run, QUEUE, "nops-ccost-prod-reconciler-events").state.arn),
                context: {},
            }),
            "Allow",
        );
    });

    it("outputs the bus and the queues the watch service reads", () => {
        assert.equal(run.outputs.eventBusName.value, "container-insights-prod");
        assert.equal(run.outputs.watchQueueUrl.value, byName(run, QUEUE, "nops-ccost-prod-watch-events").state.url);
        assert.equal(run.outputs.watchQueueArn.value, byName(run, QUEUE, "nops-ccost-prod-watch-events").state.arn);
        assert.equal(
            run.outputs.reconcilerQueueUrl.value,
            byName(run, QUEUE, "nops-ccost-prod-reconciler-events").state.url,
        );
    });
});

describe("events off, or without a reconciler", () => {
    for (const [label, config] of [
        ["events.enabled false", { ...baseConfig(), "events.enabled": "false" }],
        ["identityMode iamUser", { ...baseConfig(), identityMode: "iamUser" }],
    ] as const) {
        it(`${label}: no event resources, no event outputs, nothing new for the reconciler`, async () => {
            const run = await runProgram(config, { fleet: FLEET });
            for (const type of EVENT_TYPES) {
                assert.deepEqual(run.ofType(type), [], type);
            }
            assert.deepEqual(
                run.ofType(RULE).filter((r) => inputs(r).scheduleExpression === undefined),
                [],
            );
            for (const key of ["eventBusName", "reconcilerQueueUrl", "watchQueueUrl", "watchQueueArn"]) {
                assert.equal(run.outputs[key], undefined, key);
            }
            for (const fn of run.ofType("aws:lambda/function:Function")) {
                assert.equal(inputs(fn).environment.variables.CI_EVENT_BUS_NAME, undefined);
            }
        });
    }
});

describe("events.createTrail", () => {
    it("creates a multi-region management-events trail into the stack's state bucket, after the policy that lets it write", async () => {
        const dependsOn: string[] = [];
        const run = await runProgram(
            { ...baseConfig(), "events.createTrail": "true" },
            {
                transformation: (args) => {
                    if (args.type === "aws:cloudtrail/trail:Trail") {
                        dependsOn.push(
                            ...((args.opts.dependsOn ?? []) as pulumi.Resource[]).map(
                                (r) => (r as unknown as { __name: string }).__name,
                            ),
                        );
                    }
                    return undefined;
                },
            },
        );
        const trail = inputs(run.one("aws:cloudtrail/trail:Trail"));
        assert.equal(trail.isMultiRegionTrail, true);
        assert.equal(trail.includeGlobalServiceEvents, true, "IAM's events too");
        assert.equal(trail.enableLogging, true);
        assert.deepEqual(
            trail.eventSelectors,
            [{ readWriteType: "WriteOnly", includeManagementEvents: true }],
            "only writes are needed (the events are writes): cheaper",
        );
        assert.equal(trail.s3KeyPrefix, "cloudtrail");
        assert.ok(dependsOn.includes("state"), "after the state bucket's policy");

        const bucket = String(trail.s3BucketName);
        assert.equal(bucket, STATE_BUCKET_NAME, "never the agents' bucket, which a lifecycle rule may empty");
        const trailArn = `arn:aws:cloudtrail:us-east-1:${ACCOUNT_ID}:trail/${trail.name}`;
        const policy = doc(run.one("aws:s3/bucketPolicy:BucketPolicy", "state").inputs.policy) as never;
        const cloudTrail = (action: string, resource: string, context: Record<string, string>) =>
            simulate(
                { identity: [], resource: policy },
                { action, resource, context: { "aws:SourceArn": trailArn, "aws:SecureTransport": "true", ...context } },
                { principal: "cloudtrail.amazonaws.com" },
            );
        // What CloudTrail does at CreateTrail and on every delivery (CloudTrail User Guide, bucket policy for CloudTrail).
        assert.equal(await cloudTrail("s3:GetBucketAcl", `arn:aws:s3:::${bucket}`, {}), "Allow");
        const logObject = `arn:aws:s3:::${bucket}/cloudtrail/AWSLogs/${ACCOUNT_ID}/CloudTrail/eu-west-1/2026/11/22/x.json.gz`;
        assert.equal(
            await cloudTrail("s3:PutObject", logObject, {
                "s3:x-amz-acl": "bucket-owner-full-control",
                "aws:SecureTransport": "true",
            }),
            "Allow",
        );
        assert.notEqual(
            await cloudTrail("s3:PutObject", logObject, {
                "aws:SourceArn": `${trailArn}-other`,
                "s3:x-amz-acl": "bucket-owner-full-control",
            }),
            "Allow",
            "another trail may not write here",
        );
        assert.notEqual(
            await cloudTrail("s3:PutObject", logObject, {}),
            "Allow",
            "not without the bucket owner's full control",
        );
        assert.notEqual(
            await cloudTrail("s3:PutObject", `arn:aws:s3:::${bucket}/data/x.parquet`, {
                "s3:x-amz-acl": "bucket-owner-full-control",
            }),
            "Allow",
            "nowhere else",
        );
        // The agents may neither read nor write the trail's logs.
        const agent = agentPermissions({
            partition: "aws",
            bucketName: `nops-container-cost-${ACCOUNT_ID}`,
            queueArnPattern: "arn:aws:sqs:us-west-2:202279780353:nops-k8s-*",
        });
        for (const action of ["s3:GetObject", "s3:PutObject"]) {
            assert.notEqual(
                await simulateIdentity(agent, { action, resource: logObject, context: {} }),
                "Allow",
                action,
            );
        }
        assert.deepEqual(
            doc(run.one("aws:s3/bucketPolicy:BucketPolicy", "insights").inputs.policy).Statement.map((s) => s.Sid),
            ["DenyInsecureTransport"],
            "CloudTrail gets nothing in the agents' bucket",
        );
    });

    it("without it, both bucket policies stay TLS-only", async () => {
        const run = await runProgram(baseConfig());
        for (const policy of run.ofType("aws:s3/bucketPolicy:BucketPolicy")) {
            assert.deepEqual(
                doc(policy.inputs.policy).Statement.map((s) => s.Sid),
                ["DenyInsecureTransport"],
                policy.name,
            );
        }
    });
});

describe("the CloudTrail check", () => {
    const trail = (fields: Partial<TrailFacts>): TrailFacts => ({
        arn: `arn:aws:cloudtrail:us-east-1:${ACCOUNT_ID}:trail/t`,
        homeRegion: "us-east-1",
        multiRegion: false,
        includesGlobalServiceEvents: true,
        logging: true,
        logsManagementWrites: true,
        ...fields,
    });

    /** Every warning of a run over two regions whose trails `trails` describes. */
    async function warningsWith(
        trails: (region: string) => Promise<TrailFacts[]>,
        config: Record<string, string> = {},
    ): Promise<string[]> {
        const run = await runProgram(
            { ...baseConfig(), includeRegions: "us-east-1,eu-west-1", ...config },
            { deps: { trails: { trailsFor: trails } } },
        );
        return run.warnings;
    }
    /** A trail warning names the region, why nothing delivers there, and the key that fixes it. */
    const CREATE_TRAIL = configKey("events.createTrail");
    function assertTrailWarning(warning: string | undefined, region: string, why: RegExp | string) {
        assert.ok(warning !== undefined, `a warning about region ${region}`);
        assert.ok(warning.startsWith(`region ${region}: `), warning);
        assert.ok(typeof why === "string" ? warning.includes(why) : why.test(warning), `${why}: ${warning}`);
        assert.ok(warning.includes(CREATE_TRAIL), `names ${CREATE_TRAIL}: ${warning}`);
    }

    it("is quiet when a logging multi-region trail covers every region", async () => {
        assert.deepEqual(await warningsWith(async () => [trail({ multiRegion: true })]), []);
    });

    it("warns per region nothing would deliver: a single-region trail elsewhere, logging off, read-only selectors", async () => {
        const warnings = await warningsWith(async (region) =>
            region === "us-east-1"
                ? [trail({}), trail({ logsManagementWrites: false, multiRegion: true })]
                : [trail({ logging: false, multiRegion: true, homeRegion: "eu-west-1" })],
        );
        assert.equal(warnings.length, 1, warnings.join("\n"));
        assertTrailWarning(warnings[0], "eu-west-1", /no CloudTrail trail logs its management write events/);
    });

    it("warns when IAM's events would not reach us-east-1, and when the trails cannot be read", async () => {
        const warnings = await warningsWith(async (region) => {
            if (region === "eu-west-1") {
                throw Object.assign(new Error("not authorized to perform cloudtrail:DescribeTrails"), {
                    name: "AccessDeniedException",
                });
            }
            return [trail({ includesGlobalServiceEvents: false })];
        });
        assert.equal(warnings.length, 2, warnings.join("\n"));
        assertTrailWarning(
            warnings.find((w) => w.includes("eu-west-1")),
            "eu-west-1",
            /could not be read \(AccessDeniedException/,
        );
        const iam = warnings.find((w) => w.includes("us-east-1"));
        assert.ok(iam !== undefined && iam.startsWith("us-east-1: "), iam);
        assert.match(iam, /global service events \(IAM\)/);
        assert.ok(iam.includes(CREATE_TRAIL), iam);
    });

    describe("one trail that cannot be read (an organization trail seen from a member account)", () => {
        const ORG_TRAIL = "arn:aws:cloudtrail:us-east-1:999988887777:trail/org";
        const OWN_TRAIL = `arn:aws:cloudtrail:us-east-1:${ACCOUNT_ID}:trail/own`;
        let client: ReturnType<typeof mockClient>;
        beforeEach(() => {
            client = mockClient(cloudtrail.CloudTrailClient);
            client
                .on(cloudtrail.GetTrailStatusCommand, { Name: ORG_TRAIL })
                .rejects(Object.assign(new Error("not authorized"), { name: "TrailNotFoundException" }));
            client
                .on(cloudtrail.GetEventSelectorsCommand, { TrailName: ORG_TRAIL })
                .rejects(Object.assign(new Error("not authorized"), { name: "TrailNotFoundException" }));
            client.on(cloudtrail.GetTrailStatusCommand, { Name: OWN_TRAIL }).resolves({ IsLogging: true });
            client
                .on(cloudtrail.GetEventSelectorsCommand, { TrailName: OWN_TRAIL })
                .resolves({ EventSelectors: [{ ReadWriteType: "WriteOnly", IncludeManagementEvents: true }] });
        });
        afterEach(() => client.restore());
        const listed = (arns: string[]) =>
            client.on(cloudtrail.DescribeTrailsCommand).resolves({
                trailList: arns.map((arn) => ({
                    TrailARN: arn,
                    HomeRegion: "us-east-1",
                    IsMultiRegionTrail: true,
                    IncludeGlobalServiceEvents: true,
                })),
            });

        it("does not hide a readable trail that covers the region", async () => {
            listed([ORG_TRAIL, OWN_TRAIL]);
            const coverage = await trailCoverage(sdkTrailLookup(), ["us-east-1"], "us-east-1");
            assert.deepEqual(coverage.uncovered, []);
            assert.equal(coverage.iam, true);
            assert.deepEqual(coverage.errors, {});
        });

        it("alone, leaves the region uncovered naming the trail it could not read, not 'no trail'", async () => {
            listed([ORG_TRAIL]);
            const coverage = await trailCoverage(sdkTrailLookup(), ["us-east-1"], "us-east-1");
            assert.deepEqual(coverage.uncovered, ["us-east-1"]);
            assert.deepEqual(coverage.errors, {});
            assert.match(coverage.unreadable["us-east-1"].join(), new RegExp(`^${ORG_TRAIL}: TrailNotFoundException`));
            const warnings = await warningsWith(async (region) => [
                {
                    ...trail({ arn: ORG_TRAIL, multiRegion: true, homeRegion: region }),
                    logging: false,
                    unreadable: "TrailNotFoundException: x",
                },
            ]);
            assertTrailWarning(
                warnings.find((w) => w.includes("eu-west-1")),
                "eu-west-1",
                `could not read trail ${ORG_TRAIL}: TrailNotFoundException`,
            );
        });
    });

    it("is not asked when the stack creates its own trail, or has events off", async () => {
        const asked: string[] = [];
        const lookup = async (region: string) => {
            asked.push(region);
            return [];
        };
        await warningsWith(lookup, { "events.createTrail": "true" });
        await warningsWith(lookup, { "events.enabled": "false" });
        assert.deepEqual(asked, []);
    });
});
