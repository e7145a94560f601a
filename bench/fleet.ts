/**
 * npm run bench:fleet [-- --json] [--parts engineCost] [--resources 1,50,200,800]
 * The fleet's benchmark on the real engine (the engine tier's CLI, language host and Kubernetes provider).
 * engineCost: a stack's fixed cost and its cost per resource (bench/engineCost.ts), which decide the fleet's stack
 * size (docs/fleet.md).
 */
import { cpus, loadavg } from "node:os";
import { UsageError, USAGE_EXIT_CODE, parseFlags, wantsHelp } from "../policies/lib/cliArgs";
import { engineMissing } from "../engine/paths";
import { StackCost, fitStackCost, measureStackCost } from "./engineCost";

const USAGE = "usage: npm run bench:fleet -- [--resources 1,50,200,800] [--json]";

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
    let json: boolean;
    try {
        const flags = parseFlags(undefined, args, { values: ["resources"], switches: { json: undefined } });
        json = flags.switches.has("json");
        resources = sizes(flags.values.resources ?? "1,50,200,800", "resources");
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
    const engineCost = { stacks: costs, firstUp: fitStackCost(costs), noChangeUp: fitStackCost(costs, "noChangeUpMs") };
    const result = { machine: { ...machine, loadAtEnd: loadavg()[0] }, engineCost };
    process.stdout.write(json ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`);
    return 0;
}

main(process.argv.slice(2)).then((code) => (process.exitCode = code));
