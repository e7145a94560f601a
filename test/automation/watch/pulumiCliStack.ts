/**
 * A FakeStack that replays how the Pulumi CLI behind the Automation API takes and gives back a stack's lock
 * (pulumi/pulumi's cancellation scope; @pulumi/pulumi automation/cmd.js):
 * - `up` takes the lock; a second update meanwhile fails with ConcurrentUpdateError;
 * - aborting the AbortSignal sends the child SIGINT: the engine finishes the step in flight, saves, releases the lock
 *   and the command fails ("update canceled");
 * - a step can hang (a provider that never answers): SIGINT then changes nothing and the lock stays held;
 * - `cancel()` is `pulumi cancel`: on a DIY backend it deletes the stack's lock files.
 */
import { FakeStack, commandError, lockedError } from "../fakeStack";

interface Clock {
    now(): number;
    sleep(ms: number): Promise<void>;
}

export class PulumiCliStack extends FakeStack {
    locked = false;
    running = 0;
    maxRunning = 0;
    sigints = 0;
    cancels = 0;
    /** Steps of an update and how long each takes. */
    steps = 3;
    stepMs = 60_000;
    /** The next updates' fates, in order; "ok" once the list is empty. */
    fates: Array<"ok" | "fail" | "hang"> = [];
    cancelFails = false;
    /** [start, end] of each update, end undefined while running or hung. */
    readonly ups: Array<{ start: number; end?: number; outcome?: string }> = [];

    constructor(
        name: string,
        private readonly clock: Clock,
    ) {
        super(name);
        this.script = ({ action, options }) => (action === "up" ? this.engine(options) : undefined);
    }

    private async engine(options: { signal?: AbortSignal }): Promise<void> {
        if (this.locked) {
            throw lockedError();
        }
        const fate = this.fates.shift() ?? "ok";
        this.locked = true;
        this.running++;
        this.maxRunning = Math.max(this.maxRunning, this.running);
        const up: { start: number; end?: number; outcome?: string } = { start: this.clock.now() };
        this.ups.push(up);
        let sigint = false;
        options.signal?.addEventListener("abort", () => ((sigint = true), this.sigints++), { once: true });
        for (let step = 0; step < this.steps; step++) {
            if (fate === "hang" && step === 1) {
                await new Promise(() => undefined);
            }
            await this.clock.sleep(this.stepMs);
            if (sigint) {
                this.finish(up, "canceled");
                throw commandError("error: update canceled");
            }
        }
        this.finish(up, fate);
        if (fate === "fail") {
            throw commandError("error: update failed: creating helm chart: context deadline exceeded");
        }
    }

    private finish(up: { end?: number; outcome?: string }, outcome: string) {
        up.end = this.clock.now();
        up.outcome = outcome;
        this.running--;
        this.locked = false;
    }

    async cancel(): Promise<void> {
        this.cancels++;
        if (this.cancelFails) {
            throw new Error("error: [403] Forbidden");
        }
        this.locked = false;
    }
}
