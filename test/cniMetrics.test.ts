/**
 * The cni-metrics-helper add-on under mocks: what it creates per cluster and per identity mode, its IAM policy and
 * trust exactly, RBAC, the Deployment, the free-IP alarm, the alarm topic's encryption, and the pack's verdict.
 */
import { strict as assert } from "node:assert";
import { ClusterLine } from "../program/options";
import { CNI_METRICS_TAG, EKS_ADDON_REGISTRIES, cniMetricsRepository } from "../components/addons/cniMetrics/image";
import { addonRoleName } from "../common/naming";
import { CNI_METRICS_ROLE_PURPOSE, freeIpAlarmName } from "../components/addons/cniMetrics/naming";
import { ACCOUNT_ID, Invoke, ProgramRun, Registration, baseConfig, invokeError, runProgram, unwrap } from "./harness";
import { fakeDigest } from "./fakes/imageLock";
import { configKey } from "./configKeys";

const statuses = (run: ProgramRun) => run.outputs.clusters.value as ClusterLine[];
const inputsOf = (r: Registration) => unwrap(r.inputs) as Record<string, any>;
const json = (value: unknown) => JSON.parse(String(unwrap(value)));
const named = (run: ProgramRun, type: string, fragment: string) =>
    run.ofType(type).filter((r) => r.name.includes(fragment));

const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
/** The free-IP alarms (events.enabled adds the reconciler's dead-letter alarm, on AWS/SQS). */
const freeIpAlarms = (run: ProgramRun) => run.ofType(ALARM).filter((a) => inputsOf(a).namespace !== "AWS/SQS");
const FLEET = {
    "us-east-1": [{ name: "prod-a" }, { name: "sandbox-b" }],
    "eu-west-1": [{ name: "prod-c", podIdentityAgent: true }],
};
const ON = { "addons.cniMetrics.enabled": "true", "addons.cniMetrics.exclude": "sandbox-*" };

function cniRoles(run: ProgramRun): Registration[] {
    return named(run, ROLE, "-cni-metrics");
}

describe("cni-metrics-helper add-on", () => {
    describe("IRSA, two regions, sandbox-* excluded, an email", () => {
        let run: ProgramRun;
        before(async () => {
            run = await runProgram(
                {
                    ...baseConfig(),
                    includeRegions: "us-east-1,eu-west-1",
                    ...ON,
                    "addons.cniMetrics.alarmEmail": "ops@example.com",
                },
                { fleet: FLEET },
            );
        });

        it("installs it in the selected clusters only, and the clusters output says so", () => {
            const byName = new Map(statuses(run).map((s) => [s.name, s]));
            assert.deepEqual(byName.get("prod-a")!.addons, ["cniMetrics"]);
            assert.deepEqual(byName.get("prod-c")!.addons, ["cniMetrics"]);
            assert.deepEqual(byName.get("sandbox-b")!.addons, []);
            assert.deepEqual(
                run
                    .ofType("container-insights:addons:CniMetrics")
                    .map((r) => r.name)
                    .sort(),
                ["eu-west-1-prod-c-cni-metrics", "us-east-1-prod-a-cni-metrics"],
            );
        });

        it("gives each cluster its own role under the stack's add-on role path, trusted by that cluster's OIDC provider for kube-system/cni-metrics-helper only", () => {
            const roles = cniRoles(run);
            assert.equal(roles.length, 2);
            const role = inputsOf(roles.find((r) => r.name.startsWith("us-east-1-prod-a"))!);
            assert.equal(role.name, addonRoleName(CNI_METRICS_ROLE_PURPOSE, "prod-a", "us-east-1"));
            assert.equal(
                role.path,
                "/container-insights-addons/prod/",
                "outside /container-insights/<stack>/, which the reconciler owns",
            );
            const prodA = statuses(run).find((s) => s.name === "prod-a")!;
            const hostPath = prodA.oidcIssuer!.replace("https://", "");
            assert.deepEqual(JSON.parse(role.assumeRolePolicy), {
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { Federated: `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/${hostPath}` },
                        Action: "sts:AssumeRoleWithWebIdentity",
                        Condition: {
                            StringEquals: {
                                [`${hostPath}:sub`]: "system:serviceaccount:kube-system:cni-metrics-helper",
                                [`${hostPath}:aud`]: "sts.amazonaws.com",
                            },
                        },
                    },
                ],
            });
            assert.equal(run.ofType("aws:eks/podIdentityAssociation:PodIdentityAssociation").length, 0);
        });

        it("allows only PutMetricData into the Kubernetes namespace, in the policy and in the boundary alike", () => {
            const expected = {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "PublishCniMetrics",
                        Effect: "Allow",
                        Action: "cloudwatch:PutMetricData",
                        Resource: "*",
                        Condition: { StringEquals: { "cloudwatch:namespace": "Kubernetes" } },
                    },
                ],
            };
            const policies = named(run, ROLE_POLICY, "-cni-metrics");
            assert.equal(policies.length, 2);
            for (const policy of policies) {
                // Exact equality: another action, a wider Resource, or a missing or loosened condition all fail here.
                assert.deepEqual(json(policy.inputs.policy), expected);
            }
            const boundary = run.ofType("aws:iam/policy:Policy").find((p) => p.name === "cni-metrics-boundary")!;
            assert.deepEqual(json(boundary.inputs.policy), expected);
            for (const role of cniRoles(run)) {
                assert.equal(unwrap(role.inputs.permissionsBoundary), unwrap(boundary.state.arn));
            }
        });

        it("annotates the service account with its cluster's role and binds exactly the upstream ClusterRole to it", () => {
            const accounts = named(run, "kubernetes:core/v1:ServiceAccount", "us-east-1-prod-a-cni-metrics").map(
                inputsOf,
            );
            assert.equal(accounts.length, 1);
            assert.deepEqual(accounts[0].metadata.name, "cni-metrics-helper");
            assert.equal(accounts[0].metadata.namespace, "kube-system");
            const roleArn = unwrap(cniRoles(run).find((r) => r.name.startsWith("us-east-1-prod-a"))!.state.arn);
            assert.deepEqual(accounts[0].metadata.annotations, { "eks.amazonaws.com/role-arn": roleArn });
            const clusterRole = inputsOf(
                named(run, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "us-east-1-prod-a-cni-metrics")[0],
            );
            assert.equal(clusterRole.metadata.name, "cni-metrics-helper");
            assert.deepEqual(clusterRole.rules, [
                { apiGroups: [""], resources: ["pods", "pods/proxy"], verbs: ["get", "watch", "list"] },
            ]);
            const binding = inputsOf(
                named(
                    run,
                    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
                    "us-east-1-prod-a-cni-metrics",
                )[0],
            );
            assert.deepEqual(binding.roleRef, {
                apiGroup: "rbac.authorization.k8s.io",
                kind: "ClusterRole",
                name: "cni-metrics-helper",
            });
            assert.deepEqual(binding.subjects, [
                { kind: "ServiceAccount", name: "cni-metrics-helper", namespace: "kube-system" },
            ]);
        });

        it("runs the Deployment with CloudWatch on, the cluster's name and region, the image of the cluster's region, non-root", () => {
            for (const [fragment, cluster, region, registry] of [
                ["us-east-1-prod-a", "prod-a", "us-east-1", "602401143452.dkr.ecr.us-east-1.amazonaws.com"],
                ["eu-west-1-prod-c", "prod-c", "eu-west-1", "602401143452.dkr.ecr.eu-west-1.amazonaws.com"],
            ]) {
                const deployment = inputsOf(named(run, DEPLOYMENT, `${fragment}-cni-metrics`)[0]);
                assert.equal(deployment.metadata.namespace, "kube-system");
                const pod = deployment.spec.template.spec;
                assert.equal(pod.serviceAccountName, "cni-metrics-helper");
                const [container] = pod.containers;
                assert.deepEqual(
                    Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value])),
                    {
                        USE_CLOUDWATCH: "true",
                        USE_PROMETHEUS: "false",
                        AWS_CLUSTER_ID: cluster,
                        AWS_REGION: region,
                        AWS_VPC_K8S_CNI_LOGLEVEL: "INFO",
                    },
                );
                const repository = `${registry}/cni-metrics-helper`;
                assert.equal(
                    container.image,
                    `${repository}:${CNI_METRICS_TAG}@${fakeDigest(`test manifest ${repository}:${CNI_METRICS_TAG}`)}`,
                );
                assert.equal(pod.securityContext.runAsNonRoot, true);
                assert.notEqual(pod.securityContext.runAsUser, 0);
                assert.deepEqual(container.securityContext, {
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    capabilities: { drop: ["ALL"] },
                });
            }
        });

        it("alarms per cluster, in its region, when free IPs fall below 10% of maxIPAddresses", () => {
            const alarms = freeIpAlarms(run).map(inputsOf);
            assert.equal(alarms.length, 2);
            const alarm = alarms.find((a) => a.region === "eu-west-1")!;
            assert.equal(alarm.name, freeIpAlarmName("prod", "prod-c", "eu-west-1"));
            assert.equal(alarm.comparisonOperator, "LessThanThreshold");
            assert.equal(alarm.threshold, 10);
            const metric = (id: string, metricName: string) => ({
                id,
                returnData: false,
                metric: {
                    namespace: "Kubernetes",
                    metricName,
                    dimensions: { CLUSTER_ID: "prod-c" },
                    period: 300,
                    stat: "Average",
                },
            });
            assert.deepEqual(alarm.metricQueries, [
                metric("m1", "totalIPAddresses"),
                metric("m2", "assignIPAddresses"),
                metric("m3", "maxIPAddresses"),
                {
                    id: "free",
                    expression: "100 * (m1 - m2) / m3",
                    label: "free IPs, % of maxIPAddresses",
                    returnData: true,
                },
            ]);
            const topic = run.ofType("aws:sns/topic:Topic").find((t) => inputsOf(t).region === "eu-west-1")!;
            assert.deepEqual(alarm.alarmActions, [unwrap(topic.state.arn)]);
            assert.deepEqual(alarm.okActions, [unwrap(topic.state.arn)]);
            assert.deepEqual(
                alarm.insufficientDataActions,
                [unwrap(topic.state.arn)],
                "a helper that stops publishing notifies too",
            );
        });

        it("notifies a topic per region, encrypted with a customer managed key whose policy lets CloudWatch use it for the stack's alarms only", () => {
            const topics = run.ofType("aws:sns/topic:Topic");
            assert.deepEqual(topics.map((t) => inputsOf(t).region).sort(), ["eu-west-1", "us-east-1"]);
            for (const topic of topics) {
                const region = inputsOf(topic).region;
                const key = run.ofType("aws:kms/key:Key").find((k) => inputsOf(k).region === region)!;
                assert.equal(unwrap(topic.inputs.kmsMasterKeyId), unwrap(key.state.arn));
                assert.notEqual(
                    unwrap(topic.inputs.kmsMasterKeyId),
                    "alias/aws/sns",
                    "CloudWatch cannot use the AWS managed key",
                );
                assert.equal(inputsOf(key).enableKeyRotation, true);
                const alarms = `arn:aws:cloudwatch:${region}:${ACCOUNT_ID}:alarm:nops-ccost-prod.*`;
                assert.deepEqual(json(key.inputs.policy).Statement, [
                    {
                        Sid: "AccountAdministersTheKey",
                        Effect: "Allow",
                        Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` },
                        Action: "kms:*",
                        Resource: "*",
                    },
                    {
                        Sid: "CloudWatchAlarmsPublishToTheTopic",
                        Effect: "Allow",
                        Principal: { Service: "cloudwatch.amazonaws.com" },
                        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                        Resource: "*",
                        Condition: {
                            StringEquals: { "aws:SourceAccount": ACCOUNT_ID },
                            ArnLike: { "aws:SourceArn": alarms },
                        },
                    },
                ]);
                assert.ok(
                    freeIpAlarmName("prod", "x", region).startsWith("nops-ccost-prod."),
                    "the alarms match the pattern",
                );
                const topicPolicy = run
                    .ofType("aws:sns/topicPolicy:TopicPolicy")
                    .find((p) => inputsOf(p).region === region)!;
                assert.deepEqual(json(topicPolicy.inputs.policy).Statement, [
                    {
                        Sid: "CloudWatchAlarmsPublish",
                        Effect: "Allow",
                        Principal: { Service: "cloudwatch.amazonaws.com" },
                        Action: "sns:Publish",
                        Resource: unwrap(topic.state.arn),
                        Condition: {
                            StringEquals: { "aws:SourceAccount": ACCOUNT_ID },
                            ArnLike: { "aws:SourceArn": alarms },
                        },
                    },
                ]);
                const subscription = run
                    .ofType("aws:sns/topicSubscription:TopicSubscription")
                    .find((s) => inputsOf(s).region === region)!;
                assert.deepEqual(
                    {
                        protocol: inputsOf(subscription).protocol,
                        endpoint: inputsOf(subscription).endpoint,
                        topic: inputsOf(subscription).topic,
                    },
                    { protocol: "email", endpoint: "ops@example.com", topic: unwrap(topic.state.arn) },
                );
            }
        });
    });

    it("Pod Identity: a role trusted by pods.eks.amazonaws.com for that cluster's kube-system/cni-metrics-helper, and an association", async () => {
        const run = await runProgram(
            { ...baseConfig(), includeRegions: "eu-west-1", identityMode: "podIdentity", ...ON },
            { fleet: FLEET },
        );
        const [role] = cniRoles(run);
        const clusterArn = statuses(run).find((s) => s.name === "prod-c")!.arn;
        assert.deepEqual(json(role.inputs.assumeRolePolicy).Statement, [
            {
                Sid: "AllowEksAuthToAssumeRoleForPodIdentity",
                Effect: "Allow",
                Principal: { Service: "pods.eks.amazonaws.com" },
                Action: ["sts:AssumeRole", "sts:TagSession"],
                Condition: {
                    StringEquals: {
                        "aws:SourceAccount": ACCOUNT_ID,
                        "aws:RequestTag/eks-cluster-arn": clusterArn,
                        "aws:RequestTag/kubernetes-namespace": "kube-system",
                        "aws:RequestTag/kubernetes-service-account": "cni-metrics-helper",
                    },
                },
            },
        ]);
        const association = inputsOf(
            named(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "-cni-metrics")[0],
        );
        assert.deepEqual(
            {
                cluster: association.clusterName,
                region: association.region,
                namespace: association.namespace,
                sa: association.serviceAccount,
                role: association.roleArn,
            },
            {
                cluster: "prod-c",
                region: "eu-west-1",
                namespace: "kube-system",
                sa: "cni-metrics-helper",
                role: unwrap(role.state.arn),
            },
        );
        const account = inputsOf(named(run, "kubernetes:core/v1:ServiceAccount", "-cni-metrics")[0]);
        assert.equal(account.metadata.annotations, undefined, "no IRSA annotation with Pod Identity");
    });

    it("rolls the helper's pod on a switch between IRSA and Pod Identity (credentials are injected at pod creation)", async () => {
        const config = { ...baseConfig(), includeRegions: "eu-west-1", ...ON };
        const template = async (mode: string) => {
            const run = await runProgram({ ...config, identityMode: mode }, { fleet: FLEET });
            const role = cniRoles(run)[0];
            return {
                template: inputsOf(named(run, DEPLOYMENT, "-cni-metrics")[0]).spec.template,
                roleArn: unwrap(role.state.arn),
            };
        };
        const irsa = await template("irsa");
        const podIdentity = await template("podIdentity");
        assert.deepEqual(irsa.template.metadata.annotations, {
            "container-insights/identity-mode": "irsa",
            "container-insights/role-arn": irsa.roleArn,
        });
        assert.deepEqual(podIdentity.template.metadata.annotations, {
            "container-insights/identity-mode": "podIdentity",
            "container-insights/role-arn": podIdentity.roleArn,
        });
        assert.notDeepEqual(
            irsa.template,
            podIdentity.template,
            "a changed pod template is what makes the Deployment roll",
        );
    });

    it("iamUser: no helper, with a warning naming why; the agent is installed as before", async () => {
        const run = await runProgram(
            { ...baseConfig(), includeRegions: "us-east-1", createIamUser: "true", ...ON },
            { fleet: FLEET },
        );
        assert.equal(run.ofType("container-insights:addons:CniMetrics").length, 0);
        assert.equal(freeIpAlarms(run).length, 0);
        assert.deepEqual(statuses(run).find((s) => s.name === "prod-a")!.addons, []);
        const why = run.warnings.filter((w) => w.includes("cni-metrics-helper"));
        assert.equal(why.length, 1, run.warnings.join("\n"));
        assert.ok(why[0].startsWith("cluster prod-a (us-east-1): "), why[0]);
        assert.ok(why[0].includes(`${configKey("identityMode")} iamUser`), why[0]);
    });

    it("an existing topic instead of the stack's: no key, no topic; percent 0: no alarm at all", async () => {
        const topicArn = `arn:aws:sns:us-east-1:${ACCOUNT_ID}:ops`;
        const existing = await runProgram(
            { ...baseConfig(), includeRegions: "us-east-1", ...ON, "addons.cniMetrics.alarmTopicArn": topicArn },
            { fleet: FLEET },
        );
        assert.equal(existing.ofType("aws:sns/topic:Topic").length, 0);
        assert.equal(existing.ofType("aws:kms/key:Key").length, 0);
        assert.equal(freeIpAlarms(existing).length, 1);
        assert.deepEqual(inputsOf(freeIpAlarms(existing)[0]).alarmActions, [topicArn]);
        const none = await runProgram(
            { ...baseConfig(), includeRegions: "us-east-1", ...ON, "addons.cniMetrics.freeIpAlarmPercent": "0" },
            { fleet: FLEET },
        );
        assert.equal(freeIpAlarms(none).length, 0);
        assert.equal(none.ofType("aws:sns/topic:Topic").length, 0);
        assert.equal(none.ofType(DEPLOYMENT).filter((d) => d.name.includes("cni-metrics")).length, 1);
    });

    it("takes the image from the EKS add-on registry of each region (the documented table), and names an unknown region", () => {
        assert.equal(
            cniMetricsRepository("us-west-2"),
            "602401143452.dkr.ecr.us-west-2.amazonaws.com/cni-metrics-helper",
        );
        assert.equal(
            cniMetricsRepository("af-south-1"),
            "877085696533.dkr.ecr.af-south-1.amazonaws.com/cni-metrics-helper",
        );
        assert.equal(
            cniMetricsRepository("eu-south-2"),
            "455263428931.dkr.ecr.eu-south-2.amazonaws.com/cni-metrics-helper",
        );
        assert.equal(
            cniMetricsRepository("cn-north-1"),
            "918309763551.dkr.ecr.cn-north-1.amazonaws.com.cn/cni-metrics-helper",
        );
        assert.equal(
            cniMetricsRepository("us-gov-west-1"),
            "013241004608.dkr.ecr.us-gov-west-1.amazonaws.com/cni-metrics-helper",
        );
        assert.throws(
            () => cniMetricsRepository("xx-nowhere-9"),
            /region xx-nowhere-9 has no Amazon EKS add-on image registry/,
        );
        for (const [region, registry] of Object.entries(EKS_ADDON_REGISTRIES)) {
            assert.match(registry, /^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/, region);
        }
    });

    it("stops before creating anything when the image is not pinned by the lock, naming it", async () => {
        const { testImageLock } = await import("./fakes/imageLock");
        const { buildLock } = await import("../images/lock");
        const lock = testImageLock();
        const withoutCni = buildLock(lock.images.filter((i) => !i.repository.endsWith("/cni-metrics-helper")));
        await assert.rejects(
            runProgram(
                { ...baseConfig(), includeRegions: "us-east-1", ...ON },
                { fleet: FLEET, imageLock: withoutCni },
            ),
            /the cni-metrics-helper image is not pinned by digest in images\/images\.lock\.json: 602401143452\.dkr\.ecr\.us-east-1\.amazonaws\.com\/cni-metrics-helper:v1\.23\.1/,
        );
    });

    it("keeps a cluster's helper and its role's trust exactly as they were when the cluster cannot be read (the issuer comes from the last deploy)", async () => {
        const config = { ...baseConfig(), includeRegions: "us-east-1", ...ON };
        const fleet = { "us-east-1": [{ name: "prod-a" }] };
        const last = await runProgram(config, { fleet });
        const unreadable = (invoke: Invoke) => {
            if (invoke.token === "aws:eks/getCluster:getCluster") {
                throw invokeError("AccessDeniedException: not authorized");
            }
            return undefined;
        };
        const kept = await runProgram(config, {
            fleet,
            call: unreadable,
            previousOutputs: { clusters: last.outputs.clusters.value },
        });
        const status = statuses(kept).find((s) => s.name === "prod-a")!;
        assert.equal(status.status, "kept");
        assert.deepEqual(status.addons, ["cniMetrics"]);
        assert.equal(status.oidcIssuer, statuses(last).find((s) => s.name === "prod-a")!.oidcIssuer);
        assert.deepEqual(
            json(cniRoles(kept)[0].inputs.assumeRolePolicy),
            json(cniRoles(last)[0].inputs.assumeRolePolicy),
        );
        assert.deepEqual(
            inputsOf(named(kept, DEPLOYMENT, "cni-metrics")[0]),
            inputsOf(named(last, DEPLOYMENT, "cni-metrics")[0]),
        );
    });
});
