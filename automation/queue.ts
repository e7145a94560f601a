/** One operation at a time per stack; different stacks run side by side. */
export class StackQueue {
    private readonly tails = new Map<string, Promise<unknown>>();

    /** Runs `task` after every earlier task for `key` has settled (whether it succeeded or failed). */
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
        const previous = this.tails.get(key) ?? Promise.resolve();
        const result = previous.then(task, task);
        const tail = result.catch(() => undefined);
        this.tails.set(key, tail);
        void tail.then(() => {
            if (this.tails.get(key) === tail) {
                this.tails.delete(key);
            }
        });
        return result;
    }

    /** Stacks with an operation running or waiting. */
    get busy(): string[] {
        return [...this.tails.keys()];
    }
}
