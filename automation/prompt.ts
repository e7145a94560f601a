/** Questions on the terminal, with answers to secret questions never echoed. */
import { createInterface, Interface } from "node:readline";
import { Writable } from "node:stream";

export type Ask = (question: string, options?: { muted?: boolean }) => Promise<string | undefined>;

/**
 * One readline interface over the whole input (so piped answers are not lost between questions), whose echo goes
 * through a sink that drops everything while a secret is typed. The question itself is written straight to the
 * output. Resolves undefined when the input ends.
 */
export class Prompter {
    private muted = false;
    private readonly rl: Interface;
    private readonly lines: AsyncIterator<string>;

    constructor(
        input: NodeJS.ReadableStream & { isTTY?: boolean },
        private readonly output: NodeJS.WritableStream,
    ) {
        const echo = new Writable({
            write: (chunk, _encoding, callback) => {
                if (!this.muted) {
                    output.write(chunk);
                }
                callback();
            },
        });
        this.rl = createInterface({ input, output: echo, terminal: input.isTTY === true });
        this.lines = this.rl[Symbol.asyncIterator]();
    }

    readonly ask: Ask = async (question, options = {}) => {
        this.output.write(question);
        this.muted = options.muted === true;
        try {
            const next = await this.lines.next();
            return next.done ? undefined : next.value;
        } finally {
            if (this.muted) {
                this.output.write("\n");
            }
            this.muted = false;
        }
    };

    close(): void {
        this.rl.close();
    }
}
