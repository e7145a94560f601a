/**
 * Whether a cluster runs Fargate: it has a Fargate profile other than the add-on's own. @pulumi/aws has no invoke that
 * lists a cluster's Fargate profiles (only aws.eks.FargateProfile, the resource), so the program asks EKS with the AWS
 * SDK, like its other program-time reads (components/adoption/existingResources.ts), through the AWS reads the program
 * gives the add-ons (the stack's credentials and profile; offline, answers from the described fleet).
 */
import { AwsReads } from "../contract";
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

/** The lookup over the cluster's ListFargateProfiles pages. */
export function fargateProfileLookup(aws: AwsReads): FargateProfileLookup {
    return (cluster) => firstOtherProfile(aws.listFargateProfiles(cluster));
}
