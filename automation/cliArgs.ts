/** The `container-insights` commands' own flags (--env, --account, --regions, durations, --port) on the shared layer. */
import { ENVIRONMENTS } from "../config/environments";
import { AWS_REGION_PATTERN } from "../config/keys";
import { didYouMean } from "../config/suggest";
import { UsageError } from "../policies/lib/cliArgs";

export { UsageError, UsageProblems, parseFlags, type FlagSpec, type ParsedFlags } from "../policies/lib/cliArgs";

/** `--env`: prod or uat, any case, as the lower-case stack environment. */
export function environmentFlag(command: string, value: string | undefined): string {
    const allowed = ENVIRONMENTS.map((e) => e.toLowerCase());
    if (value === undefined) {
        throw new UsageError(`--env is required (${allowed.join(" or ")})`, command);
    }
    if (!allowed.includes(value.toLowerCase())) {
        throw new UsageError(
            `--env ${JSON.stringify(value)} is not one of ${allowed.join(", ")}${didYouMean(value, allowed)}`,
            command,
        );
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
    const regions = value
        .split(",")
        .map((r) => r.trim())
        .filter(Boolean);
    const seen = new Set<string>();
    for (const region of regions) {
        if (!new RegExp(AWS_REGION_PATTERN).test(region)) {
            throw new UsageError(
                `--regions: ${JSON.stringify(region)} is not an AWS region name (such as us-east-1)`,
                command,
            );
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
        throw new UsageError(
            `--${name} ${JSON.stringify(value)} is not a duration above 0 (such as 90s, 2m, 1h; a bare number is seconds)`,
            command,
        );
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
        throw new UsageError(
            `--port ${JSON.stringify(value)} is not a TCP port (1-65535, or 0 for any free port)`,
            command,
        );
    }
    return port;
}
