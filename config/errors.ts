import * as pulumi from "@pulumi/pulumi";

/**
 * One or more config values are wrong. The message names every bad key, its value and what is allowed. A RunError,
 * so the Pulumi CLI prints the message alone, without a stack trace.
 */
export class ConfigError extends pulumi.RunError {
    constructor(readonly problems: string[]) {
        super(`invalid configuration:\n  - ${problems.join("\n  - ")}`);
        this.name = "ConfigError";
    }
}
