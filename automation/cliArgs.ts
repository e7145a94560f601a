/** Argument parsing shared by the `container-insights` commands: flags, --env, and "did you mean" for typos. */
import { ENVIRONMENTS } from "../config";
import { AWS_REGION_PATTERN } from "../config/keys";
import { didYouMean } from "../config/suggest";

/** Bad usage: the CLI prints the message with the command's usage line and exits 2. */
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

export interface FlagSpec {
    /** Flags that take a value (`--env prod` or `--env=prod`), without the dashes. */
    values: readonly string[];
    /** Flags that take no value; a short alias may be given as `-y`. */
    switches?: Readonly<Record<string, string | undefined>>;
}

export interface ParsedFlags {
    values: Record<string, string>;
    switches: Set<string>;
    positionals: string[];
}

/** Parses a command's arguments; an unknown flag is a UsageError that suggests the closest known one. */
export function parseFlags(command: string, args: string[], spec: FlagSpec): ParsedFlags {
    const parsed: ParsedFlags = { values: {}, switches: new Set(), positionals: [] };
    const switches = spec.switches ?? {};
    const known = [...spec.values, ...Object.keys(switches)].map((name) => `--${name}`);
    for (let i = 0; i < args.length; i++) {
        const arg = args[i];
        const short = Object.entries(switches).find(([, alias]) => alias !== undefined && arg === `-${alias}`);
        if (short) {
            parsed.switches.add(short[0]);
            continue;
        }
        const match = /^--([A-Za-z-]+)(?:=(.*))?$/.exec(arg);
        if (!match) {
            if (arg.startsWith("-")) {
                throw new UsageError(`unknown argument ${arg}${didYouMean(arg, known)}`, command);
            }
            parsed.positionals.push(arg);
            continue;
        }
        const [, name, inline] = match;
        if (Object.hasOwn(switches, name) && inline === undefined) {
            parsed.switches.add(name);
        } else if (spec.values.includes(name)) {
            const value = inline ?? args[++i];
            if (value === undefined || value === "" || value.startsWith("--")) {
                throw new UsageError(`--${name} needs a value`, command);
            }
            if (Object.hasOwn(parsed.values, name)) {
                throw new UsageError(`--${name} is given twice`, command);
            }
            parsed.values[name] = value;
        } else {
            throw new UsageError(`unknown argument ${arg}${didYouMean(`--${name}`, known)}`, command);
        }
    }
    return parsed;
}

/** `--env`: prod or uat, any case, as the lower-case stack environment. */
export function environmentFlag(command: string, value: string | undefined): string {
    const allowed = ENVIRONMENTS.map((e) => e.toLowerCase());
    if (value === undefined) {
        throw new UsageError(`--env is required (${allowed.join(" or ")})`, command);
    }
    if (!allowed.includes(value.toLowerCase())) {
        throw new UsageError(`--env ${JSON.stringify(value)} is not one of ${allowed.join(", ")}${didYouMean(value, allowed)}`, command);
    }
    return value.toLowerCase();
}

/** `--account`: a 12-digit AWS account id. */
export function accountFlag(command: string, value: string | undefined): string | undefined {
    if (value !== undefined && !/^\d{12}$/.test(value)) {
        throw new UsageError(`--account ${JSON.stringify(value)} is not a 12-digit AWS account id`, command);
    }
    return value;
}

/** `--regions a,b`: each region once. */
export function regionsFlag(command: string, value: string | undefined): string[] | undefined {
    if (value === undefined) {
        return undefined;
    }
    const regions = value.split(",").map((r) => r.trim()).filter(Boolean);
    const seen = new Set<string>();
    for (const region of regions) {
        if (!new RegExp(AWS_REGION_PATTERN).test(region)) {
            throw new UsageError(`--regions: ${JSON.stringify(region)} is not an AWS region name (such as us-east-1)`, command);
        }
        if (seen.has(region)) {
            throw new UsageError(`--regions lists ${region} twice; list each region once`, command);
        }
        seen.add(region);
    }
    if (regions.length === 0) {
        throw new UsageError("--regions needs at least one region", command);
    }
    return regions;
}

/** Something the shell must provide is missing (an environment variable, not a flag): exit 1, no usage line. */
export class EnvironmentError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "EnvironmentError";
    }
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A duration flag (`90s`, `2m`, `1h`, `500ms`; a bare number is seconds) in milliseconds, above 0. */
export function durationFlag(command: string, name: string, value: string | undefined, fallbackMs: number): number {
    if (value === undefined) {
        return fallbackMs;
    }
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
    const ms = match ? Number(match[1]) * DURATION_UNITS[match[2] ?? "s"] : NaN;
    if (!(ms > 0)) {
        throw new UsageError(`--${name} ${JSON.stringify(value)} is not a duration above 0 (such as 90s, 2m, 1h; a bare number is seconds)`, command);
    }
    return Math.round(ms);
}

/** `--port`: a TCP port, 1..65535 (0: any free port). */
export function portFlag(command: string, value: string | undefined, fallback: number): number {
    if (value === undefined) {
        return fallback;
    }
    const port = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!(port >= 0 && port <= 65535)) {
        throw new UsageError(`--port ${JSON.stringify(value)} is not a TCP port (1-65535, or 0 for any free port)`, command);
    }
    return port;
}
