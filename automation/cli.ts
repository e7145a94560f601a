/**
 * The operators' front end over runStack:
 *   npx container-insights <preview|up|refresh|destroy> --env prod [--stack NAME] [--regions a,b] [--yes]
 * The token and external id come from CONTAINER_INSIGHTS_TOKEN / CONTAINER_INSIGHTS_EXTERNAL_ID (never the command
 * line), or from the stack's config. Exit 0 on success; 1 on failure or a blocking policy violation; 2 on bad usage.
 */
import { AutomationError, PolicyViolationError } from "./errors";
import { InsightsEvent, PolicyViolation } from "./events";
import { Action, ACTIONS, RunRequest } from "./request";
import { RunOptions, RunResult, runStack } from "./runStack";

export const USAGE = "usage: npx container-insights <preview|up|refresh|destroy> --env <prod|uat> [--stack NAME] [--account ID] [--regions a,b] [--yes]";

export class UsageError extends Error {}

export function parseCliArguments(argv: string[], env: NodeJS.ProcessEnv = {}): RunRequest & { yes: boolean } {
    const [action, ...rest] = argv;
    if (!(ACTIONS as readonly string[]).includes(action)) {
        throw new UsageError(action ? `unknown action ${action}; allowed: ${ACTIONS.join(", ")}` : "name an action");
    }
    const flags: Record<string, string> = {};
    let yes = false;
    for (let i = 0; i < rest.length; i++) {
        const arg = rest[i];
        if (arg === "--yes" || arg === "-y") {
            yes = true;
            continue;
        }
        const match = /^--(env|stack|account|regions)(?:=(.*))?$/.exec(arg);
        if (!match) {
            throw new UsageError(`unknown argument ${arg}`);
        }
        const value = match[2] ?? rest[++i];
        if (value === undefined || value.startsWith("--")) {
            throw new UsageError(`--${match[1]} needs a value`);
        }
        flags[match[1]] = value;
    }
    if (!flags.env) {
        throw new UsageError("--env is required (prod or uat)");
    }
    if ((action === "up" || action === "destroy") && !yes) {
        throw new UsageError(`${action} changes real resources: run preview first, then add --yes`);
    }
    const regions = flags.regions?.split(",").map((r) => r.trim()).filter(Boolean);
    const secrets = {
        ...(env.CONTAINER_INSIGHTS_TOKEN ? { token: env.CONTAINER_INSIGHTS_TOKEN } : {}),
        ...(env.CONTAINER_INSIGHTS_EXTERNAL_ID ? { externalId: env.CONTAINER_INSIGHTS_EXTERNAL_ID } : {}),
    };
    return {
        action: action as Action,
        environment: flags.env,
        ...(flags.stack ? { stackName: flags.stack } : {}),
        ...(flags.account ? { accountId: flags.account } : {}),
        ...(regions ? { config: { includeRegions: regions } } : {}),
        secrets,
        yes,
    };
}

const OP_SYMBOLS: Record<string, string> = { create: "+", update: "~", delete: "-", replace: "+-", "create-replacement": "++", "delete-replaced": "--", same: " ", read: ">", refresh: "~" };

/** One progress line per event worth a line, or undefined. */
export function progressLine(event: InsightsEvent): string | undefined {
    switch (event.type) {
        case "resource-started":
            return event.op === "same" ? undefined : `${OP_SYMBOLS[event.op] ?? "*"} ${event.op.padEnd(8)} ${event.urn}`;
        case "resource-failed":
            return `x failed   ${event.urn} (${event.op})`;
        case "policy-violation":
            return `! ${event.level.padEnd(9)} ${event.policy}${event.urn ? ` ${event.urn}` : ""}: ${event.message}`;
        case "diagnostic":
            return event.severity === "info" ? undefined : `${event.severity}: ${event.message}`;
        case "summary":
            return `changes: ${Object.entries(event.changes).map(([op, n]) => `${op} ${n}`).join(", ") || "none"} (${event.durationSeconds}s)`;
        default:
            return undefined;
    }
}

export function policySummary(violations: PolicyViolation[]): string {
    const mandatory = violations.filter((v) => v.level === "mandatory").length;
    return `policy: ${mandatory} mandatory, ${violations.length - mandatory} advisory violation(s)`;
}

export interface CliIo {
    out: (line: string) => void;
    err: (line: string) => void;
    env: NodeJS.ProcessEnv;
    run?: (request: RunRequest, options: RunOptions) => Promise<RunResult>;
    signal?: AbortSignal;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
    let request: RunRequest & { yes: boolean };
    try {
        request = parseCliArguments(argv, io.env);
    } catch (error) {
        io.err(`container-insights: ${(error as Error).message}\n${USAGE}`);
        return 2;
    }
    const { yes: _yes, ...runRequest } = request;
    const onEvent = (event: InsightsEvent) => {
        const line = progressLine(event);
        if (line) {
            io.out(line);
        }
    };
    try {
        const result = await (io.run ?? runStack)(runRequest, { onEvent, signal: io.signal, backend: io.env.PULUMI_BACKEND_URL ? "configured" : undefined });
        io.out(policySummary(result.policyViolations));
        for (const [key, output] of Object.entries(result.outputs)) {
            io.out(`output ${key}: ${output.secret ? "[secret]" : JSON.stringify(output.value)}`);
        }
        return 0;
    } catch (error) {
        if (error instanceof PolicyViolationError) {
            io.err(policySummary(error.violations));
        }
        if (error instanceof AutomationError) {
            io.err(`container-insights: ${error.message}`);
            return 1;
        }
        throw error;
    }
}

/** The process entry: wires SIGINT to cancellation and exits with main's code. */
export function runCli(): void {
    const controller = new AbortController();
    process.once("SIGINT", () => {
        process.stderr.write("cancelling: the engine stops after the steps in flight\n");
        controller.abort();
    });
    main(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l), env: process.env, signal: controller.signal }).then(
        (code) => process.exit(code),
        (error: unknown) => {
            console.error(`container-insights: unexpected error: ${error instanceof Error ? error.stack : String(error)}`);
            process.exit(1);
        },
    );
}

if (require.main === module) {
    runCli();
}
