import * as assert from "node:assert/strict";
import { checkNonRoot } from "../../policies/kubernetes/nonRoot";
import { DEFAULT_EXCEPTIONS } from "../../policies/kubernetes/exceptions";
import { effectiveConfig } from "../../policies/offline/policyConfig";
import { policies } from "../../policies/policies";
import { UNKNOWN_STRING } from "../../policies/lib/unknown";
import { baseConfig, checkFixtures, checkStack, of, ruleHits } from "./check";

describe("policy k8s-containers-non-root", () => {
    it("passes pod-level runAsNonRoot inherited by every container list, and per-container settings", async () => {
        assert.deepEqual(ruleHits(await checkFixtures(["nonroot-good.yaml"])), []);
    });

    it("fails each bad shape: unset, overridden, uid 0 anywhere, privileged, escalation, capabilities, in every list", async () => {
        assert.deepEqual(ruleHits(await checkFixtures(["nonroot-bad.yaml"])), [
            "CronJob/shop/privileged-job job capabilities",
            "CronJob/shop/privileged-job job privileged",
            "CronJob/shop/privileged-job job runAsUser",
            "DaemonSet/shop/uid-zero app runAsUser",
            "DaemonSet/shop/uid-zero setup allowPrivilegeEscalation",
            "DaemonSet/shop/uid-zero setup runAsUser",
            "Pod/shop/bare app runAsNonRoot",
            "ReplicaSet/shop/debugged debug allowPrivilegeEscalation",
            "StatefulSet/shop/override rooty runAsNonRoot",
        ]);
    });

    it("says when a container's false overrides the pod's true", async () => {
        const [hit] = of(await checkFixtures(["nonroot-bad.yaml"]), "k8s-containers-non-root").filter((v) => v.resource === "StatefulSet/shop/override");
        assert.match(hit.message, /runAsNonRoot: false, overriding the pod's true/);
    });

    it("waives exactly the documented DCGM exporter and Datadog agent cases in the agent's namespace", async () => {
        assert.deepEqual(ruleHits(await checkFixtures(["vendor-exceptions.yaml"])), []);
    });

    it("does not waive the same specs in another namespace", async () => {
        assert.deepEqual(ruleHits(await checkFixtures(["vendor-elsewhere.yaml"])), [
            "DaemonSet/default/nops-datadog agent allowPrivilegeEscalation",
            "DaemonSet/default/nops-datadog agent privileged",
            "DaemonSet/default/nops-dcgm-exporter dcgm-exporter allowPrivilegeEscalation",
            "DaemonSet/default/nops-dcgm-exporter dcgm-exporter capabilities",
            "DaemonSet/default/nops-dcgm-exporter dcgm-exporter runAsNonRoot",
            "DaemonSet/default/nops-dcgm-exporter dcgm-exporter runAsUser",
        ]);
    });

    it("waives only the rules an exception names: a Datadog agent running as root still fails", async () => {
        const daemonSet = {
            apiVersion: "apps/v1",
            kind: "DaemonSet",
            metadata: { name: "dd", namespace: "nops" },
            spec: { template: { spec: { containers: [{ name: "agent", image: "public.ecr.aws/nops/datadog/agent:7", securityContext: { privileged: true, runAsUser: 0 } }] } } },
        };
        const result = await checkStack([{ type: "kubernetes:apps/v1:DaemonSet", name: "dd", props: daemonSet }]);
        assert.deepEqual(ruleHits(result).map((h) => h.split(" ").pop()), ["runAsNonRoot", "runAsUser"]);
    });

    it("applies configured exceptions by workload and container glob, replacing the defaults", async () => {
        const config = {
            ...baseConfig(),
            "k8s-containers-non-root": {
                exceptions: [{ selector: { namespace: "shop", workload: "uid-*", container: "setup" }, rules: ["runAsUser", "allowPrivilegeEscalation"], reason: "legacy init step chowns a volume" }],
            },
        };
        const hits = ruleHits(await checkFixtures(["nonroot-bad.yaml", "vendor-exceptions.yaml"], config));
        assert.ok(!hits.some((h) => h.includes(" setup ")));
        assert.ok(hits.includes("DaemonSet/shop/uid-zero app runAsUser"), "the other container of the workload is not waived");
        assert.ok(hits.some((h) => h.startsWith("DaemonSet/nops/nops-dcgm-exporter")), "configured exceptions replace the defaults");
    });

    it("rejects an exception without a reason, in the config file and when called directly", () => {
        const config = { "k8s-containers-non-root": { exceptions: [{ selector: { namespace: "shop" }, rules: ["privileged"] }] } };
        assert.throws(() => effectiveConfig(config, policies, "policy.json"), /policy\.json: k8s-containers-non-root\.exceptions\.0 must have required property 'reason'/);
        const subject = { type: "kubernetes:core/v1:Pod", urn: "u", name: "p", props: {} };
        assert.throws(() => checkNonRoot(subject, { exceptions: [{ selector: { namespace: "x" }, rules: ["privileged"] } as never] }), /exceptions\[0\] needs a reason/);
    });

    it("keeps the defaults to the two documented cases, each with a reason", () => {
        assert.deepEqual(DEFAULT_EXCEPTIONS.map((e) => e.selector.image), ["public.ecr.aws/nops/nvidia/dcgm-exporter", "public.ecr.aws/nops/datadog/agent"]);
        assert.ok(DEFAULT_EXCEPTIONS.every((e) => e.selector.namespace === "nops" && e.reason.length > 40));
    });

    it("reports a securityContext unknown during preview as such, and still checks the other containers", async () => {
        const pod = {
            metadata: { name: "p", namespace: "shop" },
            spec: {
                securityContext: { runAsNonRoot: true },
                containers: [
                    { name: "later", image: "public.ecr.aws/nops/a:1", securityContext: UNKNOWN_STRING },
                    { name: "now", image: "public.ecr.aws/nops/a:1", securityContext: { privileged: true, allowPrivilegeEscalation: false } },
                ],
            },
        };
        const result = of(await checkStack([{ type: "kubernetes:core/v1:Pod", name: "p", props: pod }]), "k8s-containers-non-root");
        assert.deepEqual(result.filter((v) => v.level === "mandatory").map((v) => /container (\S+)/.exec(v.message)?.[1]), ["now"]);
        const [advisory] = result.filter((v) => v.level === "advisory");
        assert.match(advisory.message, /not fully checked: .*container later.*unknown during preview/);
    });

    it("reports an unknown pod spec without crashing", async () => {
        const result = of(await checkStack([{ type: "kubernetes:apps/v1:Deployment", name: "d", props: { metadata: { name: "d" }, spec: { template: UNKNOWN_STRING } } }]), "k8s-containers-non-root");
        assert.deepEqual(result.map((v) => v.level), ["advisory"]);
    });
});
