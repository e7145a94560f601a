/**
 * The cni-metrics-helper as an add-on (components/addons/contract.ts). Its plan over the fleet (fleet.ts) loads the
 * providers, so it is imported when the program plans: the key table and the CLI read this module for the add-on's
 * config and permissions alone.
 */
import { Addon } from "../contract";
import { cniMetricsConfig } from "./config";
import { cniMetricsDeployerPermissions } from "./permissions";

export const cniMetrics: Addon<typeof cniMetricsConfig> = {
    config: cniMetricsConfig,
    plan: async (fleet) => (await import("./fleet")).planCniMetricsFleet(fleet),
    permissions: cniMetricsDeployerPermissions,
};
