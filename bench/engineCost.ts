/**
 * What the real engine costs per stack and per resource, whatever the program: `pulumi up` (first and no-change) of
 * a stack of N Kubernetes ConfigMaps rendered to a directory by the real Kubernetes provider (no cluster, no AWS), at
 * several N. The N=1 stack is the fixed cost of a stack (CLI, language host, provider start, checkpoint); the slope
 * between sizes is the cost per resource, and its growth with N is the engine's whole-checkpoint write per step
 * (pulumi/pulumi#13502). bench:fleet reads these to say how many clusters one stack should hold.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { engineEnv } from "../engine/env";
import { ROOT } from "../engine/paths";

export interface StackCost {
    resources: number;
    firstUpMs: number;
    noChangeUpMs: number;
    stateBytes: number;
}

const PROGRAM = `"use strict";
const k8s = require("@pulumi/kubernetes");
const count = Number(process.env.BENCH_RESOURCES);
const provider = new k8s.Provider("render", { renderYamlToDirectory: "rendered" });
for (let i = 0; i < count; i++) {
    new k8s.core.v1.ConfigMap("cm-" + i, { metadata: { name: "cm-" + i }, data: { index: String(i) } }, { provider });
}
`;

function run(dir: string, env: NodeJS.ProcessEnv, args: string[]): Promise<number> {
    const started = process.hrtime.bigint();
    return new Promise((resolve, reject) => {
        const child = spawn("pulumi", [...args, "--non-interactive"], {
            cwd: dir,
            env,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        child.stdout.on("data", (chunk) => (output += chunk));
        child.stderr.on("data", (chunk) => (output += chunk));
        child.on("error", reject);
        child.on("close", (code) =>
            code === 0
                ? resolve(Math.round(Number(process.hrtime.bigint() - started) / 1e6))
                : reject(new Error(`pulumi ${args.join(" ")} exited ${code}:\n${output}`)),
        );
    });
}

/** A fresh project and file backend for one stack of `resources` ConfigMaps; removed afterwards. */
export async function measureStackCost(resources: number): Promise<StackCost> {
    const base = mkdtempSync(join(tmpdir(), "engine-cost-"));
    try {
        const dir = join(base, "project");
        const stateDir = join(base, "state");
        mkdirSync(dir);
        mkdirSync(stateDir);
        writeFileSync(join(dir, "Pulumi.yaml"), "name: engine-cost\nruntime: nodejs\n");
        writeFileSync(join(dir, "index.js"), PROGRAM);
        writeFileSync(join(dir, "package.json"), '{"name":"engine-cost","main":"index.js"}\n');
        symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
        const env = { ...engineEnv({ stateDir }), BENCH_RESOURCES: String(resources) };
        await run(dir, env, ["stack", "init", "bench"]);
        const firstUpMs = await run(dir, env, ["up", "--yes", "--skip-preview"]);
        const noChangeUpMs = await run(dir, env, ["up", "--yes", "--skip-preview", "--expect-no-changes"]);
        const stateBytes = statSync(join(stateDir, ".pulumi", "stacks", "engine-cost", "bench.json")).size;
        return { resources, firstUpMs, noChangeUpMs, stateBytes };
    } finally {
        rmSync(base, { recursive: true, force: true });
    }
}

/**
 * Fits first-up time = fixed + perResource·n + quadratic·n² through the measured sizes (least squares), so the
 * stack size that minimises time per resource is sqrt(fixed / quadratic) when the quadratic term is above 0.
 */
export function fitStackCost(costs: StackCost[], key: "firstUpMs" | "noChangeUpMs" = "firstUpMs") {
    const rows = costs.map((c) => [1, c.resources, c.resources ** 2]);
    const y = costs.map((c) => c[key]);
    // Normal equations (3×3), solved by Gaussian elimination.
    const a = [0, 1, 2].map((i) => [0, 1, 2].map((j) => rows.reduce((s, r) => s + r[i] * r[j], 0)));
    const b = [0, 1, 2].map((i) => rows.reduce((s, r, k) => s + r[i] * y[k], 0));
    for (let col = 0; col < 3; col++) {
        const pivot = a[col][col];
        for (let row = col + 1; row < 3; row++) {
            const factor = a[row][col] / pivot;
            for (let k = col; k < 3; k++) a[row][k] -= factor * a[col][k];
            b[row] -= factor * b[col];
        }
    }
    const x = [0, 0, 0];
    for (let row = 2; row >= 0; row--) {
        x[row] = (b[row] - [0, 1, 2].slice(row + 1).reduce((s, k) => s + a[row][k] * x[k], 0)) / a[row][row];
    }
    const [fixedMs, perResourceMs, quadraticMs] = x;
    return {
        fixedMs: Math.round(fixedMs),
        perResourceMs: Number(perResourceMs.toFixed(2)),
        quadraticMs: Number(quadraticMs.toExponential(3)),
        bestResourcesPerStack: quadraticMs > 0 ? Math.round(Math.sqrt(fixedMs / quadraticMs)) : undefined,
    };
}
