/** Opening a stack through LocalWorkspace: the project directory (or an inline program) and its state backend. */
import { LocalWorkspace, PulumiCommand, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { InvalidRequestError } from "./errors";
import { fileBackendUrl } from "./fileBackend";
import { cliConfigFiles, ConfigFiles } from "./operationConfig";
import { findPulumiCli } from "./pulumiCli";
import { PACKAGE_ROOT } from "../common/packageRoot";

/** The project's root: where Pulumi.yaml and policies/ are. */
export const PROJECT_DIR = PACKAGE_ROOT;

/** The subset of a Pulumi Stack that runStack uses (tests supply their own). */
export type StackHandle = Pick<
    Stack,
    | "name"
    | "getAllConfig"
    | "setAllConfig"
    | "removeAllConfig"
    | "preview"
    | "up"
    | "refresh"
    | "destroy"
    | "outputs"
    | "cancel"
>;

export type Backend = "configured" | { stateDirectory: string };

export interface WorkspaceOptions {
    /** Where Pulumi.yaml lives; default: this package's root. */
    projectDir?: string;
    /** An inline program instead of the project's (tools, the integration test): same queue, events and errors. */
    program?: { projectName: string; run: PulumiFn };
    /** Default: a local file backend in `<projectDir>/.pulumi-state` (no Pulumi Cloud account needed). */
    backend?: Backend;
    /** Encrypts a file backend's secrets; default: PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE. */
    passphrase?: string;
    /** A Pulumi installation to use instead of the `pulumi` on PATH. */
    pulumiHome?: string;
    /** More environment for the CLI and the program (a member account's credentials in a fleet). */
    envVars?: Record<string, string>;
}

export interface OpenedStack {
    stack: StackHandle;
    /** Identifies the backend, so one stack name on two backends does not share a queue. */
    backendKey: string;
    /** The stack's config file and the CLI's `config set-all` on a copy of it (runStack's per-operation config). */
    configFiles: ConfigFiles;
    /** The names of the project's stacks in the same backend (`pulumi stack ls`), without an organization prefix. */
    listStacks?: () => Promise<string[]>;
}

/** Whether the Pulumi CLI on PATH is logged in to a backend (`pulumi whoami` succeeds). */
export function pulumiLoggedIn(env: NodeJS.ProcessEnv): boolean {
    return spawnSync("pulumi", ["whoami"], { env, stdio: "ignore" }).status === 0;
}

/**
 * The backend `npm run up` uses (scripts/deploy.sh), the one rule for every command: PULUMI_BACKEND_URL when set, else
 * the backend the CLI is logged in to (`pulumi login`), else the local file backend in `<projectDir>/.pulumi-state`.
 */
export function resolveBackend(
    env: NodeJS.ProcessEnv,
    projectDir: string = PROJECT_DIR,
    loggedIn: (env: NodeJS.ProcessEnv) => boolean = pulumiLoggedIn,
): Backend {
    if (env.PULUMI_BACKEND_URL || loggedIn(env)) {
        return "configured";
    }
    return { stateDirectory: resolve(projectDir, ".pulumi-state") };
}

/** The environment that points the CLI at the workspace's backend, and a key that names that backend. */
export function backendEnvironment(
    options: WorkspaceOptions,
    projectDir: string,
): { envVars: Record<string, string>; backendKey: string } {
    const backend = options.backend ?? { stateDirectory: resolve(projectDir, ".pulumi-state") };
    if (backend === "configured") {
        return {
            envVars: options.passphrase ? { PULUMI_CONFIG_PASSPHRASE: options.passphrase } : {},
            backendKey: process.env.PULUMI_BACKEND_URL ?? "configured",
        };
    }
    const passphrase = options.passphrase ?? process.env.PULUMI_CONFIG_PASSPHRASE;
    if (passphrase === undefined && !process.env.PULUMI_CONFIG_PASSPHRASE_FILE) {
        throw new InvalidRequestError([
            "a local file backend encrypts stack secrets with a passphrase: pass options.passphrase or set PULUMI_CONFIG_PASSPHRASE",
        ]);
    }
    const directory = resolve(backend.stateDirectory);
    mkdirSync(directory, { recursive: true });
    const url = fileBackendUrl(directory);
    return {
        envVars: {
            PULUMI_BACKEND_URL: url,
            ...(passphrase !== undefined ? { PULUMI_CONFIG_PASSPHRASE: passphrase } : {}),
        },
        backendKey: url,
    };
}

/** Opens the stack, creating it unless `existingOnly` (read-only tools such as `status` must not create stacks). */
export async function openLocalStack(
    stackName: string,
    options: WorkspaceOptions & { existingOnly?: boolean },
): Promise<OpenedStack> {
    const projectDir = resolve(options.projectDir ?? PROJECT_DIR);
    const cli = findPulumiCli(options.pulumiHome);
    const backendEnv = backendEnvironment(options, projectDir);
    const envVars = { ...options.envVars, ...backendEnv.envVars };
    const { backendKey } = backendEnv;
    const pulumiCommand = await PulumiCommand.get({ root: dirname(dirname(cli)) });
    const stack = options.program
        ? await LocalWorkspace.createOrSelectStack(
              { stackName, projectName: options.program.projectName, program: options.program.run },
              { envVars, pulumiCommand, ...(options.projectDir ? { workDir: projectDir } : {}) },
          )
        : options.existingOnly
          ? await LocalWorkspace.selectStack({ stackName, workDir: projectDir }, { envVars, pulumiCommand })
          : await LocalWorkspace.createOrSelectStack({ stackName, workDir: projectDir }, { envVars, pulumiCommand });
    const workDir = stack.workspace.workDir;
    return {
        stack,
        backendKey,
        configFiles: cliConfigFiles(cli, workDir, stack.name, envVars),
        listStacks: async () => (await stack.workspace.listStacks()).map((s) => s.name.split("/").pop()!),
    };
}
