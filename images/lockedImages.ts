/**
 * Every image the lock pins at its default tag: the chart's (images/catalog.ts) and the registered add-ons'. Apart
 * from the catalog, which the key table reads, since the add-ons' images come from the add-on registry.
 */
import { ADDON_CONFIGS } from "../components/addons";
import { AddonImage, RegionalAddonImage } from "./addonImage";
import { CHART_IMAGES } from "./catalog";

/** The images the add-ons' own manifests reference, each add-on's from its config (components/addons/<name>/config.ts). */
export const ADDON_IMAGES: readonly AddonImage[] = ADDON_CONFIGS.flatMap((addon) =>
    "images" in addon ? addon.images : [],
);

/** Every image the lock pins at its default tag: the chart's and the add-ons'. */
export const LOCKED_IMAGES: ReadonlyArray<{ component: string; repository: string; tag: string }> = [
    ...CHART_IMAGES,
    ...ADDON_IMAGES,
];

/** The images the add-ons pull from a registry of each cluster's region, locked per region (npm run images:lock). */
export const REGIONAL_IMAGES: readonly RegionalAddonImage[] = ADDON_CONFIGS.flatMap((addon) =>
    "regionalImages" in addon ? addon.regionalImages : [],
);
