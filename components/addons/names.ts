/** The optional add-ons the program can install beside the agent, by their `addons.<name>` config keys. */
import { CONFIG_KEYS, ConfigValues } from "../../config";

export type AddonName = keyof ConfigValues["addons"] & string;

/** The add-ons' names in the key table's order (the order of a cluster's `addons` in the `clusters` output). */
export const ADDON_NAMES: readonly AddonName[] = [
    ...new Set(CONFIG_KEYS.flatMap((spec) => /^addons\.([^.]+)\./.exec(spec.key)?.[1] ?? [])),
] as AddonName[];
