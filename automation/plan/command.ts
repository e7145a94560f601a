/**
 * `container-insights plan --env <prod|uat> [--stack NAME] [--account ID] [--fleet fleet.json] [--set key=value]…
 * [--json]`: what the stack would create, offline (no Pulumi CLI, no AWS). Exit 0 with the plan, 2 for bad usage or
 * config problems (all of them), 1 when the program fails.
 */
import { accountFlag, environmentFlag, parseFlags, UsageProblems } from "../cliArgs";
import { stackNameProblem } from "../../config/stackName";
import { stackNameOf } from "../request";
import { Fleet } from "./fleet";
import { readFleetFile } from "./fleetFile";
import { PlannedResource } from "./mockRun";

export { PLAN_DETAILS, PLAN_USAGE } from "./usage";

export interface PlanArguments {
    stack: string;
    accountId?: string;
    fleet: Fleet;
    fleetFile?: string;
    sets: Array<{ key: string; value: string }>;
    json: boolean;
}

/** The arguments, or a UsageError; a fleet file's problems come back as `problems` (reported with the config's). */
export function parsePlanArguments(args: string[]): { parsed: PlanArguments; problems: string[] } {
    const command = "plan";
    const usage = new UsageProblems(command);
    const flags = parseFlags(
        command,
        args,
        {
            values: ["env", "stack", "account", "fleet", "set"],
            repeatable: ["set"],
            switches: { json: undefined },
            hints: { set: "key=value", fleet: "a JSON file of clusters per region" },
        },
        usage,
    );
    if (flags.positionals.length > 0) {
        usage.add(`unexpected argument ${flags.positionals[0]}`);
    }
    const environment = usage.check(() => environmentFlag(command, flags.values.env));
    const accountId = usage.check(() => accountFlag(command, flags.values.account));
    const sets = (flags.repeated.set ?? []).flatMap((item) => {
        const at = item.indexOf("=");
        if (at <= 0) {
            usage.add(`--set ${JSON.stringify(item)} is not key=value`);
            return [];
        }
        return [{ key: item.slice(0, at), value: item.slice(at + 1) }];
    });
    const stackProblem = flags.values.stack === undefined ? undefined : stackNameProblem(flags.values.stack);
    if (stackProblem) {
        usage.add(stackProblem.replace(/^stack name/, "--stack"));
    }
    usage.throwIfAny();
    let fleet: Fleet = {};
    const problems: string[] = [];
    if (flags.values.fleet !== undefined) {
        const read = readFleetFile(flags.values.fleet);
        if ("fleet" in read) {
            fleet = read.fleet;
        } else {
            problems.push(...read.problems);
        }
    }
    const stack = stackNameOf({
        action: "preview",
        environment: environment!,
        ...(flags.values.stack ? { stackName: flags.values.stack } : {}),
        ...(accountId ? { accountId } : {}),
    });
    return {
        parsed: { stack, accountId, fleet, fleetFile: flags.values.fleet, sets, json: flags.switches.has("json") },
        problems,
    };
}

/** The resources as a tree: each component followed by what it owns, indented. */
export function planLines(resources: readonly PlannedResource[]): string[] {
    const children = new Map<string | null, PlannedResource[]>();
    for (const resource of resources) {
        const list = children.get(resource.parent) ?? [];
        list.push(resource);
        children.set(resource.parent, list);
    }
    const lines: string[] = [];
    const walk = (parent: string | null, depth: number) => {
        for (const resource of children.get(parent) ?? []) {
            lines.push(`${"    ".repeat(depth)}+ ${resource.type}  ${resource.name}`);
            walk(`${resource.type}::${resource.name}`, depth + 1);
        }
    };
    walk(null, 0);
    return lines;
}

export interface PlanIo {
    out: (line: string) => void;
    err: (line: string) => void;
}

/** Runs `plan`: prints the plan (or every problem) and returns the exit code. */
export async function runPlan(args: string[], io: PlanIo): Promise<number> {
    const { parsed, problems } = parsePlanArguments(args);
    const { PlanConfigError, PlanFailedError, planStack } = await import("./plan");
    try {
        const result = await planStack({
            knownProblems: problems,
            stack: parsed.stack,
            fleet: parsed.fleet,
            sets: parsed.sets,
            ...(parsed.accountId ? { accountId: parsed.accountId } : {}),
        });
        if (parsed.json) {
            io.out(JSON.stringify({ resources: result.resources, warnings: result.warnings }));
            return 0;
        }
        const clusters = Object.values(parsed.fleet).reduce((n, list) => n + list.length, 0);
        const fleet = parsed.fleetFile ? `${parsed.fleetFile}: ${clusters} cluster(s)` : "no --fleet: no clusters";
        io.out(`plan for stack ${parsed.stack} (offline, under Pulumi's mocks; ${fleet})`);
        planLines(result.resources).forEach((line) => io.out(line));
        io.out(`${result.resources.length} resource(s) to create; ${result.warnings.length} warning(s)`);
        result.warnings.forEach((warning) => io.out(`warning: ${warning}`));
        return 0;
    } catch (error) {
        if (error instanceof PlanConfigError) {
            io.err(`container-insights: plan: the stack ${parsed.stack} cannot be planned:`);
            error.problems.forEach((problem) => io.err(`  - ${problem}`));
            return 2;
        }
        if (error instanceof PlanFailedError) {
            io.err(`container-insights: plan: the program failed: ${error.message}`);
            return 1;
        }
        throw error;
    }
}
