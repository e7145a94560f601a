import { strict as assert } from "node:assert";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PolicyDocument, policy } from "../common/documents";
import { STACK_TAG_KEY } from "../common/naming";
import { INVOKE_ACTIONS, PROVIDER_ACTIONS, UNSCOPED_ACTIONS } from "../components/permissions/providerActions";
import { CALLER_ACCOUNT } from "../components/permissions/target";
import { ADDON_NAMES } from "../components/addons";
import { deployerPolicy } from "../components/permissions/deployerPolicy";
import {
    MANAGED_POLICY_LIMIT,
    defaultSplitDir,
    main as permissionsMain,
    policySize,
    splitPolicy,
    stackDeployerPolicy,
} from "../scripts/permissions";
import { readDocs } from "./docs";
import { isWildcardOnlyAction } from "@cloud-copilot/iam-simulate";
import { AuthRequest, simulate, simulateGenerated } from "./iamSimulator";
import { parsedAsTheProgramSeesIt } from "./renderedDocuments";
import { probeRequests } from "./policyProbes";
import { ACCOUNT_ID, Fleet, Invoke, ProgramRun, Registration, baseConfig, doc, runProgram, unwrap } from "./harness";

const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const FLEET: Fleet = { "us-east-1": [{ name: "alpha" }], "eu-west-1": [{ name: "beta" }] };
const answerGetKey = (invoke: Invoke) =>
    invoke.token === "aws:kms/getKey:getKey" ? { id: "k", keyId: invoke.inputs.keyId, arn: KEY_ARN } : undefined;

const CASES: Array<[string, Record<string, string>]> = [
    [
        "IRSA, auto-update, KMS alias, lifecycle, cluster access role",
        {
            ...baseConfig(),
            includeRegions: "us-east-1,eu-west-1",
            kmsKeyId: "alias/insights",
            lifecycleDays: "30",
            "clusters.assumeRoleArn": `arn:aws:iam::${ACCOUNT_ID}:role/eks-admin`,
        },
    ],
    [
        "IAM user, KMS key id, no auto-update",
        {
            ...baseConfig(),
            createIamUser: "true",
            autoUpdate: "false",
            kmsKeyId: "1234abcd-12ab-34cd-56ef-1234567890ab",
        },
    ],
    ["IRSA, KMS key ARN, no agent install", { ...baseConfig(), kmsKeyId: KEY_ARN, "agent.install": "false" }],
    [
        "Pod Identity, add-on installed where missing",
        {
            ...baseConfig(),
            includeRegions: "us-east-1,eu-west-1",
            identityMode: "podIdentity",
            installPodIdentityAgent: "true",
        },
    ],
    ["auto identity", { ...baseConfig(), includeRegions: "us-east-1,eu-west-1", identityMode: "auto" }],
    [
        "Fargate Container Insights with Pod Identity",
        {
            ...baseConfig(),
            includeRegions: "us-east-1,eu-west-1",
            identityMode: "podIdentity",
            installPodIdentityAgent: "true",
            "addons.fargateInsights.enabled": "true",
            "addons.fargateInsights.alwaysInclude": "*",
        },
    ],
    [
        "Fargate Container Insights with an IAM user",
        {
            ...baseConfig(),
            createIamUser: "true",
            "addons.fargateInsights.enabled": "true",
            "addons.fargateInsights.alwaysInclude": "*",
        },
    ],
    [
        "CNI metrics add-on, IRSA, the stack's alarm topics with an email",
        {
            ...baseConfig(),
            includeRegions: "us-east-1,eu-west-1",
            "addons.cniMetrics.enabled": "true",
            "addons.cniMetrics.alarmEmail": "ops@example.com",
        },
    ],
    [
        "CNI metrics add-on, Pod Identity, an existing topic",
        {
            ...baseConfig(),
            includeRegions: "us-east-1",
            identityMode: "podIdentity",
            "addons.cniMetrics.enabled": "true",
            "addons.cniMetrics.alarmTopicArn": `arn:aws:sns:us-east-1:${ACCOUNT_ID}:ops`,
        },
    ],
    [
        "events with a trail of their own, IAM's rule in us-east-1 though it is not included",
        { ...baseConfig(), includeRegions: "eu-west-1,eu-central-1", "events.createTrail": "true" },
    ],
    ["events off", { ...baseConfig(), "events.enabled": "false" }],
    [
        // Every entry of ADDONS turned on (with the settings the cases above give each), so a new add-on is checked here.
        "every registered add-on at once, IRSA, Fargate everywhere, the stack's alarm topics with an email",
        {
            ...baseConfig(),
            includeRegions: "us-east-1,eu-west-1",
            ...Object.fromEntries(ADDON_NAMES.map((name) => [`addons.${name}.enabled`, "true"])),
            "addons.fargateInsights.alwaysInclude": "*",
            "addons.cniMetrics.alarmEmail": "ops@example.com",
        },
    ],
];
const EVERY_ADDON = CASES[CASES.length - 1][0];

const iam = (path: string) => `arn:aws:iam::${ACCOUNT_ID}:${path}`;

/** The ARN IAM authorizes each registration's calls against, from what the program registered. */
function arnsOf(run: ProgramRun, r: Registration): string[] {
    const inputs = unwrap(r.inputs) as Record<string, any>;
    const regional = (service: string, rest: string, region = inputs.region ?? "us-east-1") =>
        `arn:aws:${service}:${region}:${ACCOUNT_ID}:${rest}`;
    const rule = (name: string) =>
        regional("events", inputs.eventBusName ? `rule/${inputs.eventBusName}/${name}` : `rule/${name}`);
    const queueName = (url: string) => url.split("/").pop()!;
    const [, module] = r.type.split(":");
    if (module.startsWith("s3/")) {
        // Each setting is named like its bucket ("insights", "state"); S3 names the state bucket (bucketPrefix).
        return [`arn:aws:s3:::${run.one("aws:s3/bucket:Bucket", r.name).state.bucket}`];
    }
    switch (r.type) {
        case "aws:iam/role:Role":
            return [iam(`role${inputs.path ?? "/"}${inputs.name}`)];
        case "aws:iam/rolePolicy:RolePolicy": {
            // IAM authorizes on the role's ARN, path included; the platform's integration role is not the program's.
            const role = run.ofType("aws:iam/role:Role").find((x) => unwrap(x.inputs.name) === inputs.role);
            return role ? arnsOf(run, role) : [iam(`role/${inputs.role}`)];
        }
        case "aws:iam/policy:Policy":
            return [iam(`policy${inputs.path ?? "/"}${inputs.name}`)];
        case "aws:iam/user:User":
            return [iam(`user/${inputs.name}`)];
        case "aws:iam/userPolicy:UserPolicy":
        case "aws:iam/accessKey:AccessKey":
            return [iam(`user/${inputs.user}`)];
        case "aws:secretsmanager/secret:Secret":
        case "aws:secretsmanager/secretVersion:SecretVersion": {
            const secret = run.ofType("aws:secretsmanager/secret:Secret").find((s) => s.name === r.name)!;
            return [regional("secretsmanager", `secret:${unwrap(secret.inputs.namePrefix)}AbCdEf`)];
        }
        case "aws:cloudwatch/logGroup:LogGroup":
            return [regional("logs", `log-group:${inputs.name}`), regional("logs", `log-group:${inputs.name}:*`)];
        case "aws:lambda/function:Function":
            return [regional("lambda", `function:${inputs.name}`)];
        case "aws:lambda/invocation:Invocation":
            return [regional("lambda", `function:${inputs.functionName}`)];
        case "aws:lambda/permission:Permission":
            return [regional("lambda", `function:${inputs.function}`)];
        case "aws:cloudwatch/eventRule:EventRule":
            return [rule(inputs.name)];
        case "aws:cloudwatch/eventTarget:EventTarget":
            return [rule(inputs.rule)];
        case "aws:cloudwatch/eventBus:EventBus":
            return [regional("events", `event-bus/${inputs.name}`)];
        case "aws:sqs/queue:Queue":
            return [regional("sqs", inputs.name)];
        case "aws:sqs/queuePolicy:QueuePolicy": {
            // The mocks give a queue no URL: the policy's queue is the one whose registration feeds its queueUrl.
            const queue = run.ofType("aws:sqs/queue:Queue").find((q) => q.name === r.name)!;
            return [regional("sqs", queueName(String(unwrap(queue.inputs.name))))];
        }
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
            return [regional("cloudwatch", `alarm:${inputs.name}`)];
        case "aws:lambda/eventSourceMapping:EventSourceMapping":
            return [
                regional("lambda", `function:${inputs.functionName}`),
                regional("lambda", "event-source-mapping:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"),
            ];
        case "aws:cloudtrail/trail:Trail":
            return [regional("cloudtrail", `trail/${inputs.name}`)];
        case "aws:eks/podIdentityAssociation:PodIdentityAssociation": {
            const arn = (rest: string) => `arn:aws:eks:${inputs.region}:${ACCOUNT_ID}:${rest}`;
            return [
                arn(`cluster/${inputs.clusterName}`),
                arn(`podidentityassociation/${inputs.clusterName}/a-0123456789abcdefg`),
            ];
        }
        case "aws:eks/fargateProfile:FargateProfile": {
            const arn = (rest: string) => `arn:aws:eks:${inputs.region}:${ACCOUNT_ID}:${rest}`;
            return [
                arn(`cluster/${inputs.clusterName}`),
                arn(
                    `fargateprofile/${inputs.clusterName}/${inputs.fargateProfileName}/0ec3a1b2-0000-4000-8000-000000000000`,
                ),
            ];
        }
        case "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
            const role = run.ofType("aws:iam/role:Role").find((x) => unwrap(x.inputs.name) === inputs.role)!;
            return arnsOf(run, role);
        }
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
            return [`arn:aws:cloudwatch:${inputs.region}:${ACCOUNT_ID}:alarm:${inputs.name}`];
        case "aws:kms/key:Key":
            // CreateKey is authorized on "*" (no key exists yet); the key's other calls on its own ARN.
            return [`arn:aws:kms:${inputs.region}:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`];
        case "aws:sns/topic:Topic":
            return [`arn:aws:sns:${inputs.region}:${ACCOUNT_ID}:${inputs.name}`];
        case "aws:sns/topicPolicy:TopicPolicy":
        case "aws:sns/topicSubscription:TopicSubscription": {
            // The topic of the same region, by its real ARN shape (the mocks' ARNs are not AWS's).
            const topic = run.ofType("aws:sns/topic:Topic").find((t) => unwrap(t.inputs.region) === inputs.region)!;
            const topicArn = `arn:aws:sns:${inputs.region}:${ACCOUNT_ID}:${unwrap(topic.inputs.name)}`;
            return r.type.endsWith("TopicPolicy")
                ? [topicArn]
                : [topicArn, `${topicArn}:0a1b2c3d-0000-1111-2222-333344445555`];
        }
        case "aws:eks/addon:Addon":
            return [
                `arn:aws:eks:${inputs.region}:${ACCOUNT_ID}:cluster/${inputs.clusterName}`,
                `arn:aws:eks:${inputs.region}:${ACCOUNT_ID}:addon/${inputs.clusterName}/${inputs.addonName}/a1b2c3d4-0000-4000-8000-000000000000`,
            ];
    }
    throw new Error(`the test does not know the ARN of a ${r.type}`);
}

/** IAM puts a role's permissions boundary (by its real ARN) in the context of the calls on the role and its policies. */
function boundaryContext(run: ProgramRun, r: Registration): Record<string, string> {
    const inputs = unwrap(r.inputs) as Record<string, any>;
    const role =
        r.type === "aws:iam/role:Role"
            ? r
            : r.type.startsWith("aws:iam/role")
              ? run.ofType("aws:iam/role:Role").find((x) => unwrap(x.inputs.name) === inputs.role)
              : undefined;
    const boundary = role && unwrap(role.inputs.permissionsBoundary);
    if (!boundary) {
        return {};
    }
    const policy = run.ofType("aws:iam/policy:Policy").find((p) => p.state.arn === boundary);
    return { "iam:PermissionsBoundary": policy ? arnsOf(run, policy)[0] : String(boundary) };
}

function invokeRequests(invoke: Invoke): Array<{ resource: string; context: Record<string, string | string[]> }> {
    const inputs = invoke.inputs as Record<string, string>;
    switch (invoke.token) {
        case "aws:eks/getClusters:getClusters":
            return [{ resource: "*", context: { "aws:RequestedRegion": inputs.region } }];
        case "aws:eks/getCluster:getCluster":
            return [
                {
                    resource: `arn:aws:eks:${inputs.region}:${ACCOUNT_ID}:cluster/${inputs.name}`,
                    context: { "aws:RequestedRegion": inputs.region },
                },
            ];
        case "aws:kms/getKey:getKey":
            return [
                {
                    resource: KEY_ARN,
                    context: inputs.keyId.startsWith("alias/") ? { "kms:ResourceAliases": [inputs.keyId] } : {},
                },
            ];
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return [];
        case "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider":
            return [{ resource: inputs.arn, context: {} }];
        case "aws:eks/getAddon:getAddon":
            return [
                {
                    resource: `arn:aws:eks:${inputs.region}:${ACCOUNT_ID}:addon/${inputs.clusterName}/${inputs.addonName}/a1b2c3d4-0000-4000-8000-000000000000`,
                    context: {},
                },
            ];
        case "aws:cloudwatch/getLogGroups:getLogGroups":
            // DescribeLogGroups is authorized on the account's log-group:* of the region.
            return [{ resource: `arn:aws:logs:${inputs.region}:${ACCOUNT_ID}:log-group:*`, context: {} }];
        case "aws:cloudwatch/getLogGroup:getLogGroup": {
            const group = `arn:aws:logs:${inputs.region}:${ACCOUNT_ID}:log-group:${inputs.name}`;
            return [
                { resource: group, context: {} },
                { resource: `${group}:*`, context: {} },
            ];
        }
        case "aws:ec2/getRouteTables:getRouteTables":
        case "aws:ec2/getRouteTable:getRouteTable":
            return [{ resource: "*", context: { "aws:RequestedRegion": inputs.region } }];
    }
    throw new Error(`the test does not know the resource of invoke ${invoke.token}`);
}

/** KMS's default key policy (KMS Developer Guide, "Default key policy"): the account's IAM policies decide. */
const DEFAULT_KEY_POLICY = policy({
    Sid: "EnableIamPolicies",
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` },
    Action: "kms:*",
    Resource: "*",
});

/** A request the deploy makes, with the resource's own policy where IAM needs it too (a KMS key's). */
interface DeployRequest extends AuthRequest {
    resourcePolicy?: PolicyDocument;
    /** What makes the request, for the assertion's message. */
    by: string;
}

const tagContext = (prefix: "RequestTag" | "ResourceTag", tags: Record<string, string>) =>
    Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:${prefix}/${k}`, v]));

/** The role a registration's role ARN input (a mocked Output) points at, by its real ARN. */
function roleArnOf(run: ProgramRun, mockedArn: unknown): string {
    const arn = String(unwrap(mockedArn));
    const role = run
        .ofType("aws:iam/role:Role")
        .find((r) => r.state.arn === arn || arn.endsWith(`/${unwrap(r.inputs.name)}`));
    assert.ok(role, `no role registered for ${arn}`);
    return arnsOf(run, role)[0];
}

/**
 * Every request a first deploy (and a later update or destroy) makes of IAM, from what the program registered and
 * invoked: each resource type's provider calls on that resource's own ARN, with the context IAM builds (a role's
 * boundary, a managed policy's ARN, a key's tags, the tags a key is created with), and each role it passes.
 */
function deployRequests(run: ProgramRun): DeployRequest[] {
    const requests: DeployRequest[] = [];
    for (const r of run.resources.filter((x) => x.type.startsWith("aws:"))) {
        const needed = PROVIDER_ACTIONS[r.type];
        assert.ok(needed, `no provider actions listed for ${r.type}`);
        const by = `${r.type} ${r.name}`;
        // Attaching and detaching a managed policy carry the policy's ARN in the request context.
        const policyArn =
            r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
                ? String(unwrap(r.inputs.policyArn))
                : undefined;
        const isKey = r.type === "aws:kms/key:Key";
        const keyTags = isKey ? (unwrap(r.inputs.tags) as Record<string, string>) : {};
        const keyPolicy = isKey ? doc(r.inputs.policy) : undefined;
        for (const resource of arnsOf(run, r)) {
            for (const action of needed) {
                if (action === "kms:CreateKey") {
                    // CreateKey names no key (it makes one): authorized on "*", in the requested region, with the tags
                    // it is created with; those tags are authorized as kms:TagResource on the new key, which has none yet.
                    const creation = {
                        ...tagContext("RequestTag", keyTags),
                        "aws:TagKeys": Object.keys(keyTags),
                    };
                    requests.push(
                        {
                            action,
                            resource: "*",
                            context: { "aws:RequestedRegion": String(unwrap(r.inputs.region)), ...creation },
                            by,
                        },
                        {
                            action: "kms:TagResource",
                            resource,
                            context: creation,
                            resourcePolicy: keyPolicy as PolicyDocument,
                            by: `${by} (tags at creation)`,
                        },
                    );
                    continue;
                }
                const context: AuthRequest["context"] = {
                    ...(policyArn && /^iam:(Attach|Detach)RolePolicy$/.test(action)
                        ? { "iam:PolicyARN": policyArn }
                        : {}),
                    ...boundaryContext(run, r),
                    ...tagContext("ResourceTag", keyTags),
                    // A mapping's calls carry the function it maps to.
                    ...(r.type === "aws:lambda/eventSourceMapping:EventSourceMapping"
                        ? { "lambda:FunctionArn": arnsOf(run, r)[0] }
                        : {}),
                };
                requests.push({
                    action,
                    resource,
                    context,
                    resourcePolicy: keyPolicy as PolicyDocument | undefined,
                    by,
                });
            }
        }
    }
    const passRole = (roleArn: unknown, service: string, by: string) =>
        requests.push({
            action: "iam:PassRole",
            resource: roleArnOf(run, roleArn),
            context: { "iam:PassedToService": service },
            by,
        });
    for (const fn of run.ofType("aws:lambda/function:Function")) {
        passRole(fn.inputs.role, "lambda.amazonaws.com", `function ${fn.name}`);
    }
    for (const target of run.ofType("aws:cloudwatch/eventTarget:EventTarget").filter((t) => t.inputs.roleArn)) {
        passRole(target.inputs.roleArn, "events.amazonaws.com", `event target ${target.name}`);
    }
    for (const profile of run.ofType("aws:eks/fargateProfile:FargateProfile")) {
        passRole(profile.inputs.podExecutionRoleArn, "eks.amazonaws.com", `Fargate profile ${profile.name}`);
    }
    for (const association of run.ofType("aws:eks/podIdentityAssociation:PodIdentityAssociation")) {
        passRole(association.inputs.roleArn, "pods.eks.amazonaws.com", `association ${association.name}`);
    }
    for (const invoke of run.invokes) {
        const needed = INVOKE_ACTIONS[invoke.token];
        assert.ok(needed, `no actions listed for invoke ${invoke.token}`);
        for (const { resource, context } of invokeRequests(invoke)) {
            for (const action of needed) {
                const resourcePolicy = action.startsWith("kms:") ? DEFAULT_KEY_POLICY : undefined;
                requests.push({ action, resource, context, resourcePolicy, by: `invoke ${invoke.token}` });
            }
        }
    }
    return requests;
}

/** The deployer's policy the two ways the README prints it: as created in any account, and for one account. */
const VARIANTS: Array<{ label: string; accountId?: string; split: boolean }> = [
    { label: "printed without --account and split, as the first-deploy steps create it", split: true },
    { label: "printed with --account", accountId: ACCOUNT_ID, split: false },
];

describe("permissions: the deploying identity's least-privilege policy (decided by iam-simulate)", () => {
    /** One program run per case, read by both variants' assertions (only the policy differs between them). */
    const runs = new Map<string, Promise<ProgramRun>>();
    const runOf = (label: string, config: Record<string, string>) => {
        if (!runs.has(label)) {
            runs.set(label, runProgram(config, { fleet: FLEET, call: answerGetKey }));
        }
        return runs.get(label)!;
    };
    for (const [label, config] of CASES) {
        // The every-add-on case is read with the --account policy only (about 1.6 s of CPU instead of 2.3 s more).
        for (const variant of label === EVERY_ADDON ? VARIANTS.slice(1) : VARIANTS) {
            describe(`${label}; ${variant.label}`, () => {
                let run: ProgramRun;
                let documents: PolicyDocument[];
                const decide = (request: AuthRequest & { resourcePolicy?: PolicyDocument }) =>
                    simulate({ identity: documents, resource: request.resourcePolicy }, request);
                const decideGenerated = (request: DeployRequest, options = {}) =>
                    simulateGenerated({ identity: documents, resource: request.resourcePolicy }, request, options);
                const decision = (action: string, resource: string, context = {}, resourcePolicy?: PolicyDocument) =>
                    decide({ action, resource, context, resourcePolicy });
                const allowed = async (
                    action: string,
                    resource: string,
                    context = {},
                    resourcePolicy?: PolicyDocument,
                ) => (await decision(action, resource, context, resourcePolicy)) === "Allow";
                before(async () => {
                    run = await runOf(label, config);
                    const whole = deployerPolicy({
                        stackName: "prod",
                        stackRegion: "us-east-1",
                        accountId: variant.accountId,
                        config: parsedAsTheProgramSeesIt(config),
                    });
                    documents = variant.split ? splitPolicy(whole) : [whole];
                });

                it("allows every request the deploy makes: each registered resource's calls, each invoke, each role it passes", async () => {
                    // Each call is authorized on the resources of the types its action takes (a registration may have several ARNs).
                    const applicable = new Map<string, number>();
                    const requests = deployRequests(run);
                    assert.ok(requests.length > 20);
                    for (const request of requests) {
                        const what = `${request.action} (${request.by})`;
                        applicable.set(what, applicable.get(what) ?? 0);
                        const decision = await decideGenerated(request);
                        if (decision !== "NotApplicable") {
                            assert.equal(decision, "Allow", `${request.action} on ${request.resource} (${request.by})`);
                            applicable.set(what, applicable.get(what)! + 1);
                        }
                    }
                    const untested = [...applicable].filter(([, n]) => n === 0).map(([what]) => what);
                    assert.deepEqual(untested, [], "calls whose action takes none of the resource's ARNs");
                });

                it("passes each role only to the service that takes it", async () => {
                    for (const request of deployRequests(run).filter((r) => r.action === "iam:PassRole")) {
                        for (const other of ["ec2.amazonaws.com", "lambda.amazonaws.com", "eks.amazonaws.com"]) {
                            if (other !== request.context["iam:PassedToService"]) {
                                assert.equal(
                                    await decide({ ...request, context: { "iam:PassedToService": other } }),
                                    "ImplicitDeny",
                                    `${request.resource} passed to ${other}`,
                                );
                            }
                        }
                    }
                });

                if (!variant.accountId) {
                    // With --account the ARNs name the account itself.
                    it("allows nothing in another account", async () => {
                        const other = "444455556666";
                        for (const request of deployRequests(run)) {
                            const [service, action] = request.action.split(":");
                            if (
                                request.resource.split(":")[4] !== ACCOUNT_ID ||
                                (await isWildcardOnlyAction(service, action))
                            ) {
                                continue;
                            }
                            const elsewhere = {
                                ...request,
                                resource: request.resource.replace(`:${ACCOUNT_ID}:`, `:${other}:`),
                            };
                            assert.notEqual(
                                await decideGenerated(elsewhere, { resourceAccount: other }),
                                "Allow",
                                `${elsewhere.action} on ${elsewhere.resource}`,
                            );
                        }
                    });
                }

                it("lets the Fargate add-on do what it needs and no more: its profiles, its roles, only the managed Fargate policy", async () => {
                    const profiles = run.ofType("aws:eks/fargateProfile:FargateProfile");
                    const fargateSlr = iam(
                        "role/aws-service-role/eks-fargate.amazonaws.com/AWSServiceRoleForAmazonEKSForFargate",
                    );
                    if (config["addons.fargateInsights.enabled"] !== "true") {
                        assert.equal(profiles.length, 0);
                        assert.ok(
                            !(await allowed(
                                "eks:ListFargateProfiles",
                                `arn:aws:eks:us-east-1:${ACCOUNT_ID}:cluster/alpha`,
                            )),
                        );
                        assert.ok(
                            !(await allowed("iam:CreateServiceLinkedRole", fargateSlr, {
                                "iam:AWSServiceName": "eks-fargate.amazonaws.com",
                            })),
                        );
                        return;
                    }
                    assert.ok(profiles.length > 0);
                    for (const profile of profiles) {
                        const { clusterName, region } = unwrap(profile.inputs) as Record<string, string>;
                        assert.ok(
                            await allowed(
                                "eks:ListFargateProfiles",
                                `arn:aws:eks:${region}:${ACCOUNT_ID}:cluster/${clusterName}`,
                            ),
                            "the SDK's detection",
                        );
                        const roleArn = roleArnOf(run, profile.inputs.podExecutionRoleArn);
                        assert.ok(
                            await allowed("iam:PassRole", roleArn, { "iam:PassedToService": "eks.amazonaws.com" }),
                        );
                        assert.ok(
                            !(await allowed("iam:PassRole", roleArn, { "iam:PassedToService": "ec2.amazonaws.com" })),
                            "the pod execution role goes to EKS only",
                        );
                        assert.ok(
                            await allowed("iam:AttachRolePolicy", roleArn, {
                                "iam:PolicyARN": "arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy",
                            }),
                        );
                        assert.ok(
                            !(await allowed("iam:AttachRolePolicy", roleArn, {
                                "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess",
                            })),
                        );
                    }
                    assert.ok(
                        await allowed("iam:CreateServiceLinkedRole", fargateSlr, {
                            "iam:AWSServiceName": "eks-fargate.amazonaws.com",
                        }),
                        "an account's first Fargate profile",
                    );
                    assert.ok(
                        !(await allowed(
                            "iam:CreateServiceLinkedRole",
                            iam("role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS"),
                            { "iam:AWSServiceName": "eks.amazonaws.com" },
                        )),
                    );
                    assert.ok(
                        !(await allowed("iam:CreateServiceLinkedRole", fargateSlr, {
                            "iam:AWSServiceName": "eks.amazonaws.com",
                        })),
                    );
                    // CreateFargateProfile is authorized on the cluster, so IAM cannot limit the new profile's name; the
                    // calls on a profile are authorized on it.
                    for (const action of ["eks:DeleteFargateProfile", "eks:DescribeFargateProfile"]) {
                        assert.ok(
                            !(await allowed(
                                action,
                                `arn:aws:eks:us-east-1:${ACCOUNT_ID}:fargateprofile/alpha/someone-elses/0ec3a1b2-0000-4000-8000-000000000000`,
                            )),
                            action,
                        );
                    }
                    assert.ok(
                        !(await allowed("iam:PassRole", iam("role/admin"), {
                            "iam:PassedToService": "eks.amazonaws.com",
                        })),
                    );
                    assert.ok(
                        !(await allowed(
                            "iam:CreateRole",
                            iam("role/container-insights-addons/other-stack/adot-collector-alpha-12345678"),
                        )),
                    );
                    assert.ok(
                        !(await allowed(
                            "logs:DeleteLogGroup",
                            `arn:aws:logs:us-east-1:${ACCOUNT_ID}:log-group:/aws/lambda/other`,
                        )),
                    );
                });

                it("puts an action on * exactly where AWS offers no resource scoping (iam-simulate's action data)", async () => {
                    for (const statement of documents.flatMap((d) => d.Statement)) {
                        const onEverything = [statement.Resource].flat().includes("*");
                        for (const action of [statement.Action].flat()) {
                            assert.doesNotMatch(action, /\*/, "no wildcard actions");
                            const [service, name] = action.split(":");
                            assert.equal(
                                await isWildcardOnlyAction(service, name),
                                onEverything,
                                `${action} in ${JSON.stringify(statement)}`,
                            );
                            assert.equal(
                                UNSCOPED_ACTIONS.includes(action),
                                onEverything,
                                `UNSCOPED_ACTIONS and ${action}`,
                            );
                        }
                    }
                });

                it("lets the deployer reserve no Lambda concurrency: the program sets none", async () => {
                    for (const fn of run.ofType("aws:lambda/function:Function")) {
                        assert.equal(unwrap(fn.inputs.reservedConcurrentExecutions), undefined, fn.name);
                        const arn = `arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:${unwrap(fn.inputs.name)}`;
                        assert.notEqual(await decision("lambda:PutFunctionConcurrency", arn), "Allow");
                    }
                });

                it("allows nothing beyond the stack's own resources", async () => {
                    const denied = async (action: string, resource: string, context = {}) =>
                        assert.notEqual(await decision(action, resource, context), "Allow", `${action} on ${resource}`);
                    await denied("iam:CreateRole", iam("role/admin"));
                    await denied("iam:PutRolePolicy", iam("role/container-insights/prod/nops-ccost-alpha_us-east-1"));
                    await denied("iam:PassRole", iam("role/admin"), { "iam:PassedToService": "lambda.amazonaws.com" });
                    await denied("s3:DeleteBucket", "arn:aws:s3:::someone-elses-bucket");
                    await denied("lambda:UpdateFunctionCode", `arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:other`);
                    await denied("eks:ListClusters", "*", { "aws:RequestedRegion": "ap-south-1" });
                    await denied("eks:DescribeCluster", `arn:aws:eks:ap-south-1:${ACCOUNT_ID}:cluster/x`);
                });

                it("creates and edits add-on roles only under the stack's add-on boundary, and never removes a boundary", async () => {
                    const addonRoles = run
                        .ofType("aws:iam/role:Role")
                        .filter((r) => String(unwrap(r.inputs.path)).startsWith("/container-insights-addons/"));
                    const bounded = addonRoles.filter(
                        (r) => !String(unwrap(r.inputs.name)).startsWith("fargate-pods-"),
                    );
                    const otherBoundary = { "iam:PermissionsBoundary": iam("policy/AdministratorAccess") };
                    for (const role of bounded) {
                        const arn = arnsOf(run, role)[0];
                        const own = boundaryContext(run, role);
                        assert.ok(own["iam:PermissionsBoundary"], `${role.name} has a boundary`);
                        for (const action of [
                            "iam:CreateRole",
                            "iam:PutRolePolicy",
                            "iam:PutRolePermissionsBoundary",
                        ]) {
                            assert.equal(await decision(action, arn, own), "Allow", `${action} ${role.name}`);
                            assert.equal(
                                await decision(action, arn, {}),
                                "ImplicitDeny",
                                `${action} without a boundary`,
                            );
                            assert.equal(
                                await decision(action, arn, otherBoundary),
                                "ImplicitDeny",
                                `${action} under another boundary`,
                            );
                        }
                        assert.equal(await decision("iam:DeleteRolePermissionsBoundary", arn, own), "ExplicitDeny");
                    }
                    for (const podRole of addonRoles.filter((r) => !bounded.includes(r))) {
                        assert.equal(
                            await decision("iam:PutRolePolicy", arnsOf(run, podRole)[0]),
                            "ImplicitDeny",
                            "a pod execution role gets no inline policy",
                        );
                    }
                    if (/^Fargate|^CNI metrics add-on, IRSA|^every registered add-on/.test(label)) {
                        assert.ok(bounded.length > 0, "the case has add-on roles to check");
                    }
                });

                it("manages only the KMS keys tagged as this stack's, and tags a key as the stack's only where no stack's tag is", async () => {
                    const someKey = `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/00000000-0000-0000-0000-000000000000`;
                    const ours = { [`aws:ResourceTag/${STACK_TAG_KEY}`]: "container-insights/prod" };
                    const staging = { [`aws:ResourceTag/${STACK_TAG_KEY}`]: "container-insights/staging" };
                    const tagAsOurs = {
                        [`aws:RequestTag/${STACK_TAG_KEY}`]: "container-insights/prod",
                        "aws:TagKeys": [STACK_TAG_KEY],
                    };
                    const key = (action: string, resource: string, context = {}) =>
                        allowed(action, resource, context, DEFAULT_KEY_POLICY);
                    for (const action of [
                        "kms:ScheduleKeyDeletion",
                        "kms:PutKeyPolicy",
                        "kms:UntagResource",
                        "kms:TagResource",
                        "kms:UpdateKeyDescription",
                    ]) {
                        assert.ok(!(await key(action, someKey)), `${action} on an untagged key`);
                        assert.ok(!(await key(action, someKey, staging)), `${action} on another stack's key`);
                    }
                    assert.ok(
                        !(await key("kms:TagResource", someKey, { ...staging, ...tagAsOurs })),
                        "taking another stack's key by tagging it as this stack's",
                    );
                    assert.ok(
                        !(await key("kms:TagResource", someKey, {
                            [`aws:ResourceTag/${STACK_TAG_KEY}`]: "",
                            ...tagAsOurs,
                        })),
                        "a key whose ownership tag is empty",
                    );
                    assert.ok(
                        !(await key("kms:CreateKey", "*", { "aws:RequestedRegion": "us-east-1" })),
                        "an untagged key",
                    );
                    assert.ok(
                        !(await key("kms:CreateKey", "*", {
                            "aws:RequestedRegion": "us-east-1",
                            [`aws:RequestTag/${STACK_TAG_KEY}`]: "container-insights/staging",
                        })),
                    );
                    const topicKeys = run.ofType("aws:kms/key:Key");
                    if (!label.includes("the stack's alarm topics")) {
                        assert.equal(topicKeys.length, 0);
                        assert.ok(!(await key("kms:ScheduleKeyDeletion", someKey, ours)));
                        assert.ok(!(await key("kms:TagResource", someKey, tagAsOurs)), "no keys: no tagging");
                        return;
                    }
                    assert.ok(topicKeys.length > 0);
                    for (const topicKey of topicKeys) {
                        assert.equal(
                            (unwrap(topicKey.inputs.tags) as Record<string, string>)[STACK_TAG_KEY],
                            "container-insights/prod",
                            "the key carries the stack's tag",
                        );
                    }
                    assert.ok(await key("kms:ScheduleKeyDeletion", someKey, ours));
                    assert.ok(
                        !(await key("kms:ScheduleKeyDeletion", `arn:aws:kms:ap-south-1:${ACCOUNT_ID}:key/0`, ours)),
                        "outside the alarm regions",
                    );
                });
            });
        }
    }

    it("reads a stack's file and the project's defaults, never printing a secure value", () => {
        const dir = mkdtempSync(join(tmpdir(), "permissions-"));
        writeFileSync(join(dir, "Pulumi.yaml"), readFileSync(join(__dirname, "..", "Pulumi.yaml"), "utf8"));
        mkdirSync(join(dir, "stacks"));
        writeFileSync(
            join(dir, "stacks", "Pulumi.team.yaml"),
            [
                "config:",
                "  aws:region: eu-west-1",
                "  container-insights:roleName: TeamIntegrationRole",
                "  container-insights:token:",
                "    secure: v1:SECRET-CIPHERTEXT",
                "  container-insights:createIamUser: true",
                "  container-insights:autoUpdate: false",
                "",
            ].join("\n"),
        );
        const document = stackDeployerPolicy("team", { projectDir: dir, accountId: ACCOUNT_ID });
        const text = JSON.stringify(document);
        assert.ok(!text.includes("SECRET-CIPHERTEXT"));
        assert.ok(text.includes(iam("role/TeamIntegrationRole")));
        assert.ok(text.includes(iam("user/nops-container-cost-s3")));
        assert.ok(!text.includes("lambda:"), "IAM-user mode deploys no functions");
        assert.ok(text.includes("secretsmanager:eu-west-1"), "the stack's own region");
        const unbound = stackDeployerPolicy("team", { projectDir: dir });
        assert.ok(JSON.stringify(unbound).includes("arn:aws:s3:::nops-container-cost-${aws:PrincipalAccount}"));
        assert.throws(() => stackDeployerPolicy("missing", { projectDir: dir }), /no stack file .*Pulumi.missing.yaml/);
    });

    it("reads a dotted --set as pulumi config set --path (a field of clusters), over the stack's file", () => {
        const dir = teamProject();
        const document = stackDeployerPolicy("team", {
            projectDir: dir,
            accountId: ACCOUNT_ID,
            overrides: { "clusters.assumeRoleArn": `arn:aws:iam::${ACCOUNT_ID}:role/eks-admin` },
        });
        assert.ok(
            document.Statement.some(
                (s) => s.Action === "sts:AssumeRole" && s.Resource === `arn:aws:iam::${ACCOUNT_ID}:role/eks-admin`,
            ),
        );
    });
});

function teamProject(lines: string[] = []): string {
    const dir = mkdtempSync(join(tmpdir(), "permissions-"));
    writeFileSync(join(dir, "Pulumi.yaml"), readFileSync(join(__dirname, "..", "Pulumi.yaml"), "utf8"));
    mkdirSync(join(dir, "stacks"));
    writeFileSync(
        join(dir, "stacks", "Pulumi.team.yaml"),
        ["config:", "  aws:region: us-east-1", "  container-insights:roleName: TeamIntegrationRole", ...lines, ""].join(
            "\n",
        ),
    );
    return dir;
}

/** Every (action, resource) pair a document allows, for comparing a split with the whole. */
function grants(documents: PolicyDocument[]): Set<string> {
    const pairs = new Set<string>();
    for (const statement of documents.flatMap((d) => d.Statement)) {
        for (const action of ([] as string[]).concat(statement.Action)) {
            for (const resource of ([] as string[]).concat(statement.Resource ?? [])) {
                pairs.add(`${action} ${resource} ${JSON.stringify(statement.Condition ?? {})}`);
            }
        }
    }
    return pairs;
}

describe("the deployer policy within IAM's managed-policy size limit", () => {
    const REGIONS = [
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
        "eu-west-1",
        "eu-west-2",
        "eu-central-1",
        "ap-southeast-1",
        "ap-southeast-2",
        "ap-northeast-1",
    ];
    const large = (accountId?: string) => {
        const config = parsedAsTheProgramSeesIt({
            ...baseConfig(),
            identityMode: "auto",
            installPodIdentityAgent: "true",
            kmsKeyId: "alias/insights",
            includeRegions: JSON.stringify(REGIONS),
            "addons.cniMetrics.enabled": "true",
            "addons.cniMetrics.alarmEmail": "ops@example.com",
            "addons.fargateInsights.enabled": "true",
            "clusters.assumeRoleArn": `arn:aws:iam::${ACCOUNT_ID}:role/eks-admin`,
        });
        return deployerPolicy({ stackName: "prod", stackRegion: "us-east-1", accountId, config });
    };

    it("splits a large configuration (10 regions, auto, KMS, add-ons) into documents each within 6,144 characters, allowing exactly the same", () => {
        const whole = large();
        assert.ok(policySize(whole) > MANAGED_POLICY_LIMIT, `the whole is ${policySize(whole)}`);
        const parts = splitPolicy(whole);
        assert.ok(parts.length > 1);
        for (const part of parts) {
            assert.ok(policySize(part) <= MANAGED_POLICY_LIMIT, `${policySize(part)}`);
        }
        assert.deepEqual(grants(parts), grants([whole]));
        assert.deepEqual(splitPolicy(policy(...whole.Statement.slice(0, 2))).length, 1);
    });

    it("splits so that iam-simulate decides every request probing the policy alike for the whole and the parts, with and without --account", async () => {
        for (const accountId of [undefined, ACCOUNT_ID]) {
            const whole = large(accountId);
            const parts = splitPolicy(whole);
            assert.ok(parts.length > 1);
            const probes = await probeRequests(whole, { accountId: ACCOUNT_ID, actions: "ends" });
            assert.ok(probes.length > 100, `${probes.length} probes`);
            let allowed = 0;
            for (const probe of probes) {
                const [one, split] = await Promise.all([
                    simulateGenerated({ identity: whole }, probe),
                    simulateGenerated({ identity: parts }, probe),
                ]);
                assert.equal(split, one, `${probe.action} on ${probe.resource} ${JSON.stringify(probe.context)}`);
                allowed += one === "Allow" ? 1 : 0;
            }
            assert.ok(allowed > 50 && allowed < probes.length, `${allowed} of ${probes.length} allowed`);
        }
    });

    it("without --account allows exactly what --account allows in that account: only the account field and the caller's-account condition differ", () => {
        const normalized = (document: PolicyDocument) =>
            JSON.parse(
                JSON.stringify(document, (key, value) => {
                    if (typeof value === "string") {
                        const fields = value.replaceAll(CALLER_ACCOUNT, ACCOUNT_ID).split(":");
                        if (fields[0] === "arn" && fields[4] === "*") {
                            fields[4] = ACCOUNT_ID;
                        }
                        return fields.join(":");
                    }
                    return value;
                }),
            ) as PolicyDocument;
        const withoutCallerCondition = (document: PolicyDocument) =>
            policy(
                ...document.Statement.map((statement) => {
                    const { "aws:ResourceAccount": bound, ...equals } = statement.Condition?.StringEquals ?? {};
                    if (bound === undefined) {
                        return statement;
                    }
                    assert.equal(bound, CALLER_ACCOUNT, statement.Sid);
                    const { StringEquals: _, ...others } = statement.Condition!;
                    const condition = Object.keys(equals).length > 0 ? { ...others, StringEquals: equals } : others;
                    const { Condition: __, ...rest } = statement;
                    return Object.keys(condition).length > 0 ? { ...rest, Condition: condition } : rest;
                }),
            );
        const unbound = large();
        assert.ok(JSON.stringify(unbound).includes(":*:"), "ARNs with * for the account");
        for (const statement of unbound.Statement) {
            const wildAccount = [statement.Resource].flat().some((arn) => arn?.split(":")[4] === "*");
            assert.equal(
                statement.Condition?.StringEquals?.["aws:ResourceAccount"] === CALLER_ACCOUNT,
                wildAccount,
                `${statement.Sid}: the caller's-account condition exactly where an ARN has * for the account`,
            );
        }
        assert.deepEqual(normalized(withoutCallerCondition(unbound)), large(ACCOUNT_ID));
    });

    it("counts IAM's way: white space is not counted, so a printed document is minified", () => {
        const small = policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" });
        assert.equal(policySize(small), JSON.stringify(small).length);
    });

    describe("npm run permissions", () => {
        let out: string;
        let err: string;
        const run = (argv: string[], cwd = mkdtempSync(join(tmpdir(), "permissions-cwd-"))) => {
            out = "";
            err = "";
            const write = { out: process.stdout.write, err: process.stderr.write };
            process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
            process.stderr.write = ((chunk: string) => ((err += chunk), true)) as typeof process.stderr.write;
            try {
                return permissionsMain(argv, { cwd });
            } finally {
                process.stdout.write = write.out;
                process.stderr.write = write.err;
            }
        };

        it("runs every permissions command the docs show, as written, on the committed stacks", () => {
            // The docs pages, not the README (the quickstart's command runs after its step 3 set roleName in the stack).
            const docs = readDocs();
            const commands = [...docs.matchAll(/npm run --silent permissions -- (prod[^`#\n]*)/g)].map((m) =>
                m[1].trim(),
            );
            assert.ok(commands.length >= 6, commands.join("\n"));
            for (const command of commands) {
                const dir = mkdtempSync(join(tmpdir(), "docs-permissions-"));
                const argv = command.split(/\s+/).map((arg) => (/^(out|policies-out)\/?$/.test(arg) ? dir : arg));
                const code = run(argv);
                assert.equal(code, 0, `${command}\n${err}`);
            }
        });

        it("writes a policy over IAM's limit as split files by default (naming the limit), --split choosing where", () => {
            const large = [
                "prod",
                "--set",
                "roleName=R",
                "--set",
                "identityMode=auto",
                "--set",
                "installPodIdentityAgent=true",
                "--set",
                "kmsKeyId=alias/x",
                "--set",
                `includeRegions=${JSON.stringify(REGIONS)}`,
            ];
            const cwd = mkdtempSync(join(tmpdir(), "permissions-default-"));
            assert.equal(run(large, cwd), 0, err);
            assert.match(
                err,
                /over IAM's 6144-character limit for a managed policy: written as \d+ policies, each within/,
            );
            const written = out.trim().split("\n");
            assert.ok(written.length > 1);
            assert.deepEqual(
                written,
                written.map((_, i) => join(defaultSplitDir("prod"), `deployer-policy-${i + 1}.json`)),
            );
            for (const file of written) {
                assert.ok(policySize(JSON.parse(readFileSync(join(cwd, file), "utf8"))) <= MANAGED_POLICY_LIMIT, file);
            }
            const dir = mkdtempSync(join(tmpdir(), "split-"));
            assert.equal(run([...large, "--split", dir]), 0, err);
            const files = out.trim().split("\n");
            assert.equal(files.length, written.length);
            for (const file of files) {
                assert.ok(file.startsWith(dir), file);
                assert.ok(policySize(JSON.parse(readFileSync(file, "utf8"))) <= MANAGED_POLICY_LIMIT, file);
            }
            // The default stack's events (bus, rules, queues, mapping) put it over one managed policy; without them it fits.
            assert.equal(run(["prod", "--set", "roleName=R", "--set", "events.enabled=false"]), 0, err);
            assert.equal(out, `${JSON.stringify(JSON.parse(out))}\n`, "minified");
            assert.equal(run(["prod", "--set", "roleName=R"]), 0, err);
            assert.equal(out.trim().split("\n").length, 2);
        });

        it("prints usage with --help (exit 0), and refuses a --split without a directory (exit 2)", () => {
            assert.equal(run(["--help"]), 0);
            assert.match(out, /^usage: npm run --silent permissions -- <stack>/);
            assert.equal(run(["prod", "--split"]), 2);
            assert.match(
                err,
                /^permissions: --split needs a value \(a directory to write deployer-policy-<n>\.json into\)/,
            );
        });

        it("is bad usage (exit 2) with every problem named together: a misspelt flag, no such stack file, a bad account", () => {
            assert.equal(run(["prd", "--acount", "1", "--set", "roleName"]), 2);
            const lines = err.trim().split("\n");
            assert.deepEqual(lines.slice(0, -1), [
                "permissions: unknown argument --acount (did you mean --account?); known: --account, --set, --split, --watch",
                "permissions: no stack file stacks/Pulumi.prd.yaml (did you mean prod?); known stacks: prod, uat",
                "permissions: unexpected argument 1",
                'permissions: --set takes key=value (a key of the container-insights namespace, dotted for a field: clusters.assumeRoleArn=...), got "roleName"',
            ]);
            assert.match(lines.at(-1)!, /^usage: npm run --silent permissions -- <stack>/);
            assert.equal(out, "");
            assert.equal(run(["--account", "12"]), 2);
            assert.match(
                err,
                /^permissions: name a stack: prod or uat\npermissions: --account "12" is not a 12-digit AWS account id\n/,
            );
        });
    });
});
