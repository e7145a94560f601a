/**
 * The migration's I/O with the Pulumi CLI: whether a stack exists or is locked, creating one, and its state exported
 * (ciphertext secrets: no --show-secrets, unlike the Automation API's exportStack) and imported (`pulumi stack import`,
 * which checks the engine's snapshot integrity and, on a file backend, takes the stack's lock).
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileBackendDirectory } from "../../fileBackend";
import { findPulumiCli } from "../../pulumiCli";
import { Backend, PROJECT_DIR, backendEnvironment } from "../../workspace";
import { Deployment } from "./deployment";

export interface StackStates {
    exists(stack: string): Promise<boolean>;
    create(stack: string): Promise<void>;
    export(stack: string): Promise<Deployment>;
    import(stack: string, file: string): Promise<void>;
    /** Who holds the stack's lock or runs an update on it; undefined when nobody does. */
    lockedBy(stack: string, project: string): Promise<string | undefined>;
}

export interface CliStackStatesOptions {
    projectDir?: string;
    backend: Backend;
    pulumiHome?: string;
    envVars?: Record<string, string>;
}

interface StackSummary {
    name: string;
    updateInProgress?: boolean;
}

/** A DIY backend's lock files of a stack (pkg/backend/diy/lock.go: .pulumi/locks/<org>/<project>/<stack>/). */
function fileBackendLock(directory: string, project: string, stack: string): string | undefined {
    const locks = join(directory, ".pulumi", "locks", "organization", project, stack);
    const files = existsSync(locks) ? readdirSync(locks).filter((f) => f.endsWith(".json")) : [];
    if (files.length === 0) {
        return undefined;
    }
    try {
        const lock = JSON.parse(readFileSync(join(locks, files[0]), "utf8"));
        return `${lock.username}@${lock.hostname} (pid ${lock.pid}) since ${lock.timestamp}`;
    } catch {
        return join(locks, files[0]);
    }
}

export function cliStackStates(options: CliStackStatesOptions): StackStates {
    const projectDir = resolve(options.projectDir ?? PROJECT_DIR);
    const cli = findPulumiCli(options.pulumiHome);
    const env = { ...process.env, ...options.envVars, ...backendEnvironment(options, projectDir).envVars };
    const pulumi = (args: string[]) =>
        new Promise<string>((done, fail) => {
            execFile(
                cli,
                [...args, "--non-interactive"],
                { cwd: projectDir, env, maxBuffer: 1 << 30 },
                (error, stdout, stderr) =>
                    error
                        ? fail(new Error(`pulumi ${args.slice(0, 2).join(" ")} failed: ${String(stderr).trim()}`))
                        : done(String(stdout)),
            );
        });
    const summaries = async (): Promise<StackSummary[]> => JSON.parse(await pulumi(["stack", "ls", "--json"]));
    const named = (summary: StackSummary, stack: string) =>
        summary.name === stack || summary.name.endsWith(`/${stack}`);
    return {
        exists: async (stack) => (await summaries()).some((s) => named(s, stack)),
        create: async (stack) => void (await pulumi(["stack", "init", stack])),
        export: async (stack) => JSON.parse(await pulumi(["stack", "export", "--stack", stack])),
        import: async (stack, file) => void (await pulumi(["stack", "import", "--stack", stack, "--file", file])),
        lockedBy: async (stack, project) => {
            const url: string = JSON.parse(await pulumi(["whoami", "--json"])).url ?? "";
            if (url.startsWith("file://")) {
                return fileBackendLock(fileBackendDirectory(url), project, stack);
            }
            const summary = (await summaries()).find((s) => named(s, stack));
            return summary?.updateInProgress ? "an update in progress" : undefined;
        },
    };
}
