/**
 * The world of the events benchmark (pure, seeded): when clusters are created, how long EKS takes, how late
 * CloudTrail's events reach EventBridge, which ones arrive twice, and how long an `up` takes. Every figure is an
 * assumption named here, so docs/benchmarks.md can quote it.
 */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export interface EventModel {
    /** EKS CreateCluster until ACTIVE: 10-15 minutes (EKS documentation: "usually between 10 and 15 minutes"). */
    creatingMs: [number, number];
    /**
     * A management API call until EventBridge delivers its "AWS API Call via CloudTrail" event. AWS promises no bound
     * ("best effort"); we assume 1-5 minutes, CloudTrail's usual delivery time, uniformly.
     */
    cloudTrailDelayMs: [number, number];
    /** EventBridge delivers at least once: this share of events arrives twice, the copy up to 3 minutes later. */
    duplicateShare: number;
    duplicateLagMs: [number, number];
    /** SQS to the reconciler Lambda (event source mapping long polling), and its event to the watch queue. */
    lambdaPickupMs: number;
    busToQueueMs: number;
    /**
     * An `up`: the program and ~430 resources mostly unchanged (90 s); installing agents adds the Helm charts'
     * readiness wait (150 s) and 10 s per further cluster installed in the same run.
     */
    upBaseMs: number;
    upInstallMs: number;
    upPerExtraClusterMs: number;
    /** "schedule" mode installs agents only in a nightly CI `up`, at this hour (UTC). */
    nightlyUpHour: number;
}

export const DEFAULT_MODEL: EventModel = {
    creatingMs: [10 * MINUTE, 15 * MINUTE],
    cloudTrailDelayMs: [1 * MINUTE, 5 * MINUTE],
    duplicateShare: 0.1,
    duplicateLagMs: [0, 3 * MINUTE],
    lambdaPickupMs: 1_000,
    busToQueueMs: 1_000,
    upBaseMs: 90_000,
    upInstallMs: 150_000,
    upPerExtraClusterMs: 10_000,
    nightlyUpHour: 2,
};

export interface PlannedCluster {
    name: string;
    region: string;
    /** CreateCluster call. */
    createdAt: number;
    activeAt: number;
    /** When each copy of the CreateCluster event reaches the reconciler's queue (one, or two when duplicated). */
    deliveries: number[];
}

const between = (random: () => number, [low, high]: [number, number]) => low + (high - low) * random();

/** Clusters created at uniformly random times over `days` days, spread over the regions, each with its events. */
export function planClusters(
    random: () => number,
    options: { days: number; clustersPerDay: number; regions: string[] },
    model: EventModel = DEFAULT_MODEL,
): PlannedCluster[] {
    const count = Math.round(options.days * options.clustersPerDay);
    const clusters: PlannedCluster[] = [];
    for (let i = 0; i < count; i++) {
        const createdAt = Math.round(random() * options.days * DAY);
        const activeAt = createdAt + Math.round(between(random, model.creatingMs));
        const first = createdAt + Math.round(between(random, model.cloudTrailDelayMs));
        const deliveries =
            random() < model.duplicateShare
                ? [first, first + Math.round(between(random, model.duplicateLagMs))]
                : [first];
        clusters.push({
            name: `new-${String(i).padStart(4, "0")}`,
            region: options.regions[i % options.regions.length],
            createdAt,
            activeAt,
            deliveries,
        });
    }
    return clusters.sort((a, b) => a.createdAt - b.createdAt);
}

/** How long an `up` takes that installs agents on `installs` clusters. */
export function upDurationMs(installs: number, model: EventModel = DEFAULT_MODEL): number {
    return model.upBaseMs + (installs > 0 ? model.upInstallMs + (installs - 1) * model.upPerExtraClusterMs : 0);
}

/** The next nightly `up` at or after `at`. */
export function nextNightlyUp(at: number, model: EventModel = DEFAULT_MODEL): number {
    const today = Math.floor(at / DAY) * DAY + model.nightlyUpHour * HOUR;
    return today >= at ? today : today + DAY;
}

/** Nearest-rank percentile (p in 0..100) of a list of values; 0 for an empty list. */
export function percentile(values: number[], p: number): number {
    if (values.length === 0) {
        return 0;
    }
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
