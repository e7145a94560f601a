/** One or more config values are wrong. The message names every bad key, its value and what is allowed. */
export class ConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(`invalid configuration:\n  - ${problems.join("\n  - ")}`);
        this.name = "ConfigError";
    }
}
