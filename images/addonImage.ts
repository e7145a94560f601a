/**
 * An image the program's own add-on manifests reference (components/addons/), not the chart: pinned through the same
 * lock as the chart's images, at the tag the add-on gives (no `images.*` config key).
 */
export interface AddonImage {
    component: string;
    /** The `addons.<name>` that uses it. */
    addon: string;
    repository: string;
    tag: string;
}

/**
 * An image an add-on pulls from a registry in each cluster's own region (the EKS add-on registries): locked per region,
 * for the regions `npm run images:lock -- --<add-on in kebab-case>-regions` names and those the lock already pins.
 */
export interface RegionalAddonImage {
    /** The `addons.<name>` that uses it. */
    addon: string;
    /** The registry host of each region it can come from. */
    registries: Readonly<Record<string, string>>;
    /** Its repository inside each registry. */
    path: string;
    tag: string;
}

/** A regional image's repository (registry included) in `region`, which its table has. */
export const regionalRepository = (image: RegionalAddonImage, region: string) =>
    `${image.registries[region]}/${image.path}`;
