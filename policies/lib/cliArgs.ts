/**
 * The argument/usage layer shared by the project's CLIs (the operators' CLI in automation/, the pack's offline
 * checker): `--flag value`, `--flag=value`, switches, `-` as a positional (stdin), `--help`. Dependency-free so the
 * pack keeps installing and running on its own.
 */
import { didYouMean } from "./suggest";

/** Bad usage: the CLI prints the message with the usage line and exits 2 (USAGE_EXIT_CODE). */
export class UsageError extends Error {
    constructor(
        message: string,
        /** The command whose usage line goes with the message, when one was recognised. */
        readonly command?: string,
    ) {
        super(message);
        this.name = "UsageError";
    }
}

/** The exit code of bad usage, for every CLI of the project. */
export const USAGE_EXIT_CODE = 2;

export interface FlagSpec {
    /** Flags that take a value (`--env prod` or `--env=prod`), without the dashes. */
    values: readonly string[];
    /** Flags that take no value; a short alias may be given as `-y`. */
    switches?: Readonly<Record<string, string | undefined>>;
    /** What a value flag expects, shown when it is missing: `--config needs a value (a file)`. */
    hints?: Readonly<Record<string, string>>;
    /** Value flags that may be given more than once (each value kept, in order, in `repeated`). */
    repeatable?: readonly string[];
}

export interface ParsedFlags {
    values: Record<string, string>;
    /** Every value of a repeatable flag, in the order given. */
    repeated: Record<string, string[]>;
    switches: Set<string>;
    positionals: string[];
}

/** `--help` or `-h` anywhere: the CLI prints its help and exits 0 without doing anything else. */
export function wantsHelp(args: readonly string[]): boolean {
    return args.includes("--help") || args.includes("-h");
}

/** What a CLI prints on stderr for bad usage: one line naming the problem, then the usage line. */
export function usageMessage(program: string, message: string, usage: string): string {
    return `${program}: ${message}\n${usage}`;
}

/** Parses a command's arguments; an unknown flag is a UsageError naming the known ones and the closest one. */
export function parseFlags(command: string | undefined, args: readonly string[], spec: FlagSpec): ParsedFlags {
    const parsed: ParsedFlags = { values: {}, repeated: {}, switches: new Set(), positionals: [] };
    const switches = spec.switches ?? {};
    const known = [...spec.values, ...Object.keys(switches)].map((name) => `--${name}`);
    const unknown = (arg: string, name: string) =>
        new UsageError(
            `unknown argument ${arg}${didYouMean(name, known)}; known: ${known.join(", ") || "none"}`,
            command,
        );
    for (let i = 0; i < args.length; i++) {
        const arg = args[i];
        const short = Object.entries(switches).find(([, alias]) => alias !== undefined && arg === `-${alias}`);
        if (short) {
            parsed.switches.add(short[0]);
            continue;
        }
        const match = /^--([A-Za-z-]+)(?:=(.*))?$/.exec(arg);
        if (!match) {
            if (arg.startsWith("-") && arg !== "-") {
                throw unknown(arg, arg);
            }
            parsed.positionals.push(arg);
            continue;
        }
        const [, name, inline] = match;
        if (Object.hasOwn(switches, name) && inline === undefined) {
            parsed.switches.add(name);
        } else if (Object.hasOwn(switches, name)) {
            throw new UsageError(`--${name} takes no value`, command);
        } else if (spec.values.includes(name)) {
            const value = inline ?? args[++i];
            if (value === undefined || value === "" || value.startsWith("--")) {
                const hint = spec.hints?.[name];
                throw new UsageError(`--${name} needs a value${hint ? ` (${hint})` : ""}`, command);
            }
            if (spec.repeatable?.includes(name)) {
                (parsed.repeated[name] ??= []).push(value);
            } else if (Object.hasOwn(parsed.values, name)) {
                throw new UsageError(`--${name} is given twice`, command);
            }
            parsed.values[name] = value;
        } else {
            throw unknown(arg, `--${name}`);
        }
    }
    return parsed;
}
