/**
 * The config's types without the add-ons: what shared code and the add-ons' own code read (an add-on adds the type of
 * its own rows, components/addons/contract.ts). The whole config's types (config/parse.ts, config/load.ts) are
 * computed from the table with the registered add-ons' rows, which the add-ons' code must not depend on.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { PlatformEndpoints } from "./environments";
import type { CoreKeySpec } from "./keys/core";
import type { SecretKeyOf, ValuesOf } from "./values";

/** The keys that are not an add-on's, as parsed. */
export type CoreValues = ValuesOf<CoreKeySpec>;

/** What the program derives from the keys' values. */
export interface DerivedConfig {
    /** The stack's `aws:region`: where the bucket, the Lambdas and the roles' API calls live. */
    stackRegion: string;
    /** The environment's platform endpoints, with the `platform*` overrides applied. */
    platform: PlatformEndpoints;
    /** `includeRegions`, or the stack's region when blank. */
    regions: string[];
}

/** The parsed config without the add-ons' keys. */
export type CoreConfig = CoreValues & DerivedConfig;

/** The secret keys; an add-on's keys are fields of `addons`, never top-level secrets (config/load.ts SECRET_KEYS). */
export type SecretKey = SecretKeyOf<CoreKeySpec>;

/** The parsed config with each secret value a Pulumi secret; a union member stays one (`externalId` when autoUpdate). */
export type WithSecrets<T> = { [K in keyof T]: K extends SecretKey ? AsSecret<T[K]> : T[K] };
type AsSecret<V> = V extends string ? pulumi.Output<string> : V;

/** The stack's names, which the program adds to the config. */
export interface StackNames {
    /** `<project>/<stack>`: the value of the ownership tag on everything this stack creates. */
    stackId: string;
    /** The stack name alone, used in physical names and the per-cluster role path. */
    stackName: string;
}

/** The settings without the add-ons' keys (config/load.ts Settings has them). */
export type CoreSettings = WithSecrets<CoreConfig> & StackNames;

/** Name globs applied within the clusters the agent is installed in (`clusters.*` selects those). */
export interface AddonGlobs {
    /** Empty means every selected cluster. */
    include: string[];
    exclude: string[];
}
