/** What can go wrong when a service drives the program; each error says what to do about it. */
import type { PolicyViolation } from "./events";
import { errorMessage } from "../common/errors";

export type AutomationErrorCode =
    | "PULUMI_CLI_MISSING"
    | "TOKEN_MISSING"
    | "INVALID_ENVIRONMENT"
    | "INVALID_REQUEST"
    | "STACK_LOCKED"
    | "POLICY_VIOLATION"
    | "CANCELLED"
    | "OPERATION_FAILED";

/** Every error runStack throws; one that stands for another error (the engine's, the config's) carries it as `cause`. */
export abstract class AutomationError extends Error {
    abstract readonly code: AutomationErrorCode;

    constructor(message: string, options?: ErrorOptions) {
        super(message, options);
        // Each error is named after its class (StackLockedError, ...), which is what String(error) prints first.
        this.name = new.target.name;
    }
}

export class PulumiCliMissingError extends AutomationError {
    readonly code = "PULUMI_CLI_MISSING";
    constructor(searched: string) {
        super(
            `the Pulumi CLI was not found (looked for ${searched}): install it (https://www.pulumi.com/docs/install/), ` +
                "put it on PATH, or pass options.pulumiHome",
        );
    }
}

export class MissingTokenError extends AutomationError {
    readonly code = "TOKEN_MISSING";
    constructor(action: string) {
        super(
            `${action} needs the platform API token: pass it as request.secrets.token (it is stored as a Pulumi secret)`,
        );
    }
}

export class InvalidEnvironmentError extends AutomationError {
    readonly code = "INVALID_ENVIRONMENT";
    constructor(value: unknown, allowed: readonly string[]) {
        super(`environment ${JSON.stringify(value)} is not one of ${allowed.join(", ")}`);
    }
}

/** The request's config, stack name or action is wrong; `problems` lists each, as the config validator words them. */
export class InvalidRequestError extends AutomationError {
    readonly code = "INVALID_REQUEST";
    constructor(
        readonly problems: string[],
        cause?: unknown,
    ) {
        super(`invalid request:\n  - ${problems.join("\n  - ")}`, { cause });
    }
}

export class StackLockedError extends AutomationError {
    readonly code = "STACK_LOCKED";
    constructor(stackName: string, attempts: number, cause?: unknown) {
        super(
            `stack ${stackName} is locked by another update (tried ${attempts} times): wait for it to finish; if no ` +
                `update is running, clear the stale lock with \`pulumi cancel --stack ${stackName}\``,
            { cause },
        );
    }
}

export class PolicyViolationError extends AutomationError {
    readonly code = "POLICY_VIOLATION";
    constructor(
        stackName: string,
        readonly violations: PolicyViolation[],
        cause?: unknown,
    ) {
        const mandatory = violations.filter((v) => v.level === "mandatory");
        super(
            `${stackName}: ${mandatory.length} mandatory policy violation(s) blocked the operation:\n` +
                mandatory.map((v) => `  - ${v.policy}${v.urn ? ` on ${v.urn}` : ""}: ${v.message}`).join("\n") +
                "\nfix the resources, or change the policy config (docs/policy-pack.md)",
            { cause },
        );
    }
}

export class CancelledError extends AutomationError {
    readonly code = "CANCELLED";
    constructor(stackName: string, cause?: unknown) {
        super(
            `${stackName}: the operation was cancelled; run refresh before the next update if resources were in flight`,
            { cause },
        );
    }
}

export class OperationFailedError extends AutomationError {
    readonly code = "OPERATION_FAILED";
    constructor(
        stackName: string,
        action: string,
        readonly diagnostics: string[],
        cause?: unknown,
    ) {
        const detail = diagnostics.length > 0 ? diagnostics.join("\n") : errorMessage(cause);
        super(`${stackName}: ${action} failed:\n${detail}`, { cause });
    }
}
