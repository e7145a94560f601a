/**
 * Whether CloudTrail delivers the management events the rules need: EventBridge receives "AWS API Call via
 * CloudTrail" events in a region only while a trail logs that region's management events (write events: CreateCluster
 * and the others are writes). @pulumi/aws has no invoke that lists trails, so the program asks CloudTrail with the AWS
 * SDK (read-only: DescribeTrails, GetTrailStatus, GetEventSelectors); tests give it a fake lookup.
 */
import {
    CloudTrailClient,
    DescribeTrailsCommand,
    GetEventSelectorsCommand,
    GetTrailStatusCommand,
} from "@aws-sdk/client-cloudtrail";
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
    /** Its status or selectors could not be read (an organization trail seen from a member account): why. */
    unreadable?: string;
}

export interface TrailLookup {
    /** The trails that apply to `region` (its own, and multi-region and organization trails from elsewhere). */
    trailsFor(region: string): Promise<TrailFacts[]>;
}

/** Whether one trail delivers `region`'s management write events (`global`: IAM's, in the IAM region). */
export function delivers(trail: TrailFacts, region: string, global = false): boolean {
    return (
        trail.logging &&
        trail.logsManagementWrites &&
        (trail.multiRegion || trail.homeRegion === region) &&
        (!global || trail.includesGlobalServiceEvents)
    );
}

/** Event selectors as GetEventSelectors returns them: whether management write events are logged. */
export function logsManagementWrites(selectors: {
    EventSelectors?: Array<{ IncludeManagementEvents?: boolean; ReadWriteType?: string }>;
    AdvancedEventSelectors?: Array<{
        FieldSelectors?: Array<{ Field?: string; Equals?: string[]; NotEquals?: string[] }>;
    }>;
}): boolean {
    if (selectors.AdvancedEventSelectors && selectors.AdvancedEventSelectors.length > 0) {
        return selectors.AdvancedEventSelectors.some((selector) => {
            const fields = selector.FieldSelectors ?? [];
            const category = fields.find((f) => f.Field === "eventCategory");
            const readOnly = fields.find((f) => f.Field === "readOnly");
            return (
                category?.Equals?.includes("Management") === true &&
                !readOnly?.Equals?.includes("true") &&
                !readOnly?.NotEquals?.includes("false")
            );
        });
    }
    return (selectors.EventSelectors ?? []).some(
        (s) => s.IncludeManagementEvents !== false && (s.ReadWriteType ?? "All") !== "ReadOnly",
    );
}

export interface Coverage {
    /** Included regions where no trail delivers the EKS events. */
    uncovered: string[];
    /** Whether IAM's OIDC provider events reach the IAM region. */
    iam: boolean;
}

/**
 * Which regions would not get events. A region whose trails cannot be listed counts as uncovered, with the reason
 * (`errors`); one trail that cannot be read does not hide another that covers the region, and an uncovered region
 * names its unreadable trails (`unreadable`) rather than claiming it has none.
 */
export async function trailCoverage(
    lookup: TrailLookup,
    regions: string[],
    iamRegion: string,
): Promise<Coverage & { errors: Record<string, string>; unreadable: Record<string, string[]> }> {
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
    const uncovered = regions.filter((region) => !trails.get(region)!.some((t) => delivers(t, region)));
    const unreadable: Record<string, string[]> = {};
    for (const region of uncovered) {
        const unread = trails.get(region)!.filter((t) => t.unreadable !== undefined);
        if (unread.length > 0) {
            unreadable[region] = unread.map((t) => `${t.arn}: ${t.unreadable}`);
        }
    }
    return { uncovered, iam: trails.get(iamRegion)!.some((t) => delivers(t, iamRegion, true)), errors, unreadable };
}

/** The lookup with the credentials the stack's AWS provider uses by default (and `aws:profile` when set). */
export function sdkTrailLookup(profile?: string): TrailLookup {
    return {
        trailsFor: async (region) => {
            const client = new CloudTrailClient({ region, ...(profile ? { profile } : {}) });
            const { trailList } = await client.send(new DescribeTrailsCommand({ includeShadowTrails: true }));
            // Each trail on its own: an organization trail a member account may not read must not hide its own trail.
            return Promise.all(
                (trailList ?? []).map(async (trail): Promise<TrailFacts> => {
                    const arn = trail.TrailARN!;
                    const described = {
                        arn,
                        homeRegion: trail.HomeRegion ?? region,
                        multiRegion: trail.IsMultiRegionTrail === true,
                        includesGlobalServiceEvents: trail.IncludeGlobalServiceEvents === true,
                    };
                    const [status, selectors] = await Promise.allSettled([
                        client.send(new GetTrailStatusCommand({ Name: arn })),
                        client.send(new GetEventSelectorsCommand({ TrailName: arn })),
                    ]);
                    if (status.status === "rejected" || selectors.status === "rejected") {
                        const failed = (status.status === "rejected" ? status : selectors) as PromiseRejectedResult;
                        return {
                            ...described,
                            logging: false,
                            logsManagementWrites: false,
                            unreadable: errorText(failed.reason),
                        };
                    }
                    return {
                        ...described,
                        logging: status.value.IsLogging === true,
                        logsManagementWrites: logsManagementWrites(selectors.value),
                    };
                }),
            );
        },
    };
}
