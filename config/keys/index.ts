/**
 * Every config key the program reads, in one table. Pulumi.yaml, docs/configuration.md, the validator, the parsed config's
 * TypeScript type (config/values.ts) and the Automation API all follow this table (test/project-files.test.ts holds
 * Pulumi.yaml and docs/configuration.md to it).
 *
 * A dotted key such as `agent.karpenops` is a field of an object-valued key (`agent`): Pulumi.yaml declares it
 * dotted, the CLI merges its default into the object as a property path, `pulumi config set --path` sets it, and
 * the program receives `container-insights:agent` as one JSON object (see config/pulumiConfigReplay/). The parsed config
 * mirrors that: `agent.karpenops` is `config.agent.karpenops`; a deeper key such as `addons.cni.enabled` is
 * `config.addons.cni.enabled`.
 *
 * Adding a key: add a row to its concern's table here (a new concern's table also to config/keys/core.ts) (a new object-valued key needs nothing else: its fields' rows make it), then
 * `npx ts-node --transpile-only scripts/pulumi-yaml-config.ts` for Pulumi.yaml's config block and `npm run docs:config` for the table in
 * docs/configuration.md; a secret one also in automation/request.ts SECRET_CONFIG_KEYS. Its parsed
 * type follows from the row: `type` (and an `enum` in its schema) for single values, `shape: shape<T>()` for
 * structured ones; optional (`?`) when its default is blank; required while another key has a value: `requiredWhen`.
 */
import { ADDON_KEYS } from "./addons";
import { KEYS_AFTER_ADDONS, KEYS_BEFORE_ADDONS } from "./core";
import { groupOf } from "./naming";
import { ConfigKeySpec } from "./spec";

export { ConfigKeySpec, ConfigValueType, Requirement, Shape, shape } from "./spec";
export { Toleration } from "./prometheus";
export { AWS_REGION_PATTERN, LOG_RETENTION_DAYS } from "./patterns";
export { NAMESPACE, configSetCommand, fieldOf, fullKey, groupOf } from "./naming";

/**
 * The table as written, in the order Pulumi.yaml and docs/configuration.md list the keys; config/values.ts computes the
 * parsed config's type from its literal types.
 */
export const KEY_TABLE = [
    ...KEYS_BEFORE_ADDONS,
    ...ADDON_KEYS,
    ...KEYS_AFTER_ADDONS,
] as const satisfies readonly ConfigKeySpec[];

export const CONFIG_KEYS: readonly ConfigKeySpec[] = KEY_TABLE;

/** The object-valued keys, in table order. */
export const CONFIG_GROUPS: readonly string[] = [
    ...new Set(CONFIG_KEYS.map(groupOf).filter((g): g is string => g !== undefined)),
];
