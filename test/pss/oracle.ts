/**
 * Builds and runs oracle/pss, a small Go program around Kubernetes' own Pod Security Admission evaluator
 * (k8s.io/pod-security-admission/policy), the reference the policy pack's Pod Security Standards controls are
 * checked against. Needs Go; `oracleAvailability` says why it cannot run where it cannot.
 */
import { spawnSync, SpawnSyncOptions } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const ORACLE_DIR = join(__dirname, "..", "..", "oracle", "pss");
const BINARY = join(ORACLE_DIR, "bin", "pss-oracle");

export type PsaLevel = "baseline" | "restricted";

export interface OracleRequest {
    id: string;
    level: PsaLevel;
    version: string;
    podMetadata: Record<string, unknown>;
    podSpec: Record<string, unknown>;
}

export interface CheckVerdict {
    id: string;
    allowed: boolean;
    reason?: string;
    detail?: string;
}

export interface OracleResponse {
    id: string;
    allowed: boolean;
    checks: CheckVerdict[];
    error?: string;
}

// A toolchain newer than the local one would be fetched from the network (GOTOOLCHAIN=auto): the version check
// below decides instead, and says so.
const GO_ENV = { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=readonly" };

function go(args: string[], options: SpawnSyncOptions = {}) {
    return spawnSync("go", args, { cwd: ORACLE_DIR, env: GO_ENV, encoding: "utf8", ...options });
}

const output = (result: ReturnType<typeof go>) => `${String(result.stderr ?? "")}${String(result.stdout ?? "")}`.trim();

/** `go 1.26.0` in oracle/pss/go.mod. */
export function requiredGo(): string {
    return /^go (\S+)$/m.exec(readFileSync(join(ORACLE_DIR, "go.mod"), "utf8"))![1];
}

const versionParts = (version: string) => version.split(".").map((part) => parseInt(part, 10) || 0);

function atLeast(version: string, required: string): boolean {
    const [have, need] = [versionParts(version), versionParts(required)];
    for (let i = 0; i < Math.max(have.length, need.length); i++) {
        if ((have[i] ?? 0) !== (need[i] ?? 0)) {
            return (have[i] ?? 0) > (need[i] ?? 0);
        }
    }
    return true;
}

/** Undefined when Go can build the oracle here; otherwise why not (no Go, too old a Go, modules unreachable). */
export function oracleUnavailable(): string | undefined {
    const version = go(["version"]);
    if (version.error) {
        return `go is not on PATH (${(version.error as NodeJS.ErrnoException).code ?? version.error.message})`;
    }
    const found = /go(\d+(?:\.\d+)*)/.exec(String(version.stdout))?.[1];
    if (!found || !atLeast(found, requiredGo())) {
        return `oracle/pss needs Go ${requiredGo()} or newer, found ${found ?? String(version.stdout).trim()}`;
    }
    const download = go(["mod", "download"], { timeout: 600_000 });
    if (download.status !== 0) {
        return `its Go modules could not be downloaded: ${output(download).split("\n")[0]}`;
    }
    return undefined;
}

/** Builds oracle/pss/bin/pss-oracle (Go's build cache makes a rebuild of an unchanged program a no-op). */
export function buildOracle(): string {
    const result = go(["build", "-o", BINARY, "."], { timeout: 900_000 });
    if (result.status !== 0) {
        throw new Error(`go build in oracle/pss failed:\n${output(result)}`);
    }
    return BINARY;
}

/** Evaluates every request with the library's evaluator; answers in request order. */
export function runOracle(binary: string, requests: OracleRequest[]): OracleResponse[] {
    const result = spawnSync(binary, [], {
        input: requests.map((r) => JSON.stringify(r)).join("\n") + "\n",
        encoding: "utf8",
        maxBuffer: 1 << 30,
    });
    if (result.status !== 0) {
        throw new Error(`pss-oracle exited with ${result.status ?? result.signal}: ${String(result.stderr).trim()}`);
    }
    const responses = String(result.stdout)
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line) as OracleResponse);
    if (responses.length !== requests.length) {
        throw new Error(`pss-oracle answered ${responses.length} of ${requests.length} requests`);
    }
    return responses;
}

/** Where the module cache holds k8s.io/pod-security-admission (its own fixtures are under test/testdata). */
export function psaModuleDir(): string {
    const result = go(["list", "-m", "-f", "{{.Dir}}", "k8s.io/pod-security-admission"]);
    if (result.status !== 0 || String(result.stdout).trim() === "") {
        throw new Error(`go list -m k8s.io/pod-security-admission failed: ${output(result)}`);
    }
    return String(result.stdout).trim();
}
