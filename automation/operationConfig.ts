/**
 * The config one operation runs with: a private copy of the stack's config file with the request's values set on it
 * by the CLI itself (`pulumi config set-all --config-file <copy> --path`), handed to the engine as `--config-file`.
 * The stack's own file is never touched, so a crash, a cancel or a failure mid-operation leaves no request value
 * (secrets included) in it.
 */
import { execFile } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import * as YAML from "yaml";
import type { StackConfigValue } from "./request";

/** Writes config files the way the CLI does; openLocalStack's runs the CLI, tests replay it. */
export interface ConfigFiles {
    /** The stack's own config file (`<projectDir>/<stackConfigDir>/Pulumi.<stack>.yaml`); it may not exist yet. */
    stackFile: string;
    /**
     * `pulumi config set-all --config-file <file> --stack <stack> --path --secret|--plaintext k=v…`: sets the values in
     * `file`, secrets encrypted by the stack's secrets provider (the `encryptionsalt`/`encryptedkey` copied with it).
     */
    setAll(file: string, config: Record<string, StackConfigValue>): Promise<void>;
}

/** The stack's config file as the CLI finds it (workspace.DetectProjectStackPath): Pulumi.yaml's stackConfigDir. */
export function stackConfigPath(workDir: string, stackName: string): string {
    const projectFile = join(workDir, "Pulumi.yaml");
    const project = existsSync(projectFile)
        ? (YAML.parse(readFileSync(projectFile, "utf8")) as { stackConfigDir?: string } | null)
        : null;
    // A fully qualified name (org/project/stack) names its file by the stack's own name.
    const name = stackName.split("/").pop()!;
    return resolve(workDir, project?.stackConfigDir ?? "", `Pulumi.${name}.yaml`);
}

/** The CLI's `config set-all` on another file; a failure's message never repeats the arguments (they hold secrets). */
export function cliConfigFiles(
    cli: string,
    workDir: string,
    stackName: string,
    env: Record<string, string>,
): ConfigFiles {
    return {
        stackFile: stackConfigPath(workDir, stackName),
        setAll: (file, config) => {
            const args = [
                "config",
                "set-all",
                "--config-file",
                file,
                "--stack",
                stackName,
                "--path",
                "--non-interactive",
            ];
            for (const [key, value] of Object.entries(config)) {
                args.push(value.secret ? "--secret" : "--plaintext", `${key}=${value.value}`);
            }
            return new Promise((done, fail) => {
                execFile(cli, args, { cwd: workDir, env: { ...process.env, ...env } }, (error, _stdout, stderr) => {
                    if (error) {
                        fail(
                            new Error(
                                `pulumi config set-all on the operation's config file failed (exit ${error.code ?? "?"}): ${String(stderr).trim()}`,
                            ),
                        );
                    } else {
                        done();
                    }
                });
            });
        },
    };
}

/**
 * Runs `operation` with a config file holding the stack's config plus `requested`, in a private temporary directory
 * (0700, the file 0600) that is removed afterwards, whatever the outcome.
 */
export async function withOperationConfig<T>(
    files: ConfigFiles,
    requested: Record<string, StackConfigValue>,
    operation: (configFile: string) => Promise<T>,
): Promise<T> {
    const directory = mkdtempSync(join(tmpdir(), "container-insights-config-"));
    try {
        chmodSync(directory, 0o700);
        const file = join(directory, basename(files.stackFile));
        if (existsSync(files.stackFile)) {
            copyFileSync(files.stackFile, file);
            chmodSync(file, 0o600);
        } else {
            writeFileSync(file, "", { mode: 0o600 });
        }
        await files.setAll(file, requested);
        chmodSync(file, 0o600);
        return await operation(file);
    } finally {
        rmSync(directory, { recursive: true, force: true });
    }
}
