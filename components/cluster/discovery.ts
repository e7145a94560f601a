import * as aws from "@pulumi/aws";
import { describeError } from "../../common/errors";
import { limiter } from "../../common/limit";
import { DiscoveredCluster } from "./types";

/** What one deploy could read of the fleet. A region or cluster missing here is unknown, not gone. */
export interface FleetScan {
    clusters: DiscoveredCluster[];
    /** Regions whose cluster list could not be read (not enabled, AccessDenied, throttled): nothing is known there. */
    unreadRegions: Array<{ region: string; error: string }>;
    /** Listed clusters that could not be described. */
    unreadClusters: Array<{ name: string; region: string; error: string }>;
    /** Listed clusters that were gone when described (deleted in between). */
    goneClusters: Array<{ name: string; region: string }>;
}

/** terraform-provider-aws data sources report a missing object as NotFound ("couldn't find resource"). */
export function isNotFound(error: unknown): boolean {
    return /couldn't find resource|ResourceNotFoundException|NoSuchEntity|not found/i.test(describeError(error));
}

/**
 * Finds every EKS cluster in the regions through Pulumi invokes, so it uses the stack's own AWS credentials and
 * works under mocks. Regions are listed concurrently; the per-cluster lookups share one bound. One region's or one
 * cluster's failure is reported in the scan, never thrown.
 */
export async function discoverClusters(regions: string[], concurrency = 16): Promise<FleetScan> {
    const limit = limiter(concurrency);
    const scan: FleetScan = { clusters: [], unreadRegions: [], unreadClusters: [], goneClusters: [] };
    await Promise.all(
        regions.map(async (region) => {
            let names: string[];
            try {
                names = [...(await aws.eks.getClusters({ region })).names].sort();
            } catch (error) {
                scan.unreadRegions.push({ region, error: describeError(error) });
                return;
            }
            await Promise.all(
                names.map((name) =>
                    limit(async () => {
                        try {
                            scan.clusters.push(await describe(name, region));
                        } catch (error) {
                            if (isNotFound(error)) {
                                scan.goneClusters.push({ name, region });
                            } else {
                                scan.unreadClusters.push({ name, region, error: describeError(error) });
                            }
                        }
                    }),
                ),
            );
        }),
    );
    const order = (a: { region: string; name: string }, b: { region: string; name: string }) =>
        regions.indexOf(a.region) - regions.indexOf(b.region) || a.name.localeCompare(b.name);
    scan.clusters.sort(order);
    scan.unreadClusters.sort(order);
    return scan;
}

async function describe(name: string, region: string): Promise<DiscoveredCluster> {
    const cluster = await aws.eks.getCluster({ name, region });
    return {
        name,
        region,
        arn: cluster.arn,
        status: cluster.status,
        endpoint: cluster.endpoint,
        certificateAuthority: cluster.certificateAuthorities?.[0]?.data ?? "",
        oidcIssuer: cluster.identities?.[0]?.oidcs?.[0]?.issuer || undefined,
        tags: cluster.tags ?? {},
        ...(cluster.vpcConfig?.vpcId
            ? { vpcId: cluster.vpcConfig.vpcId, subnetIds: [...(cluster.vpcConfig.subnetIds ?? [])] }
            : {}),
    };
}
