/**
 * Whether a cluster runs Fargate: it has a Fargate profile other than the add-on's own. @pulumi/aws has no invoke that
 * lists a cluster's Fargate profiles (only aws.eks.FargateProfile, the resource), so the program asks EKS with the AWS
 * SDK, like its other program-time reads (components/adoption/existingResources.ts): the credentials and profile the
 * stack's AWS provider uses by default. Tests hand the program a fake.
 */
import { EKSClient, paginateListFargateProfiles } from "@aws-sdk/client-eks";
import { FARGATE_PROFILE_NAME } from "./manifests";

/** The name of one Fargate profile of the cluster that is not the add-on's own, or undefined when there is none. */
export type FargateProfileLookup = (cluster: { name: string; region: string }) => Promise<string | undefined>;

/** The first profile not named `own` in EKS's pages of profile names; stops reading at the first one found. */
export async function firstOtherProfile(
    pages: AsyncIterable<{ fargateProfileNames?: string[] }>,
    own = FARGATE_PROFILE_NAME,
): Promise<string | undefined> {
    for await (const page of pages) {
        const other = (page.fargateProfileNames ?? []).find((name) => name !== own);
        if (other !== undefined) {
            return other;
        }
    }
    return undefined;
}

/** ListFargateProfiles through one SDK client per region, with `aws:profile` when the stack sets one. */
export function sdkFargateProfiles(profile?: string): FargateProfileLookup {
    const clients = new Map<string, EKSClient>();
    const client = (region: string) => {
        let found = clients.get(region);
        if (!found) {
            found = new EKSClient({ region, ...(profile ? { profile } : {}) });
            clients.set(region, found);
        }
        return found;
    };
    return (cluster) =>
        firstOtherProfile(
            paginateListFargateProfiles({ client: client(cluster.region) }, { clusterName: cluster.name }),
        );
}
