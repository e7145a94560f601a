/** Test expectations read from the config key table (config/keys.ts) rather than written out again. */
import { KEY_TABLE } from "../config/keys";

export type ConfigKey = (typeof KEY_TABLE)[number]["key"];

/** A key by name, checked against the table at compile time: a warning that names a renamed key fails the type-check. */
export function configKey<K extends ConfigKey>(key: K): K {
    return key;
}
