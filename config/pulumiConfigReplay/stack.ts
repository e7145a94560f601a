/** A stack file's config, the program's view of it, and `pulumi config set` (Go: mergeConfig, constructConfig). */
import * as YAML from "yaml";
import { ConfigMap, configKey } from "./configMap";
import { parseKey } from "./paths";
import { newSecureValue, newValue, nodeFromJson, plaintext, toNode, fromNode, ValueType } from "./values";

/** A stack file's `config:` block as the CLI loads it (Value.UnmarshalYAML for each entry). */
export function readStackConfig(stackFileText: string): ConfigMap {
    const map = new ConfigMap();
    const document = YAML.parse(stackFileText) as { config?: Record<string, unknown> } | null;
    for (const [key, raw] of Object.entries(document?.config ?? {})) {
        map.set(key, fromNode(nodeFromJson(raw)), false);
    }
    return map;
}

/** What the program receives: every top-level key, decrypted, objects as JSON (Map.Decrypt), and the secure keys. */
export function programConfig(map: ConfigMap): { config: Record<string, string>; secretKeys: string[] } {
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of map.values) {
        config[key] = plaintext(toNode(value));
        if (value.secure) {
            secretKeys.push(key);
        }
    }
    return { config, secretKeys };
}

/** The nodejs language host's PULUMI_CONFIG: keys rewritten to the old `<namespace>:config:<name>` form. */
export function languageHostConfig(config: Record<string, string>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(config).map(([key, value]) => {
            const { namespace, name } = parseKey(key);
            return [`${namespace}:config:${name}`, value];
        }),
    );
}

/** `pulumi config set [--path] [--secret] [--type T] KEY VALUE` (configSetCmd.Run, with parseConfigKey). */
export function configSet(
    map: ConfigMap,
    projectName: string,
    command: { key: string; value: string; path?: boolean; secret?: boolean; type?: Exclude<ValueType, "unknown"> },
): void {
    const key = cliConfigKey(projectName, command.key, command.path ?? false);
    const value = command.secret ? newSecureValue(command.value) : newValue(command.value, command.type ?? "unknown");
    map.set(key, value, command.path ?? false);
}

/** pkg/cmd/pulumi/config parseConfigKey: with --path only the first segment needs (or gets) a namespace. */
export function cliConfigKey(projectName: string, key: string, path: boolean): string {
    if (path) {
        const split = key.search(/[.[]/);
        if (split > 0) {
            const top = cliConfigKey(projectName, key.slice(0, split), false);
            return `${top}${key.slice(split)}`;
        }
    }
    if (!key.includes(":")) {
        return configKey(`${projectName}:${key}`);
    }
    return configKey(key);
}
