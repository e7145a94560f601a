import { Clock } from "../lambda/reconciler/timing";

/**
 * Simulated time for a program whose only waits are `sleep`s on this clock: whenever every promise has settled
 * (one macrotask turn), the clock jumps to the earliest pending wake-up. Latencies and rate limits then cost no
 * real time, and the figures do not depend on how busy the machine is.
 */
export class VirtualClock implements Clock {
    private time = 0;
    private sequence = 0;
    private timers: Array<{ at: number; seq: number; wake: () => void }> = [];

    now(): number {
        return this.time;
    }

    sleep(ms: number): Promise<void> {
        return new Promise((wake) => this.timers.push({ at: this.time + Math.max(0, ms), seq: this.sequence++, wake }));
    }

    async run<T>(work: Promise<T>): Promise<T> {
        let done = false;
        work.then(
            () => (done = true),
            () => (done = true),
        );
        while (!done) {
            await new Promise((resolve) => setImmediate(resolve));
            if (done || this.timers.length === 0) {
                continue;
            }
            this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
            const at = this.timers[0].at;
            this.time = at;
            while (this.timers.length > 0 && this.timers[0].at === at) {
                this.timers.shift()!.wake();
            }
        }
        return work;
    }
}
