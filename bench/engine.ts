/**
 * npm run bench:engine [-- --json] [--sizes 10,50,200]
 * The engine's own cost, which the mocks benchmark cannot see: the real `pulumi up` of the whole program (the engine
 * tier's CLI and language host, the stand-in AWS provider answering from the emulator with no added latency, the real
 * Kubernetes provider rendering the chart fixture to a directory) with N clusters in one stack. Per size: the first
 * up, a no-change up, the state file's bytes and the time per cluster. The engine writes the whole checkpoint after
 * every step (pulumi/pulumi#13502, #15218), so a large stack grows worse than linearly.
 */
import { statSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { BenchArgs, BenchIo, BenchSpec, PROCESS_IO, runBench, runWhenEntry } from "./cli";
import { engineMissing } from "../engine/paths";
import { Fleet } from "../engine/emulator/seed";
import { DeployedStack, ROLE_NAME, STACK } from "../test/engine/stack";

const REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1"];

interface Figure {
    clusters: number;
    resources: number;
    firstUpMs: number;
    noChangeUpMs: number;
    stateBytes: number;
    firstUpMsPerCluster: number;
    noChangeUpMsPerCluster: number;
    /** The machine's 1-minute load average before the first up and after the no-change up (shared machines). */
    load: { before: number; after: number };
}

function fleetOf(size: number): Fleet {
    return {
        roleName: ROLE_NAME,
        clusters: Array.from({ length: size }, (_, i) => ({ region: REGIONS[i % REGIONS.length], name: `bench-${i}` })),
    };
}

const round = (value: number) => Math.round(value * 100) / 100;

async function timed(run: () => Promise<{ status: number; stdout: string; stderr: string }>): Promise<number> {
    const started = process.hrtime.bigint();
    const result = await run();
    if (result.status !== 0) {
        throw new Error(`pulumi up failed:\n${result.stdout}\n${result.stderr}`);
    }
    return Math.round(Number(process.hrtime.bigint() - started) / 1e6);
}

async function measure(clusters: number, progress: (line: string) => void): Promise<Figure> {
    progress(`${clusters} clusters: seeding the emulator and configuring the stack`);
    const stack = await DeployedStack.create("irsa", fleetOf(clusters));
    try {
        const up = (...flags: string[]) =>
            stack.workspace.run("pulumi", [
                "up",
                "--yes",
                "--skip-preview",
                "--non-interactive",
                "--stack",
                STACK,
                ...flags,
            ]);
        progress(`${clusters} clusters: first up`);
        const loadBefore = loadavg()[0];
        const firstUpMs = await timed(() => up());
        progress(`${clusters} clusters: no-change up`);
        const noChangeUpMs = await timed(() => up("--expect-no-changes"));
        const path = join(stack.workspace.stateDir, ".pulumi", "stacks", "container-insights", `${STACK}.json`);
        const state = JSON.parse(stack.state());
        return {
            clusters,
            resources: state.checkpoint?.latest?.resources?.length ?? 0,
            firstUpMs,
            noChangeUpMs,
            stateBytes: statSync(path).size,
            firstUpMsPerCluster: Math.round(firstUpMs / clusters),
            noChangeUpMsPerCluster: Math.round(noChangeUpMs / clusters),
            load: { before: round(loadBefore), after: round(loadavg()[0]) },
        };
    } finally {
        await stack.dispose();
    }
}

export const ENGINE_BENCH: BenchSpec = {
    name: "bench:engine",
    usage: "[--sizes 10,50,200] [--json]",
    values: ["sizes"],
    switches: ["json"],
    check: (values) =>
        sizesOf(values.sizes)
            .filter((part) => !/^[1-9]\d*$/.test(part))
            .map((part) => `--sizes takes whole numbers above 0, separated by commas (got "${part}")`),
};

export function main(argv: string[], io: BenchIo = PROCESS_IO): Promise<number> {
    return runBench(ENGINE_BENCH, argv, (args) => measureSizes(args, io), io);
}

function sizesOf(text = "10,50,200"): string[] {
    return text.split(",");
}

async function measureSizes(args: BenchArgs, io: BenchIo): Promise<number> {
    const json = args.switches.has("json");
    const sizes = sizesOf(args.values.sizes).map(Number);
    const missing = engineMissing();
    if (missing) {
        io.err(`bench:engine: ${missing}\n`);
        return 1;
    }
    const progress = (line: string) => io.err(`▶ ${line}\n`);
    const figures: Figure[] = [];
    for (const size of sizes) {
        figures.push(await measure(size, progress));
    }
    const machine = { cpus: cpus().length, model: cpus()[0]?.model, node: process.version };
    if (json) {
        io.out(`${JSON.stringify({ machine, singleStack: figures })}\n`);
    } else {
        io.out(`machine: ${machine.cpus} × ${machine.model}, Node.js ${machine.node}\n`);
        io.out(
            "clusters | resources | first up ms | no-change up ms | state bytes | first up ms/cluster | load before/after\n",
        );
        for (const f of figures) {
            io.out(
                `${f.clusters} | ${f.resources} | ${f.firstUpMs} | ${f.noChangeUpMs} | ${f.stateBytes} | ${f.firstUpMsPerCluster} | ${f.load.before}/${f.load.after}\n`,
            );
        }
    }
    return 0;
}

runWhenEntry(module, (argv) => main(argv));
