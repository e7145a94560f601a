/**
 * The operators' command line (`npx container-insights <command>`): the stack operations over runStack, plus
 * configure, adopt and status. `container-insights help` lists them; exit codes: 0 success, 1 failure (or a blocking
 * policy violation, or something status/adopt found that needs attention), 2 bad usage.
 * The token and external id come from CONTAINER_INSIGHTS_TOKEN / CONTAINER_INSIGHTS_EXTERNAL_ID (never the command
 * line), or from the stack's config.
 */
import { didYouMean } from "../config/suggest";
import type { AdoptIo } from "./adopt";
import {
    EnvironmentError,
    UsageError,
    UsageProblems,
    accountFlag,
    environmentFlag,
    parseFlags,
    regionsFlag,
} from "./cliArgs";
import { stackNameProblem } from "../config/stackName";
import { USAGE_EXIT_CODE, usageMessage } from "../policies/lib/cliArgs";
import { exitWhenFlushed } from "../policies/lib/exit";
import type { ConfigureIo } from "./configure";
import { AutomationError, PolicyViolationError, PulumiCliMissingError } from "./errors";
import { InsightsEvent, PolicyViolation } from "./events";
import { Action, ACTIONS } from "./actions";
import type { RunRequest } from "./request";
import type { RunOptions, RunResult } from "./runStack";
import type { StatusIo } from "./status";
import type { WatchIo } from "./watch/command";
import { WATCH_DETAILS, WATCH_USAGE } from "./watch/usage";
import { FLEET_DETAILS, FLEET_USAGE } from "./fleet/usage";
import { PLAN_DETAILS, PLAN_USAGE } from "./plan/usage";
import type { CommandIo } from "./commandIo";

export { UsageError } from "./cliArgs";

interface CommandHelp {
    usage: string;
    summary: string;
    details: string[];
}

const STACK_FLAGS = "--env <prod|uat> [--stack NAME] [--account ID] [--regions a,b]";

export const COMMANDS: Record<string, CommandHelp> = {
    preview: {
        usage: `preview ${STACK_FLAGS}`,
        summary: "show what up would change, with the policy pack",
        details: [],
    },
    up: {
        usage: `up ${STACK_FLAGS} --yes`,
        summary: "deploy the stack (run preview first)",
        details: ["--yes is required: up changes real resources."],
    },
    refresh: {
        usage: `refresh ${STACK_FLAGS}`,
        summary: "read the real state of the stack's resources into its state",
        details: [],
    },
    destroy: {
        usage: `destroy ${STACK_FLAGS} --yes`,
        summary: "delete what the stack created (the bucket stays unless retainBucket is false)",
        details: ["--yes is required: destroy deletes real resources."],
    },
    configure: {
        usage: "configure --env <prod|uat> [--stack NAME]",
        summary:
            "ask for roleName, the token, the external id and the Datadog API key and store them in the stack's config",
        details: [
            "The stack: --stack NAME, else --env's (prod, uat); `configure <stack>` names it too.",
            "The secrets are read without echo and handed to `pulumi config set --secret` on stdin:",
            "they never appear on the screen, in the command line or in the shell history.",
        ],
    },
    plan: {
        usage: PLAN_USAGE,
        summary: "offline: what the stack would create, on a described fleet (no Pulumi CLI, no AWS)",
        details: PLAN_DETAILS,
    },
    adopt: {
        usage: "adopt --env <prod|uat> [--stack NAME] [--region R]",
        summary: "find what the vendor's CloudFormation left in this account and print the adoption plan",
        details: [
            "Read-only. Exit 0 when the plan can go ahead, 1 when something blocks it (the message says what to do).",
            "--region: where to look for the bucket's settings; default: the stack file's aws:region, then AWS_REGION.",
        ],
    },
    status: {
        usage: "status --env <prod|uat> [--stack NAME] [--region R] [--json]",
        summary: "one line per cluster: identity mode, role and policy, agent, last reconcile",
        details: [
            "Read-only: the stack's outputs, IAM, EKS and the reconciler's logs. Exit 0 when every cluster is healthy, 1 otherwise.",
            "--json: the same as one JSON object.",
        ],
    },
    watch: {
        usage: WATCH_USAGE,
        summary:
            "the long-running service: run up (with the policy pack) when clusters appear or go, serve /healthz and /metrics",
        details: WATCH_DETAILS,
    },
    fleet: {
        usage: FLEET_USAGE,
        summary:
            "up, preview or status of a fleet of stacks: per account an account stack and a stack per region, many accounts at once",
        details: FLEET_DETAILS,
    },
    help: { usage: "help [command]", summary: "this help, or one command's", details: [] },
};

const PROGRAM = "npx container-insights";

export const USAGE = `usage: ${PROGRAM} <${Object.keys(COMMANDS).join("|")}> [options]   (${PROGRAM} help for more)`;

/** The whole help text, or one command's. */
export function helpText(command?: string): string {
    if (command !== undefined) {
        const help = COMMANDS[command];
        return [`usage: ${PROGRAM} ${help.usage}`, "", `${help.summary}.`, ...help.details].join("\n");
    }
    const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
    return [
        `usage: ${PROGRAM} <command> [options]`,
        "",
        "commands:",
        ...Object.entries(COMMANDS).map(([name, help]) => `  ${name.padEnd(width)}  ${help.summary}`),
        "",
        "options of the stack commands:",
        "  --env prod|uat   the environment; the stack defaults to its name (prod, uat)",
        "  --stack NAME     another stack name;  --account ID  names the stack <env>-<ID>",
        "  --regions a,b    includeRegions for this run (a successful up keeps it);  --yes (-y)  confirm up and destroy",
        "",
        "secrets: CONTAINER_INSIGHTS_TOKEN and CONTAINER_INSIGHTS_EXTERNAL_ID, or the stack's config (never arguments).",
        "backend: as npm run up: PULUMI_BACKEND_URL if set, else the one `pulumi login` chose, else a local file backend in .pulumi-state/ (PULUMI_CONFIG_PASSPHRASE).",
        "exit codes: 0 success; 1 failure, blocking policy violation, or something that needs attention; 2 bad usage.",
        `${PROGRAM} help <command> (or <command> --help) describes one command.`,
    ].join("\n");
}

function isHelp(arg: string | undefined): boolean {
    return arg === "--help" || arg === "-h" || arg === "help";
}

/** A stack command's request; every usage problem is reported together, before anything looks for the Pulumi CLI. */
export function parseCliArguments(argv: string[], env: NodeJS.ProcessEnv = {}): RunRequest & { yes: boolean } {
    const [action, ...rest] = argv;
    if (!(ACTIONS as readonly string[]).includes(action)) {
        throw new UsageError(action ? `unknown action ${action}; allowed: ${ACTIONS.join(", ")}` : "name an action");
    }
    const problems = new UsageProblems(action);
    const flags = parseFlags(
        action,
        rest,
        { values: ["env", "stack", "account", "regions"], switches: { yes: "y" } },
        problems,
    );
    if (flags.positionals.length > 0) {
        problems.add(`unexpected argument ${flags.positionals[0]}`);
    }
    const environment = problems.check(() => environmentFlag(action, flags.values.env));
    const yes = flags.switches.has("yes");
    if ((action === "up" || action === "destroy") && !yes) {
        problems.add(`${action} changes real resources: run preview first, then add --yes`);
    }
    const accountId = problems.check(() => accountFlag(action, flags.values.account));
    const regions = problems.check(() => regionsFlag(action, flags.values.regions));
    const stackProblem = flags.values.stack === undefined ? undefined : stackNameProblem(flags.values.stack);
    if (stackProblem) {
        problems.add(stackProblem.replace(/^stack name/, "--stack"));
    }
    problems.throwIfAny();
    const secrets = {
        ...(env.CONTAINER_INSIGHTS_TOKEN ? { token: env.CONTAINER_INSIGHTS_TOKEN } : {}),
        ...(env.CONTAINER_INSIGHTS_EXTERNAL_ID ? { externalId: env.CONTAINER_INSIGHTS_EXTERNAL_ID } : {}),
    };
    return {
        action: action as Action,
        environment: environment!,
        ...(flags.values.stack ? { stackName: flags.values.stack } : {}),
        ...(accountId ? { accountId } : {}),
        ...(regions ? { config: { includeRegions: regions } } : {}),
        secrets,
        yes,
    };
}

const OP_SYMBOLS: Record<string, string> = {
    create: "+",
    update: "~",
    delete: "-",
    replace: "+-",
    "create-replacement": "++",
    "delete-replaced": "--",
    same: " ",
    read: ">",
    refresh: "~",
};

/** One progress line per event worth a line, or undefined. */
export function progressLine(event: InsightsEvent): string | undefined {
    switch (event.type) {
        case "resource-started":
            return event.op === "same"
                ? undefined
                : `${OP_SYMBOLS[event.op] ?? "*"} ${event.op.padEnd(8)} ${event.urn}`;
        case "resource-failed":
            return `x failed   ${event.urn} (${event.op})`;
        case "policy-violation":
            return `! ${event.level.padEnd(9)} ${event.policy}${event.urn ? ` ${event.urn}` : ""}: ${event.message}`;
        case "diagnostic":
            return event.severity === "info" ? undefined : `${event.severity}: ${event.message}`;
        case "summary":
            return `changes: ${
                Object.entries(event.changes)
                    .map(([op, n]) => `${op} ${n}`)
                    .join(", ") || "none"
            } (${event.durationSeconds}s)`;
        default:
            return undefined;
    }
}

export function policySummary(violations: PolicyViolation[]): string {
    const mandatory = violations.filter((v) => v.level === "mandatory").length;
    return `policy: ${mandatory} mandatory, ${violations.length - mandatory} advisory violation(s)`;
}

export interface CliIo extends CommandIo, Partial<Omit<AdoptIo & StatusIo & ConfigureIo & WatchIo, keyof CommandIo>> {
    run?: (request: RunRequest, options: RunOptions) => Promise<RunResult>;
    signal?: AbortSignal;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
    const [command, ...rest] = argv;
    try {
        if (command === undefined) {
            throw new UsageError("name a command");
        }
        if (isHelp(command)) {
            // `help --help` (or `help -h`): the help command's own help.
            const topic = command === "help" && rest[0] !== undefined && isHelpFlag(rest[0]) ? "help" : rest[0];
            if (topic !== undefined && !Object.hasOwn(COMMANDS, topic)) {
                throw new UsageError(`no command ${topic}${didYouMean(topic, Object.keys(COMMANDS))}`);
            }
            io.out(helpText(topic));
            return 0;
        }
        if (!Object.hasOwn(COMMANDS, command)) {
            throw new UsageError(
                `unknown command ${command}${didYouMean(command, Object.keys(COMMANDS))}; commands: ${Object.keys(COMMANDS).join(", ")}`,
            );
        }
        if (rest.some(isHelpFlag)) {
            io.out(helpText(command));
            return 0;
        }
        switch (command) {
            case "plan":
                return await (await import("./plan/command")).runPlan(rest, io);
            case "adopt":
                return await (await import("./adopt")).runAdopt(rest, io as CliIo & AdoptIo);
            case "status":
                return await (await import("./status")).runStatus(rest, io as CliIo & StatusIo);
            case "configure":
                return await (await import("./configure")).runConfigure(rest, io as CliIo & ConfigureIo);
            case "watch":
                return await (await import("./watch/command")).runWatch(rest, io);
            case "fleet":
                return await (await import("./fleet/command")).runFleetCommand(rest, io);
            default:
                return await runStackCommand(parseCliArguments(argv, io.env), io);
        }
    } catch (error) {
        if (error instanceof UsageError) {
            io.err(
                usageMessage(
                    PROGRAM,
                    error.message,
                    error.command ? `usage: ${PROGRAM} ${COMMANDS[error.command].usage}` : USAGE,
                ),
            );
            return USAGE_EXIT_CODE;
        }
        if (error instanceof EnvironmentError) {
            io.err(`container-insights: ${error.message}`);
            return 1;
        }
        if (error instanceof PulumiCliMissingError) {
            io.err(
                "container-insights: the Pulumi CLI is not on PATH: install it (https://www.pulumi.com/docs/install/), put it on PATH and run again",
            );
            return 1;
        }
        if (error instanceof AutomationError) {
            io.err(`container-insights: ${error.message}`);
            return 1;
        }
        // The read-only commands meet AWS's own errors (no credentials, AccessDenied): one line, no stack trace.
        if (["adopt", "status", "watch", "fleet"].includes(command) && error instanceof Error) {
            const { SIGN_IN_ADVICE, isMissingCredentials } = await import("../common/awsCredentials");
            if (isMissingCredentials(error)) {
                io.err(
                    `container-insights: ${command} reads the AWS account and found no AWS credentials (${error.message}): ${SIGN_IN_ADVICE}; nothing was changed`,
                );
                return 1;
            }
            io.err(`container-insights: ${command} failed: ${error.name}: ${error.message}`);
            return 1;
        }
        throw error;
    }
}

function isHelpFlag(arg: string): boolean {
    return arg === "--help" || arg === "-h";
}

async function runStackCommand(request: RunRequest & { yes: boolean }, io: CliIo): Promise<number> {
    const { yes: _yes, ...runRequest } = request;
    const onEvent = (event: InsightsEvent) => {
        const line = progressLine(event);
        if (line) {
            io.out(line);
        }
    };
    try {
        const { runStack } = await import("./runStack");
        const { resolveBackend } = await import("./workspace");
        const result = await (io.run ?? runStack)(runRequest, {
            onEvent,
            signal: io.signal,
            backend: resolveBackend(io.env),
        });
        io.out(policySummary(result.policyViolations));
        for (const [key, output] of Object.entries(result.outputs)) {
            io.out(`output ${key}: ${output.secret ? "[secret]" : JSON.stringify(output.value)}`);
        }
        return 0;
    } catch (error) {
        if (error instanceof PolicyViolationError) {
            io.err(policySummary(error.violations));
        }
        throw error;
    }
}

/** The process entry: wires SIGINT to cancellation (SIGTERM and SIGINT to the watch service's stop) and exits with main's code. */
export function runCli(): void {
    const controller = new AbortController();
    const argv = process.argv.slice(2);
    const onStop = (handler: () => void) => {
        process.on("SIGTERM", handler);
        process.on("SIGINT", handler);
    };
    if (argv[0] !== "watch") {
        process.once("SIGINT", () => {
            process.stderr.write("cancelling: the engine stops after the steps in flight\n");
            controller.abort();
        });
    }
    main(argv, {
        out: (l) => console.log(l),
        err: (l) => console.error(l),
        env: process.env,
        signal: controller.signal,
        onStop,
    }).then(
        (code) => exitWhenFlushed(code),
        (error: unknown) => {
            console.error(
                `container-insights: unexpected error: ${error instanceof Error ? error.stack : String(error)}`,
            );
            exitWhenFlushed(1);
        },
    );
}

if (require.main === module) {
    runCli();
}
