/** The optional add-ons the program can install beside the agent, by their `addons.<name>` config key. */
export const ADDON_NAMES = ["cniMetrics", "fargateInsights"] as const;
export type AddonName = (typeof ADDON_NAMES)[number];
