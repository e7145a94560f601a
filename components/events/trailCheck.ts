/**
 * Whether CloudTrail delivers the management events the rules need: EventBridge receives "AWS API Call via
 * CloudTrail" events in a region only while a trail logs that region's management events (write events: CreateCluster
 * and the others are writes). @pulumi/aws has no invoke that lists trails, so the program asks CloudTrail with the AWS
 * SDK (read-only: DescribeTrails, GetTrailStatus, GetEventSelectors); tests give it a fake lookup.
 */
import { CloudTrailClient, DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand } from "@aws-sdk/client-cloudtrail";
import { errorText } from "../../common/errors";

export interface TrailFacts {
    arn: string;
    homeRegion: string;
    multiRegion: boolean;
    /** Logs global services' events (IAM), which arrive in us-east-1. */
    includesGlobalServiceEvents: boolean;
    logging: boolean;
    /** Logs management write events (read/write type All or WriteOnly, or advanced selectors that keep them). */
    logsManagementWrites: boolean;
}

export interface TrailLookup {
    /** The trails that apply to `region` (its own, and multi-region and organization trails from elsewhere). */
    trailsFor(region: string): Promise<TrailFacts[]>;
}

/** Whether one trail delivers `region`'s management write events (`global`: IAM's, in the IAM region). */
export function delivers(trail: TrailFacts, region: string, global = false): boolean {
    return trail.logging && trail.logsManagementWrites && (trail.multiRegion || trail.homeRegion === region) && (!global || trail.includesGlobalServiceEvents);
}

/** Event selectors as GetEventSelectors returns them: whether management write events are logged. */
export function logsManagementWrites(selectors: {
    EventSelectors?: Array<{ IncludeManagementEvents?: boolean; ReadWriteType?: string }>;
    AdvancedEventSelectors?: Array<{ FieldSelectors?: Array<{ Field?: string; Equals?: string[]; NotEquals?: string[] }> }>;
}): boolean {
    if (selectors.AdvancedEventSelectors && selectors.AdvancedEventSelectors.length > 0) {
        return selectors.AdvancedEventSelectors.some((selector) => {
            const fields = selector.FieldSelectors ?? [];
            const category = fields.find((f) => f.Field === "eventCategory");
            const readOnly = fields.find((f) => f.Field === "readOnly");
            return category?.Equals?.includes("Management") === true && !readOnly?.Equals?.includes("true") && !readOnly?.NotEquals?.includes("false");
        });
    }
    return (selectors.EventSelectors ?? []).some((s) => s.IncludeManagementEvents !== false && (s.ReadWriteType ?? "All") !== "ReadOnly");
}

export interface Coverage {
    /** Included regions where no trail delivers the EKS events. */
    uncovered: string[];
    /** Whether IAM's OIDC provider events reach the IAM region. */
    iam: boolean;
}

/** Which regions would not get events. A region whose trails cannot be read counts as uncovered, with the reason. */
export async function trailCoverage(lookup: TrailLookup, regions: string[], iamRegion: string): Promise<Coverage & { errors: Record<string, string> }> {
    const all = [...new Set([...regions, iamRegion])];
    const errors: Record<string, string> = {};
    const trails = new Map<string, TrailFacts[]>();
    await Promise.all(
        all.map(async (region) => {
            try {
                trails.set(region, await lookup.trailsFor(region));
            } catch (error) {
                errors[region] = errorText(error);
                trails.set(region, []);
            }
        }),
    );
    return {
        uncovered: regions.filter((region) => !trails.get(region)!.some((t) => delivers(t, region))),
        iam: trails.get(iamRegion)!.some((t) => delivers(t, iamRegion, true)),
        errors,
    };
}

/** The lookup with the credentials the stack's AWS provider uses by default (and `aws:profile` when set). */
export function sdkTrailLookup(profile?: string): TrailLookup {
    return {
        trailsFor: async (region) => {
            const client = new CloudTrailClient({ region, ...(profile ? { profile } : {}) });
            const { trailList } = await client.send(new DescribeTrailsCommand({ includeShadowTrails: true }));
            return Promise.all(
                (trailList ?? []).map(async (trail): Promise<TrailFacts> => {
                    const arn = trail.TrailARN!;
                    const [status, selectors] = await Promise.all([
                        client.send(new GetTrailStatusCommand({ Name: arn })),
                        client.send(new GetEventSelectorsCommand({ TrailName: arn })),
                    ]);
                    return {
                        arn,
                        homeRegion: trail.HomeRegion ?? region,
                        multiRegion: trail.IsMultiRegionTrail === true,
                        includesGlobalServiceEvents: trail.IncludeGlobalServiceEvents === true,
                        logging: status.IsLogging === true,
                        logsManagementWrites: logsManagementWrites(selectors),
                    };
                }),
            );
        },
    };
}
