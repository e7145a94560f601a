/**
 * The offline policy check, for CI without cloud credentials:
 *   npm run --silent policy-check -- [--json] [--config <policy-config.json>] <path>...
 * Exit 0: no mandatory violation; 1: at least one; 2: bad arguments, or input that cannot be read or parsed.
 */
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { parseAllDocuments } from "yaml";
import { policies } from "../policies";
import { checkResources, PolicyRunError } from "./engine";
import { readInputs } from "./inputs";
import { effectiveConfig } from "./policyConfig";
import { humanReport, jsonReport } from "./report";
import { InputError, readProblem } from "./types";
import { errorMessage } from "../lib/objects";
import { parseFlags, UsageError, USAGE_EXIT_CODE, usageMessage, wantsHelp } from "../lib/cliArgs";
import { exitWhenFlushed } from "../lib/exit";

export { UsageError } from "../lib/cliArgs";

export const USAGE =
    "usage: npm run --silent policy-check -- [--json] [--config <policy-config.json>] <path>... (a path may be - for stdin)";

export const HELP = [
    USAGE,
    "",
    "Runs the policy pack's rules on Kubernetes YAML (multi-document, List objects expanded), a directory of",
    ".yaml/.yml/.json files (recursive), a `pulumi stack export` JSON file, or - for stdin. No cloud credentials.",
    "",
    "options:",
    "  --json           print one JSON object: {violations: [{policy, resource, message, level}], checked}",
    "  --config FILE    the pack's config, as for --policy-pack-config (enforcement levels, exceptions, registries)",
    "  --help, -h, help this text",
    "",
    "exit codes: 0 no mandatory violation; 1 at least one mandatory violation; 2 bad arguments, or input that cannot",
    "be read or parsed (one line on stderr names the file and the reason; nothing on stdout).",
].join("\n");

export interface CliArguments {
    json: boolean;
    configFile?: string;
    paths: string[];
}

export function parseArguments(argv: string[]): CliArguments {
    const flags = parseFlags(undefined, argv, {
        values: ["config"],
        switches: { json: undefined },
        hints: { config: "a file" },
    });
    if (flags.positionals.length === 0) {
        throw new UsageError("name at least one file, directory or -");
    }
    return {
        json: flags.switches.has("json"),
        ...(flags.values.config === undefined ? {} : { configFile: flags.values.config }),
        paths: flags.positionals,
    };
}

/** The pack's config file: JSON when its name ends in .json (JSON's own error then), else one YAML document. */
function readConfig(file: string | undefined): unknown {
    if (file === undefined) {
        return undefined;
    }
    let text: string;
    try {
        text = readFileSync(file, "utf8");
    } catch (error) {
        throw new InputError(file, readProblem(error));
    }
    if (extname(file).toLowerCase() === ".json") {
        try {
            return JSON.parse(text);
        } catch (error) {
            throw new InputError(file, `not valid JSON: ${errorMessage(error).split("\n")[0]}`);
        }
    }
    const documents = parseAllDocuments(text);
    const broken = documents.find((document) => document.errors.length > 0);
    if (broken) {
        throw new InputError(file, `not valid YAML: ${broken.errors[0].message.split("\n")[0]}`);
    }
    if (documents.length > 1) {
        throw new InputError(
            file,
            `holds ${documents.length} YAML documents; the pack's config is one object keyed by policy name (put every policy's settings in one document)`,
        );
    }
    return documents[0]?.toJS();
}

export interface CliIo {
    stdout: (text: string) => void;
    stderr: (text: string) => void;
    readStdin?: () => string;
}

/** Runs the check and returns the exit code; everything printed goes through io. */
export async function main(argv: string[], io: CliIo): Promise<number> {
    if (wantsHelp(argv) || (argv.length === 1 && argv[0] === "help")) {
        io.stdout(`${HELP}\n`);
        return 0;
    }
    let args: CliArguments;
    try {
        args = parseArguments(argv);
    } catch (error) {
        if (!(error instanceof UsageError)) {
            throw error;
        }
        io.stderr(`${usageMessage("policy-check", error.message, USAGE)}\n`);
        return USAGE_EXIT_CODE;
    }
    try {
        const config = effectiveConfig(readConfig(args.configFile), policies, args.configFile);
        const groups = readInputs(args.paths, io.readStdin);
        const result = await checkResources(groups, policies, config);
        io.stdout(`${args.json ? jsonReport(result) : humanReport(result)}\n`);
        return result.violations.some((v) => v.level === "mandatory") ? 1 : 0;
    } catch (error) {
        // Every failure is exit 2 with one line naming what and why; never a stack trace.
        const known = error instanceof InputError || error instanceof PolicyRunError;
        io.stderr(`policy-check: ${known ? "" : "unexpected error: "}${errorMessage(error)}\n`);
        return 2;
    }
}

if (require.main === module) {
    main(process.argv.slice(2), {
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
    }).then(
        (code) => exitWhenFlushed(code),
        (error: unknown) => {
            process.stderr.write(`policy-check: unexpected error: ${errorMessage(error)}\n`);
            exitWhenFlushed(2);
        },
    );
}
