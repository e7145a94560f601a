/** The agent chart's hardening (components/cluster/hardening.ts) and the user each image runs as (images/users.ts). */
import * as assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import {
    HARDENINGS,
    chartHardening,
    hardenObject,
    hardenPodSpec,
    hardeningTransform,
    notForced,
    repositoryOf,
} from "../components/cluster/hardening";
import { CHART_IMAGES } from "../images/catalog";
import { DOCUMENTED_USERS, parseOciUser, runAsFor } from "../images/users";
import { main } from "../policies/offline/cli";
import { checkHardenedChart, ruleHits } from "./policies/check";
import { ROOT } from "./pipe";

type Obj = Record<string, any>;
const PLAN = chartHardening(() => undefined);
const image = (component: string) => {
    const found = CHART_IMAGES.find((i) => i.component === component)!;
    return `${found.repository}:${found.tag}@sha256:${"a".repeat(64)}`;
};

describe("images/users: the user each chart image runs as", () => {
    it("reads an OCI config User in each of its forms", () => {
        assert.deepEqual(parseOciUser(""), { user: "" });
        assert.deepEqual(parseOciUser("65534"), { user: "65534" });
        assert.deepEqual(parseOciUser("nobody:nogroup"), { user: "nobody", group: "nogroup" });
        assert.deepEqual(parseOciUser("1001:0"), { user: "1001", group: "0" });
    });

    it("takes a recorded numeric user and group from the image config", () => {
        assert.deepEqual(runAsFor("opencost", "1001:1002"), {
            kind: "user",
            uid: 1001,
            gid: 1002,
            source: 'image config User "1001:1002"',
        });
        assert.equal((runAsFor("opencost", "1001") as { gid: number }).gid, 1001, "no group: the user's own number");
    });

    it("never forces a user on an image whose config is root, whatever the documentation says", () => {
        for (const root of ["", "root", "0", "0:0", "root:root"]) {
            assert.equal(runAsFor("prometheus", root).kind, "root", JSON.stringify(root));
        }
    });

    it("numbers a recorded name only as the vendor documents it; another name is unknown, not forced", () => {
        const nobody = runAsFor("prometheus", "nobody");
        assert.equal(nobody.kind, "user");
        assert.equal((nobody as { uid: number }).uid, 65534);
        assert.equal(runAsFor("prometheus", "prom").kind, "unknown");
    });

    it("until the lock records a user: the vendor's documentation, labelled as such; root and undocumented stay unforced", () => {
        const documented = runAsFor("karpenops", undefined);
        assert.equal(documented.kind, "user");
        assert.match((documented as { source: string }).source, /vendor documentation, not read from the image/);
        assert.equal(runAsFor("dcgmExporter", undefined).kind, "root");
        assert.equal(runAsFor("datadog", undefined).kind, "unknown");
        assert.equal(runAsFor("someNewComponent", undefined).kind, "unknown");
    });

    it("documents every chart image", () => {
        assert.deepEqual(Object.keys(DOCUMENTED_USERS).sort(), CHART_IMAGES.map((i) => i.component).sort());
    });

    it("runs busybox as 65534 even once its root config is recorded: the one override, with its reason", () => {
        const busybox = runAsFor("busybox", "");
        assert.equal(busybox.kind, "user");
        assert.match((busybox as { source: string }).source, /^override: .*WAL files/);
    });

    it("says per image what it does not run as a non-root user", () => {
        const lines = notForced(PLAN);
        assert.deepEqual(
            lines.map((l) => [l.message.split(":")[0], l.expected]),
            [
                ["public.ecr.aws/nops/datadog/agent", true],
                ["public.ecr.aws/nops/nvidia/dcgm-exporter", true],
            ],
        );
        const recordedRoot = notForced(chartHardening((c) => (c === "opencost" ? "root" : undefined)));
        assert.ok(
            recordedRoot.some(
                (l) => l.message.startsWith("public.ecr.aws/nops/opencost: not run as a non-root user") && !l.expected,
            ),
        );
    });
});

describe("components/cluster/hardening: the chart's workloads as the transforms leave them", () => {
    const deployment = (spec: Obj): Obj => ({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "x", namespace: "nops" },
        spec: { template: { spec } },
    });

    it("gives a pod run by a documented non-root image a numeric user, seccomp, no escalation and no capabilities", () => {
        const spec: Obj = hardenPodSpec({ containers: [{ name: "opencost", image: image("opencost") }] }, PLAN);
        assert.deepEqual(spec.securityContext, { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
        assert.deepEqual((spec.containers as Obj[])[0].securityContext, {
            runAsNonRoot: true,
            runAsUser: 65534,
            runAsGroup: 65534,
            capabilities: { drop: ["ALL"] },
            allowPrivilegeEscalation: false,
        });
    });

    it("never leaves runAsNonRoot: true without a numeric non-zero user (the kubelet would refuse the pod)", () => {
        const recorded = chartHardening((c) => ({ opencost: "nobody", karpenops: "", heartbeat: "1001" })[c]);
        for (const plan of [PLAN, recorded]) {
            for (const entry of CHART_IMAGES) {
                const spec: Obj = hardenPodSpec({ containers: [{ name: "c", image: image(entry.component) }] }, plan);
                const sc = (spec.containers as Obj[])[0].securityContext ?? {};
                const nonRoot = sc.runAsNonRoot ?? spec.securityContext?.runAsNonRoot;
                if (nonRoot === true) {
                    const user = sc.runAsUser ?? spec.securityContext?.runAsUser;
                    assert.ok(Number.isInteger(user) && user > 0, `${entry.component}: runAsNonRoot without a user`);
                }
            }
        }
    });

    it("leaves explicit choices of the chart to the pack: root, a group, its own user, escalation", () => {
        const spec: Obj = hardenPodSpec(
            {
                securityContext: { runAsUser: 1000, runAsGroup: 3000 },
                containers: [
                    { name: "a", image: image("opencost") },
                    { name: "b", image: image("opencost"), securityContext: { runAsNonRoot: false } },
                    { name: "c", image: image("opencost"), securityContext: { allowPrivilegeEscalation: true } },
                ],
            },
            PLAN,
        );
        const [a, b, c] = (spec.containers as Obj[]).map((x) => x.securityContext);
        assert.equal(a.runAsUser, undefined, "the pod's user stands");
        assert.equal(a.runAsNonRoot, true);
        assert.equal(b.runAsNonRoot, false);
        assert.equal(b.runAsUser, undefined);
        assert.equal(c.allowPrivilegeEscalation, true);
        assert.equal(
            spec.securityContext.runAsNonRoot,
            undefined,
            "a container that asks for root keeps the pod unset",
        );
    });

    it("adds back the DCGM exporter's documented SYS_ADMIN after drop ALL, and forces no user on it", () => {
        const spec: Obj = hardenPodSpec(
            { containers: [{ name: "dcgm", image: image("dcgmExporter"), securityContext: { runAsUser: 0 } }] },
            PLAN,
        );
        assert.deepEqual((spec.containers as Obj[])[0].securityContext, {
            runAsUser: 0,
            capabilities: { drop: ["ALL"], add: ["SYS_ADMIN"] },
        });
        assert.deepEqual(spec.securityContext, { seccompProfile: { type: "RuntimeDefault" } });
    });

    it("leaves the Datadog agent's pod as the chart renders it, sidecars included", () => {
        const pod = {
            containers: [
                { name: "agent", image: image("datadog"), securityContext: { privileged: true } },
                { name: "side", image: image("opencost") },
            ],
        };
        assert.equal(hardenPodSpec(pod, PLAN), pod);
    });

    it("gives fsGroup to a pod whose containers write a volume, from their group", () => {
        const spec: Obj = hardenPodSpec(
            {
                containers: [
                    { name: "c", image: image("busybox"), volumeMounts: [{ name: "data", mountPath: "/data" }] },
                ],
                volumes: [{ name: "data", persistentVolumeClaim: { claimName: "p" } }],
            },
            PLAN,
        );
        assert.equal(spec.securityContext.fsGroup, 65534);
        const readOnly: Obj = hardenPodSpec(
            {
                containers: [{ name: "c", image: image("busybox"), volumeMounts: [{ name: "cfg", mountPath: "/c" }] }],
                volumes: [{ name: "cfg", configMap: { name: "m" } }],
            },
            PLAN,
        );
        assert.equal(readOnly.securityContext.fsGroup, undefined);
    });

    it("finds the pod spec of each workload kind, and leaves other objects alone", () => {
        const cronJob: Obj = hardenObject(
            "CronJob",
            {
                spec: {
                    jobTemplate: {
                        spec: { template: { spec: { containers: [{ name: "c", image: image("heartbeat") }] } } },
                    },
                },
            },
            PLAN,
        );
        assert.equal(cronJob.spec.jobTemplate.spec.template.spec.securityContext.runAsNonRoot, true);
        const service = { spec: { template: { spec: { containers: [{ name: "c", image: "x" }] } } } };
        assert.equal(hardenObject("Service", service, PLAN), service);
    });

    it("is a Pulumi transform: hardens the props of a workload child, ignores other types, keeps the options", async () => {
        const transform = hardeningTransform(PLAN);
        const opts = { protect: false };
        const props = deployment({ containers: [{ name: "c", image: image("opencost") }] });
        const result = (await transform({
            type: "kubernetes:apps/v1:Deployment",
            name: "agent:nops/x",
            props,
            opts,
            custom: true,
        }))!;
        assert.equal(result.opts, opts);
        assert.equal(result.props.kind, "Deployment");
        assert.equal(result.props.spec.template.spec.securityContext.runAsNonRoot, true);
        assert.equal(props.spec.template.spec.securityContext, undefined, "the engine's props are not mutated");
        assert.equal(
            await transform({ type: "kubernetes:core/v1:Service", name: "s", props: {}, opts, custom: true }),
            undefined,
        );
    });

    it("strips tag and digest to find an image's repository", () => {
        assert.equal(repositoryOf(image("opencost")), "public.ecr.aws/nops/opencost");
        assert.equal(repositoryOf("localhost:5000/nops/x"), "localhost:5000/nops/x");
    });
});

describe("docs/policy-pack.md: the user each image runs as", () => {
    it("has a row per chart image with the user the hardening gives it, or says it is not forced", () => {
        const docs = readFileSync(join(ROOT, "docs", "policy-pack.md"), "utf8");
        const table = docs.slice(docs.indexOf("### The user each image runs as"));
        for (const entry of PLAN.images) {
            const row = table
                .split("\n")
                .find((line) => line.startsWith(`| \`${entry.repository.replace("public.ecr.aws/", "")}\` |`));
            assert.ok(row, entry.repository);
            const runsAs = row.split(" | ")[1];
            if (entry.untouched || entry.runAs.kind !== "user") {
                assert.match(runsAs, /not forced/, entry.repository);
            } else {
                assert.ok(runsAs.startsWith(`${entry.runAs.uid}:${entry.runAs.gid} `), entry.repository);
            }
        }
    });
});

describe("hardened agent chart (approximation) against the pack", () => {
    it("passes with only the host agents' exceptions, and fails when any one hardening but fsGroup is left out", async () => {
        assert.deepEqual(ruleHits(await checkHardenedChart()), []);
        for (const left of HARDENINGS.filter((h) => h !== "fsGroup")) {
            const plan = chartHardening(
                () => undefined,
                HARDENINGS.filter((h) => h !== left),
            );
            const hits = ruleHits(await checkHardenedChart(plan));
            assert.ok(
                hits.some((h) => h.endsWith(` ${left === "runAsNonRoot" ? "runAsNonRoot" : left}`)),
                `without ${left}: ${hits.join(", ")}`,
            );
        }
    });
});

describe("npm run policy-check: a vendor image asking for root in nops", () => {
    const deploymentFor = (component: string) => ({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: `root-${component.toLowerCase()}`, namespace: "nops" },
        spec: {
            template: {
                spec: {
                    securityContext: { runAsNonRoot: false, seccompProfile: { type: "RuntimeDefault" } },
                    containers: [
                        {
                            name: "app",
                            image: image(component),
                            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                        },
                    ],
                },
            },
        },
    });
    let dir: string;
    before(() => (dir = mkdtempSync(join(tmpdir(), "nops-root-"))));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("reports a mandatory runAsNonRoot violation for every chart image, the host agents' too", async () => {
        const file = join(dir, "root.yaml");
        writeFileSync(file, CHART_IMAGES.map((i) => stringify(deploymentFor(i.component))).join("---\n"));
        let stdout = "";
        const code = await main(["--json", file], { stdout: (t) => (stdout += t), stderr: () => undefined });
        assert.equal(code, 1);
        const report = JSON.parse(stdout) as { violations: { resource: string; message: string; level: string }[] };
        for (const entry of CHART_IMAGES) {
            const resource = `Deployment/nops/root-${entry.component.toLowerCase()}`;
            assert.ok(
                report.violations.some(
                    (v) => v.resource === resource && v.level === "mandatory" && v.message.endsWith("[runAsNonRoot]"),
                ),
                resource,
            );
        }
    });

    it("as the command line runs it: exit 1 and the violation in the readable report", async () => {
        // The command line's own process (npm run --silent policy-check) is run by test/policies/cli.test.ts.
        const file = join(dir, "opencost.yaml");
        writeFileSync(file, stringify(deploymentFor("opencost")));
        let stdout = "";
        let stderr = "";
        const code = await main([file], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
        assert.equal(code, 1, stderr);
        assert.match(
            stdout,
            /MANDATORY +k8s-pod-security-restricted +Deployment\/nops\/root-opencost\n.*runAsNonRoot: false.*\[runAsNonRoot\]/,
        );
    });
});
