/**
 * The service's `up`: runStack with the policy pack, through a StackQueue (one operation per stack at a time), and
 * the Automation API's `stack.cancel()` for an update that does not stop. The watched stack's `fleet.part`, read
 * before each `up`, decides what runs (targets.ts): a whole stack updates itself; a fleet's account stack updates the
 * cluster stacks of the clusters the changes name, at most `concurrency` at once, each as `fleet up` would.
 *
 * How a running update stops (read in @pulumi/pulumi automation/cmd.js and pulumi/pulumi's cancellation scope):
 * aborting the AbortSignal sends SIGINT to the `pulumi up` child; its first SIGINT cancels gracefully (the engine
 * finishes the steps in flight, saves the state and releases the lock), a second one terminates it. The CLI listens
 * for SIGINT only: SIGTERM kills it at once, lock held, and execa (cleanup: true) sends the child SIGTERM when this
 * process exits. So the service never exits with an update running unless `stack.cancel()` (`pulumi cancel`:
 * on a DIY backend it deletes the stack's lock files, on Pulumi Cloud it cancels the update) has cleared the lock.
 */
import { CancelledError } from "../errors";
import { runPool } from "../fleet/pool";
import { StackQueue } from "../queue";
import { ExistingConfigValue, RunRequest, configForRun, stackNameOf } from "../request";
import { RunOptions, RunResult, runStack } from "../runStack";
import { OpenedStack, StackHandle, WorkspaceOptions, openLocalStack } from "../workspace";
import type { ClusterChange } from "./messages";
import type { UpRunner } from "./service";
import { WatchLayout, upTargets } from "./targets";
import { errorMessage } from "../../common/errors";

export interface RunnerOptions extends Omit<RunOptions, "signal" | "openStack" | "queue"> {
    queue?: StackQueue;
    openStack?: (stackName: string, options: WorkspaceOptions & { existingOnly?: boolean }) => Promise<OpenedStack>;
    /** runStack itself; tests pass a fake. */
    run?: (request: RunRequest, options: RunOptions) => Promise<RunResult>;
    /** A fleet's cluster stacks updated at once for one batch of changes (default 4). */
    concurrency?: number;
}

/** A batch's `up` over a fleet's cluster stacks: the changes summed, the stacks it updated. */
export interface FleetUpResult extends RunResult {
    stacks: string[];
}

/** Some of a fleet's cluster stacks failed (each named with its error) or were not found. */
export class ClusterStacksFailedError extends Error {
    constructor(
        readonly failed: Array<{ stack: string; error: unknown }>,
        readonly missing: ClusterChange[],
        environment: string,
    ) {
        const lines = [
            ...failed.map((f) => `${f.stack}: ${errorMessage(f.error)}`),
            ...missing.map(
                (c) =>
                    `cluster ${c.clusterName} in ${c.region}: no cluster stack holds it (run \`container-insights fleet up --env ${environment.toLowerCase()}\` to deploy the fleet to ${c.region})`,
            ),
        ];
        super(`${lines.length} of the fleet's cluster stacks could not be updated:\n${lines.join("\n")}`);
        this.name = "ClusterStacksFailedError";
    }
}

const DEFAULT_CONCURRENCY = 4;

/** A stack's `fleet.part` as the program reads it: a field of the object key `fleet` (set with --path), else whole. */
export function fleetPartOf(existing: Record<string, ExistingConfigValue>): string {
    const { raw } = configForRun(existing, {});
    const fleet: unknown = raw.fleet ? JSON.parse(raw.fleet) : {};
    const part = typeof fleet === "object" && fleet !== null ? (fleet as { part?: unknown }).part : undefined;
    return typeof part === "string" ? part : "whole";
}

export function stackRunner(request: Omit<RunRequest, "action">, options: RunnerOptions = {}): UpRunner {
    const queue = options.queue ?? new StackQueue();
    const open = options.openStack ?? openLocalStack;
    const run = options.run ?? runStack;
    const { queue: _q, openStack: _o, run: _r, concurrency, ...runOptions } = options;
    const watched = stackNameOf({ ...request, action: "up" });
    /** The stacks the latest `up` opened: what `cancel` clears. */
    let opened: StackHandle[] = [];
    const openStack = async (name: string, workspace: WorkspaceOptions) => {
        const result = await open(name, workspace);
        opened.push(result.stack);
        return result;
    };
    const upOne = (stackName: string, signal: AbortSignal) =>
        run({ ...request, stackName, action: "up" }, { ...runOptions, signal, queue, openStack });

    async function layout(): Promise<WatchLayout> {
        const { stack, listStacks } = await open(watched, { ...runOptions, existingOnly: true });
        const part = fleetPartOf(await stack.getAllConfig());
        return { part, stacks: part === "account" && listStacks ? await listStacks() : [] };
    }

    async function upFleet(stacks: string[], missing: ClusterChange[], signal: AbortSignal): Promise<FleetUpResult> {
        const results = await runPool(
            stacks.map((stack) => ({
                key: stack,
                run: async () => ({ outcome: "succeeded" as const, value: await upOne(stack, signal) }),
            })),
            { concurrency: concurrency ?? DEFAULT_CONCURRENCY, signal },
        );
        if (signal.aborted) {
            throw results.find((r) => r.error instanceof CancelledError)?.error ?? new CancelledError(watched);
        }
        const failed = results.filter((r) => r.outcome === "failed").map((r) => ({ stack: r.key, error: r.error }));
        if (failed.length > 0 || missing.length > 0) {
            throw new ClusterStacksFailedError(failed, missing, request.environment);
        }
        const done = results.map((r) => r.value!);
        const changes: Record<string, number> = {};
        for (const result of done) {
            for (const [op, count] of Object.entries(result.changes)) {
                changes[op] = (changes[op] ?? 0) + (count ?? 0);
            }
        }
        return {
            action: "up",
            stackName: watched,
            environment: done[0]?.environment ?? request.environment,
            changes,
            outputs: {},
            policyViolations: done.flatMap((r) => r.policyViolations),
            stacks,
        };
    }

    return {
        up: async (signal, changes = []) => {
            opened = [];
            const { stacks, missing } = upTargets(watched, await layout(), changes);
            if (stacks.length === 1 && stacks[0] === watched) {
                return upOne(watched, signal);
            }
            return upFleet(stacks, missing, signal);
        },
        cancel: async () => {
            if (opened.length === 0) {
                throw new Error("no stack was opened: nothing to cancel");
            }
            await Promise.all(opened.map((stack) => stack.cancel()));
        },
    };
}
