/**
 * The add-ons' config (each add-on's config.ts), in the order of the key table, Pulumi.yaml and
 * docs/configuration.md. config/keys/ and config/parse.ts read the add-ons from here, so an add-on is registered twice:
 * here and in index.ts (ADDONS), because the add-ons' plans read the parsed config and the config's type is made
 * of these rows, and one module holding both would be an import cycle.
 */
import type { Shape } from "../../config/keys/spec";
import type { IntersectionOf } from "../../common/types";
import { cniMetricsConfig } from "./cniMetrics/config";
import { fargateInsightsConfig } from "./fargateInsights/config";

export const ADDON_CONFIGS = [cniMetricsConfig, fargateInsightsConfig] as const;

type Declared<C, K extends "status" | "reads"> = C extends { [P in K]: Shape<infer T> } ? T : Record<never, never>;

/** The fields the add-ons add to a cluster's line of the `clusters` output (components/cluster/types.ts). */
export type AddonStatusFields = IntersectionOf<Declared<(typeof ADDON_CONFIGS)[number], "status">>;

/** The add-ons' program-time reads (components/addons/contract.ts AddonReads). */
export type AddonReadFields = IntersectionOf<Declared<(typeof ADDON_CONFIGS)[number], "reads">>;
