/**
 * The optional add-ons the program offers, in the order each cluster's ClusterAgent installs them. An add-on is a
 * folder here implementing components/addons/contract.ts; adding one is its folder and its line below.
 */
import { Addon } from "./contract";
import { cniMetrics } from "./cniMetrics";
import { fargateInsights } from "./fargateInsights";

export const ADDONS: readonly Addon[] = [fargateInsights, cniMetrics];
