import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ClusterStatus } from "../components/cluster/types";
import { Fleet, ProgramRun, baseConfig, plaintextStrings, runProgram, unwrap } from "./harness";

const CHART = "kubernetes:helm.sh/v4:Chart";
const PROVIDER = "pulumi:providers:kubernetes";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const AGENT = "container-insights:cluster:ClusterAgent";

const fleet: Fleet = {
    "us-east-1": [{ name: "prod-a", tags: { insights: "on" } }, { name: "prod-b" }, { name: "creating", status: "CREATING" }],
    "eu-west-1": [{ name: "prod-eu", tags: { insights: "on" } }, { name: "legacy", oidc: false }],
    "ap-south-1": [{ name: "sandbox-1" }],
};
const REGIONS = "us-east-1,eu-west-1,ap-south-1";

const chartOf = (run: ProgramRun, region: string, name: string) => run.ofType(CHART).find((c) => c.name === `${region}-${name}`)!;
const valuesOf = (run: ProgramRun, region: string, name: string) => unwrap(chartOf(run, region, name).inputs.values) as any;
const statuses = (run: ProgramRun) => run.outputs.clusters.value as ClusterStatus[];
const status = (run: ProgramRun, name: string) => statuses(run).find((s) => s.name === name)!;

describe("in-cluster side", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram({ ...baseConfig(), includeRegions: REGIONS }, { fleet });
    });

    it("looks up every included region with its own region argument", () => {
        const regions = run.invokes.filter((i) => i.token === "aws:eks/getClusters:getClusters").map((i) => i.inputs.region);
        assert.deepEqual(regions.sort(), ["ap-south-1", "eu-west-1", "us-east-1"]);
        assert.equal(run.invokes.filter((i) => i.token === "aws:eks/getCluster:getCluster").length, 6);
    });

    it("installs one provider, namespace and chart per active cluster with an OIDC issuer", () => {
        for (const type of [AGENT, PROVIDER, NAMESPACE, CHART]) {
            assert.deepEqual(run.ofType(type).map((r) => r.name).sort(), ["ap-south-1-sandbox-1", "eu-west-1-prod-eu", "us-east-1-prod-a", "us-east-1-prod-b"], type);
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
        assert.deepEqual(values.nops, { apiKey: "tok-SECRET-123" });
        assert.deepEqual(values.containerInsights, {
            enabled: true,
            env_variables: {
                APP_NOPS_K8S_AGENT_CLUSTER_ARN: "arn:aws:eks:us-east-1:111122223333:cluster/prod-a",
                APP_AWS_S3_BUCKET: "nops-container-cost-111122223333",
            },
            serviceAccount: { name: "nops-container-insights", annotations: { "eks.amazonaws.com/role-arn": roleArn } },
        });
        assert.deepEqual(values.karpenops, { enabled: true, clusterId: "arn:aws:eks:us-east-1:111122223333:cluster/prod-a" });
        assert.deepEqual(values.dataFetcher, { enabled: true });
        assert.deepEqual(values.autoUpdater, { enabled: false });
        assert.equal(values.dcgmExporter.enabled, true);
        const terms = values.dcgmExporter.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
        const keys = terms.map((t: any) => t.matchExpressions[0].key);
        assert.deepEqual(keys, ["nvidia.com/gpu.present", "karpenter.k8s.aws/instance-gpu-count", "karpenter.k8s.aws/instance-family", "eks.amazonaws.com/instance-family"]);
        assert.equal(status(run, "prod-a").roleArn, roleArn);
    });

    it("keeps the token a secret inside the chart values", () => {
        for (const chart of run.ofType(CHART)) {
            assert.ok(!plaintextStrings(chart.inputs).some((s) => s.includes("tok-SECRET")), chart.name);
        }
        assert.ok(!JSON.stringify(run.outputs.clusters.value).includes("tok-SECRET"));
    });

    it("gives each cluster a provider that authenticates with aws eks get-token and tolerates a deleted cluster", () => {
        const provider = unwrap(run.ofType(PROVIDER).find((p) => p.name === "eu-west-1-prod-eu")!.inputs) as any;
        assert.equal(provider.deleteUnreachable, "true");
        const config = JSON.parse(provider.kubeconfig);
        assert.deepEqual(config.users[0].user.exec.args, ["eks", "get-token", "--cluster-name", "prod-eu", "--region", "eu-west-1"]);
        assert.equal(config.users[0].user.exec.command, "aws");
        assert.match(config.clusters[0].cluster.server, /^https:\/\/.*eu-west-1\.eks\.amazonaws\.com$/);
        assert.ok(config.clusters[0].cluster["certificate-authority-data"]);
    });

    it("skips inactive and OIDC-less clusters, saying why", () => {
        assert.equal(status(run, "creating").status, "skipped");
        assert.match(status(run, "creating").reason!, /CREATING/);
        assert.match(status(run, "legacy").reason!, /no OIDC issuer/);
        assert.equal(statuses(run).length, 6);
    });

    it("applies include, exclude and tag filters", async () => {
        const filtered = await runProgram(
            { ...baseConfig(), includeRegions: REGIONS, "clusters.include": "prod-*", "clusters.exclude": "prod-b", "clusters.tags": '{"insights":"on"}' },
            { fleet },
        );
        assert.deepEqual(filtered.ofType(CHART).map((c) => c.name).sort(), ["eu-west-1-prod-eu", "us-east-1-prod-a"]);
        assert.match(status(filtered, "prod-b").reason!, /excluded by clusters.exclude pattern prod-b/);
        assert.match(status(filtered, "sandbox-1").reason!, /matches no clusters.include pattern/);
        const tagged = await runProgram({ ...baseConfig(), includeRegions: REGIONS, "clusters.tags": '{"insights":"on"}' }, { fleet });
        assert.match(status(tagged, "sandbox-1").reason!, /tag insights is missing/);
    });

    it("turns KarpenOps and the Data Fetcher off, and merges agent.values last", async () => {
        const custom = await runProgram(
            {
                ...baseConfig(),
                includeRegions: "ap-south-1",
                "agent.karpenops": "false",
                "agent.dataFetcher": "false",
                "agent.chartVersion": "0.0.70",
                "agent.values": '{"prometheus":{"server":{"nodeSelector":{"karpenter.sh/capacity-type":"on-demand"}}},"containerInsights":{"debug":true}}',
            },
            { fleet },
        );
        const values = valuesOf(custom, "ap-south-1", "sandbox-1");
        assert.equal(values.karpenops.enabled, false);
        assert.equal(values.dataFetcher.enabled, false);
        assert.equal(values.containerInsights.debug, true);
        assert.equal(values.containerInsights.enabled, true, "merge keeps our keys");
        assert.deepEqual(values.prometheus.server.nodeSelector, { "karpenter.sh/capacity-type": "on-demand" });
        assert.equal((unwrap(chartOf(custom, "ap-south-1", "sandbox-1").inputs) as any).version, "0.0.70");
    });

    it("passes the IAM user's keys as secrets and annotates nothing in IAM-user mode", async () => {
        const userMode = await runProgram({ ...baseConfig(), includeRegions: REGIONS, createIamUser: "true" }, { fleet });
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
        const withDeps = await runProgram({ ...baseConfig() }, {
            fleet: { "us-east-1": [{ name: "prod-a" }] },
            transformation: (args) => {
                if (args.type === CHART) {
                    dependencies.push((args.opts.dependsOn ?? []) as pulumi.Resource[]);
                }
                return undefined;
            },
        });
        assert.equal(withDeps.ofType(CHART).length, 1);
        assert.equal(dependencies.length, 1);
        const types = dependencies[0].map((d) => (d as unknown as { __pulumiType: string }).__pulumiType);
        assert.deepEqual(types, ["aws:lambda/invocation:Invocation"]);
    });

    it("registers every resource for 1,000 clusters over 17 regions", async function () {
        this.timeout(180_000);
        const regions = [
            "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1",
            "eu-north-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2", "sa-east-1", "me-south-1",
        ];
        const big: Fleet = {};
        for (let i = 0; i < 1000; i++) {
            const region = regions[i % regions.length];
            (big[region] ??= []).push({ name: `cluster-${i}` });
        }
        const scale = await runProgram({ ...baseConfig(), includeRegions: regions.join(",") }, { fleet: big });
        for (const type of [AGENT, PROVIDER, NAMESPACE, CHART]) {
            assert.equal(scale.ofType(type).length, 1000, type);
        }
        assert.equal(statuses(scale).filter((s) => s.status === "installed").length, 1000);
        assert.equal(new Set(statuses(scale).map((s) => s.roleArn)).size, 1000);
    });
});
