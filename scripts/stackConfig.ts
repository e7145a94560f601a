/**
 * A stack's config as the Pulumi CLI hands it to the program, built offline from Pulumi.yaml (declared defaults) and
 * stacks/Pulumi.<stack>.yaml with the CLI's own merge (config/cliConfig.ts), for tools that need the program's
 * Settings without running it. Secure values are reported as present only: no tool that uses this reader needs a
 * secret's value, and none ever sees one.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as YAML from "yaml";
import {
    ProjectConfigType,
    applyProjectConfig,
    configSet,
    programConfig,
    readStackConfig as readStackFile,
} from "../config/cliConfig";
import { NAMESPACE } from "../config/keys";
import { RawConfig } from "../config/parse";

/** Stands in for a secure value that is set; never a real secret. */
export const SECRET_PLACEHOLDER = "(secret)";

export interface StackConfig {
    raw: RawConfig;
    awsRegion?: string;
}

/** `sets`: `pulumi config set --path KEY VALUE` applied on top of the file, so `clusters.assumeRoleArn` is a field. */
export function readStackConfig(stack: string, projectDir: string, sets: Record<string, string> = {}): StackConfig {
    const project = YAML.parse(readFileSync(join(projectDir, "Pulumi.yaml"), "utf8")) as {
        name: string;
        stackConfigDir?: string;
        config?: Record<string, ProjectConfigType>;
    };
    const stackFile = join(projectDir, project.stackConfigDir ?? ".", `Pulumi.${stack}.yaml`);
    if (!existsSync(stackFile)) {
        throw new Error(
            `no stack file ${stackFile}: the stack's config is read from it (pulumi stack init ${stack} creates it)`,
        );
    }
    const map = readStackFile(readFileSync(stackFile, "utf8"));
    for (const [key, value] of Object.entries(sets)) {
        configSet(map, project.name, { key: key.includes(":") ? key : `${NAMESPACE}:${key}`, value, path: true });
    }
    applyProjectConfig(project.name, project.config ?? {}, map, { validate: false, stackName: stack });
    const { config, secretKeys } = programConfig(map);
    const prefix = `${NAMESPACE}:`;
    const raw: RawConfig = {};
    for (const [key, value] of Object.entries(config)) {
        if (key.startsWith(prefix)) {
            raw[key.slice(prefix.length)] = secretKeys.includes(key) ? SECRET_PLACEHOLDER : value;
        }
    }
    return { raw, awsRegion: config["aws:region"] };
}
