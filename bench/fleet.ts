/**
 * npm run bench:fleet [-- --json] [--resources 1,50,200,800] [--clusters 10,50] [--regions 10] [--concurrency 2]
 *   [--groups 1 | --per-stack 20] [--single 10,50] [--single-limit 20]
 * The fleet's benchmark on the real engine (the engine tier's CLI, language host and Kubernetes provider, the stand-in
 * AWS provider on the emulator, the chart rendered to a directory).
 * engineCost: a stack's fixed cost and its cost per resource (bench/engineCost.ts), which decide the fleet's stack
 * size (docs/fleet.md). singleStack and fanout (with --clusters): the whole program in one stack, and the same fleet
 * as an account stack plus a cluster stack per region (per group of a region with --groups) through `fleet up` (first
 * up, then a no-change run of every stack). --per-stack N picks the groups for each size as an operator would: each
 * region split into ceil(clusters in the region / N) groups (--groups ceil(100 / 20) = 5 at 1,000 clusters over 10
 * regions). --single: the sizes at which one stack is measured too (default: every --clusters size); one stack of
 * 1,000 clusters would run a thousand Kubernetes provider processes for hours. --single-limit M (minutes, default 20)
 * stops a one-stack first up that runs longer and reports how far it got (stoppedAfterMs, resourcesAtStop). A size that fails is reported with its error and the rest still run; the
 * exit code is then 1.
 */
import { readFileSync, statSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { UsageError, USAGE_EXIT_CODE, parseFlags, wantsHelp } from "../policies/lib/cliArgs";
import { engineMissing } from "../engine/paths";
import { Fleet } from "../engine/emulator/seed";
import { runFleet } from "../test/engine/fleetRun";
import { DeployedStack, ROLE_NAME, STACK } from "../test/engine/stack";
import { StackCost, fitStackCost, measureStackCost } from "./engineCost";

const USAGE =
    "usage: npm run bench:fleet -- [--resources 1,50,200,800] [--clusters 10,50] [--regions 10] [--concurrency 2] [--groups 1 | --per-stack 20] [--single 10,50] [--single-limit 20] [--json]";
const REGIONS = [
    "us-east-1",
    "us-east-2",
    "us-west-2",
    "eu-west-1",
    "eu-west-2",
    "eu-central-1",
    "eu-north-1",
    "ap-southeast-1",
    "ap-northeast-1",
    "ca-central-1",
];

function fleetOf(clusters: number, regions: number): Fleet {
    return {
        roleName: ROLE_NAME,
        clusters: Array.from({ length: clusters }, (_, i) => ({ region: REGIONS[i % regions], name: `bench-${i}` })),
    };
}

class RunFailed extends Error {}

const msSince = (started: bigint) => Math.round(Number(process.hrtime.bigint() - started) / 1e6);

/** Throws RunFailed, with the failing lines, unless the command succeeded. */
function succeeded(result: { status: number; stdout: string }, what: string): void {
    if (result.status !== 0) {
        const lines = result.stdout.trim().split("\n");
        const failed = lines.filter((line) => / failed /.test(line)).slice(0, 3);
        throw new RunFailed(`${what} exited ${result.status}: ${[...failed, lines.at(-1)].join(" | ")}`);
    }
}

async function timed<T extends { status: number; stdout: string }>(run: () => Promise<T>, what: string) {
    const started = process.hrtime.bigint();
    succeeded(await run(), what);
    return msSince(started);
}

/** A measurement, or the error that ended it (the benchmark goes on with the next one). */
async function measured<T extends object>(what: string, measure: () => Promise<T>): Promise<T | { error: string }> {
    try {
        return await measure();
    } catch (error) {
        if (!(error instanceof RunFailed)) {
            throw error;
        }
        process.stderr.write(`✘ ${what}: ${error.message}\n`);
        return { error: error.message };
    }
}

/** One stack's first up and no-change up; a first up past `limitMs` is stopped and reported as far as it got. */
async function singleStack(clusters: number, regions: number, limitMs: number) {
    const stack = await DeployedStack.create("irsa", fleetOf(clusters, regions));
    try {
        const path = join(stack.workspace.stateDir, ".pulumi", "stacks", "container-insights", `${STACK}.json`);
        const started = process.hrtime.bigint();
        const first = await stack.upWithin(limitMs, "--skip-preview");
        const firstUpMs = msSince(started);
        if (first.timedOut) {
            const state = JSON.parse(readFileSync(path, "utf8"));
            return {
                clusters,
                stoppedAfterMs: firstUpMs,
                resourcesAtStop: state.checkpoint?.latest?.resources?.length ?? 0,
                stateBytes: statSync(path).size,
            };
        }
        succeeded(first, "pulumi up");
        const noChangeUpMs = await timed(() => stack.up("--skip-preview", "--expect-no-changes"), "no-change up");
        return { clusters, firstUpMs, noChangeUpMs, stateBytes: statSync(path).size };
    } finally {
        await stack.dispose();
    }
}

async function fanout(clusters: number, regions: number, concurrency: number, groups: number) {
    const stack = await DeployedStack.create("irsa", fleetOf(clusters, regions));
    try {
        const run =
            (...flags: string[]) =>
            () =>
                runFleet(
                    stack,
                    "up",
                    "--yes",
                    "--concurrency",
                    String(concurrency),
                    "--groups",
                    String(groups),
                    ...flags,
                );
        const firstUpMs = await timed(run(), "fleet up");
        const noChangeUpMs = await timed(run("--all"), "fleet up --all");
        const stacks = 1 + Math.min(regions * groups, clusters);
        return { clusters, stacks, concurrency, groups, firstUpMs, noChangeUpMs };
    } finally {
        await stack.dispose();
    }
}

/** The groups per region that keep each cluster stack near `perStack` clusters, or the fixed `--groups`. */
function groupsFor(clusters: number, regions: number, choice: { groups: number } | { perStack: number }) {
    if ("groups" in choice) {
        return choice.groups;
    }
    return Math.max(1, Math.ceil(clusters / Math.min(regions, clusters) / choice.perStack));
}

function sizes(text: string, flag: string): number[] {
    return text.split(",").map((part) => {
        const size = Number(part);
        if (!Number.isInteger(size) || size < 1) {
            throw new UsageError(`--${flag} takes whole numbers above 0, separated by commas (got "${part}")`);
        }
        return size;
    });
}

async function main(args: string[]): Promise<number> {
    if (wantsHelp(args)) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
    }
    let resources: number[];
    let clusters: number[];
    let regions: number;
    let concurrency: number;
    let singleSizes: number[];
    let singleLimitMs: number;
    let grouping: { groups: number } | { perStack: number };
    let json: boolean;
    try {
        const flags = parseFlags(undefined, args, {
            values: [
                "resources",
                "clusters",
                "regions",
                "concurrency",
                "groups",
                "per-stack",
                "single",
                "single-limit",
            ],
            switches: { json: undefined },
        });
        json = flags.switches.has("json");
        resources =
            flags.values.resources === "none" ? [] : sizes(flags.values.resources ?? "1,50,200,800", "resources");
        clusters = flags.values.clusters ? sizes(flags.values.clusters, "clusters") : [];
        [regions] = sizes(flags.values.regions ?? "10", "regions");
        [concurrency] = sizes(flags.values.concurrency ?? "2", "concurrency");
        singleSizes = flags.values.single ? sizes(flags.values.single, "single") : clusters;
        singleLimitMs = sizes(flags.values["single-limit"] ?? "20", "single-limit")[0] * 60_000;
        if (flags.values.groups && flags.values["per-stack"]) {
            throw new UsageError("--groups and --per-stack are two ways to choose the groups: give one");
        }
        grouping = flags.values["per-stack"]
            ? { perStack: sizes(flags.values["per-stack"], "per-stack")[0] }
            : { groups: sizes(flags.values.groups ?? "1", "groups")[0] };
        if (regions > REGIONS.length) {
            throw new UsageError(`--regions goes up to ${REGIONS.length}`);
        }
    } catch (error) {
        if (error instanceof UsageError) {
            process.stderr.write(`bench:fleet: ${error.message}\n${USAGE}\n`);
            return USAGE_EXIT_CODE;
        }
        throw error;
    }
    const missing = engineMissing();
    if (missing) {
        process.stderr.write(`bench:fleet: ${missing}\n`);
        return 1;
    }
    const machine = { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadAtStart: loadavg()[0] };
    const costs: StackCost[] = [];
    for (const size of resources) {
        process.stderr.write(`▶ engine cost: a stack of ${size} resources\n`);
        costs.push(await measureStackCost(size));
    }
    const engineCost =
        costs.length >= 3
            ? { stacks: costs, firstUp: fitStackCost(costs), noChangeUp: fitStackCost(costs, "noChangeUpMs") }
            : { stacks: costs };
    const single = [];
    const fanned = [];
    for (const size of clusters) {
        if (singleSizes.includes(size)) {
            process.stderr.write(`▶ ${size} clusters in one stack\n`);
            single.push({
                clusters: size,
                ...(await measured("one stack", () => singleStack(size, regions, singleLimitMs))),
            });
        }
        const groups = groupsFor(size, regions, grouping);
        process.stderr.write(
            `▶ ${size} clusters over ${Math.min(regions, size)} regions in ${groups} group(s) each, fleet up at concurrency ${concurrency}\n`,
        );
        const fan = await measured("fan-out", () => fanout(size, regions, concurrency, groups));
        fanned.push({ clusters: size, concurrency, groups, ...fan });
    }
    const result = {
        machine: { ...machine, loadAtEnd: loadavg()[0] },
        engineCost,
        singleStack: single,
        fanout: fanned,
    };
    process.stdout.write(json ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`);
    return [...single, ...fanned].some((entry) => "error" in entry) ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => (process.exitCode = code));
