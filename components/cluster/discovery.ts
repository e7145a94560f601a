import * as aws from "@pulumi/aws";
import { limiter } from "../../common/limit";
import { DiscoveredCluster } from "./types";

/**
 * Finds every EKS cluster in the regions through Pulumi invokes, so it uses the stack's own AWS credentials and
 * works under mocks. Regions are listed concurrently; the per-cluster lookups share one bound.
 */
export async function discoverClusters(regions: string[], concurrency = 16): Promise<DiscoveredCluster[]> {
    const limit = limiter(concurrency);
    const perRegion = await Promise.all(
        regions.map(async (region) => {
            const { names } = await aws.eks.getClusters({ region });
            return Promise.all(
                [...names].sort().map((name) =>
                    limit(async () => {
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
                        };
                    }),
                ),
            );
        }),
    );
    return perRegion.flat();
}
