/** `container-insights fleet <up|preview|status>`: its flags, checked before anything runs. */
import { AccountSource, accountSource } from "./accounts";
import { roleNameFlag } from "./credentials";
import { UsageError, UsageProblems, environmentFlag, parseFlags, regionsFlag } from "../cliArgs";

export { FLEET_DETAILS, FLEET_USAGE } from "./usage";

export const FLEET_ACTIONS = ["up", "preview", "status", "migrate"] as const;
export type FleetAction = (typeof FLEET_ACTIONS)[number];

export const DEFAULT_CONCURRENCY = 4;

export interface FleetArguments {
    action: FleetAction;
    environment: string;
    accounts?: AccountSource;
    roleName?: string;
    regions?: string[];
    concurrency: number;
    /** Cluster stacks per region. */
    groups: number;
    shard?: { index: number; count: number };
    journal?: string;
    all: boolean;
    /** migrate: --yes moves (without it, the plan only); --backup-dir: where every stack's state is saved first. */
    yes: boolean;
    backupDir?: string;
}

/** The flags of `fleet migrate` (the caller's own whole stack: no accounts, shards or pool). */
function parseMigrateArguments(command: string, rest: string[]): FleetArguments {
    const problems = new UsageProblems(command);
    const flags = parseFlags(
        command,
        rest,
        { values: ["env", "groups", "backup-dir"], switches: { yes: "y" } },
        problems,
    );
    if (flags.positionals.length > 0) {
        problems.add(`unexpected argument ${flags.positionals[0]}`);
    }
    const environment = problems.check(() => environmentFlag(command, flags.values.env));
    const groups = problems.check(() =>
        flags.values.groups === undefined ? 1 : wholeNumber(command, "groups", flags.values.groups, 1),
    );
    problems.throwIfAny();
    return {
        action: "migrate",
        environment: environment!,
        concurrency: 1,
        groups: groups!,
        all: false,
        yes: flags.switches.has("yes"),
        ...(flags.values["backup-dir"] ? { backupDir: flags.values["backup-dir"] } : {}),
    };
}

function wholeNumber(command: string, flag: string, value: string, min: number): number {
    const number = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!(number >= min)) {
        throw new UsageError(`--${flag} ${JSON.stringify(value)} is not a whole number of at least ${min}`, command);
    }
    return number;
}

/** --shards N: this pod's share, from the index a Kubernetes Indexed Job gives it. */
function shardFlag(command: string, value: string, env: NodeJS.ProcessEnv): { index: number; count: number } {
    const count = wholeNumber(command, "shards", value, 1);
    const index = env.JOB_COMPLETION_INDEX;
    if (index === undefined || !/^\d+$/.test(index) || Number(index) >= count) {
        throw new UsageError(
            `--shards ${count} needs JOB_COMPLETION_INDEX from 0 to ${count - 1} (set by a Kubernetes Indexed Job; got ${JSON.stringify(index ?? null)})`,
            command,
        );
    }
    return { index: Number(index), count };
}

export function parseFleetArguments(args: string[], env: NodeJS.ProcessEnv): FleetArguments {
    const command = "fleet";
    const [action, ...rest] = args;
    if (!(FLEET_ACTIONS as readonly string[]).includes(action)) {
        throw new UsageError(
            action === undefined
                ? `fleet needs an action: ${FLEET_ACTIONS.join(", ")}`
                : `fleet ${JSON.stringify(action)} is not one of ${FLEET_ACTIONS.join(", ")}`,
            command,
        );
    }
    if (action === "migrate") {
        return parseMigrateArguments(command, rest);
    }
    const problems = new UsageProblems(command);
    const flags = parseFlags(
        command,
        rest,
        {
            values: ["env", "accounts", "role", "regions", "concurrency", "groups", "shards", "journal"],
            switches: { all: undefined, yes: "y" },
        },
        problems,
    );
    if (flags.positionals.length > 0) {
        problems.add(`unexpected argument ${flags.positionals[0]}`);
    }
    const environment = problems.check(() => environmentFlag(command, flags.values.env));
    if (action === "up" && !flags.switches.has("yes")) {
        problems.add("fleet up needs --yes: it changes real resources in every account");
    }
    const asUsage =
        <T>(read: () => T) =>
        () => {
            try {
                return read();
            } catch (error) {
                throw error instanceof UsageError ? error : new UsageError((error as Error).message, command);
            }
        };
    const accounts =
        flags.values.accounts === undefined
            ? undefined
            : problems.check(asUsage(() => accountSource(flags.values.accounts!)));
    const roleName =
        flags.values.role === undefined ? undefined : problems.check(asUsage(() => roleNameFlag(flags.values.role!)));
    if (flags.values.accounts !== undefined && flags.values.role === undefined) {
        problems.add("--accounts needs --role: the role assumed in each member account");
    }
    const shard =
        flags.values.shards === undefined
            ? undefined
            : problems.check(() => shardFlag(command, flags.values.shards!, env));
    const regions =
        flags.values.regions === undefined
            ? undefined
            : problems.check(() => regionsFlag(command, flags.values.regions!));
    const concurrency = problems.check(() =>
        flags.values.concurrency === undefined
            ? DEFAULT_CONCURRENCY
            : wholeNumber(command, "concurrency", flags.values.concurrency, 1),
    );
    const groups = problems.check(() =>
        flags.values.groups === undefined ? 1 : wholeNumber(command, "groups", flags.values.groups, 1),
    );
    problems.throwIfAny();
    return {
        action: action as FleetAction,
        environment: environment!,
        ...(accounts ? { accounts } : {}),
        ...(roleName ? { roleName } : {}),
        ...(regions ? { regions } : {}),
        concurrency: concurrency!,
        groups: groups!,
        ...(shard ? { shard } : {}),
        ...(flags.values.journal ? { journal: flags.values.journal } : {}),
        all: flags.switches.has("all"),
        yes: flags.switches.has("yes"),
    };
}
