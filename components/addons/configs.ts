/**
 * The add-ons' config (each add-on's config.ts), in the order of the key table, Pulumi.yaml and
 * docs/configuration.md. config/keys/ and config/parse.ts read the add-ons from here, so an add-on is registered twice:
 * here and in index.ts (ADDONS), because the add-ons' plans read the parsed config and the config's type is made
 * of these rows, and one module holding both would be an import cycle.
 */
import { cniMetricsConfig } from "./cniMetrics/config";
import { fargateInsightsConfig } from "./fargateInsights/config";

export const ADDON_CONFIGS = [cniMetricsConfig, fargateInsightsConfig] as const;
