/**
 * A stack's config as the Pulumi CLI would hand it to the program, read offline from Pulumi.yaml (declared defaults)
 * and stacks/Pulumi.<stack>.yaml, for tools that need the program's Settings without running it. Secure values stay
 * encrypted and are reported as present only: no tool that uses this reader needs a secret's value.
 */
import { existsSync, readFileSync } from "fs";
import { join } from "path";
import * as YAML from "yaml";
import { NAMESPACE } from "../config/keys";
import { RawConfig } from "../config/parse";

/** Stands in for a secure value that is set; never a real secret. */
export const SECRET_PLACEHOLDER = "(secret)";

export interface StackConfig {
    raw: RawConfig;
    awsRegion?: string;
}

function text(value: unknown): string {
    if (typeof value === "object" && value !== null) {
        if ("secure" in (value as Record<string, unknown>)) {
            return SECRET_PLACEHOLDER;
        }
        return JSON.stringify(value);
    }
    return String(value);
}

export function readStackConfig(stack: string, projectDir: string): StackConfig {
    const project = YAML.parse(readFileSync(join(projectDir, "Pulumi.yaml"), "utf8")) as {
        stackConfigDir?: string;
        config?: Record<string, { default?: unknown }>;
    };
    const stackFile = join(projectDir, project.stackConfigDir ?? ".", `Pulumi.${stack}.yaml`);
    if (!existsSync(stackFile)) {
        throw new Error(`no stack file ${stackFile}: the stack's config is read from it (pulumi stack init ${stack} creates it)`);
    }
    const values = (YAML.parse(readFileSync(stackFile, "utf8")) as { config?: Record<string, unknown> } | null)?.config ?? {};
    const merged: Record<string, unknown> = {};
    for (const [key, declared] of Object.entries(project.config ?? {})) {
        if (declared && typeof declared === "object" && "default" in declared) {
            merged[key] = declared.default;
        }
    }
    Object.assign(merged, values);
    const prefix = `${NAMESPACE}:`;
    const raw: RawConfig = {};
    for (const [key, value] of Object.entries(merged)) {
        if (key.startsWith(prefix) && value !== undefined && value !== null) {
            raw[key.slice(prefix.length)] = text(value);
        }
    }
    return { raw, awsRegion: merged["aws:region"] === undefined ? undefined : String(merged["aws:region"]) };
}
