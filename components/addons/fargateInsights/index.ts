/**
 * Container Insights for EKS Fargate as an add-on (components/addons/contract.ts). Its plan over the fleet
 * (fleet.ts) loads the providers, so it is imported when the program plans: the key table and the CLI read this
 * module for the add-on's config and permissions alone.
 */
import { Addon } from "../contract";
import { fargateInsightsConfig } from "./config";
import { fargateInsightsDeployerPermissions } from "./permissions";
import { fargateProfileLookup } from "./profiles";

export const fargateInsights: Addon<typeof fargateInsightsConfig> = {
    config: fargateInsightsConfig,
    plan: async (fleet) => (await import("./fleet")).planFargateFleet(fleet),
    permissions: fargateInsightsDeployerPermissions,
    awsReads: (aws) => ({ fargateProfiles: fargateProfileLookup(aws) }),
};
