/**
 * The optional add-ons the program offers, in the order each cluster's ClusterAgent installs them. An add-on is a
 * folder here implementing components/addons/contract.ts; adding one is its folder and its line in ADDONS. Everything
 * else about the add-ons (their key rows, names, images and the types they add) is computed from that line.
 */
import type { IntersectionOf } from "../../common/types";
import type { ValuesOf } from "../../config/values";
import type { ReadsOf, StatusOf } from "./contract";
import { cniMetrics } from "./cniMetrics";
import { fargateInsights } from "./fargateInsights";

export const ADDONS = [fargateInsights, cniMetrics] as const;

type Registered = (typeof ADDONS)[number]["config"];

/** The add-ons' configs by name: the order of their rows in the key table, Pulumi.yaml and docs/configuration.md. */
export const ADDON_CONFIGS: readonly Registered[] = ADDONS.map((addon): Registered => addon.config).sort((a, b) =>
    a.name < b.name ? -1 : 1,
);

/** The registered add-ons' slice of the parsed config (`addons.<name>.*`). */
export type AddonsConfig = ValuesOf<Registered["keys"][number]>;

export type AddonName = keyof AddonsConfig["addons"] & string;

/** The add-ons' names in the key table's order (the order of a cluster's `addons` in the `clusters` output). */
export const ADDON_NAMES = ADDON_CONFIGS.map((config) => config.name) as readonly AddonName[];

/** The fields the add-ons add to a cluster's line of the `clusters` output (program/options.ts ClusterLine). */
export type AddonStatusFields = IntersectionOf<StatusOf<Registered>>;

/** The add-ons' program-time reads, among the program's options (program/options.ts). */
export type AddonReads = IntersectionOf<ReadsOf<Registered>>;
