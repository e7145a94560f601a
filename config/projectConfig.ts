/** The `config:` block of Pulumi.yaml as the key table implies it (test/project-files.test.ts holds the file to it). */
import { ProjectConfigType } from "./pulumiConfigReplay";
import { CONFIG_KEYS, fullKey } from "./keys";

export function pulumiYamlConfig(): Record<string, ProjectConfigType> {
    const config: Record<string, ProjectConfigType> = {};
    for (const spec of CONFIG_KEYS) {
        const entry: ProjectConfigType = {};
        if (spec.type !== "structured") {
            entry.type = spec.type;
        }
        entry.description = spec.description;
        if (spec.default !== undefined) {
            entry.default = spec.default;
        }
        if (spec.secret && spec.required) {
            entry.secret = true;
        }
        config[fullKey(spec.key)] = entry;
    }
    return config;
}
