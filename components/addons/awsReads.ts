/**
 * The AWS reads the add-ons make at program time (components/addons/contract.ts AwsReads) through the AWS SDK, with the
 * credentials and `aws:profile` the stack's AWS provider uses: one client per region. Offline (`container-insights
 * plan`, the tests) the same reads are answered from a described fleet (automation/plan/fleet.ts fleetAwsReads).
 */
import { EKSClient, paginateListFargateProfiles } from "@aws-sdk/client-eks";
import { ADDONS, AddonReads } from ".";
import type { AwsReads } from "./contract";

/** The reads through the SDK's default credential chain, with `aws:profile` when the stack sets one. */
export function sdkAwsReads(profile?: string): AwsReads {
    const clients = new Map<string, EKSClient>();
    const eks = (region: string) => {
        let found = clients.get(region);
        if (!found) {
            found = new EKSClient({ region, ...(profile ? { profile } : {}) });
            clients.set(region, found);
        }
        return found;
    };
    return {
        listFargateProfiles: (cluster) =>
            paginateListFargateProfiles({ client: eks(cluster.region) }, { clusterName: cluster.name }),
    };
}

/** Every registered add-on's program-time reads, made through `aws`. */
export function addonReads(aws: AwsReads): AddonReads {
    return Object.assign({}, ...ADDONS.map((addon) => addon.awsReads?.(aws)));
}
