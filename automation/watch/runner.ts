/**
 * The service's `up`: runStack with the policy pack, through a StackQueue (one operation per stack at a time), and
 * the Automation API's `stack.cancel()` for an update that does not stop.
 *
 * How a running update stops (read in @pulumi/pulumi automation/cmd.js and pulumi/pulumi's cancellation scope):
 * aborting the AbortSignal sends SIGINT to the `pulumi up` child; its first SIGINT cancels gracefully (the engine
 * finishes the steps in flight, saves the state and releases the lock), a second one terminates it. The CLI listens
 * for SIGINT only: SIGTERM kills it at once, lock held, and execa (cleanup: true) sends the child SIGTERM when this
 * process exits. So the service never exits with an update running unless `stack.cancel()` (`pulumi cancel`:
 * on a DIY backend it deletes the stack's lock files, on Pulumi Cloud it cancels the update) has cleared the lock.
 */
import { StackQueue } from "../queue";
import { RunRequest } from "../request";
import { RunOptions, RunResult, runStack } from "../runStack";
import { OpenedStack, StackHandle, WorkspaceOptions, openLocalStack } from "../workspace";
import type { UpRunner } from "./service";

export interface RunnerOptions extends Omit<RunOptions, "signal" | "openStack" | "queue"> {
    queue?: StackQueue;
    openStack?: (stackName: string, options: WorkspaceOptions) => Promise<OpenedStack>;
    /** runStack itself; tests pass a fake. */
    run?: (request: RunRequest, options: RunOptions) => Promise<RunResult>;
}

export function stackRunner(request: Omit<RunRequest, "action">, options: RunnerOptions = {}): UpRunner {
    const queue = options.queue ?? new StackQueue();
    const open = options.openStack ?? openLocalStack;
    const run = options.run ?? runStack;
    let stack: StackHandle | undefined;
    const openStack = async (name: string, workspace: WorkspaceOptions) => {
        const opened = await open(name, workspace);
        stack = opened.stack;
        return opened;
    };
    const { queue: _q, openStack: _o, run: _r, ...runOptions } = options;
    return {
        up: (signal) => run({ ...request, action: "up" }, { ...runOptions, signal, queue, openStack }),
        cancel: async () => {
            if (!stack) {
                throw new Error("no stack was opened: nothing to cancel");
            }
            await stack.cancel();
        },
    };
}
