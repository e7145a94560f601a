/**
 * Every IAM document the project renders (test/renderedDocuments.ts finds them in the product code's output) is one IAM
 * accepts, and answers concrete requests as intended, decided by iam-simulate: what its holder must be able to do,
 * and, for each rule it carries, a request just outside it that must stay denied. A document no entry below covers
 * fails the suite, so a new one cannot go unchecked.
 */
import { strict as assert } from "node:assert";
import { validateIdentityPolicy, validateResourcePolicy, validateTrustPolicy } from "@cloud-copilot/iam-policy";
import { PolicyDocument, PolicyStatement, policy } from "../common/documents";
import {
    RECONCILER_STATE_KEYS,
    STACK_TAG_KEY,
    TRAIL_PREFIX,
    agentBoundaryPolicyArn,
    alarmNamePrefix,
    alarmTopicName,
    clusterRolePath,
    eventResourceNames,
    reconcilerFunctionNames,
    stackRoleNames,
} from "../common/naming";
import { PLATFORM_ENDPOINTS } from "../config/environments";
import { CNI_METRICS } from "../components/addons/cniMetrics/documents";
import { COLLECTOR_SERVICE_ACCOUNT, FARGATE_NAMESPACE } from "../components/addons/fargateInsights/manifests";
import { ACCOUNT_ID, STATE_BUCKET_NAME, baseConfig } from "./harness";
import { AuthRequest, Decision, PolicySet, simulate } from "./iamSimulator";
import { RenderedDocument, renderedDocuments } from "./renderedDocuments";

const VENDOR = PLATFORM_ENDPOINTS.PROD.accountId;
const OTHER_ACCOUNT = "444455556666";
const BUCKET = `arn:aws:s3:::nops-container-cost-${ACCOUNT_ID}`;
const REGION = "us-east-1";
const iam = (path: string) => `arn:aws:iam::${ACCOUNT_ID}:${path}`;
const ALLOW_ALL = policy({ Effect: "Allow", Action: "*", Resource: "*" });
/** The platform's queue policy, as far as this account needs it: what it grants is the vendor's to write. */
const VENDOR_QUEUE_POLICY = policy({
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` },
    Action: "sqs:*",
    Resource: PLATFORM_ENDPOINTS.PROD.queueArnPattern,
});

interface Check {
    what: string;
    request: AuthRequest;
    expect: Decision | "not Allow";
    /** The caller; a role of the account by default. */
    principal?: string;
    /** The resource's own policy, when it is not the document's (another account's queue). */
    resourcePolicy?: PolicyDocument;
}

const check = (
    what: string,
    action: string,
    resource: string,
    context: AuthRequest["context"],
    expect: Check["expect"],
    principal?: string,
): Check => ({ what, request: { action, resource, context }, expect, principal });

const list = <T>(value: T | T[] | undefined): T[] =>
    value === undefined ? [] : Array.isArray(value) ? value : [value];

function statement(document: PolicyDocument, sid: string): PolicyStatement | undefined {
    return document.Statement.find((s) => s.Sid === sid);
}

/** The OIDC issuer a web-identity trust policy names. */
function issuerOf(document: PolicyDocument): { provider: string; hostPath: string } {
    const provider = String((document.Statement[0].Principal as { Federated: string }).Federated);
    return { provider, hostPath: provider.slice(provider.indexOf("oidc-provider/") + "oidc-provider/".length) };
}

/** A service account's web identity assuming the role: allowed for its own, with the STS audience, only. */
function webIdentityChecks(document: PolicyDocument, namespace: string, serviceAccount: string): Check[] {
    const { provider, hostPath } = issuerOf(document);
    const role = iam("role/any");
    const token = (sub: string, aud = "sts.amazonaws.com") => ({ [`${hostPath}:sub`]: sub, [`${hostPath}:aud`]: aud });
    const own = `system:serviceaccount:${namespace}:${serviceAccount}`;
    const assume = "sts:AssumeRoleWithWebIdentity";
    return [
        check("the service account's token", assume, role, token(own), "Allow", provider),
        check(
            "another service account",
            assume,
            role,
            token(`system:serviceaccount:${namespace}:other`),
            "not Allow",
            provider,
        ),
        check(
            "another namespace",
            assume,
            role,
            token(`system:serviceaccount:default:${serviceAccount}`),
            "not Allow",
            provider,
        ),
        check("another audience", assume, role, token(own, "other"), "not Allow", provider),
        check(
            "another cluster's issuer",
            assume,
            role,
            token(own),
            "not Allow",
            provider.replace(/id\/[0-9A-F]+$/, "id/FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"),
        ),
    ];
}

/** A service assuming the role for this account only. */
function serviceTrustChecks(service: string, otherService: string): Check[] {
    const role = iam("role/any");
    return [
        check(
            "the service, for this account",
            "sts:AssumeRole",
            role,
            { "aws:SourceAccount": ACCOUNT_ID },
            "Allow",
            service,
        ),
        check(
            "for another account",
            "sts:AssumeRole",
            role,
            { "aws:SourceAccount": OTHER_ACCOUNT },
            "not Allow",
            service,
        ),
        check(
            "another service",
            "sts:AssumeRole",
            role,
            { "aws:SourceAccount": ACCOUNT_ID },
            "not Allow",
            otherService,
        ),
    ];
}

/** EKS Pod Identity assuming the role for one service account (and cluster). */
function podIdentityTrustChecks(namespace: string, serviceAccount: string, clusterArn?: string): Check[] {
    const role = iam("role/any");
    const tags = (ns: string, sa: string) => ({
        "aws:SourceAccount": ACCOUNT_ID,
        "aws:RequestTag/kubernetes-namespace": ns,
        "aws:RequestTag/kubernetes-service-account": sa,
        ...(clusterArn ? { "aws:RequestTag/eks-cluster-arn": clusterArn } : {}),
    });
    const pods = "pods.eks.amazonaws.com";
    return [
        check("the association's session", "sts:AssumeRole", role, tags(namespace, serviceAccount), "Allow", pods),
        check("with its session tags", "sts:TagSession", role, tags(namespace, serviceAccount), "Allow", pods),
        check("another service account", "sts:AssumeRole", role, tags(namespace, "other"), "not Allow", pods),
        check("another namespace", "sts:AssumeRole", role, tags("default", serviceAccount), "not Allow", pods),
        check(
            "for another account",
            "sts:AssumeRole",
            role,
            { ...tags(namespace, serviceAccount), "aws:SourceAccount": OTHER_ACCOUNT },
            "not Allow",
            pods,
        ),
        ...(clusterArn
            ? [
                  check(
                      "another cluster",
                      "sts:AssumeRole",
                      role,
                      { ...tags(namespace, serviceAccount), "aws:RequestTag/eks-cluster-arn": `${clusterArn}-other` },
                      "not Allow",
                      pods,
                  ),
              ]
            : []),
    ];
}

/** What every agent identity (cluster role, Pod Identity role, IAM user, and the boundary over them) may and may not do. */
function agentChecks(): Check[] {
    const queue = PLATFORM_ENDPOINTS.PROD.queueArnPattern.replace("*", "cluster-data");
    return [
        check("writes its Parquet files", "s3:PutObject", `${BUCKET}/year=2026/part-0.parquet`, {}, "Allow"),
        check("reads them back", "s3:GetObject", `${BUCKET}/year=2026/part-0.parquet`, {}, "Allow"),
        check("lists the bucket", "s3:ListBucket", BUCKET, { "s3:prefix": "year=2026/" }, "Allow"),
        // The platform's queues are in its account: its queue policy (a stand-in here) must allow this account too.
        {
            ...check("uses the platform's queues", "sqs:SendMessage", queue, {}, "Allow"),
            resourcePolicy: VENDOR_QUEUE_POLICY,
        },
        check(
            "no reconciler state",
            "s3:GetObject",
            `${BUCKET}/_container-insights/reconciler/lease.json`,
            {},
            "ExplicitDeny",
        ),
        check("no listing of it", "s3:ListBucket", BUCKET, { "s3:prefix": "_container-insights/" }, "ExplicitDeny"),
        check("no other bucket", "s3:PutObject", "arn:aws:s3:::someone-elses/k", {}, "not Allow"),
        check("no other queue", "sqs:SendMessage", `arn:aws:sqs:us-west-2:${VENDOR}:other`, {}, "not Allow"),
        check("no IAM", "iam:CreateRole", iam("role/x"), {}, "not Allow"),
        check("no deleting", "s3:DeleteObject", `${BUCKET}/year=2026/part-0.parquet`, {}, "not Allow"),
    ];
}

const alarm = (region: string, name: string) => `arn:aws:cloudwatch:${region}:${ACCOUNT_ID}:alarm:${name}`;

/** CloudWatch alarms of this stack, and no other, use the topic's key and publish to it. */
function alarmPublisherChecks(action: string, resource: string, region: string): Check[] {
    const cloudwatch = "cloudwatch.amazonaws.com";
    const ours = alarm(region, `${alarmNamePrefix("prod")}free-ip-alpha`);
    return [
        check(
            "the stack's alarm",
            action,
            resource,
            { "aws:SourceAccount": ACCOUNT_ID, "aws:SourceArn": ours },
            "Allow",
            cloudwatch,
        ),
        check(
            "another alarm",
            action,
            resource,
            { "aws:SourceAccount": ACCOUNT_ID, "aws:SourceArn": alarm(region, "someone-elses") },
            "not Allow",
            cloudwatch,
        ),
        check(
            "another account's alarm",
            action,
            resource,
            { "aws:SourceAccount": OTHER_ACCOUNT, "aws:SourceArn": ours.replace(ACCOUNT_ID, OTHER_ACCOUNT) },
            "not Allow",
            cloudwatch,
        ),
    ];
}

const regionOf = (label: string) => /(us-east-1|eu-west-1)/.exec(label)?.[1] ?? REGION;
const clusterOf = (label: string) => /(?:us-east-1|eu-west-1)-(\w+)-/.exec(label)?.[1] ?? "alpha";

/** The checks of each document, by its label. */
const EXPECTATIONS: Array<{ label: RegExp; checks: (d: RenderedDocument) => Check[] }> = [
    {
        label: /Role reconciler assumeRolePolicy$/,
        checks: () => serviceTrustChecks("lambda.amazonaws.com", "ec2.amazonaws.com"),
    },
    {
        label: /Role events-forward assumeRolePolicy$/,
        checks: () => serviceTrustChecks("events.amazonaws.com", "lambda.amazonaws.com"),
    },
    {
        label: /Role auto-update assumeRolePolicy$/,
        checks: () => {
            const role = iam("role/any");
            const externalId = baseConfig().externalId;
            const vendorRole = `arn:aws:iam::${VENDOR}:role/onboarding`;
            return [
                check(
                    "the platform, with the external id",
                    "sts:AssumeRole",
                    role,
                    { "sts:ExternalId": externalId },
                    "Allow",
                    vendorRole,
                ),
                check("without it", "sts:AssumeRole", role, {}, "not Allow", vendorRole),
                check("with another", "sts:AssumeRole", role, { "sts:ExternalId": "guess" }, "not Allow", vendorRole),
                check(
                    "another account",
                    "sts:AssumeRole",
                    role,
                    { "sts:ExternalId": externalId },
                    "not Allow",
                    `arn:aws:iam::${OTHER_ACCOUNT}:role/onboarding`,
                ),
            ];
        },
    },
    {
        label: /Role pod-identity assumeRolePolicy$/,
        checks: () => podIdentityTrustChecks("nops", "nops-container-insights"),
    },
    {
        label: /Role (us-east-1|eu-west-1)-\w+-cni-metrics assumeRolePolicy$/,
        checks: (d) => {
            const region = regionOf(d.label);
            return JSON.stringify(d.document).includes("Federated")
                ? webIdentityChecks(d.document, CNI_METRICS.namespace, CNI_METRICS.serviceAccount)
                : podIdentityTrustChecks(
                      CNI_METRICS.namespace,
                      CNI_METRICS.serviceAccount,
                      `arn:aws:eks:${region}:${ACCOUNT_ID}:cluster/${clusterOf(d.label)}`,
                  );
        },
    },
    {
        label: /Role .*fargate-insights-collector assumeRolePolicy$/,
        checks: (d) => webIdentityChecks(d.document, FARGATE_NAMESPACE, COLLECTOR_SERVICE_ACCOUNT),
    },
    {
        label: /Role .*fargate-insights-fargate-pods assumeRolePolicy$/,
        checks: (d) => {
            const region = regionOf(d.label);
            const profile = (cluster: string) =>
                `arn:aws:eks:${region}:${ACCOUNT_ID}:fargateprofile/${cluster}/container-insights-adot/0ec3a1b2-0000-4000-8000-000000000000`;
            const pods = "eks-fargate-pods.amazonaws.com";
            const role = iam("role/any");
            return [
                check(
                    "the cluster's Fargate profiles",
                    "sts:AssumeRole",
                    role,
                    { "aws:SourceArn": profile(clusterOf(d.label)) },
                    "Allow",
                    pods,
                ),
                check(
                    "another cluster's",
                    "sts:AssumeRole",
                    role,
                    { "aws:SourceArn": profile("other") },
                    "not Allow",
                    pods,
                ),
                check(
                    "another service",
                    "sts:AssumeRole",
                    role,
                    { "aws:SourceArn": profile(clusterOf(d.label)) },
                    "not Allow",
                    "eks.amazonaws.com",
                ),
            ];
        },
    },
    {
        label: /^reconciler: cluster role .* trust$/,
        checks: (d) => webIdentityChecks(d.document, "nops", "nops-container-insights"),
    },
    {
        label: /^reconciler: cluster role .* policy$|RolePolicy pod-identity policy$|UserPolicy agent-user policy$|Policy agent-boundary policy$/,
        checks: () => agentChecks(),
    },
    {
        label: /RolePolicy reconciler policy$/,
        checks: (d) => {
            const path = clusterRolePath("prod");
            const clusterRole = iam(`role${path}nops-ccost-alpha_us-east-1`);
            const boundary = {
                "iam:PermissionsBoundary": agentBoundaryPolicyArn({
                    accountId: ACCOUNT_ID,
                    partition: "aws",
                    stackName: "prod",
                }),
            };
            const functions = reconcilerFunctionNames("prod");
            const lease = list(statement(d.document, "RunLease")?.Resource).filter((arn) => arn.includes("/"));
            const ownTags = {
                "aws:TagKeys": [STACK_TAG_KEY],
                [`aws:RequestTag/${STACK_TAG_KEY}`]: "container-insights/prod",
            };
            return [
                check("lists the fleet", "eks:ListClusters", "*", {}, "Allow"),
                check(
                    "reads a cluster",
                    "eks:DescribeCluster",
                    `arn:aws:eks:eu-west-1:${ACCOUNT_ID}:cluster/beta`,
                    {},
                    "Allow",
                ),
                check("creates a cluster role under the boundary", "iam:CreateRole", clusterRole, boundary, "Allow"),
                check("puts its policy", "iam:PutRolePolicy", clusterRole, boundary, "Allow"),
                check("tags it as the stack's", "iam:TagRole", clusterRole, ownTags, "Allow"),
                check("a role without the boundary", "iam:CreateRole", clusterRole, {}, "ExplicitDeny"),
                check(
                    "a role under another boundary",
                    "iam:CreateRole",
                    clusterRole,
                    { "iam:PermissionsBoundary": iam("policy/AdministratorAccess") },
                    "ExplicitDeny",
                ),
                check("a role outside its path", "iam:CreateRole", iam("role/admin"), boundary, "not Allow"),
                check(
                    "another stack's ownership tag",
                    "iam:TagRole",
                    clusterRole,
                    { ...ownTags, [`aws:RequestTag/${STACK_TAG_KEY}`]: "container-insights/staging" },
                    "not Allow",
                ),
                check("a foreign tag key", "iam:TagRole", clusterRole, { "aws:TagKeys": ["owner"] }, "not Allow"),
                check(
                    "removing a boundary",
                    "iam:DeleteRolePermissionsBoundary",
                    clusterRole,
                    boundary,
                    "ExplicitDeny",
                ),
                check("attaching a managed policy", "iam:AttachRolePolicy", clusterRole, boundary, "ExplicitDeny"),
                check(
                    "passing its own role",
                    "iam:PassRole",
                    iam(`role/${stackRoleNames("prod").reconciler}`),
                    { "iam:PassedToService": "lambda.amazonaws.com" },
                    "ExplicitDeny",
                ),
                check(
                    "new code for itself",
                    "lambda:UpdateFunctionCode",
                    `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${functions.management}`,
                    {},
                    "ExplicitDeny",
                ),
                ...lease.flatMap((arn) => [
                    check(`reads its state ${arn}`, "s3:GetObject", arn, {}, "Allow"),
                    check(`writes it`, "s3:PutObject", arn, {}, "Allow"),
                ]),
                check("no agent data", "s3:GetObject", `${BUCKET}/year=2026/part-0.parquet`, {}, "not Allow"),
            ];
        },
    },
    {
        label: /RolePolicy auto-update policy$/,
        checks: () => {
            const functions = reconcilerFunctionNames("prod");
            const fn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${name}`;
            const clusterRole = iam(`role${clusterRolePath("prod")}nops-ccost-alpha_us-east-1`);
            return [
                check("runs the scheduled reconciler", "lambda:InvokeFunction", fn(functions.management), {}, "Allow"),
                check("reads a cluster role", "iam:GetRole", clusterRole, {}, "Allow"),
                check("lists the fleet", "eks:ListClusters", "*", {}, "Allow"),
                check("no role writes", "iam:CreateRole", clusterRole, {}, "ExplicitDeny"),
                check("not even bounded", "iam:PutRolePolicy", iam("role/admin"), {}, "ExplicitDeny"),
                check(
                    "no PassRole",
                    "iam:PassRole",
                    iam("role/admin"),
                    { "iam:PassedToService": "lambda.amazonaws.com" },
                    "ExplicitDeny",
                ),
                check(
                    "no new reconciler code",
                    "lambda:UpdateFunctionCode",
                    fn(functions.management),
                    {},
                    "ExplicitDeny",
                ),
                check("no agent data", "s3:GetObject", `${BUCKET}/year=2026/part-0.parquet`, {}, "not Allow"),
                check("no other function", "lambda:InvokeFunction", fn("other"), {}, "not Allow"),
                check(
                    "never the deploy-time function (its delete tears down)",
                    "lambda:InvokeFunction",
                    fn(functions.creation),
                    {},
                    "ExplicitDeny",
                ),
                check("no lifecycle rule", "s3:PutLifecycleConfiguration", BUCKET, {}, "ExplicitDeny"),
                check(
                    "not the deployment record",
                    "s3:PutObject",
                    `arn:aws:s3:::${STATE_BUCKET_NAME}/${RECONCILER_STATE_KEYS.deployment}`,
                    {},
                    "ExplicitDeny",
                ),
            ];
        },
    },
    {
        label: /RolePolicy platform-read policy$/,
        checks: () => [
            check("reads the Parquet files", "s3:GetObject", `${BUCKET}/year=2026/part-0.parquet`, {}, "Allow"),
            check("lists them", "s3:ListBucket", BUCKET, { "s3:prefix": "year=2026/" }, "Allow"),
            check(
                "not the stack's prefix",
                "s3:GetObject",
                `${BUCKET}/_container-insights/cloudtrail/x.json.gz`,
                {},
                "ExplicitDeny",
            ),
            check("no listing of it", "s3:ListBucket", BUCKET, { "s3:prefix": "_container-insights" }, "ExplicitDeny"),
            check("no writes", "s3:PutObject", `${BUCKET}/year=2026/part-0.parquet`, {}, "not Allow"),
            check("no other bucket", "s3:GetObject", "arn:aws:s3:::someone-elses/k", {}, "not Allow"),
        ],
    },
    {
        label: /cni-metrics-boundary policy$|RolePolicy .*-cni-metrics policy$/,
        checks: () => [
            check(
                "publishes its namespace",
                "cloudwatch:PutMetricData",
                "*",
                { "cloudwatch:namespace": CNI_METRICS.cloudwatchNamespace },
                "Allow",
            ),
            check(
                "no other namespace",
                "cloudwatch:PutMetricData",
                "*",
                { "cloudwatch:namespace": "AWS/EC2" },
                "not Allow",
            ),
            check("nothing else", "cloudwatch:DeleteAlarms", alarm(REGION, "x"), {}, "not Allow"),
        ],
    },
    {
        label: /fargate-collector-boundary policy$|RolePolicy .*fargate-insights-collector policy$/,
        checks: (d) => {
            const region = regionOf(d.label);
            const group = (cluster: string) =>
                `arn:aws:logs:${region}:${ACCOUNT_ID}:log-group:/aws/containerinsights/${cluster}/performance`;
            return [
                check(
                    "writes its cluster's performance logs",
                    "logs:PutLogEvents",
                    `${group(clusterOf(d.label))}:log-stream:fargate-1`,
                    {},
                    "Allow",
                ),
                check(
                    "makes its streams",
                    "logs:CreateLogStream",
                    `${group(clusterOf(d.label))}:log-stream:fargate-1`,
                    {},
                    "Allow",
                ),
                check(
                    "no other log group",
                    "logs:PutLogEvents",
                    `arn:aws:logs:${region}:${ACCOUNT_ID}:log-group:/aws/lambda/x:log-stream:s`,
                    {},
                    "not Allow",
                ),
                check("no deleting", "logs:DeleteLogGroup", group(clusterOf(d.label)), {}, "not Allow"),
            ];
        },
    },
    {
        label: /RolePolicy events-forward policy$/,
        checks: () => {
            const bus = (name: string) => `arn:aws:events:${REGION}:${ACCOUNT_ID}:event-bus/${name}`;
            return [
                check(
                    "forwards to the stack's bus",
                    "events:PutEvents",
                    bus(eventResourceNames("prod").bus),
                    {},
                    "Allow",
                ),
                check("no other bus", "events:PutEvents", bus("default"), {}, "not Allow"),
            ];
        },
    },
    {
        // The agents' bucket and the stack's state bucket: each protected over TLS; CloudTrail delivers to the one it names.
        label: /BucketPolicy (insights|state) policy$/,
        checks: (d) => {
            const bucket = list(d.document.Statement[0].Resource)[0];
            const object = `${bucket}/year=2026/part-0.parquet`;
            const checks = [
                check(
                    "an account's reader over TLS",
                    "s3:GetObject",
                    object,
                    { "aws:SecureTransport": "true" },
                    "Allow",
                ),
                check(
                    "not over plain HTTP",
                    "s3:GetObject",
                    object,
                    { "aws:SecureTransport": "false" },
                    "ExplicitDeny",
                ),
                check("nor a listing", "s3:ListBucket", bucket, { "aws:SecureTransport": "false" }, "ExplicitDeny"),
            ];
            const trail = JSON.stringify(d.document).match(/arn:aws:cloudtrail:[^"]+/)?.[0];
            if (trail) {
                const cloudtrail = "cloudtrail.amazonaws.com";
                const logs = `${bucket}/${TRAIL_PREFIX}/AWSLogs/${ACCOUNT_ID}/CloudTrail/us-east-1/log.json.gz`;
                const write = {
                    "aws:SourceArn": trail,
                    "s3:x-amz-acl": "bucket-owner-full-control",
                    "aws:SecureTransport": "true",
                };
                checks.push(
                    check(
                        "CloudTrail checks the ACL",
                        "s3:GetBucketAcl",
                        bucket,
                        { "aws:SourceArn": trail, "aws:SecureTransport": "true" },
                        "Allow",
                        cloudtrail,
                    ),
                    check("the stack's trail delivers", "s3:PutObject", logs, write, "Allow", cloudtrail),
                    check(
                        "another trail",
                        "s3:PutObject",
                        logs,
                        { ...write, "aws:SourceArn": `${trail}-other` },
                        "not Allow",
                        cloudtrail,
                    ),
                    check(
                        "without the owner's control",
                        "s3:PutObject",
                        logs,
                        { ...write, "s3:x-amz-acl": "private" },
                        "not Allow",
                        cloudtrail,
                    ),
                    check(
                        "elsewhere in the bucket",
                        "s3:PutObject",
                        `${bucket}/year=2026/x`,
                        write,
                        "not Allow",
                        cloudtrail,
                    ),
                );
            }
            return checks;
        },
    },
    {
        label: /QueuePolicy events-(reconciler|watch) policy$/,
        checks: (d) => {
            const names = eventResourceNames("prod");
            const [queue, rule] = d.label.includes("reconciler")
                ? [names.reconcilerQueue, names.reconcilerRule]
                : [names.watchQueue, names.watchRule];
            const queueArn = `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${queue}`;
            const ruleArn = (name: string) => `arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/${names.bus}/${name}`;
            const events = "events.amazonaws.com";
            return [
                check(
                    "its rule sends",
                    "sqs:SendMessage",
                    queueArn,
                    { "aws:SourceArn": ruleArn(rule), "aws:SecureTransport": "true" },
                    "Allow",
                    events,
                ),
                check(
                    "another rule",
                    "sqs:SendMessage",
                    queueArn,
                    { "aws:SourceArn": ruleArn("other"), "aws:SecureTransport": "true" },
                    "not Allow",
                    events,
                ),
                check(
                    "plain HTTP",
                    "sqs:SendMessage",
                    queueArn,
                    { "aws:SourceArn": ruleArn(rule), "aws:SecureTransport": "false" },
                    "ExplicitDeny",
                    events,
                ),
            ];
        },
    },
    {
        label: /Key alarms-(us-east-1|eu-west-1) policy$/,
        checks: (d) => {
            const region = regionOf(d.label);
            const key = `arn:aws:kms:${region}:${ACCOUNT_ID}:key/0b0b0b0b-0000-4000-8000-000000000000`;
            return [
                ...alarmPublisherChecks("kms:GenerateDataKey", key, region),
                check("the account's IAM policies decide for its principals", "kms:DescribeKey", key, {}, "Allow"),
                check(
                    "CloudWatch cannot manage it",
                    "kms:ScheduleKeyDeletion",
                    key,
                    { "aws:SourceAccount": ACCOUNT_ID },
                    "not Allow",
                    "cloudwatch.amazonaws.com",
                ),
            ];
        },
    },
    {
        label: /TopicPolicy alarms-(us-east-1|eu-west-1) policy$/,
        checks: (d) => {
            const region = regionOf(d.label);
            return alarmPublisherChecks(
                "sns:Publish",
                `arn:aws:sns:${region}:${ACCOUNT_ID}:${alarmTopicName("prod")}`,
                region,
            );
        },
    },
    {
        // Decided request by request in test/permissions.test.ts (every call of a deploy); here the first deploy's core.
        label: /^permissions: deployer policy (with|without) --account$/,
        checks: (d) => {
            const functions = reconcilerFunctionNames("prod");
            const reconciler = [
                check(
                    "passes the reconciler role to Lambda",
                    "iam:PassRole",
                    iam(`role/${stackRoleNames("prod").reconciler}`),
                    { "iam:PassedToService": "lambda.amazonaws.com" },
                    "Allow",
                ),
                check(
                    "updates the reconciler's code",
                    "lambda:UpdateFunctionCode",
                    `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${functions.management}`,
                    {},
                    "Allow",
                ),
                check(
                    "nothing in another account",
                    "lambda:UpdateFunctionCode",
                    `arn:aws:lambda:${REGION}:${OTHER_ACCOUNT}:function:${functions.management}`,
                    {},
                    "not Allow",
                ),
            ];
            const agentUser = [
                check("creates the agent user", "iam:CreateUser", iam("user/nops-container-cost-s3"), {}, "Allow"),
                check("and its key", "iam:CreateAccessKey", iam("user/nops-container-cost-s3"), {}, "Allow"),
                check("no other user", "iam:CreateUser", iam("user/admin"), {}, "not Allow"),
                check(
                    "no reconciler in this mode",
                    "iam:PassRole",
                    iam(`role/${stackRoleNames("prod").reconciler}`),
                    { "iam:PassedToService": "lambda.amazonaws.com" },
                    "not Allow",
                ),
            ];
            return [
                ...(d.config === "IAM user" ? agentUser : reconciler),
                check("creates the bucket", "s3:CreateBucket", BUCKET, {}, "Allow"),
                check(
                    "writes the integration role's policy",
                    "iam:PutRolePolicy",
                    iam("role/NopsIntegrationRole"),
                    {},
                    "Allow",
                ),
                check("no other role", "iam:CreateRole", iam("role/admin"), {}, "not Allow"),
                check("no other bucket", "s3:DeleteBucket", "arn:aws:s3:::someone-elses", {}, "not Allow"),
            ];
        },
    },
    {
        // A part allows a share of the whole: the parts together are decided in test/permissions.test.ts.
        label: /^permissions: deployer policy .*, part \d+$/,
        checks: () => [],
    },
    {
        label: /^permissions: watch statement/,
        checks: () => {
            const queue = (account: string) =>
                `arn:aws:sqs:${REGION}:${account}:${eventResourceNames("prod").watchQueue}`;
            return [
                check("receives from the watch queue", "sqs:ReceiveMessage", queue(ACCOUNT_ID), {}, "Allow"),
                check("deletes its messages", "sqs:DeleteMessage", queue(ACCOUNT_ID), {}, "Allow"),
                check("sends nothing", "sqs:SendMessage", queue(ACCOUNT_ID), {}, "not Allow"),
                check("another account's queue", "sqs:ReceiveMessage", queue(OTHER_ACCOUNT), {}, "not Allow"),
            ];
        },
    },
];

/** The policies that decide a check on a document of this kind. */
function policiesFor(d: RenderedDocument, c: Check): PolicySet {
    const awsCaller = c.principal === undefined || c.principal.startsWith("arn:aws:iam::");
    switch (d.kind) {
        case "identity":
            return { identity: d.document, resource: c.resourcePolicy };
        case "boundary":
            return { identity: ALLOW_ALL, boundary: d.document, resource: c.resourcePolicy };
        case "trust":
            return { identity: awsCaller ? ALLOW_ALL : [], resource: d.document, resourceKind: "trust" };
        case "resource":
            return { identity: awsCaller ? ALLOW_ALL : [], resource: d.document };
    }
}

const VALIDATORS = {
    identity: validateIdentityPolicy,
    boundary: validateIdentityPolicy,
    trust: validateTrustPolicy,
    resource: validateResourcePolicy,
};

describe("every IAM document the project renders, decided by iam-simulate", () => {
    let documents: RenderedDocument[];
    before(async function () {
        this.timeout(300_000);
        documents = await renderedDocuments();
    });

    it("finds every kind: trust, identity, boundary and resource policies of the program, the reconciler and the permissions script", () => {
        const labels = documents.map((d) => d.label).join("\n");
        for (const expected of [
            /Role reconciler assumeRolePolicy/,
            /RolePolicy reconciler policy/,
            /Policy agent-boundary policy/,
            /^reconciler: cluster role .* trust$/m,
            /RolePolicy pod-identity policy/,
            /RolePolicy auto-update policy/,
            /RolePolicy platform-read policy/,
            /cni-metrics assumeRolePolicy/,
            /fargate-pods assumeRolePolicy/,
            /events-forward policy/,
            /BucketPolicy insights policy/,
            /QueuePolicy events-watch policy/,
            /Key alarms-us-east-1 policy/,
            /TopicPolicy alarms-us-east-1 policy/,
            /permissions: deployer policy without --account, part 2/,
        ]) {
            assert.match(labels, expected);
        }
        assert.deepEqual([...new Set(documents.map((d) => d.kind))].sort(), [
            "boundary",
            "identity",
            "resource",
            "trust",
        ]);
    });

    it("gives IAM only documents it accepts (iam-policy's validator for each kind)", () => {
        for (const d of documents) {
            assert.deepEqual(VALIDATORS[d.kind](d.document), [], `${d.label} [${d.config}]`);
        }
    });

    it("has checks for every document", () => {
        const unchecked = documents.filter((d) => !EXPECTATIONS.some((e) => e.label.test(d.label))).map((d) => d.label);
        assert.deepEqual([...new Set(unchecked)], [], "documents no entry of EXPECTATIONS covers");
    });

    it("answers each document's checks as intended: what its holder needs allowed, each rule's edge denied", async () => {
        let count = 0;
        const failures: string[] = [];
        for (const d of documents) {
            for (const entry of EXPECTATIONS.filter((e) => e.label.test(d.label))) {
                for (const c of entry.checks(d)) {
                    const decision = await simulate(policiesFor(d, c), c.request, { principal: c.principal });
                    const ok = c.expect === "not Allow" ? decision !== "Allow" : decision === c.expect;
                    count++;
                    if (!ok) {
                        failures.push(
                            `${d.label} [${d.config}]: ${c.what}: ${c.request.action} on ${c.request.resource} → ${decision}, expected ${c.expect}`,
                        );
                    }
                }
            }
        }
        assert.deepEqual(failures, []);
        assert.ok(count > 300, `${count} checks`);
    });
});
