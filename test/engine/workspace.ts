/**
 * The engine tier's workspace: a fresh copy of the checkout (the files git tracks, node_modules linked), as a user
 * who cloned the repository has it, and the real Pulumi CLI run in it on a temporary file backend.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve as resolvePath } from "node:path";
import { engineEnv } from "../../engine/env";
import { ROOT, engineMissing } from "../../engine/paths";

export interface CommandResult {
    status: number;
    stdout: string;
    stderr: string;
    /** It ran past `timeoutMs` and was stopped (SIGTERM, which the Pulumi CLI answers by cancelling, exit 1). */
    timedOut?: boolean;
}

/** Skips the calling suite, with one line, when the tier's pieces are not built here. */
export function requireEngine(context: Mocha.Context): void {
    const missing = engineMissing();
    if (missing) {
        console.log(`      engine tier skipped: ${missing}`);
        context.skip();
    }
}

export class Workspace {
    readonly dir: string;
    readonly stateDir: string;
    /** Extra environment of every command (the AWS emulator's endpoints and credentials). */
    env: Record<string, string> = {};

    constructor(readonly label: string) {
        const base = mkdtempSync(join(tmpdir(), `engine-${label}-`));
        this.dir = join(base, "checkout");
        this.stateDir = join(base, "state");
        mkdirSync(this.stateDir);
        const tracked = spawnSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" });
        if (tracked.status !== 0) {
            throw new Error(`git ls-files failed in ${ROOT}: ${tracked.stderr}`);
        }
        for (const file of tracked.stdout.split("\0").filter((f) => f !== "" && existsSync(join(ROOT, f)))) {
            mkdirSync(dirname(join(this.dir, file)), { recursive: true });
            cpSync(join(ROOT, file), join(this.dir, file));
        }
        symlinkSync(join(ROOT, "node_modules"), join(this.dir, "node_modules"));
        if (existsSync(join(ROOT, "policies", "node_modules"))) {
            symlinkSync(join(ROOT, "policies", "node_modules"), join(this.dir, "policies", "node_modules"));
        }
    }

    /** The environment of a command run in `program` (a project directory; the checkout's own by default). */
    environment(extra: Record<string, string> = {}, program = this.dir): NodeJS.ProcessEnv {
        return { ...engineEnv({ stateDir: this.stateDir, aws: this.env, program }), ...extra };
    }

    /** Runs a command in the checkout with the tier's environment; standard input from `input`. */
    run(
        command: string,
        args: string[],
        options: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {},
    ) {
        return new Promise<CommandResult>((resolve, reject) => {
            const cwdFlag = args.indexOf("--cwd");
            const program = cwdFlag >= 0 ? resolvePath(this.dir, args[cwdFlag + 1]) : this.dir;
            const child = spawn(command, args, { cwd: this.dir, env: this.environment(options.env, program) });
            let timedOut = false;
            const timer = options.timeoutMs
                ? setTimeout(() => {
                      timedOut = true;
                      child.kill("SIGTERM");
                  }, options.timeoutMs)
                : undefined;
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (chunk) => (stdout += chunk));
            child.stderr.on("data", (chunk) => (stderr += chunk));
            child.on("error", reject);
            child.on("close", (code) => {
                clearTimeout(timer);
                resolve({ status: code ?? 1, stdout, stderr, ...(timedOut ? { timedOut } : {}) });
            });
            child.stdin.end(options.input ?? "");
        });
    }

    /** `pulumi <args>`; fails the test with the CLI's own output unless `allowFailure`. */
    async pulumi(
        args: string[],
        options: { input?: string; allowFailure?: boolean; env?: Record<string, string> } = {},
    ) {
        const result = await this.run("pulumi", [...args, "--non-interactive"], options);
        if (result.status !== 0 && !options.allowFailure) {
            throw new Error(`pulumi ${args.join(" ")} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
        }
        return result;
    }

    /** The stack's checkpoint as the file backend stores it (what a secret must never appear in as plaintext). */
    stateFile(project: string, stack: string): string {
        const path = join(this.stateDir, ".pulumi", "stacks", project, `${stack}.json`);
        return readFileSync(path, "utf8");
    }

    remove(): void {
        rmSync(dirname(this.dir), { recursive: true, force: true });
    }
}
