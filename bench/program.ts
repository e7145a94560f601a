/**
 * npm run bench:program [-- --json] [--clusters <n>]
 * Wall time and peak memory of the whole program under Pulumi mocks, at 100 and 1,000 clusters over 17 regions.
 * Each size runs in a child process of its own so that one size's memory does not colour the other's. Each run also
 * checks the scale case (the unit suite keeps a small fleet): every cluster gets its component, provider, namespace
 * and chart, is installed, and has a role of its own; a shortfall fails the benchmark.
 */
import { execFileSync } from "node:child_process";
import { strict as assert } from "node:assert";
import { FLEET_REGIONS as REGIONS, Fleet, ProgramRun, baseConfig, runProgram } from "../test/harness";
import { ClusterStatus } from "../components/cluster/types";
import { BenchArgs, BenchIo, BenchSpec, PROCESS_IO, runBench, runWhenEntry } from "./cli";

async function measure(clusters: number) {
    const fleet: Fleet = {};
    for (let i = 0; i < clusters; i++) {
        (fleet[REGIONS[i % REGIONS.length]] ??= []).push({ name: `cluster-${i}` });
    }
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const start = process.hrtime.bigint();
    const run = await runProgram({ ...baseConfig(), includeRegions: REGIONS.join(",") }, { fleet });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    checkScale(run, clusters);
    return {
        clusters,
        resources: run.resources.length,
        wallMs: Math.round(ms),
        peakRssMiB: Math.round(peak / 2 ** 20),
    };
}

function checkScale(run: ProgramRun, clusters: number): void {
    const types = [
        "container-insights:cluster:ClusterAgent",
        "pulumi:providers:kubernetes",
        "kubernetes:core/v1:Namespace",
        "kubernetes:helm.sh/v4:Chart",
    ];
    for (const type of types) {
        assert.equal(run.ofType(type).length, clusters, type);
    }
    const statuses = run.outputs.clusters.value as ClusterStatus[];
    assert.equal(statuses.filter((s) => s.status === "installed").length, clusters, "installed clusters");
    assert.equal(new Set(statuses.map((s) => s.roleArn)).size, clusters, "distinct roles");
}

export const PROGRAM_BENCH: BenchSpec = {
    name: "bench:program",
    usage: "[--json] [--clusters <n>]   (default: 100 and 1,000 clusters, each in a child process)",
    numbers: { clusters: { whole: true, atLeast: 1 } },
    switches: ["json"],
};

type Figures = Awaited<ReturnType<typeof measure>>;

export function main(argv: string[], io: BenchIo = PROCESS_IO): Promise<number> {
    return runBench(PROGRAM_BENCH, argv, (args) => measureSizes(args, io), io);
}

async function measureSizes(args: BenchArgs, io: BenchIo): Promise<number> {
    const json = args.switches.has("json");
    const one = args.numbers.clusters;
    const figures: Figures[] = [];
    if (one !== undefined) {
        figures.push(await measure(one));
    } else {
        for (const clusters of [100, 1000]) {
            const output = execFileSync(
                process.execPath,
                [...process.execArgv, __filename, "--clusters", String(clusters), "--json"],
                { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
            );
            figures.push(...(JSON.parse(output.trim().split("\n").pop()!) as { sizes: Figures[] }).sizes);
        }
    }
    if (json) {
        io.out(`${JSON.stringify({ sizes: figures })}\n`);
        return 0;
    }
    io.out("clusters | resources registered | wall ms | peak RSS MiB\n");
    for (const f of figures) {
        io.out(
            `${String(f.clusters).padStart(8)} | ${String(f.resources).padStart(20)} | ${String(f.wallMs).padStart(7)} | ${String(f.peakRssMiB).padStart(12)}\n`,
        );
    }
    return 0;
}

runWhenEntry(module, (argv) => main(argv));
