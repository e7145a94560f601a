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

/** What a command goes on checking with when its flags could not be parsed (their problems are already noted). */
export function noFlags(): ParsedFlags {
    return { values: {}, repeated: {}, switches: new Set(), positionals: [] };
}

/** `--help` or `-h` anywhere: the CLI prints its help and exits 0 without doing anything else. */
export function wantsHelp(args: readonly string[]): boolean {
    return args.includes("--help") || args.includes("-h");
}

/** What a CLI prints on stderr for bad usage: one line per problem, then the usage line. */
export function usageMessage(program: string, message: string, usage: string): string {
    const lines = message.split("\n").map((line) => `${program}: ${line}`);
    return `${lines.join("\n")}\n${usage}`;
}

/**
 * A command's usage problems, collected so that every one is reported together: one UsageError, one line each.
 * `check` runs one validation and keeps its value, or notes its UsageError and gives undefined.
 */
export class UsageProblems {
    private readonly problems: string[] = [];

    constructor(private readonly command?: string) {}

    add(message: string): void {
        this.problems.push(message);
    }

    check<T>(validate: () => T): T | undefined {
        try {
            return validate();
        } catch (error) {
            if (!(error instanceof UsageError)) {
                throw error;
            }
            this.problems.push(...error.message.split("\n"));
            return undefined;
        }
    }

    /** Throws the one UsageError when anything was noted. */
    throwIfAny(): void {
        if (this.problems.length > 0) {
            throw new UsageError(this.problems.join("\n"), this.command);
        }
    }
}

/**
 * Parses a command's arguments; every problem (an unknown flag, named with the known ones and the closest one, a
 * missing value, a flag given twice) is reported together in one UsageError. Given `into`, the problems are noted
 * there instead and what could be parsed is returned, so the command goes on checking its values.
 */
export function parseFlags(
    command: string | undefined,
    args: readonly string[],
    spec: FlagSpec,
    into?: UsageProblems,
): ParsedFlags {
    const parsed = noFlags();
    const problems = into ?? new UsageProblems(command);
    const switches = spec.switches ?? {};
    const known = [...spec.values, ...Object.keys(switches)].map((name) => `--${name}`);
    const unknown = (arg: string, name: string) =>
        problems.add(`unknown argument ${arg}${didYouMean(name, known)}; known: ${known.join(", ") || "none"}`);
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
                unknown(arg, arg);
            } else {
                parsed.positionals.push(arg);
            }
            continue;
        }
        const [, name, inline] = match;
        if (Object.hasOwn(switches, name) && inline === undefined) {
            parsed.switches.add(name);
        } else if (Object.hasOwn(switches, name)) {
            problems.add(`--${name} takes no value`);
        } else if (spec.values.includes(name)) {
            const next = inline === undefined ? args[i + 1] : inline;
            if (next === undefined || next === "" || next.startsWith("--")) {
                const hint = spec.hints?.[name];
                problems.add(`--${name} needs a value${hint ? ` (${hint})` : ""}`);
                continue;
            }
            if (inline === undefined) {
                i++;
            }
            if (spec.repeatable?.includes(name)) {
                (parsed.repeated[name] ??= []).push(next);
            } else if (Object.hasOwn(parsed.values, name)) {
                problems.add(`--${name} is given twice`);
            }
            parsed.values[name] = next;
        } else {
            unknown(arg, `--${name}`);
        }
    }
    if (!into) {
        problems.throwIfAny();
    }
    return parsed;
}
