/**
 * Which stacks the watch service's `up` runs for a batch of cluster changes (pure). A whole stack (`fleet.part`
 * whole, the default) runs itself, as it always has. A fleet's account stack (`fleet.part` account) holds no agent:
 * each named cluster's cluster stack runs instead, found by the fleet's own naming (automation/fleet/stacks.ts), once
 * however many changes name it. A cluster whose region has no cluster stack is returned as missing.
 */
import { clusterStackOf } from "../fleet/stacks";
import type { ClusterChange } from "./messages";

export interface WatchLayout {
    /** The watched stack's `fleet.part` ("whole" when unset). */
    part: string;
    /** The project's stacks in the same backend (read for a fleet's account stack only). */
    stacks: readonly string[];
}

export interface UpTargets {
    stacks: string[];
    /** Changes whose cluster has no cluster stack (deploy the fleet to its region first). */
    missing: ClusterChange[];
}

export function upTargets(watched: string, layout: WatchLayout, changes: readonly ClusterChange[]): UpTargets {
    if (layout.part !== "account") {
        return { stacks: [watched], missing: [] };
    }
    const stacks = new Set<string>();
    const missing: ClusterChange[] = [];
    for (const change of changes) {
        const holder = clusterStackOf(watched, { name: change.clusterName, region: change.region }, layout.stacks);
        if (holder) {
            stacks.add(holder);
        } else {
            missing.push(change);
        }
    }
    return { stacks: [...stacks].sort(), missing };
}
