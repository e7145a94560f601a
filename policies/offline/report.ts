/** The offline check's two output formats. */
import { CheckResult } from "./types";

/** Exactly the contract: {"violations":[{policy, resource, message, level}], "checked": N}. */
export function jsonReport(result: CheckResult): string {
    const violations = result.violations.map(({ policy, resource, message, level }) => ({
        policy,
        resource,
        message,
        level,
    }));
    return JSON.stringify({ violations, checked: result.checked });
}

export function humanReport(result: CheckResult): string {
    const lines = result.violations.map(
        (v) => `${v.level === "mandatory" ? "MANDATORY" : "advisory "}  ${v.policy}  ${v.resource}\n    ${v.message}`,
    );
    const mandatory = result.violations.filter((v) => v.level === "mandatory").length;
    const advisory = result.violations.length - mandatory;
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
    lines.push(
        `checked ${plural(result.checked, "resource")}: ${plural(mandatory, "mandatory violation")}, ${plural(advisory, "advisory violation")}` +
            (mandatory > 0 ? " (failed)" : " (passed)"),
    );
    return lines.join("\n");
}
