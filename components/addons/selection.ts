/**
 * Which of the clusters that get the agent get an add-on. The add-ons' globs apply within the fleet `clusters.*`
 * already selected, with the same glob semantics (common/selection.ts).
 */
import { AddonGlobs } from "../../config/core";
import { filterReason } from "../../common/selection";

/** Why an add-on's globs leave a cluster out; undefined when they select it. */
export function addonFilterReason(addon: string, cluster: { name: string }, globs: AddonGlobs): string | undefined {
    return filterReason(cluster, { include: globs.include, exclude: globs.exclude, tags: {} }, `addons.${addon}`);
}
