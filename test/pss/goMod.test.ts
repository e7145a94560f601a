/** oracle/pss/go.mod: the reference is Kubernetes at one release, so the evaluator and the types it reads agree. */
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ORACLE_DIR } from "./oracle";

describe("oracle/pss go.mod", () => {
    it("requires every Kubernetes staging module (k8s.io/api, apimachinery, pod-security-admission, …) at one release", () => {
        const goMod = readFileSync(join(ORACLE_DIR, "go.mod"), "utf8");
        // Staging modules are versioned v0.<minor>.<patch> together; k8s.io/klog, utils and kube-openapi have their own.
        const staging = [...goMod.matchAll(/^\s*(k8s\.io\/[\w-]+) (v0\.\d+\.\d+)\b/gm)].filter(
            ([, module]) => !["k8s.io/klog", "k8s.io/utils", "k8s.io/kube-openapi"].includes(module),
        );
        const modules = staging.map(([, module]) => module);
        for (const needed of ["k8s.io/api", "k8s.io/apimachinery", "k8s.io/pod-security-admission"]) {
            assert.ok(modules.includes(needed), needed);
        }
        assert.deepEqual(
            [...new Set(staging.map(([, , version]) => version))],
            [/k8s\.io\/pod-security-admission (\S+)/.exec(goMod)![1]],
            staging.map(([line]) => line.trim()).join("; "),
        );
    });
});
