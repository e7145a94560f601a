/**
 * `npm run configure -- <stack>` (= `npx container-insights configure <stack>`): selects or creates the stack on the
 * same backend `npm run up` uses, asks for roleName, the platform token, the external id (with autoUpdate) and the
 * Datadog API key (with agent.install), and stores them with
 * `pulumi config set`. Secrets are read without echo and reach the Pulumi CLI on its stdin (with a non-terminal
 * stdin, `pulumi config set KEY` reads the value from it), never in an argument, an environment variable or a log.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_KEYS, fullKey, stackNameProblem } from "../config";
import { resolveIdentityMode } from "../config/parse";
import { readStackConfig } from "../scripts/stackConfig";
import { EnvironmentError, UsageError, UsageProblems, environmentFlag, parseFlags } from "./cliArgs";
import { didYouMean } from "../config/suggest";
import { fileBackendDirectory, fileBackendUrl } from "./fileBackend";
import { findPulumiCli } from "./pulumiCli";
import { Ask, Prompter } from "./prompt";
import { PROJECT_DIR } from "./workspace";
import type { CommandIo } from "./commandIo";

export interface PulumiRun {
    code: number;
    stdout: string;
    stderr: string;
}

/** Runs the Pulumi CLI in the project directory; `stdin` is written to it and closed. */
export type RunPulumi = (
    args: string[],
    options: { env: NodeJS.ProcessEnv; stdin?: string; cwd?: string },
) => Promise<PulumiRun>;

export interface ConfigureIo extends CommandIo {
    ask?: Ask;
    pulumi?: RunPulumi;
    /** Finds the Pulumi CLI (throws PulumiCliMissingError); default: the first `pulumi` on PATH. */
    findCli?: () => string;
    projectDir?: string;
}

export const runPulumiCli: RunPulumi = (args, options) =>
    new Promise((resolve) => {
        // stdin is a pipe only for a value to hand over: a command that reads nothing gets none, so it never holds a
        // write that fails when it exits first (EPIPE).
        const stdin = options.stdin === undefined ? "ignore" : "pipe";
        const child = spawn("pulumi", args, {
            cwd: options.cwd ?? PROJECT_DIR,
            env: options.env,
            stdio: [stdin, "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout!.on("data", (chunk) => (stdout += chunk));
        child.stderr!.on("data", (chunk) => (stderr += chunk));
        child.on("error", (error: NodeJS.ErrnoException) =>
            resolve({
                code: 127,
                stdout,
                stderr:
                    error.code === "ENOENT"
                        ? "the Pulumi CLI is not on PATH: install it (https://www.pulumi.com/docs/install/)"
                        : error.message,
            }),
        );
        child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
        if (child.stdin) {
            // A CLI that exits without reading its input reports why through its exit code and stderr.
            child.stdin.on("error", () => undefined);
            child.stdin.end(options.stdin);
        }
    });

function knownStacks(projectDir: string): string[] {
    return readdirSync(join(projectDir, "stacks"))
        .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
        .filter((name): name is string => name !== undefined);
}

/**
 * The backend `npm run up` would use (scripts/deploy.sh): PULUMI_BACKEND_URL, the one the CLI is logged in to, or the
 * local file backend in .pulumi-state/. A file backend needs the passphrase before anything is written.
 */
async function backendEnv(io: ConfigureIo, pulumi: RunPulumi, projectDir: string): Promise<NodeJS.ProcessEnv> {
    let env = io.env;
    if (!env.PULUMI_BACKEND_URL && (await pulumi(["whoami"], { env })).code !== 0) {
        const directory = join(projectDir, ".pulumi-state");
        env = { ...env, PULUMI_BACKEND_URL: fileBackendUrl(directory) };
        io.out("no Pulumi backend configured: using the local file backend in .pulumi-state/ (as npm run up does)");
    }
    if (env.PULUMI_BACKEND_URL?.startsWith("file://")) {
        if (!env.PULUMI_CONFIG_PASSPHRASE && !env.PULUMI_CONFIG_PASSPHRASE_FILE) {
            throw new EnvironmentError(
                "PULUMI_CONFIG_PASSPHRASE is not set: a file backend encrypts the stack's secrets with a passphrase: export PULUMI_CONFIG_PASSPHRASE (or " +
                    "PULUMI_CONFIG_PASSPHRASE_FILE) in this shell first; npm run up needs the same one",
            );
        }
        mkdirSync(fileBackendDirectory(env.PULUMI_BACKEND_URL), { recursive: true });
    }
    return env;
}

function checkValue(key: string, value: string): string | undefined {
    const spec = CONFIG_KEYS.find((s) => s.key === key)!;
    const pattern = spec.schema.pattern as string | undefined;
    if (value.trim() === "") {
        return `${key} cannot be empty`;
    }
    if (pattern && !new RegExp(pattern).test(value)) {
        return `${key}: ${spec.secret ? "that value" : JSON.stringify(value)} is not allowed; allowed: ${spec.allowed}`;
    }
    return undefined;
}

/** Asks until the answer is valid (three tries); undefined when the input ended. */
async function askValid(
    io: ConfigureIo,
    ask: Ask,
    key: string,
    question: string,
    muted: boolean,
): Promise<string | undefined> {
    for (let attempt = 0; attempt < 3; attempt++) {
        const answer = await ask(question, { muted });
        if (answer === undefined) {
            return undefined;
        }
        const problem = checkValue(key, answer.trim());
        if (!problem) {
            return answer.trim();
        }
        io.err(problem);
    }
    throw new UsageError(`no valid ${key} after three tries`, "configure");
}

export async function runConfigure(args: string[], io: ConfigureIo): Promise<number> {
    const projectDir = io.projectDir ?? PROJECT_DIR;
    const problems = new UsageProblems("configure");
    const flags = parseFlags("configure", args, { values: ["env", "stack"] }, problems);
    const environment =
        flags.values.env === undefined
            ? undefined
            : problems.check(() => environmentFlag("configure", flags.values.env));
    // The stack: --stack, or the positional name (`configure prod`), or --env's stack.
    const named = [flags.values.stack, ...flags.positionals].filter((name): name is string => name !== undefined);
    const stack = named[0] ?? environment;
    if (named.length > 1) {
        problems.add(`name one stack, not ${named.join(" and ")}`);
    } else if (stack === undefined && flags.values.env === undefined) {
        problems.add(`name one stack: --env ${knownStacks(projectDir).join(" or --env ")} (or --stack NAME)`);
    }
    const nameProblem = stack === undefined ? undefined : stackNameProblem(stack);
    if (nameProblem) {
        problems.add(nameProblem);
    } else if (stack !== undefined && !existsSync(join(projectDir, "stacks", `Pulumi.${stack}.yaml`))) {
        problems.add(
            `no stack file stacks/Pulumi.${stack}.yaml${didYouMean(stack, knownStacks(projectDir))}; known stacks: ${knownStacks(projectDir).join(", ")}`,
        );
    }
    problems.throwIfAny();
    if (stack === undefined) {
        throw new UsageError("name one stack", "configure");
    }
    // The Pulumi CLI before anything else: without it nothing can be stored, so nothing is asked.
    (io.findCli ?? (io.pulumi ? () => "pulumi" : () => findPulumiCli(undefined, io.env.PATH ?? "")))();
    const pulumi = io.pulumi ?? runPulumiCli;
    const env = await backendEnv(io, pulumi, projectDir);
    const step = async (what: string, pulumiArgs: string[], stdin?: string): Promise<boolean> => {
        const result = await pulumi(pulumiArgs, { env, stdin, cwd: projectDir });
        if (result.code !== 0) {
            io.err(`container-insights: ${what} failed: ${result.stderr.trim() || result.stdout.trim()}`);
            return false;
        }
        return true;
    };
    if (!(await step(`pulumi stack select --create ${stack}`, ["stack", "select", "--create", stack]))) {
        return 1;
    }
    const { raw } = readStackConfig(stack, projectDir);
    const autoUpdate = raw.autoUpdate !== "false";
    const installsAgent =
        (JSON.parse(raw.agent ?? "{}") as { install?: boolean | string }).install?.toString() !== "false";

    const prompter = io.ask ? undefined : new Prompter(process.stdin, process.stdout);
    const ask = io.ask ?? prompter!.ask;
    try {
        const answers: Array<{ key: string; value: string; secret: boolean }> = [];
        const questions = [
            { key: "roleName", question: "Name of the platform's integration IAM role (roleName): ", secret: false },
            ...(resolveIdentityMode(raw) === "iamUser"
                ? []
                : [{ key: "token", question: "Platform API token (not shown): ", secret: true }]),
            ...(autoUpdate
                ? [{ key: "externalId", question: "External id for the auto-update role (not shown): ", secret: true }]
                : []),
            ...(installsAgent
                ? [
                      {
                          key: "datadogApiKey",
                          question: "Datadog API key issued by the platform (not shown): ",
                          secret: true,
                      },
                  ]
                : []),
        ];
        for (const { key, question, secret } of questions) {
            const value = await askValid(io, ask, key, question, secret);
            if (value === undefined) {
                throw new UsageError(`the input ended before ${key} was given`, "configure");
            }
            answers.push({ key, value, secret });
        }
        for (const { key, value, secret } of answers) {
            const pulumiArgs = secret
                ? ["config", "set", "--stack", stack, "--secret", fullKey(key)]
                : ["config", "set", "--stack", stack, fullKey(key), value];
            if (!(await step(`pulumi config set ${fullKey(key)}`, pulumiArgs, secret ? `${value}\n` : undefined))) {
                return 1;
            }
            io.out(`set ${fullKey(key)}${secret ? " (secret)" : ""}`);
        }
    } finally {
        prompter?.close();
    }
    io.out(
        [
            `stack ${stack} is configured. Next:`,
            `  npm run --silent permissions -- ${stack}     # the policy the deploying identity needs`,
            `  npm run up -- ${stack}`,
        ].join("\n"),
    );
    return 0;
}
