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
