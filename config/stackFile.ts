/**
 * A stack's config as the Pulumi CLI hands it to the program, built offline from Pulumi.yaml (declared defaults) and
 * stacks/Pulumi.<stack>.yaml with the CLI's own merge (config/pulumiConfigReplay/), plus `pulumi config set --path` values
 * given on the command line. Secure values stored in the file are encrypted and cannot be read offline: each is
 * replaced with `storedSecret`, and stays marked secret.
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
} from "./pulumiConfigReplay";
import { NAMESPACE } from "./keys";

/** One `--set key=value`: a key of this project's namespace unless it names another (`aws:region`). */
export interface ConfigSet {
    key: string;
    value: string;
    /** Set as `pulumi config set --secret` would. */
    secret?: boolean;
}

export interface ProgramConfig {
    /** Full keys (`container-insights:roleName`, `aws:region`) to the values the program receives. */
    config: Record<string, string>;
    secretKeys: string[];
}

export class MissingStackFileError extends Error {}

interface Project {
    name: string;
    stackConfigDir?: string;
    config?: Record<string, ProjectConfigType>;
}

/** Pulumi.yaml's text to its parse: the config block makes it slow to parse, and callers read it once per stack. */
const parsedProjects = new Map<string, Project>();

export function readProject(projectDir: string): Project {
    const text = readFileSync(join(projectDir, "Pulumi.yaml"), "utf8");
    let project = parsedProjects.get(text);
    if (project === undefined) {
        project = YAML.parse(text) as Project;
        parsedProjects.set(text, project);
    }
    return structuredClone(project);
}

export function stackFilePath(projectDir: string, stack: string, project = readProject(projectDir)): string {
    return join(projectDir, project.stackConfigDir ?? ".", `Pulumi.${stack}.yaml`);
}

export function readStackFileConfig(
    stack: string,
    projectDir: string,
    sets: readonly ConfigSet[] = [],
    storedSecret = "(secret)",
): ProgramConfig {
    const project = readProject(projectDir);
    const stackFile = stackFilePath(projectDir, stack, project);
    if (!existsSync(stackFile)) {
        throw new MissingStackFileError(
            `no stack file ${stackFile}: the stack's config is read from it (pulumi stack init ${stack} creates it)`,
        );
    }
    const map = readStackFile(readFileSync(stackFile, "utf8"));
    const stored = new Set([...map.values].filter(([, value]) => value.secure).map(([key]) => key));
    for (const { key, value, secret } of sets) {
        configSet(map, project.name, {
            key: key.includes(":") ? key : `${NAMESPACE}:${key}`,
            value,
            path: true,
            secret,
        });
    }
    applyProjectConfig(project.name, project.config ?? {}, map, { validate: false, stackName: stack });
    const { config, secretKeys } = programConfig(map);
    for (const key of secretKeys.filter((k) => stored.has(k) && !sets.some((s) => fullKeyOf(s.key) === k))) {
        config[key] = storedSecret;
    }
    return { config, secretKeys };
}

function fullKeyOf(key: string): string {
    return key.includes(":") ? key : `${NAMESPACE}:${key}`;
}
