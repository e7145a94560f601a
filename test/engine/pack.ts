/**
 * The policy pack's verdict as the real analyzer gives it on the engine tier: the CLI's summary lines (or the
 * Automation API's policy events) reduced to `<policy> <resource type> <resource name>`, one per resource.
 */
import * as assert from "node:assert/strict";
import { CommandResult } from "./workspace";

/**
 * The mandatory findings the pack reports on the committed stack's real rendering (the chart fixture through the
 * Kubernetes provider and the program's hardening transforms): none. Before the hardening (issue #24) the data fetcher
 * and the heartbeat were here; a finding that has to stand for a while goes in this one list, which every scenario
 * running the pack expects exactly (the ones that deploy then leave the pack out).
 */
export const OPEN_FINDINGS: string[] = [];

const unique = (findings: string[]) => [...new Set(findings)].sort();

/** The mandatory findings in the CLI's summary (`- [mandatory] [severity: high]  <policy>  (<type>: <name>)`). */
export function mandatoryFindings(result: CommandResult): string[] {
    const line = /^\s*- \[mandatory\] \[severity: \w+\]\s+(\S+)\s+\((\S+): ([^)]+)\)\s*$/gm;
    return unique(
        [...(result.stdout + result.stderr).matchAll(line)].map(([, p, type, name]) => `${p} ${type} ${name}`),
    );
}

/** The same for violations carrying a URN (`urn:pulumi:<stack>::<project>::<parent types>$<type>::<name>`). */
export function findingsOf(violations: Array<{ policy: string; urn?: string; level: string }>): string[] {
    return unique(
        violations
            .filter((v) => v.level === "mandatory")
            .map((v) => {
                const [, , types = "", ...name] = (v.urn ?? "").split("::");
                return `${v.policy} ${types.split("$").pop()} ${name.join("::")}`;
            }),
    );
}

/** The pack ran (the real analyzer's summary is there) and stopped the command exactly on `expected`. */
export function assertPackVerdict(result: CommandResult, expected: string[]): void {
    const output = result.stdout + result.stderr;
    assert.match(output, /container-insights@v[\d.]+ \(local: policies\)/, `the pack did not run:\n${output}`);
    assert.deepEqual(mandatoryFindings(result), unique(expected), output);
    if (expected.length === 0) {
        assert.equal(result.status, 0, output);
    } else {
        assert.notEqual(result.status, 0, "mandatory violations did not stop the command");
    }
}
