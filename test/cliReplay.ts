/**
 * Test-side glue around config/pulumiConfigReplay/: this project's real Pulumi.yaml, `pulumi config set` lines as the
 * README writes them, and handing the result to the Node.js runtime the way the language host does.
 */
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as YAML from "yaml";
import {
    ConfigMap,
    ProjectConfigType,
    applyProjectConfig,
    configSet,
    languageHostConfig,
    programConfig,
    validateProjectConfig,
} from "../config/pulumiConfigReplay";

export const ROOT = join(__dirname, "..");
export const PROJECT = "container-insights";

let committedConfig: Record<string, ProjectConfigType> | undefined;

/** The `config:` block of the committed Pulumi.yaml (read and checked once per process: tests ask for it often). */
export function projectConfig(): Record<string, ProjectConfigType> {
    if (committedConfig === undefined) {
        const project = YAML.parse(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8"));
        const problems = validateProjectConfig(project.name, project.config);
        if (problems.length > 0) {
            throw new Error(`Pulumi.yaml would not load: ${problems.join("; ")}`);
        }
        committedConfig = project.config as Record<string, ProjectConfigType>;
    }
    return structuredClone(committedConfig);
}

/** One `pulumi config set` command line. */
export interface ConfigSetLine {
    stack?: string;
    key: string;
    value: string;
    path: boolean;
    secret: boolean;
}

/** Splits a shell line into words (single and double quotes, `#` comments), as bash would for these commands. */
function shellWords(line: string): string[] {
    const words: string[] = [];
    let current: string | undefined;
    let quote: string | undefined;
    for (const char of line) {
        if (quote) {
            if (char === quote) {
                quote = undefined;
            } else {
                current += char;
            }
        } else if (char === "'" || char === '"') {
            quote = char;
            current ??= "";
        } else if (char === "#" && current === undefined) {
            break;
        } else if (/\s/.test(char)) {
            if (current !== undefined) {
                words.push(current);
                current = undefined;
            }
        } else {
            current = (current ?? "") + char;
        }
    }
    if (current !== undefined) {
        words.push(current);
    }
    return words;
}

/**
 * Parses `pulumi config set [--stack S] [--path] [--secret] [--plaintext] KEY VALUE`. Placeholders such as
 * `<platform API token>` are replaced with `placeholders[text]`.
 */
export function parseConfigSetLine(line: string, placeholders: Record<string, string> = {}): ConfigSetLine {
    const substituted = line.replace(/<([^>]+)>/g, (match, text: string) => {
        if (!(text in placeholders)) {
            throw new Error(`no sample value for the placeholder ${match} in: ${line}`);
        }
        return `'${placeholders[text]}'`;
    });
    const words = shellWords(substituted);
    if (words[0] !== "pulumi" || words[1] !== "config" || words[2] !== "set") {
        throw new Error(`not a pulumi config set line: ${line}`);
    }
    const result: Partial<ConfigSetLine> & { path: boolean; secret: boolean } = { path: false, secret: false };
    const positional: string[] = [];
    for (let i = 3; i < words.length; i++) {
        const word = words[i];
        if (word === "--stack" || word === "-s") {
            result.stack = words[++i];
        } else if (word === "--path") {
            result.path = true;
        } else if (word === "--secret") {
            result.secret = true;
        } else if (word === "--plaintext") {
            continue;
        } else if (word === "--") {
            positional.push(...words.slice(i + 1));
            break;
        } else if (word.startsWith("-")) {
            throw new Error(`unexpected flag ${word} in: ${line}`);
        } else {
            positional.push(word);
        }
    }
    if (positional.length !== 2) {
        throw new Error(`expected a key and a value in: ${line}`);
    }
    return { ...result, key: positional[0], value: positional[1] };
}

/** Applies parsed `pulumi config set` lines to a stack's config. */
export function applyConfigSetLines(stack: ConfigMap, lines: ConfigSetLine[]): void {
    for (const line of lines) {
        configSet(stack, PROJECT, line);
    }
}

/** Merges Pulumi.yaml into the stack config as `pulumi up` does and returns what the program receives. */
export function configForProgram(stack: ConfigMap, options: { validate: boolean; stackName?: string }) {
    applyProjectConfig(PROJECT, projectConfig(), stack, options);
    return programConfig(stack);
}

/** Sets the runtime's config as the Node.js language host does: PULUMI_CONFIG with `<ns>:config:<name>` keys. */
export function handToRuntime(received: { config: Record<string, string>; secretKeys: string[] }): void {
    pulumi.runtime.setAllConfig(languageHostConfig(received.config), received.secretKeys);
}
