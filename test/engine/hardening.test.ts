/**
 * The agent chart's hardening on the real engine: the chart fixture rendered by the real Kubernetes provider
 * (`renderYamlToDirectory`), the program's `transforms` called by the real engine for each of the chart's children,
 * and the rendered manifests judged by the offline check (what `npm run policy-check <dir>` runs). One `pulumi up`
 * renders every variant: all hardenings, each of them left out, and none. Before it, `pulumi preview --policy-pack`
 * runs the pack in the real analyzer on the chart's children as the engine registers them: both must agree.
 */
import * as assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HARDENINGS } from "../../components/cluster/hardening";
import { main } from "../../policies/offline/cli";
import { policies } from "../../policies/policies";
import { CHART_FIXTURE } from "./stack";
import { Workspace, requireEngine } from "./workspace";

const PSS = "k8s-pod-security-restricted";
/** The hardenings the pack notices (fsGroup is no Pod Security Standards control). */
const CHECKED = HARDENINGS.filter((h) => h !== "fsGroup");
const VARIANTS: Record<string, readonly string[] | null> = {
    all: HARDENINGS,
    none: null,
    ...Object.fromEntries(CHECKED.map((left) => [`without-${left}`, HARDENINGS.filter((h) => h !== left)])),
};

/** A Pulumi program: one GitOps provider and one chart per variant, the chart's values as the vendor documents them. */
const PROGRAM = `
import * as k8s from "@pulumi/kubernetes";
import { join } from "node:path";
import { Hardening, chartHardening, hardeningTransform } from "../components/cluster/hardening";

const variants: Record<string, Hardening[] | null> = ${JSON.stringify(VARIANTS)};
const values = {
    datadog: { apiKey: "engine-datadog-key" },
    karpenops: { enabled: true, apiKey: "engine-karpenops-key", clusterId: "D/M7Yj" },
    containerInsights: { env_variables: { APP_NOPS_K8S_AGENT_CLUSTER_ARN: "arn:aws:eks:us-east-1:111111111111:cluster/a", APP_AWS_S3_BUCKET: "b" } },
};
for (const [variant, apply] of Object.entries(variants)) {
    const provider = new k8s.Provider(variant, { renderYamlToDirectory: join(__dirname, "rendered", variant) });
    new k8s.helm.v4.Chart(
        variant,
        { chart: join(__dirname, "..", ${JSON.stringify(CHART_FIXTURE)}), name: "nops-kubernetes-agent", namespace: "nops", values, skipAwait: true },
        { provider, transforms: apply ? [hardeningTransform(chartHardening(() => undefined, apply))] : [] },
    );
}
`;

interface Report {
    violations: { policy: string; resource: string; message: string; level: string }[];
    checked: number;
}

/** The pack's config for both runs: only the Pod Security Standards policy (images here are tags, not pinned). */
const PACK_CONFIG = Object.fromEntries(
    policies.filter((p) => p.name !== PSS).map((p) => [p.name, { enforcementLevel: "disabled" }]),
);

async function policyCheck(dir: string, config: string): Promise<Report> {
    let stdout = "";
    let stderr = "";
    await main(["--json", "--config", config, dir], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    assert.ok(stdout.startsWith("{"), stderr);
    return JSON.parse(stdout) as Report;
}

const pssHits = (report: Report) =>
    report.violations
        .filter((v) => v.policy === PSS && v.level === "mandatory")
        .map((v) => `${v.resource} ${/\[(\w+)\]$/.exec(v.message)?.[1]}`);

describe("engine tier: the agent chart hardened by transforms, rendered by the real Kubernetes provider", function () {
    let workspace: Workspace;
    let project: string;
    let preview: { status: number; stdout: string; stderr: string };
    const reports: Record<string, Report> = {};

    before(async function () {
        requireEngine(this);
        workspace = new Workspace("hardening");
        project = join(workspace.dir, "chart-hardening");
        mkdirSync(project);
        writeFileSync(
            join(project, "Pulumi.yaml"),
            "name: chart-hardening\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: index.ts\n",
        );
        writeFileSync(join(project, "index.ts"), PROGRAM);
        const config = join(workspace.dir, "pss-only.json");
        writeFileSync(config, JSON.stringify(PACK_CONFIG));
        const run = (args: string[], allowFailure = false) =>
            workspace.pulumi([...args, "--cwd", project], { allowFailure });
        await run(["stack", "init", "render"]);
        const pack = ["--policy-pack", join(workspace.dir, "policies"), "--policy-pack-config", config];
        preview = await run(["preview", "--stack", "render", ...pack], true);
        await run(["up", "--yes", "--skip-preview", "--stack", "render"]);
        for (const variant of Object.keys(VARIANTS)) {
            reports[variant] = await policyCheck(join(project, "rendered", variant), config);
        }
    });

    after(() => workspace?.remove());

    it("renders every workload of the chart, and the hardened ones pass the pack with only the host agents' exceptions", () => {
        const workloads = (report: Report) => new Set(report.violations.map((v) => v.resource));
        assert.ok(reports.all.checked >= 10, `only ${reports.all.checked} objects rendered`);
        assert.deepEqual(pssHits(reports.all), []);
        const unhardened = pssHits(reports.none);
        for (const workload of [
            "CronJob/nops/nops-kubernetes-agent-container-insights",
            "CronJob/nops/nops-kubernetes-agent-heartbeat",
            "Deployment/nops/nops-kubernetes-agent-opencost",
            "Deployment/nops/nops-kubernetes-agent-karpenops",
            "Deployment/nops/nops-kubernetes-agent-data-fetcher",
            "Deployment/nops/nops-kubernetes-agent-prometheus-server",
            "CronJob/nops/nops-kubernetes-agent-delete-log-file",
        ]) {
            assert.ok(workloads(reports.none).has(workload), `${workload} passes unhardened: ${unhardened.join(", ")}`);
        }
    });

    for (const left of CHECKED) {
        it(`fails the pack without the ${left} hardening`, () => {
            const hits = pssHits(reports[`without-${left}`]);
            assert.ok(
                hits.some((h) => h.endsWith(` ${left}`)),
                `without ${left}: ${hits.join(", ") || "no violation"}`,
            );
        });
    }

    it("agrees with the pack in pulumi preview: the same Pod Security Standards findings, on the same objects", () => {
        assert.match(
            preview.stdout,
            /k8s-pod-security-restricted/,
            `the preview did not run the pack:\n${preview.stderr}`,
        );
        const fromPreview = preview.stdout
            .split("\n")
            .map((line) => line.trim())
            .filter((line) => / nops\/\S+.*\[\w+\]$/.test(line))
            .sort();
        const offline = Object.values(reports)
            .flatMap((report) => report.violations.filter((v) => v.policy === PSS).map((v) => v.message.trim()))
            .sort();
        assert.ok(offline.length > 0);
        assert.deepEqual(fromPreview, offline);
        assert.notEqual(preview.status, 0, "the unhardened variant's mandatory violations did not stop the preview");
    });
});
