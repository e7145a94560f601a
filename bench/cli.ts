/**
 * The benchmarks' command lines on the project's argument layer (policies/lib/cliArgs.ts): `--help` prints the usage
 * and exits 0 before anything runs; an unknown flag, a missing value or a number that is not a whole number in range
 * is bad usage: one line naming the flag, the usage line, exit 2, nothing measured.
 */
import { UsageError, UsageProblems, USAGE_EXIT_CODE, parseFlags, wantsHelp } from "../policies/lib/cliArgs";
import { exitWhenFlushed } from "../policies/lib/exit";

/** A numeric flag: whole or not, and its lowest value (`atLeast`) or the value it must exceed (`above`). */
export interface NumberFlag {
    whole: boolean;
    atLeast?: number;
    above?: number;
}

export interface BenchSpec {
    /** The npm script, as the messages name it: `bench:events`. */
    name: string;
    /** The arguments after `npm run <name> --`: `[--json] [--seed <n>]`. */
    usage: string;
    /** Numeric flags. */
    numbers?: Readonly<Record<string, NumberFlag>>;
    /** Flags that take another kind of value (the bench checks it itself). */
    values?: readonly string[];
    /** Flags without a value; `json` for `--json`. */
    switches?: readonly string[];
    /** The problems with the other values (`values`), each naming its flag. */
    check?: (values: Record<string, string | undefined>) => string[];
}

export interface BenchArgs {
    numbers: Record<string, number | undefined>;
    values: Record<string, string | undefined>;
    switches: Set<string>;
}

export interface BenchIo {
    out: (text: string) => void;
    err: (text: string) => void;
}

export const PROCESS_IO: BenchIo = {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
};

export function usageLine(spec: BenchSpec): string {
    return `usage: npm run ${spec.name} -- ${spec.usage}`;
}

/** `a whole number of at least 1`, `a number above 0`. */
function describe(flag: NumberFlag): string {
    const bound =
        flag.above !== undefined
            ? ` above ${flag.above}`
            : flag.atLeast !== undefined
              ? ` of at least ${flag.atLeast}`
              : "";
    return `${flag.whole ? "a whole number" : "a number"}${bound}`;
}

function numberOf(text: string, flag: NumberFlag): number | undefined {
    const value = (flag.whole ? /^-?\d+$/ : /^-?(\d+(\.\d*)?|\.\d+)$/).test(text) ? Number(text) : NaN;
    const fits =
        Number.isFinite(value) &&
        (!flag.whole || Number.isSafeInteger(value)) &&
        (flag.atLeast === undefined || value >= flag.atLeast) &&
        (flag.above === undefined || value > flag.above);
    return fits ? value : undefined;
}

/** Every problem at once, as one UsageError (one line per problem). */
export function parseBenchArgs(spec: BenchSpec, argv: readonly string[]): BenchArgs {
    const numbers = spec.numbers ?? {};
    const problems = new UsageProblems();
    const flags = parseFlags(
        undefined,
        argv,
        {
            values: [...Object.keys(numbers), ...(spec.values ?? [])],
            switches: Object.fromEntries((spec.switches ?? []).map((name) => [name, undefined])),
            hints: Object.fromEntries(Object.entries(numbers).map(([name, flag]) => [name, describe(flag)])),
        },
        problems,
    );
    if (flags.positionals.length > 0) {
        problems.add(`unexpected argument ${flags.positionals[0]}`);
    }
    const parsed: BenchArgs = { numbers: {}, values: {}, switches: flags.switches };
    for (const [name, flag] of Object.entries(numbers)) {
        const text = flags.values[name];
        if (text === undefined) {
            continue;
        }
        const value = numberOf(text, flag);
        if (value === undefined) {
            problems.add(`--${name} ${JSON.stringify(text)} is not ${describe(flag)}`);
        } else {
            parsed.numbers[name] = value;
        }
    }
    for (const name of spec.values ?? []) {
        parsed.values[name] = flags.values[name];
    }
    for (const problem of spec.check?.(parsed.values) ?? []) {
        problems.add(problem);
    }
    problems.throwIfAny();
    return parsed;
}

/**
 * Parses the command line and runs the bench with it: exit 0 after `--help`, 2 on bad usage (the run never starts),
 * else the run's own exit code.
 */
export async function runBench(
    spec: BenchSpec,
    argv: readonly string[],
    run: (args: BenchArgs) => Promise<number>,
    io: BenchIo = PROCESS_IO,
): Promise<number> {
    if (wantsHelp(argv)) {
        io.out(`${usageLine(spec)}\n`);
        return 0;
    }
    let args: BenchArgs;
    try {
        args = parseBenchArgs(spec, argv);
    } catch (error) {
        if (error instanceof UsageError) {
            const lines = error.message.split("\n").map((line) => `${spec.name}: ${line}`);
            io.err(`${lines.join("\n")}\n${usageLine(spec)}\n`);
            return USAGE_EXIT_CODE;
        }
        throw error;
    }
    return run(args);
}

/**
 * Runs a bench's main when its file is the process's entry (`npm run bench:…`), not when a test imports it: exit code
 * from main, or 1 with the error on stderr.
 */
export function runWhenEntry(module: NodeModule, main: (argv: string[]) => Promise<number>): void {
    if (require.main !== module) {
        return;
    }
    main(process.argv.slice(2)).then(
        (code) => (process.exitCode = code),
        (error: unknown) => {
            console.error(error);
            exitWhenFlushed(1);
        },
    );
}
