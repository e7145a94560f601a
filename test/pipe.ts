/**
 * Runs a Node process as a shell pipeline would (`cmd | jq`): stdout is a real pipe, read to its end by a reader that
 * stops for a moment after the first bytes, so whatever the child writes beyond what the pipe holds (64 KiB on Linux)
 * must wait for the reader. A child that exits without letting its output drain loses the rest, and the test sees it.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";

export const ROOT = join(__dirname, "..");

export interface PipeResult {
    code: number | null;
    stdout: Buffer;
    stderr: string;
}

/** How long the reader stops after the first bytes: a slow consumer, not a time limit. */
const READER_DELAY_MS = 300;

export function runThroughPipe(args: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}) {
    return new Promise<PipeResult>((resolve, reject) => {
        const child = spawn(process.execPath, args, {
            cwd: ROOT,
            env: options.env ?? process.env,
            stdio: ["pipe", "pipe", "pipe"],
        });
        const chunks: Buffer[] = [];
        let stderr = "";
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
        let first = true;
        child.stdout.on("data", (chunk: Buffer) => {
            chunks.push(chunk);
            if (first) {
                first = false;
                child.stdout.pause();
                setTimeout(() => child.stdout.resume(), READER_DELAY_MS);
            }
        });
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout: Buffer.concat(chunks), stderr }));
        child.stdin.end(options.stdin ?? "");
    });
}

/** Node with the project's TypeScript loader, as `npm run policy-check` and the bin script run it. */
export const TS_NODE = ["-r", "ts-node/register/transpile-only"];
