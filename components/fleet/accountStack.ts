/**
 * A cluster stack of a fleet (fleet.part clusters) and the account stack it belongs to: it reads that stack's
 * outputs through a StackReference, and names and tags what it creates as that stack does, so that moving a
 * cluster's resources out of a whole stack changes none of their names, and the account's reconciler recognises
 * them as its own.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { Settings } from "../../config/load";

/** The settings a cluster stack registers with: its account stack's name and id (the ownership tag's value). */
export function clusterStackSettings(settings: Settings): Settings {
    const accountStack = settings.fleet.accountStack;
    if (!accountStack) {
        // parseConfig requires it with fleet.part clusters.
        throw new pulumi.RunError("fleet.accountStack is required with fleet.part clusters");
    }
    return { ...settings, stackName: accountStack, stackId: `${pulumi.getProject()}/${accountStack}` };
}

/** `<organization>/<project>/<stack>`, as the engine resolves a StackReference (a DIY backend's organization is "organization"). */
export function accountStackReference(
    accountStack: string,
    opts?: pulumi.CustomResourceOptions,
): pulumi.StackReference {
    let organization: string | undefined;
    try {
        organization = pulumi.getOrganization();
    } catch {
        organization = undefined;
    }
    const name = organization ? `${organization}/${pulumi.getProject()}/${accountStack}` : accountStack;
    return new pulumi.StackReference("account-stack", { name }, opts);
}

/** A cluster's group among `groups`: from a hash of its region and name, so it never moves while `groups` stays. */
export function clusterGroup(cluster: { name: string; region: string }, groups: number): number {
    const digest = createHash("sha256").update(`${cluster.region}/${cluster.name}`).digest();
    return digest.readUInt32BE(0) % groups;
}

/** The clusters of one group, as discoverFleet selects them. */
export function inGroup(group: number, groups: number): (cluster: { name: string; region: string }) => boolean {
    return (cluster) => clusterGroup(cluster, groups) === group;
}
