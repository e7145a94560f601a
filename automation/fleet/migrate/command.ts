/**
 * `container-insights fleet migrate --env <stack> [--yes]`: moves an existing whole stack's agents into the fleet's
 * cluster stacks in the state only, so that `fleet up` afterwards creates, replaces and deletes none of them. Without
 * --yes it prints the plan and changes nothing. With --yes: every stack's export is written to a backup directory
 * first, then the cluster stacks are imported, then the whole stack (which becomes the account stack); a failure
 * says what was imported and how to put each stack back. Exit codes: 0 moved (or nothing to move), 1 refused or
 * failed, 2 bad usage.
 */
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { AGENT_COMPONENT_TYPES } from "../../../components/cluster/agentNames";
import { EnvironmentError } from "../../cliArgs";
import { PROJECT_DIR } from "../../workspace";
import { accountStackName } from "../stacks";
import { Deployment, parseUrn, resourcesOf } from "./deployment";
import { MigrationError, MoveReport } from "./move";
import { MigrationPlan, clusterStackTargets, planMigration } from "./plan";
import { StackStates } from "./stackStates";

export interface MigrateArguments {
    environment: string;
    groups: number;
    yes: boolean;
    backupDir?: string;
}

export interface MigrateIo {
    out: (line: string) => void;
    err: (line: string) => void;
    states: StackStates;
    now?: () => Date;
}

function reportLines(report: MoveReport, region: string): string[] {
    const types = new Map<string, number>();
    for (const urn of report.moved) {
        const type = parseUrn(urn).qualifiedType.split("$").pop()!;
        types.set(type, (types.get(type) ?? 0) + 1);
    }
    const agents = report.moved.filter((urn) =>
        AGENT_COMPONENT_TYPES.includes(parseUrn(urn).qualifiedType.split("$").pop()!),
    );
    return [
        `${report.destination} (${region}): ${report.moved.length} resource(s) of ${agents.length} agent component(s): ${agents.map((u) => parseUrn(u).name).join(", ")}`,
        `  moved: ${[...types].map(([type, n]) => `${n} ${type}`).join(", ")}`,
        ...report.copied.map((c) => `  copied (kept in both stacks), ${c.as}: ${c.urn}`),
        ...report.dropped.map(
            (d) =>
                `  dependency dropped (${d.in === "source" ? "stays" : "moves"}): ${d.resource} ${d.kind}${d.property ? ` (${d.property})` : ""} on ${d.dependency}`,
        ),
    ];
}

function writePrivate(file: string, deployment: Deployment): void {
    writeFileSync(file, JSON.stringify(deployment, undefined, 2) + "\n", { mode: 0o600 });
    chmodSync(file, 0o600);
}

async function refuseLocked(states: StackStates, stacks: string[], project: string): Promise<void> {
    for (const stack of stacks) {
        const holder = await states.lockedBy(stack, project);
        if (holder) {
            throw new MigrationError(
                `stack ${stack} is locked by ${holder}: wait for its update to finish (or, if none runs, \`pulumi cancel --stack ${stack}\`) and run again`,
            );
        }
    }
}

/** Imports the plan, cluster stacks first: until the whole stack is imported every agent is in its old place too. */
async function importPlan(plan: MigrationPlan, accountStack: string, backups: string, io: MigrateIo): Promise<number> {
    const imported: string[] = [];
    for (const stack of [...plan.destinations.map((d) => d.target.stack), accountStack]) {
        try {
            await io.states.import(stack, join(backups, `${stack}.after.json`));
            imported.push(stack);
            io.out(`imported ${stack}`);
        } catch (error) {
            io.err(`fleet migrate: importing ${stack} failed: ${(error as Error).message}`);
            io.err(
                imported.length === 0
                    ? "nothing was imported; every stack is as it was"
                    : `imported before the failure: ${imported.join(", ")}. To finish: pulumi stack import --stack <stack> --file ${backups}/<stack>.after.json for the others; to undo: the same with <stack>.before.json for ${imported.join(", ")}`,
            );
            return 1;
        }
    }
    return 0;
}

export async function runMigrate(args: MigrateArguments, io: MigrateIo): Promise<number> {
    const accountStack = accountStackName(args.environment);
    const { states } = io;
    if (!(await states.exists(accountStack))) {
        throw new EnvironmentError(`there is no stack ${accountStack} to migrate on this backend`);
    }
    const source = await states.export(accountStack);
    const targets = clusterStackTargets(accountStack, source, args.groups);
    if (targets.length === 0) {
        io.out(
            `fleet migrate: ${accountStack} holds no agent (ClusterAgent, AgentPodIdentity): nothing to move (already migrated, or a fleet from the start). Next: container-insights fleet up --env ${args.environment} --yes`,
        );
        return 0;
    }
    const project = parseUrn(resourcesOf(source)[0].urn).project;
    const existing = new Set<string>();
    for (const target of targets) {
        if (await states.exists(target.stack)) {
            existing.add(target.stack);
        }
    }
    await refuseLocked(states, [accountStack, ...existing], project);
    const destinations: Record<string, Deployment> = {};
    for (const stack of existing) {
        destinations[stack] = await states.export(stack);
    }
    const plan = planMigration(accountStack, source, destinations, args.groups);
    io.out(
        `fleet migrate: ${accountStack}'s agents to ${plan.destinations.length} cluster stack(s); ${accountStack} becomes their account stack`,
    );
    for (const { target, report } of plan.destinations) {
        for (const line of reportLines(report, target.region)) {
            io.out(line);
        }
    }
    if (!args.yes) {
        io.out("nothing changed: run again with --yes to move them (every stack's state is backed up first)");
        return 0;
    }

    const stamp = (io.now ?? (() => new Date()))().toISOString().replace(/[:.]/g, "-");
    const backups = resolve(args.backupDir ?? join(PROJECT_DIR, "stacks", `.migrate-${args.environment}-${stamp}`));
    mkdirSync(backups, { recursive: true, mode: 0o700 });
    chmodSync(backups, 0o700);
    writePrivate(join(backups, `${accountStack}.before.json`), source);
    writePrivate(join(backups, `${accountStack}.after.json`), plan.source);
    for (const { target, deployment } of plan.destinations) {
        if (destinations[target.stack]) {
            writePrivate(join(backups, `${target.stack}.before.json`), destinations[target.stack]);
        }
        writePrivate(join(backups, `${target.stack}.after.json`), deployment);
    }
    io.out(
        `backups (secrets stay encrypted): ${backups}/<stack>.before.json; the states to import: <stack>.after.json`,
    );
    for (const { target } of plan.destinations.filter((d) => !existing.has(d.target.stack))) {
        await states.create(target.stack);
        io.out(`created stack ${target.stack}`);
    }
    // Locked meanwhile? Checked again right before the first write.
    await refuseLocked(states, [accountStack, ...plan.destinations.map((d) => d.target.stack)], project);
    const status = await importPlan(plan, accountStack, backups, io);
    if (status === 0) {
        io.out(
            `moved ${plan.destinations.reduce((n, d) => n + d.report.moved.length, 0)} resource(s); next: container-insights fleet up --env ${args.environment} --yes (with the same --groups)`,
        );
    }
    return status;
}
