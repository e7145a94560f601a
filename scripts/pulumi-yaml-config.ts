/** The `config:` block of Pulumi.yaml as the key table implies it; `npm run --silent print:pulumi-config` prints it. */
import * as YAML from "yaml";
import { CONFIG_KEYS, fullKey } from "../config/keys";

export function pulumiYamlConfig(): Record<string, Record<string, unknown>> {
    const config: Record<string, Record<string, unknown>> = {};
    for (const spec of CONFIG_KEYS) {
        const entry: Record<string, unknown> = {};
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

if (require.main === module) {
    process.stdout.write(YAML.stringify({ config: pulumiYamlConfig() }, { lineWidth: 0 }));
}
