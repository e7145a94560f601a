/**
 * `container-insights fleet <up|preview|status>`: the fleet's stacks (stacks.ts) from the template stack's config
 * (template.ts), each run with runStack in its own account (credentials.ts) through the worker pool (run.ts), with a
 * line per finished stack, a summary table and the journal (journal.ts). Exit codes: 0 every stack succeeded, 1 one
 * failed (or the fleet could not be listed), 2 bad usage, 3 cancelled.
 */
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { STSClient } from "@aws-sdk/client-sts";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { partitionOf } from "../../common/naming";
import { EnvironmentError } from "../cliArgs";
import { StackQueue } from "../queue";
import { RunRequest } from "../request";
import { RunOptions, runStack } from "../runStack";
import { PROJECT_DIR, openLocalStack, resolveBackend } from "../workspace";
import { MemberAccount, resolveAccounts, AccountSource } from "./accounts";
import { FleetArguments, parseFleetArguments } from "./args";
import { AccountEnv, accountEnv, callerAccount } from "./credentials";
import { Journal, fingerprint, readJournal, writeJournal } from "./journal";
import { StackReport, summaryTable } from "./progress";
import { runFleet } from "./run";
import { accountStackName, planFleetStacks, shardAccounts } from "./stacks";
import type { StackStates } from "./migrate/stackStates";
import { TemplateValue, stackRequest, templateRequest } from "./template";
import type { CommandIo } from "../commandIo";

export const CANCELLED_EXIT_CODE = 3;

export interface FleetIo extends CommandIo {
    signal?: AbortSignal;
    /** Seams for tests; each defaults to the real thing. */
    templateConfig?: (stackName: string) => Promise<Record<string, TemplateValue>>;
    accounts?: (source: AccountSource) => Promise<MemberAccount[]>;
    callerAccount?: () => Promise<string>;
    assume?: (accountId: string, callerAccountId: string, partition: string, roleName: string) => Promise<AccountEnv>;
    run?: (request: RunRequest, options: RunOptions) => Promise<{ changes: Record<string, number> }>;
    programDigest?: () => string;
    /** fleet migrate's stack states (the Pulumi CLI by default). */
    states?: StackStates;
}

/** The files the program is made of (what a changed deploy can come from), as one sha256. */
export function programDigest(projectDir: string = PROJECT_DIR): string {
    const hash = createHash("sha256");
    const roots = [
        "Pulumi.yaml",
        "package-lock.json",
        "index.ts",
        "program.ts",
        "components",
        "common",
        "config",
        "images",
        "lambda",
        "dist",
    ];
    for (const root of roots) {
        const path = join(projectDir, root);
        if (!existsSync(path)) {
            continue;
        }
        const files = statSync(path).isDirectory()
            ? readdirSync(path, { recursive: true, encoding: "utf8" })
                  .map((f) => join(root, f))
                  .filter((f) => statSync(join(projectDir, f)).isFile())
                  .sort()
            : [root];
        for (const file of files) {
            hash.update(file)
                .update("\0")
                .update(readFileSync(join(projectDir, file)))
                .update("\0");
        }
    }
    return hash.digest("hex");
}

function regionsOf(template: Record<string, TemplateValue>, fallback?: string): string[] {
    const stored = template["container-insights:includeRegions"]?.value;
    let regions: string[] = [];
    try {
        const parsed = stored ? JSON.parse(stored) : [];
        regions = Array.isArray(parsed) ? parsed : String(parsed).split(",");
    } catch {
        regions = (stored ?? "").split(",");
    }
    regions = regions.map((r) => r.trim()).filter(Boolean);
    return regions.length > 0 ? regions : fallback ? [fallback] : [];
}

async function defaultTemplateConfig(
    stackName: string,
    env: NodeJS.ProcessEnv,
): Promise<Record<string, TemplateValue>> {
    const { stack } = await openLocalStack(stackName, { backend: resolveBackend(env), existingOnly: true });
    return stack.getAllConfig();
}

function journalPath(args: FleetArguments): string {
    return args.journal ?? join(PROJECT_DIR, "stacks", `.fleet-${args.environment}.json`);
}

function statusReports(journal: Journal): StackReport[] {
    return Object.entries(journal.stacks)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([stack, entry]) => ({
            stack,
            outcome: entry.outcome,
            durationMs: entry.durationMs,
            ...(entry.changes ? { changes: entry.changes } : {}),
            ...(entry.error ? { error: `${entry.error} (${entry.finishedAt})` } : {}),
        }));
}

async function stackStates(io: FleetIo): Promise<StackStates> {
    return io.states ?? (await import("./migrate/stackStates")).cliStackStates({ backend: resolveBackend(io.env) });
}

/**
 * An existing whole stack still holding its agents would lose them to its first `fleet up` as the account stack (which
 * registers none) and get them installed again by the cluster stacks: `up` refuses, `preview` says so.
 */
async function checkMigrated(args: FleetArguments, io: FleetIo): Promise<void> {
    const stack = accountStackName(args.environment);
    if (args.accounts) {
        return;
    }
    const states = await stackStates(io);
    if (!(await states.exists(stack))) {
        return;
    }
    const { agentComponents } = await import("./migrate/plan");
    const agents = agentComponents(await states.export(stack)).length;
    if (agents === 0) {
        return;
    }
    const message =
        `stack ${stack} is a whole stack with ${agents} agent component(s): as the fleet's account stack it would delete ` +
        `them and its cluster stacks would install them again; run \`container-insights fleet migrate --env ${args.environment} --yes\` first`;
    if (args.action === "up") {
        throw new EnvironmentError(message);
    }
    io.err(`fleet: ${message}`);
}

async function migrate(args: FleetArguments, io: FleetIo): Promise<number> {
    const { runMigrate } = await import("./migrate/command");
    const { MigrationError } = await import("./migrate/move");
    const states = await stackStates(io);
    try {
        return await runMigrate(args, { ...io, states });
    } catch (error) {
        if (error instanceof MigrationError) {
            io.err(`fleet migrate: ${error.message}; nothing was changed`);
            return 1;
        }
        throw error;
    }
}

export async function runFleetCommand(argv: string[], io: FleetIo): Promise<number> {
    const args = parseFleetArguments(argv, io.env);
    if (args.action === "migrate") {
        return migrate(args, io);
    }
    const path = journalPath(args);
    if (args.action === "status") {
        const reports = statusReports(readJournal(path));
        if (reports.length === 0) {
            io.out(`no fleet up recorded in ${path}`);
            return 1;
        }
        io.out(
            summaryTable(
                reports,
                reports.reduce((sum, r) => sum + r.durationMs, 0),
            ),
        );
        return reports.every((r) => r.outcome === "succeeded" || r.outcome === "unchanged") ? 0 : 1;
    }

    const action = args.action;
    await checkMigrated(args, io);
    const stored = await (io.templateConfig ?? ((s) => defaultTemplateConfig(s, io.env)))(args.environment);
    const { request: template, dropped } = templateRequest(args.environment.toUpperCase(), stored);
    if (dropped.length > 0) {
        io.err(
            `fleet: the template stack's ${dropped.join(", ")} not used: each stack runs with its account's credentials`,
        );
    }
    const regions = args.regions ?? regionsOf(stored, template.awsRegion);
    if (regions.length === 0) {
        throw new EnvironmentError(
            `the template stack ${args.environment} has no includeRegions or aws:region: pass --regions`,
        );
    }
    const partition = partitionOf(template.awsRegion ?? regions[0]);
    const sts = () => new STSClient({ ...(template.awsRegion ? { region: template.awsRegion } : {}) });
    const caller = await (io.callerAccount ?? (() => callerAccount(sts())))();
    let accounts = args.accounts
        ? await (io.accounts ?? ((source) => resolveAccounts(source, () => new OrganizationsClient({}))))(args.accounts)
        : [{ id: caller }];
    if (accounts.length === 0) {
        throw new EnvironmentError(
            `--accounts ${args.accounts?.kind === "file" ? args.accounts.path : "organization"} lists no ACTIVE account`,
        );
    }
    if (args.shard) {
        accounts = shardAccounts(accounts, args.shard.index, args.shard.count);
        io.out(`shard ${args.shard.index} of ${args.shard.count}: ${accounts.length} account(s)`);
    }
    const stacks = planFleetStacks(args.environment, accounts, regions, {
        single: !args.accounts,
        groups: args.groups,
    });
    const program = (io.programDigest ?? programDigest)();
    const fingerprints = new Map<string, string>();
    for (const stack of stacks) {
        const request = stackRequest(template, stack, "up");
        const account = stack.accountStack ? fingerprints.get(stack.accountStack) : undefined;
        fingerprints.set(stack.name, fingerprint({ request, program, account }));
    }
    io.out(
        `fleet ${args.action}: ${stacks.length} stacks in ${accounts.length} account(s), ${args.concurrency} at a time`,
    );

    const assume =
        io.assume ??
        ((id, callerId, part, role) =>
            accountEnv(id, callerId, {
                sts: sts(),
                partition: part,
                roleName: role,
                sessionName: `container-insights-fleet-${args.environment}`,
            }));
    const queue = new StackQueue();
    const backend = resolveBackend(io.env);
    const result = await runFleet({
        action,
        stacks,
        fingerprints,
        concurrency: args.concurrency,
        journal: action === "up" ? readJournal(path) : { version: 1, stacks: {} },
        all: args.all,
        signal: io.signal,
        print: io.out,
        saveJournal: (journal) => writeJournal(path, journal),
        deploy: async (stack, signal) => {
            const envVars = args.roleName ? await assume(stack.accountId, caller, partition, args.roleName) : {};
            const outcome = await (io.run ?? runStack)(stackRequest(template, stack, action), {
                backend,
                envVars,
                signal,
                queue,
            });
            return { changes: outcome.changes as Record<string, number> };
        },
    });
    io.out(summaryTable(result.reports, result.elapsedMs));
    if (io.signal?.aborted) {
        return CANCELLED_EXIT_CODE;
    }
    return result.succeeded ? 0 : 1;
}
