/**
 * The key table's own rows, without the add-ons' (config/keys/index.ts puts those between the two halves). The add-ons'
 * code reads the config through the types computed from these rows (config/core.ts), so it never depends on the
 * add-on registry that the whole table is built from.
 */
import { AGENT_KEYS } from "./agent";
import { CLUSTER_KEYS } from "./clusters";
import { EVENT_KEYS } from "./events";
import { FLEET_KEYS } from "./fleet";
import { PLATFORM_KEYS, PLATFORM_OVERRIDE_KEYS } from "./platform";
import { PROMETHEUS_KEYS } from "./prometheus";
import { ConfigKeySpec } from "./spec";
import { STORAGE_KEYS } from "./storage";

/** The rows Pulumi.yaml and docs/configuration.md list before the add-ons'. */
export const KEYS_BEFORE_ADDONS = [
    ...PLATFORM_KEYS,
    ...STORAGE_KEYS,
    ...CLUSTER_KEYS,
    ...AGENT_KEYS,
    ...PROMETHEUS_KEYS,
] as const satisfies readonly ConfigKeySpec[];

/** The rows listed after the add-ons'. */
export const KEYS_AFTER_ADDONS = [
    ...EVENT_KEYS,
    ...PLATFORM_OVERRIDE_KEYS,
    ...FLEET_KEYS,
] as const satisfies readonly ConfigKeySpec[];

/** A row of the table that is not an add-on's. */
export type CoreKeySpec = (typeof KEYS_BEFORE_ADDONS)[number] | (typeof KEYS_AFTER_ADDONS)[number];
