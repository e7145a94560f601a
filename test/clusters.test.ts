import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { ClusterLine } from "../program/options";
import {
    Fleet,
    Invoke,
    ProgramRun,
    baseConfig,
    invokeError,
    lastRegistrations,
    plaintextStrings,
    runProgram,
    sharedRun,
    unwrap,
    FLEET_REGIONS,
} from "./harness";
import { fakeLocked } from "./fakes/imageLock";
import { configKey } from "./configKeys";
import { fullKey } from "../config/keys";
import { EBS_CSI_ADDON } from "../components/cluster/checks";

const CHART = "kubernetes:helm.sh/v4:Chart";
const PROVIDER = "pulumi:providers:kubernetes";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const AGENT = "container-insights:cluster:ClusterAgent";

const fleet: Fleet = {
    "us-east-1": [
        { name: "prod-a", tags: { insights: "on" } },
        { name: "prod-b" },
        { name: "creating", status: "CREATING" },
    ],
    "eu-west-1": [
        { name: "prod-eu", tags: { insights: "on" } },
        { name: "legacy", oidc: false },
    ],
    "ap-south-1": [{ name: "sandbox-1" }],
};
const REGIONS = "us-east-1,eu-west-1,ap-south-1";

const chartOf = (run: ProgramRun, region: string, name: string) =>
    run.ofType(CHART).find((c) => c.name === `${region}-${name}`)!;
const valuesOf = (run: ProgramRun, region: string, name: string) =>
    unwrap(chartOf(run, region, name).inputs.values) as any;
const statuses = (run: ProgramRun) => run.outputs.clusters.value as ClusterLine[];
const status = (run: ProgramRun, name: string) => statuses(run).find((s) => s.name === name)!;
const providerOf = (run: ProgramRun, region: string, name: string) =>
    run.ofType(PROVIDER).find((p) => p.name === `${region}-${name}`);

/** Fails the invokes `fails` picks, with the message terraform-provider-aws would give. */
const failing = (fails: (invoke: Invoke) => string | undefined) => (invoke: Invoke) => {
    const message = fails(invoke);
    if (message) {
        throw invokeError(message);
    }
    return undefined;
};
const listIn = (region: string) => (i: Invoke) =>
    i.token === "aws:eks/getClusters:getClusters" && i.inputs.region === region;
const describeOf = (name: string) => (i: Invoke) =>
    i.token === "aws:eks/getCluster:getCluster" && i.inputs.name === name;

describe("in-cluster side", () => {
    let run: ProgramRun;
    before(async () => {
        run = await sharedRun({ ...baseConfig(), includeRegions: REGIONS }, { fleet });
    });

    it("looks up every included region with its own region argument", () => {
        const regions = run.invokes
            .filter((i) => i.token === "aws:eks/getClusters:getClusters")
            .map((i) => i.inputs.region);
        assert.deepEqual(regions.sort(), ["ap-south-1", "eu-west-1", "us-east-1"]);
        assert.equal(run.invokes.filter((i) => i.token === "aws:eks/getCluster:getCluster").length, 6);
    });

    it("installs one provider, namespace and chart per active cluster with an OIDC issuer", () => {
        for (const type of [AGENT, PROVIDER, NAMESPACE, CHART]) {
            assert.deepEqual(
                run
                    .ofType(type)
                    .map((r) => r.name)
                    .sort(),
                ["ap-south-1-sandbox-1", "eu-west-1-prod-eu", "us-east-1-prod-a", "us-east-1-prod-b"],
                type,
            );
        }
        for (const namespace of run.ofType(NAMESPACE)) {
            assert.equal((unwrap(namespace.inputs.metadata) as any).name, "nops");
        }
    });

    it("pins the chart and sets exactly the documented values", () => {
        const chart = unwrap(chartOf(run, "us-east-1", "prod-a").inputs) as any;
        assert.equal(chart.chart, "oci://public.ecr.aws/nops/kubernetes-agent");
        assert.equal(chart.version, "0.0.67");
        assert.equal(chart.name, "nops-kubernetes-agent");
        assert.equal(chart.namespace, "nops");
        const roleArn = "arn:aws:iam::111122223333:role/container-insights/prod/nops-ccost-prod-a_us-east-1";
        const values = valuesOf(run, "us-east-1", "prod-a");
        assert.equal(values.nops, undefined, "the platform token never reaches the cluster");
        assert.equal(values.datadog.apiKey, "dd-SECRET-789");
        assert.deepEqual(values.containerInsights, {
            enabled: true,
            debug: false,
            repository: "public.ecr.aws/nops/container-insights-agent",
            imageTag: `2.0.1@${fakeLocked("public.ecr.aws/nops/container-insights-agent", "2.0.1").digest}`,
            env_variables: {
                APP_NOPS_K8S_AGENT_CLUSTER_ARN: "arn:aws:eks:us-east-1:111122223333:cluster/prod-a",
                APP_AWS_S3_BUCKET: "nops-container-cost-111122223333",
            },
            serviceAccount: { name: "nops-container-insights", annotations: { "eks.amazonaws.com/role-arn": roleArn } },
        });
        assert.deepEqual(values.karpenops, {
            enabled: false,
            image: {
                repository: "public.ecr.aws/nops/karpenops",
                tag: `1.23.2@${fakeLocked("public.ecr.aws/nops/karpenops", "1.23.2").digest}`,
            },
        });
        assert.equal(values.dataFetcher.enabled, true);
        assert.equal(values.autoUpdater.enabled, false);
        assert.equal(values.dcgmExporter.enabled, true);
        const terms =
            values.dcgmExporter.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
        const keys = terms.map((t: any) => t.matchExpressions[0].key);
        assert.deepEqual(keys, [
            "nvidia.com/gpu.present",
            "karpenter.k8s.aws/instance-gpu-count",
            "karpenter.k8s.aws/instance-family",
            "eks.amazonaws.com/instance-family",
        ]);
        assert.equal(status(run, "prod-a").roleArn, roleArn);
    });

    it("keeps the API keys secrets inside the chart values, and out of the outputs", async () => {
        const withKarpenops = await runProgram(
            {
                ...baseConfig(),
                includeRegions: REGIONS,
                karpenopsApiKey: "kops-SECRET-000",
                "agent.karpenops": "true",
                "agent.karpenopsClusterIds": '{"prod-a":"D/M7Yj"}',
            },
            { fleet },
        );
        assert.equal(valuesOf(withKarpenops, "us-east-1", "prod-a").karpenops.apiKey, "kops-SECRET-000");
        for (const chart of [...run.ofType(CHART), ...withKarpenops.ofType(CHART)]) {
            assert.ok(
                !plaintextStrings(chart.inputs).some((s) => /tok-SECRET|dd-SECRET|kops-SECRET/.test(s)),
                chart.name,
            );
        }
        for (const outputs of [run.outputs, withKarpenops.outputs]) {
            assert.ok(!/tok-SECRET|dd-SECRET|kops-SECRET/.test(JSON.stringify(outputs)));
        }
    });

    it("turns KarpenOps on only where the cluster has an id and the stack has the key, warning about the rest", async () => {
        const on = await runProgram(
            {
                ...baseConfig(),
                includeRegions: REGIONS,
                karpenopsApiKey: "kops-SECRET-000",
                "agent.karpenops": "true",
                "agent.karpenopsClusterIds": JSON.stringify({
                    "prod-a": "D/M7Yj",
                    "arn:aws:eks:eu-west-1:111122223333:cluster/prod-eu": "Q9x2Lk",
                    "prod-eu": "by-name-loses",
                }),
            },
            { fleet },
        );
        assert.deepEqual(valuesOf(on, "us-east-1", "prod-a").karpenops.clusterId, "D/M7Yj");
        assert.equal(valuesOf(on, "us-east-1", "prod-a").karpenops.enabled, true);
        assert.equal(valuesOf(on, "eu-west-1", "prod-eu").karpenops.clusterId, "Q9x2Lk", "the ARN wins over the name");
        const off = valuesOf(on, "us-east-1", "prod-b").karpenops;
        assert.equal(off.enabled, false);
        assert.equal(off.clusterId, undefined);
        assert.equal(off.apiKey, undefined, "no key where KarpenOps is off");
        assert.deepEqual(
            statuses(on)
                .filter((s) => s.status === "installed")
                .map((s) => [s.name, s.karpenopsClusterId]),
            [
                ["prod-a", "D/M7Yj"],
                ["prod-b", undefined],
                ["prod-eu", "Q9x2Lk"],
                ["sandbox-1", undefined],
            ],
        );
        const clusterIds = fullKey(configKey("agent.karpenopsClusterIds"));
        const karpenopsWarnings = on.warnings.filter((w) => w.includes(clusterIds));
        assert.deepEqual(
            karpenopsWarnings.map((w) => w.slice(0, w.indexOf(":"))),
            ["cluster prod-b (us-east-1)", "cluster sandbox-1 (ap-south-1)"],
            on.warnings.join("\n"),
        );
        assert.ok(
            karpenopsWarnings[0].includes(
                `${clusterIds} has no id for arn:aws:eks:us-east-1:111122223333:cluster/prod-b or prod-b`,
            ),
            karpenopsWarnings[0],
        );

        const noKey = await runProgram(
            {
                ...baseConfig(),
                includeRegions: "us-east-1",
                "agent.karpenops": "true",
                "agent.karpenopsClusterIds": '{"prod-a":"D/M7Yj"}',
            },
            { fleet },
        );
        assert.equal(valuesOf(noKey, "us-east-1", "prod-a").karpenops.enabled, false, "no API key: off");
        assert.equal(status(noKey, "prod-a").karpenopsClusterId, undefined);
        const apiKey = fullKey(configKey("karpenopsApiKey"));
        const noKeyWarning = noKey.warnings.find((w) => w.startsWith("cluster prod-a (us-east-1): "));
        assert.ok(noKeyWarning?.includes(`${apiKey} is not set`), noKey.warnings.join("\n"));
    });

    it("stops before creating anything without the Datadog API key", async () => {
        const { datadogApiKey: _omitted, ...withoutKey } = baseConfig();
        await assert.rejects(
            runProgram({ ...withoutKey }, { fleet }),
            /container-insights:datadogApiKey is required while container-insights:agent\.install is true/,
        );
        assert.equal(lastRegistrations().length, 0);
        const awsOnly = await runProgram({ ...withoutKey, "agent.install": "false" }, { fleet });
        assert.equal(awsOnly.ofType(CHART).length, 0);
    });

    it("gives each cluster a provider that authenticates with aws eks get-token and tolerates a deleted cluster", () => {
        const provider = unwrap(run.ofType(PROVIDER).find((p) => p.name === "eu-west-1-prod-eu")!.inputs) as any;
        assert.equal(provider.deleteUnreachable, "true");
        const config = JSON.parse(provider.kubeconfig);
        assert.deepEqual(config.users[0].user.exec.args, [
            "eks",
            "get-token",
            "--cluster-name",
            "prod-eu",
            "--region",
            "eu-west-1",
        ]);
        assert.equal(config.users[0].user.exec.command, "aws");
        assert.match(config.clusters[0].cluster.server, /^https:\/\/.*eu-west-1\.eks\.amazonaws\.com$/);
        assert.ok(config.clusters[0].cluster["certificate-authority-data"]);
    });

    it("skips inactive and OIDC-less clusters, saying why", () => {
        assert.equal(status(run, "creating").status, "skipped");
        assert.match(status(run, "creating").reason!, /status is CREATING/);
        assert.match(status(run, "legacy").reason!, /no OIDC issuer/);
        assert.equal(statuses(run).length, 6);
    });

    it("applies include, exclude and tag filters", async () => {
        const filtered = await runProgram(
            {
                ...baseConfig(),
                includeRegions: REGIONS,
                "clusters.include": "prod-*",
                "clusters.exclude": "prod-b",
                "clusters.tags": '{"insights":"on"}',
            },
            { fleet },
        );
        assert.deepEqual(
            filtered
                .ofType(CHART)
                .map((c) => c.name)
                .sort(),
            ["eu-west-1-prod-eu", "us-east-1-prod-a"],
        );
        assert.match(status(filtered, "prod-b").reason!, /excluded by clusters.exclude pattern prod-b/);
        assert.match(status(filtered, "sandbox-1").reason!, /matches no clusters.include pattern/);
        const tagged = await runProgram(
            { ...baseConfig(), includeRegions: REGIONS, "clusters.tags": '{"insights":"on"}' },
            { fleet },
        );
        assert.match(status(tagged, "sandbox-1").reason!, /tag insights is missing/);
    });

    it("turns the Data Fetcher off, sets prometheus placement, and merges agent.values last", async () => {
        const toleration = { key: "dedicated", operator: "Equal", value: "monitoring", effect: "NoSchedule" };
        const custom = await runProgram(
            {
                ...baseConfig(),
                includeRegions: "ap-south-1",
                "agent.dataFetcher": "false",
                "agent.chartVersion": "0.0.70",
                "prometheus.size": "large",
                "prometheus.storageClass": "gp3",
                "prometheus.nodeSelector": '{"karpenter.sh/capacity-type":"on-demand"}',
                "prometheus.tolerations": JSON.stringify([toleration]),
                "agent.values":
                    '{"prometheus":{"server":{"nodeSelector":{"team":"obs"}}},"containerInsights":{"debug":true}}',
            },
            { fleet },
        );
        const values = valuesOf(custom, "ap-south-1", "sandbox-1");
        assert.equal(values.karpenops.enabled, false);
        assert.equal(values.dataFetcher.enabled, false);
        assert.equal(values.containerInsights.debug, true);
        assert.equal(values.containerInsights.enabled, true, "merge keeps our keys");
        assert.deepEqual(
            values.prometheus.server.nodeSelector,
            { "karpenter.sh/capacity-type": "on-demand", team: "obs" },
            "agent.values deep-merges last",
        );
        assert.deepEqual(values.prometheus.server.tolerations, [toleration]);
        assert.equal(values.prometheus.server.persistentVolume.storageClass, "gp3");
        assert.deepEqual(values.prometheus.server.resources, {
            requests: { cpu: "500m", memory: "4Gi" },
            limits: { cpu: "1000m", memory: "16Gi" },
        });
        assert.equal(
            values.prometheus.server.image.repository,
            "public.ecr.aws/nops/prom/prometheus",
            "image keys survive the merge",
        );
        assert.equal((unwrap(chartOf(custom, "ap-south-1", "sandbox-1").inputs) as any).version, "0.0.70");
    });

    it("passes the IAM user's keys as secrets and annotates nothing in IAM-user mode", async () => {
        const userMode = await runProgram(
            { ...baseConfig(), includeRegions: REGIONS, createIamUser: "true" },
            { fleet },
        );
        assert.ok(chartOf(userMode, "eu-west-1", "legacy"), "clusters without OIDC are fine in IAM-user mode");
        const chart = chartOf(userMode, "us-east-1", "prod-a");
        const values = unwrap(chart.inputs.values) as any;
        assert.equal(values.containerInsights.serviceAccount, undefined);
        assert.deepEqual(values.containerInsights.secrets, {
            useAwsCredentials: true,
            awsAccessKeyId: "agent-user-id",
            awsSecretAccessKey: "mock-secret-access-key",
        });
        assert.ok(!plaintextStrings(chart.inputs).some((s) => s === "mock-secret-access-key" || s === "agent-user-id"));
        assert.equal(status(userMode, "prod-a").roleArn, undefined);
    });

    it("names the role of a 100-character cluster within IAM's limit", async () => {
        const name = `a${"b".repeat(98)}c`;
        const long = await runProgram({ ...baseConfig() }, { fleet: { "us-east-1": [{ name }] } });
        const roleArn = status(long, name).roleArn!;
        const roleName = roleArn.split("/").pop()!;
        assert.ok(roleName.length <= 64, roleName);
        assert.ok(roleName.endsWith("_us-east-1"));
        assert.ok(chartOf(long, "us-east-1", name));
    });

    it("accepts a fleet of zero clusters", async () => {
        const empty = await runProgram({ ...baseConfig(), includeRegions: REGIONS });
        assert.equal(empty.ofType(AGENT).length, 0);
        assert.deepEqual(empty.outputs.clusters.value, []);
    });

    it("installs nothing when agent.install is false", async () => {
        const off = await runProgram({ ...baseConfig(), includeRegions: REGIONS, "agent.install": "false" }, { fleet });
        assert.equal(off.ofType(CHART).length, 0);
        assert.equal(off.invokes.filter((i) => i.token.startsWith("aws:eks/")).length, 0);
    });

    it("makes the charts wait for the reconciler's deploy-time run", async () => {
        const dependencies: pulumi.Resource[][] = [];
        const withDeps = await runProgram(
            { ...baseConfig() },
            {
                fleet: { "us-east-1": [{ name: "prod-a" }] },
                transformation: (args) => {
                    if (args.type === CHART) {
                        dependencies.push((args.opts.dependsOn ?? []) as pulumi.Resource[]);
                    }
                    return undefined;
                },
            },
        );
        assert.equal(withDeps.ofType(CHART).length, 1);
        assert.equal(dependencies.length, 1);
        const types = dependencies[0].map((d) => (d as unknown as { __pulumiType: string }).__pulumiType);
        assert.deepEqual(types, ["aws:lambda/invocation:Invocation"]);
    });

    // A small fleet over every region; npm run bench:program runs the same checks at 1,000 clusters and times them.
    it("registers every resource for each cluster of a fleet over 17 regions", async () => {
        const regions = FLEET_REGIONS;
        const big: Fleet = {};
        const clusters = 2 * regions.length;
        for (let i = 0; i < clusters; i++) {
            const region = regions[i % regions.length];
            (big[region] ??= []).push({ name: `cluster-${i}` });
        }
        const scale = await runProgram({ ...baseConfig(), includeRegions: regions.join(",") }, { fleet: big });
        for (const type of [AGENT, PROVIDER, NAMESPACE, CHART]) {
            assert.equal(scale.ofType(type).length, clusters, type);
        }
        assert.equal(statuses(scale).filter((s) => s.status === "installed").length, clusters);
        assert.equal(new Set(statuses(scale).map((s) => s.roleArn)).size, clusters);
    });

    describe("transient failures never fail the deploy nor remove an agent", () => {
        const REGIONS2 = "us-east-1,eu-west-1";
        const two: Fleet = {
            "us-east-1": [{ name: "prod-a" }, { name: "prod-b" }],
            "eu-west-1": [{ name: "prod-eu" }],
        };
        let last: ProgramRun;
        before(async () => {
            last = await runProgram({ ...baseConfig(), includeRegions: REGIONS2 }, { fleet: two });
        });
        const again = (
            options: { fleet?: Fleet; call?: (i: Invoke) => undefined; regions?: string; previous?: unknown } = {},
        ) =>
            runProgram(
                { ...baseConfig(), includeRegions: options.regions ?? REGIONS2 },
                {
                    fleet: options.fleet ?? two,
                    call: options.call,
                    previousOutputs: { clusters: options.previous ?? last.outputs.clusters.value },
                },
            );

        it("reads the last deploy's clusters through a StackReference to this very stack", () => {
            const self = last.one("pulumi:pulumi:StackReference");
            assert.equal(self.inputs.name, "organization/container-insights/prod");
        });

        it("records in the output what rebuilds each cluster's provider", () => {
            const line = status(last, "prod-eu");
            assert.equal(line.status, "installed");
            assert.equal(line.arn, "arn:aws:eks:eu-west-1:111122223333:cluster/prod-eu");
            assert.match(line.endpoint!, /^https:\/\/.*eu-west-1\.eks\.amazonaws\.com$/);
            assert.ok(line.certificateAuthority);
        });

        for (const [what, message] of [
            [
                "a region that is not enabled (opt-in)",
                "reading EKS Clusters: operation error EKS: ListClusters, https response error StatusCode: 401, UnrecognizedClientException: The security token included in the request is invalid",
            ],
            [
                "a region that denies access",
                "operation error EKS: ListClusters, StatusCode: 403, AccessDeniedException: explicit deny in a service control policy",
            ],
            [
                "a throttled region",
                "operation error EKS: ListClusters, exceeded maximum number of attempts, 25, ThrottlingException: Rate exceeded",
            ],
        ]) {
            it(`keeps the agents of ${what}, exactly as they were, and installs the other regions`, async () => {
                const run = await again({ call: failing((i) => (listIn("us-east-1")(i) ? message : undefined)) });
                assert.equal(status(run, "prod-eu").status, "installed");
                for (const name of ["prod-a", "prod-b"]) {
                    assert.equal(status(run, name).status, "kept");
                    assert.match(status(run, name).reason!, /could not be read now/);
                    // Same URN and the same inputs as the last deploy: Pulumi sees no change, deletes nothing.
                    assert.deepEqual(
                        unwrap(providerOf(run, "us-east-1", name)!.inputs),
                        unwrap(providerOf(last, "us-east-1", name)!.inputs),
                    );
                    assert.deepEqual(
                        unwrap(chartOf(run, "us-east-1", name).inputs),
                        unwrap(chartOf(last, "us-east-1", name).inputs),
                    );
                }
                assert.deepEqual(
                    statuses(run)
                        .map((s) => s.name)
                        .sort(),
                    ["prod-a", "prod-b", "prod-eu"],
                );
            });
        }

        it("still applies clusters.exclude to a cluster it cannot read (its name is known), not tag filters (its tags are not)", async () => {
            const run = await runProgram(
                {
                    ...baseConfig(),
                    includeRegions: REGIONS2,
                    "clusters.exclude": "prod-b",
                    "clusters.tags": '{"insights":"on"}',
                },
                {
                    fleet: {
                        "us-east-1": two["us-east-1"],
                        "eu-west-1": [{ name: "prod-eu", tags: { insights: "on" } }],
                    },
                    call: failing((i) => (listIn("us-east-1")(i) ? "ThrottlingException: Rate exceeded" : undefined)),
                    previousOutputs: { clusters: last.outputs.clusters.value },
                },
            );
            assert.equal(chartOf(run, "us-east-1", "prod-b"), undefined);
            assert.equal(status(run, "prod-a").status, "kept");
            assert.equal(status(run, "prod-eu").status, "installed");
        });

        it("keeps a cluster that had the agent when describing it fails, and skips a new one that fails", async () => {
            const fleet: Fleet = { ...two, "eu-west-1": [{ name: "prod-eu" }, { name: "fresh" }] };
            const run = await again({
                fleet,
                call: failing((i) =>
                    describeOf("prod-b")(i) || describeOf("fresh")(i)
                        ? "AccessDeniedException: not authorized"
                        : undefined,
                ),
            });
            assert.equal(status(run, "prod-b").status, "kept");
            assert.ok(chartOf(run, "us-east-1", "prod-b"));
            assert.equal(status(run, "fresh").status, "skipped");
            assert.match(status(run, "fresh").reason!, /could not be read: AccessDeniedException/);
        });

        it("removes a cluster deleted between list and describe", async () => {
            const run = await again({
                call: failing((i) =>
                    describeOf("prod-b")(i) ? "reading EKS Cluster (prod-b): couldn't find resource" : undefined,
                ),
            });
            assert.equal(chartOf(run, "us-east-1", "prod-b"), undefined);
            assert.equal(
                statuses(run).find((s) => s.name === "prod-b"),
                undefined,
            );
        });

        it("removes a cluster confirmed gone in a completely read region, and the clusters of a region no longer included", async () => {
            const gone = await again({
                fleet: { "us-east-1": [{ name: "prod-a" }], "eu-west-1": [{ name: "prod-eu" }] },
            });
            assert.equal(chartOf(gone, "us-east-1", "prod-b"), undefined);
            const narrowed = await again({ regions: "us-east-1" });
            assert.equal(chartOf(narrowed, "eu-west-1", "prod-eu"), undefined);
            assert.ok(chartOf(narrowed, "us-east-1", "prod-a"));
        });

        it("installs UPDATING clusters; skips CREATING, DELETING, PENDING and FAILED ones, except a FAILED one that had the agent", async () => {
            const fleet: Fleet = {
                "us-east-1": [
                    { name: "prod-a", status: "FAILED" },
                    { name: "prod-b", status: "UPDATING" },
                    { name: "new-failed", status: "FAILED" },
                    { name: "deleting", status: "DELETING" },
                    { name: "pending", status: "PENDING" },
                ],
                "eu-west-1": [{ name: "prod-eu", status: "UPDATING" }],
            };
            const run = await again({ fleet });
            assert.equal(status(run, "prod-a").status, "kept");
            assert.match(status(run, "prod-a").reason!, /FAILED/);
            assert.equal(status(run, "prod-b").status, "installed");
            assert.equal(status(run, "prod-eu").status, "installed");
            for (const name of ["new-failed", "deleting", "pending"]) {
                assert.equal(status(run, name).status, "skipped", name);
            }
            assert.deepEqual(
                run
                    .ofType(CHART)
                    .map((c) => c.name)
                    .sort(),
                ["eu-west-1-prod-eu", "us-east-1-prod-a", "us-east-1-prod-b"],
            );
        });

        it("never fails the program, whatever fails: every region and every cluster at once", async () => {
            const run = await again({
                call: failing((i) =>
                    i.token.startsWith("aws:eks/") || i.token.startsWith("aws:iam/")
                        ? "ThrottlingException: Rate exceeded"
                        : undefined,
                ),
            });
            assert.deepEqual(
                statuses(run).map((s) => s.status),
                ["kept", "kept", "kept"],
            );
        });
    });

    describe("IRSA needs the cluster's IAM OIDC provider", () => {
        const fleetWithout: Fleet = { "us-east-1": [{ name: "prod-a" }, { name: "no-provider", oidcProvider: false }] };

        it("skips a cluster whose OIDC provider is not registered, with the eksctl command that fixes it", async () => {
            const run = await runProgram(baseConfig(), { fleet: fleetWithout });
            assert.equal(chartOf(run, "us-east-1", "no-provider"), undefined);
            const line = status(run, "no-provider");
            assert.equal(line.status, "skipped");
            assert.match(line.reason!, /not registered/);
            assert.ok(
                line.reason!.includes(
                    "eksctl utils associate-iam-oidc-provider --cluster no-provider --region us-east-1 --approve",
                ),
            );
            assert.ok(chartOf(run, "us-east-1", "prod-a"));
            const lookups = run.invokes.filter(
                (i) => i.token === "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider",
            );
            assert.equal(lookups.length, 2, "one lookup per issuer");
            assert.match(
                String(lookups[0].inputs.arn),
                /^arn:aws:iam::111122223333:oidc-provider\/oidc\.eks\.us-east-1\.amazonaws\.com\/id\//,
            );
        });

        it("does not look at OIDC providers in IAM-user mode", async () => {
            const run = await runProgram({ ...baseConfig(), createIamUser: "true" }, { fleet: fleetWithout });
            assert.ok(chartOf(run, "us-east-1", "no-provider"));
            assert.equal(run.invokes.filter((i) => i.token.startsWith("aws:iam/getOpenIdConnectProvider")).length, 0);
        });

        it("when the check fails, keeps a cluster that had the agent and holds back a new one", async () => {
            const fleet: Fleet = { "us-east-1": [{ name: "prod-a" }] };
            const last = await runProgram(baseConfig(), { fleet });
            const broken = failing((i) =>
                i.token.startsWith("aws:iam/getOpenIdConnectProvider")
                    ? "operation error IAM: GetOpenIDConnectProvider, AccessDenied"
                    : undefined,
            );
            const kept = await runProgram(baseConfig(), {
                fleet,
                call: broken,
                previousOutputs: { clusters: last.outputs.clusters.value },
            });
            assert.ok(chartOf(kept, "us-east-1", "prod-a"));
            assert.match(status(kept, "prod-a").reason!, /could not be checked/);
            const fresh = await runProgram(baseConfig(), { fleet, call: broken });
            assert.equal(status(fresh, "prod-a").status, "skipped");
        });
    });

    describe("agent chart readiness and the Prometheus volume", () => {
        const fleet: Fleet = { "us-east-1": [{ name: "with-ebs" }, { name: "without-ebs", ebsCsiAddon: false }] };

        it("waits for readiness only where the aws-ebs-csi-driver add-on is installed, and says so per cluster", async () => {
            const run = await sharedRun(baseConfig(), { fleet });
            assert.equal((unwrap(chartOf(run, "us-east-1", "with-ebs").inputs) as any).skipAwait, false);
            assert.equal((unwrap(chartOf(run, "us-east-1", "without-ebs").inputs) as any).skipAwait, true);
            assert.equal(status(run, "with-ebs").ebsCsiDriver, "installed");
            assert.equal(status(run, "with-ebs").awaitsReadiness, true);
            assert.equal(status(run, "without-ebs").ebsCsiDriver, "missing");
            assert.equal(status(run, "without-ebs").awaitsReadiness, false);
            const missing = run.warnings.filter((w) => w.includes(EBS_CSI_ADDON));
            assert.equal(missing.length, 1, run.warnings.join("\n"));
            assert.ok(missing[0].includes("without-ebs (us-east-1)") && !missing[0].includes("with-ebs ("), missing[0]);
            const addonLookups = run.invokes.filter((i) => i.token === "aws:eks/getAddon:getAddon");
            assert.deepEqual(
                addonLookups.map((i) => i.inputs.addonName),
                ["aws-ebs-csi-driver", "aws-ebs-csi-driver"],
            );
        });

        it("keeps the last deploy's choice when the add-on cannot be checked, and waits for nothing on a first deploy", async () => {
            const last = await sharedRun(baseConfig(), { fleet });
            const broken = failing((i) =>
                i.token === "aws:eks/getAddon:getAddon" ? "AccessDeniedException: eks:DescribeAddon" : undefined,
            );
            const run = await runProgram(baseConfig(), {
                fleet,
                call: broken,
                previousOutputs: { clusters: last.outputs.clusters.value },
            });
            assert.equal(status(run, "with-ebs").ebsCsiDriver, "unknown");
            assert.equal(status(run, "with-ebs").awaitsReadiness, true);
            const unchecked = run.warnings.find((w) => w.startsWith("cluster with-ebs (us-east-1): "));
            assert.ok(unchecked !== undefined && unchecked.includes(EBS_CSI_ADDON), run.warnings.join("\n"));
            assert.ok(unchecked.includes("AccessDeniedException: eks:DescribeAddon"), unchecked);
            assert.equal(status(run, "without-ebs").awaitsReadiness, false);
            const first = await runProgram(baseConfig(), { fleet, call: broken });
            assert.equal(status(first, "with-ebs").awaitsReadiness, false);
        });

        it("adopts objects an earlier helm install created (upsertExistingObjects) and forgets unreachable clusters", async () => {
            const run = await sharedRun(baseConfig(), { fleet });
            const provider = unwrap(providerOf(run, "us-east-1", "with-ebs")!.inputs) as any;
            assert.equal(provider.upsertExistingObjects, "true");
            assert.equal(provider.deleteUnreachable, "true");
        });
    });
});

describe("GitOps mode (agent.renderTo)", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram({ ...baseConfig(), includeRegions: REGIONS, "agent.renderTo": "rendered" }, { fleet });
    });

    it("gives each cluster's provider its own directory <renderTo>/<region>/<cluster> and no credentials", () => {
        const inputs = providerOf(run, "eu-west-1", "prod-eu")!.inputs;
        assert.equal(inputs.renderYamlToDirectory, "rendered/eu-west-1/prod-eu");
        assert.equal(inputs.kubeconfig, undefined, "a rendering provider must not be given a kubeconfig");
        assert.equal(providerOf(run, "us-east-1", "prod-a")!.inputs.renderYamlToDirectory, "rendered/us-east-1/prod-a");
    });

    it("never waits for readiness, and says per cluster where the manifests went", () => {
        assert.equal(chartOf(run, "us-east-1", "prod-b").inputs.skipAwait, true);
        assert.equal(status(run, "prod-b").renderedTo, "rendered/us-east-1/prod-b");
        assert.equal(status(run, "prod-b").awaitsReadiness, false);
        assert.equal(status(run, "legacy").renderedTo, undefined, "a skipped cluster has nothing rendered");
    });

    it("applies as before when renderTo is blank", async () => {
        const applied = await sharedRun({ ...baseConfig(), includeRegions: REGIONS }, { fleet });
        assert.equal(providerOf(applied, "us-east-1", "prod-a")!.inputs.renderYamlToDirectory, undefined);
        assert.ok(providerOf(applied, "us-east-1", "prod-a")!.inputs.kubeconfig);
        assert.equal(status(applied, "prod-a").renderedTo, undefined);
    });
});
