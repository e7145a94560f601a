/**
 * npm run bench:events [-- --json] [-- --seed <n>] [-- --days <n>] [-- --clusters-per-day <n>]
 * Onboarding latency on virtual time: clusters created at random times (bench/eventModel.ts says what is assumed),
 * and for each mode the time from ACTIVE to the cluster's identity being ready and to its agent being installed:
 *  - vendor:   the vendor's algorithm (bench/vendorAlgorithm.ts) every 2 hours; agents are installed by hand (null);
 *  - schedule: our reconciler every 2 hours; agents by a nightly CI `up`;
 *  - events:   CloudTrail events through the reconciler queue's real consumer (runQueue; requeued while CREATING),
 *              its "Cluster Identity Ready" events into the watch queue, and the real watch service (debounce,
 *              runner) running a modelled `up`.
 * Every mode runs against the stateful fake account with IAM's write quota. The targets (bench/eventTargets.ts) are
 * checked and the process exits 1 when one is missed. --json prints exactly one JSON object.
 */
import { randomInt } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { clusterRoleName, eventResourceNames } from "../common/naming";
import { CLUSTER_IDENTITY_READY } from "../lambda/reconciler/clusterEvents";
import { LambdaEnvironment } from "../lambda/reconciler/environment";
import { Gateway, sdkClients } from "../lambda/reconciler/gateway";
import { REQUEUE_DELAY_S, SqsRecord, runQueue } from "../lambda/reconciler/queueRun";
import { reconcile } from "../lambda/reconciler/reconcile";
import { DEFAULT_BACKOFF } from "../automation/watch/backoff";
import { DEFAULT_DEBOUNCE } from "../automation/watch/debounce";
import { WatchService } from "../automation/watch/service";
import { FakeAccount, IAM_WRITES, fakeStateBucketName } from "../test/fakes/awsAccount";
import { mockAws } from "../test/fakes/sdkMocks";
import { FakeWatchQueue } from "../test/fakes/watchQueue";
import {
    DAY,
    DEFAULT_MODEL,
    EventModel,
    HOUR,
    MINUTE,
    PlannedCluster,
    nextNightlyUp,
    percentile,
    planClusters,
    upDurationMs,
} from "./eventModel";
import { ModeFigures, checkEventTargets } from "./eventTargets";
import { seededRandom } from "./seededRandom";
import type { TargetCheck } from "./targets";
import { VirtualClock } from "./virtualClock";
import { vendorReconcile } from "./vendorAlgorithm";
import { BenchArgs, BenchSpec, runBench, runWhenEntry } from "./cli";

const SIMULATION = { readLatencyMs: 20, writeLatencyMs: 40, iamWritesPerSecond: 20 };
const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"];
const STACK = "bench";
const BOUNDARY = "arn:aws:iam::111122223333:policy/container-insights/bench/nops-ccost-bench-agent-boundary";
const SCHEDULE_MS = 2 * HOUR;
const quietLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface EventsBenchOptions {
    seed: number;
    days: number;
    clustersPerDay: number;
    /** Clusters that exist before the first run (the scheduled modes reconcile them too). */
    existingClusters: number;
    model?: EventModel;
}

export const DEFAULT_OPTIONS: Omit<EventsBenchOptions, "seed"> = { days: 3, clustersPerDay: 40, existingClusters: 10 };

interface Timeline {
    identityAt: Map<string, number>;
    agentAt: Map<string, number>;
    duplicateWrites: number;
    /** events: copies of an event that reached the consumer when the cluster's role was already in step. */
    repeats?: number;
}

const keyOf = (c: { name: string; region: string }) => `${c.region}/${c.name}`;

function settings() {
    return {
        stackId: `container-insights/${STACK}`,
        stackName: STACK,
        regions: REGIONS,
        bucketName: "nops-container-cost-111122223333",
        queueArnPattern: "arn:aws:sqs:us-west-2:202279780353:nops-k8s-*",
        namespace: "nops",
        serviceAccount: "nops-container-insights",
        boundaryPolicyArn: BOUNDARY,
        clusters: { include: [], exclude: [], tags: {} },
        identityMode: "irsa" as const,
    };
}

function newAccount(clock: VirtualClock, existing: number): FakeAccount {
    const fake = new FakeAccount({ clock, ...SIMULATION });
    fake.managedPolicies.add(BOUNDARY);
    for (let i = 0; i < existing; i++) {
        fake.addCluster(REGIONS[i % REGIONS.length], `existing-${String(i).padStart(3, "0")}`);
    }
    return fake;
}

/** Runs `body` on virtual time with the SDK pointed at `fake`. */
async function simulate(fake: FakeAccount, clock: VirtualClock, body: () => Promise<void>): Promise<void> {
    const restore = mockAws(fake);
    try {
        await clock.run(body());
    } finally {
        restore();
    }
}

const at = (clock: VirtualClock, time: number, action: () => unknown) =>
    void clock.sleep(time - clock.now()).then(action);

/** IAM writes since `mark` on roles that were already in step before it. */
function duplicatesSince(fake: FakeAccount, mark: number, inStep: Set<string>): number {
    return fake.calls
        .slice(mark)
        .filter((c) => IAM_WRITES.has(c.operation) && inStep.has(String(c.input.RoleName).toLowerCase())).length;
}

/** A 2-hourly run (ours or the vendor's) on a fleet where clusters appear once ACTIVE. */
async function scheduled(
    plan: PlannedCluster[],
    options: EventsBenchOptions,
    random: () => number,
    run: (clock: VirtualClock, fake: FakeAccount) => Promise<void>,
    roleOf: (c: { name: string; region: string }) => string,
): Promise<Timeline> {
    const clock = new VirtualClock();
    const fake = newAccount(clock, options.existingClusters);
    const timeline: Timeline = { identityAt: new Map(), agentAt: new Map(), duplicateWrites: 0 };
    const horizon = options.days * DAY + SCHEDULE_MS;
    const ready = (c: { name: string; region: string }) => (fake.role(roleOf(c))?.inline.size ?? 0) > 0;
    await simulate(fake, clock, async () => {
        for (const c of plan) {
            // A cluster's OIDC issuer is there once it is ACTIVE: the scheduled runs see it from then on.
            at(clock, c.activeAt, () => fake.addCluster(c.region, c.name));
        }
        for (let tick = 0; tick <= horizon; tick += SCHEDULE_MS) {
            await clock.sleep(tick - clock.now());
            const inStep = new Set(
                [...fake.roles.values()].filter((r) => r.inline.size > 0).map((r) => r.RoleName.toLowerCase()),
            );
            const mark = fake.calls.length;
            await run(clock, fake);
            timeline.duplicateWrites += duplicatesSince(fake, mark, inStep);
            for (const c of plan) {
                if (!timeline.identityAt.has(keyOf(c)) && ready(c)) {
                    timeline.identityAt.set(keyOf(c), clock.now());
                }
            }
        }
    });
    void random;
    return timeline;
}

async function vendorMode(
    plan: PlannedCluster[],
    options: EventsBenchOptions,
    random: () => number,
): Promise<Timeline> {
    return scheduled(
        plan,
        options,
        random,
        (clock, fake) => vendorReconcile(settings(), clock, fake.accountId, random).catch(() => undefined),
        (c) => `nops-ccost-${c.name}_${c.region}`,
    );
}

async function scheduleMode(
    plan: PlannedCluster[],
    options: EventsBenchOptions,
    random: () => number,
): Promise<Timeline> {
    const timeline = await scheduled(
        plan,
        options,
        random,
        async (clock) => {
            const gateway = new Gateway(sdkClients("us-east-1"), clock, {
                deadline: clock.now() + 14 * MINUTE,
                random,
            });
            await reconcile(settings(), gateway, quietLog);
        },
        (c) => clusterRoleName(c.name, c.region),
    );
    // Agents: the nightly CI `up` installs every cluster that is ACTIVE with its identity ready by then.
    const model = options.model ?? DEFAULT_MODEL;
    const nights = new Map<number, PlannedCluster[]>();
    for (const c of plan) {
        const identity = timeline.identityAt.get(keyOf(c));
        if (identity !== undefined) {
            const night = nextNightlyUp(Math.max(identity, c.activeAt), model);
            nights.set(night, [...(nights.get(night) ?? []), c]);
        }
    }
    for (const [night, clusters] of nights) {
        for (const c of clusters) {
            timeline.agentAt.set(keyOf(c), night + upDurationMs(clusters.length, model));
        }
    }
    return timeline;
}

/**
 * The reconciler queue's real consumer (lambda/reconciler/queueRun.ts), as Lambda's event source mapping drives it:
 * one invocation at a time, each copy of a CreateCluster event (the recorded CloudTrail sample, renamed) as its own
 * batch; a record it requeues (cluster CREATING) comes back REQUEUE_DELAY_S later, until it gives up. The
 * "Cluster Identity Ready" events it publishes go to the watch queue.
 */
function realConsumer(
    clock: VirtualClock,
    fake: FakeAccount,
    random: () => number,
    hooks: {
        beforeRun: (c: PlannedCluster) => void;
        onPublished: (entry: FakeAccount["publishedEvents"][number]) => void;
    },
) {
    const env: LambdaEnvironment = {
        ...settings(),
        homeRegion: "us-east-1",
        stateBucketName: fakeStateBucketName(fake.accountId),
        apiUrl: "https://app.nops.io",
        tokenSecretArn: "arn:aws:secretsmanager:us-east-1:111122223333:secret:bench-token",
        version: "bench",
        eventBusName: `container-insights-${STACK}`,
        environment: "PROD",
    };
    const sample = JSON.parse(
        readFileSync(join(__dirname, "..", "test", "fixtures", "events", "eks-create-cluster.json"), "utf8"),
    );
    const queueArn = `arn:aws:sqs:us-east-1:${fake.accountId}:${eventResourceNames(STACK).reconcilerQueue}`;
    let invocations: Promise<unknown> = Promise.resolve();
    let sequence = 0;
    let published = 0;
    const invoke = (c: PlannedCluster, record: SqsRecord) => {
        const run = invocations.then(async () => {
            hooks.beforeRun(c);
            const clients = sdkClients("us-east-1");
            const gateway = new Gateway(clients, clock, { deadline: clock.now() + 14 * MINUTE, random });
            const result = await runQueue(
                { Records: [record] },
                { env, gateway, s3: clients.s3, clock, log: quietLog, stateCall: (send) => send() },
            );
            for (const entry of fake.publishedEvents.slice(published)) {
                hooks.onPublished(entry);
            }
            published = fake.publishedEvents.length;
            return result.records[record.messageId];
        });
        invocations = run.catch(() => undefined);
        return run;
    };
    return async (c: PlannedCluster, delivery: number): Promise<void> => {
        const event = structuredClone(sample);
        event.region = c.region;
        event.detail.awsRegion = c.region;
        event.detail.requestParameters.name = c.name;
        const id = `m-${++sequence}`;
        for (let receives = 1; ; receives++) {
            const record: SqsRecord = {
                messageId: id,
                receiptHandle: `${id}#${receives}`,
                body: JSON.stringify(event),
                eventSource: "aws:sqs",
                eventSourceARN: queueArn,
                attributes: { SentTimestamp: String(delivery), ApproximateReceiveCount: String(receives) },
            };
            const fate = await invoke(c, record);
            if (fate !== "requeued" && fate !== "failed") {
                return;
            }
            await clock.sleep(REQUEUE_DELAY_S * 1000);
        }
    };
}

async function eventsMode(
    plan: PlannedCluster[],
    options: EventsBenchOptions,
    random: () => number,
): Promise<Timeline> {
    const model = options.model ?? DEFAULT_MODEL;
    const clock = new VirtualClock();
    const fake = new FakeAccount({ clock, ...SIMULATION });
    fake.managedPolicies.add(BOUNDARY);
    const timeline: Timeline = { identityAt: new Map(), agentAt: new Map(), duplicateWrites: 0 };
    const watchQueue = new FakeWatchQueue(clock, 300);
    const byKey = new Map(plan.map((c) => [keyOf(c), c]));
    const runner = {
        up: async () => {
            const started = clock.now();
            const installs = plan.filter(
                (c) =>
                    c.activeAt <= started &&
                    (timeline.identityAt.get(keyOf(c)) ?? Infinity) <= started &&
                    !timeline.agentAt.has(keyOf(c)),
            );
            await clock.sleep(upDurationMs(installs.length, model));
            for (const c of installs) {
                timeline.agentAt.set(keyOf(c), clock.now());
            }
            return {
                action: "up" as const,
                stackName: STACK,
                environment: "PROD",
                changes: { create: installs.length },
                outputs: {},
                policyViolations: [],
            };
        },
        cancel: async () => undefined,
    };
    const service = new WatchService(
        {
            stackName: STACK,
            debounce: DEFAULT_DEBOUNCE,
            backoff: DEFAULT_BACKOFF,
            gracePeriodMs: 10 * MINUTE,
            cancelTimeoutMs: 2 * MINUTE,
        },
        { queue: watchQueue, runner, clock, log: () => undefined, random },
    );
    /** Per role already in step when a run for its cluster started: the account's call count at that moment. */
    const inStepAt = new Map<string, number>();
    const consume = realConsumer(clock, fake, random, {
        // A write on a role that was already in step when a run for its cluster started is a duplicate write.
        beforeRun: (c) => {
            const role = clusterRoleName(c.name, c.region).toLowerCase();
            if ((fake.role(role)?.inline.size ?? 0) > 0 && !inStepAt.has(role)) {
                inStepAt.set(role, fake.calls.length);
            }
        },
        onPublished: (entry) => {
            const detail = JSON.parse(entry.Detail) as { clusterName: string; region: string };
            const key = keyOf({ name: detail.clusterName, region: detail.region });
            if (entry.DetailType === CLUSTER_IDENTITY_READY && !timeline.identityAt.has(key)) {
                timeline.identityAt.set(key, clock.now());
            }
            const envelope = {
                version: "0",
                id: `bench-${key}`,
                "detail-type": entry.DetailType,
                source: entry.Source,
                account: fake.accountId,
                region: "us-east-1",
                resources: entry.Resources,
                detail,
            };
            at(clock, clock.now() + model.busToQueueMs, () => watchQueue.send(JSON.stringify(envelope)));
        },
    });
    const horizon = options.days * DAY + HOUR;
    await simulate(fake, clock, async () => {
        const loop = service.start();
        const consumers: Promise<void>[] = [];
        for (const c of plan) {
            at(clock, c.createdAt, () => fake.addCluster(c.region, c.name, { status: "CREATING" }));
            at(clock, c.activeAt, () => (fake.clusters.get(c.region)!.get(c.name)!.status = "ACTIVE"));
            for (const delivery of c.deliveries) {
                at(clock, delivery + model.lambdaPickupMs, () =>
                    consumers.push(consume(byKey.get(keyOf(c))!, delivery)),
                );
            }
        }
        await clock.sleep(horizon);
        await Promise.all(consumers);
        await service.stop();
        await loop;
    });
    timeline.duplicateWrites = [...inStepAt].reduce(
        (sum, [role, mark]) => sum + duplicatesSince(fake, mark, new Set([role])),
        0,
    );
    timeline.repeats = inStepAt.size;
    return timeline;
}

function figures(mode: ModeFigures["mode"], plan: PlannedCluster[], timeline: Timeline, agents: boolean): ModeFigures {
    const latency = (times: Map<string, number>) =>
        plan.map((c) => Math.max(0, (times.get(keyOf(c)) ?? Infinity) - c.activeAt));
    const identity = latency(timeline.identityAt);
    return {
        mode,
        clusters: plan.length,
        identityP50Ms: Math.round(percentile(identity, 50)),
        identityP99Ms: Math.round(percentile(identity, 99)),
        agentP99Ms: agents ? Math.round(percentile(latency(timeline.agentAt), 99)) : null,
        duplicateWrites: timeline.duplicateWrites,
    };
}

export async function runEventsBench(
    options: EventsBenchOptions,
    progress: (line: string) => void = () => undefined,
): Promise<{ modes: ModeFigures[]; targets: TargetCheck[] }> {
    const plan = planClusters(
        seededRandom(options.seed),
        { days: options.days, clustersPerDay: options.clustersPerDay, regions: REGIONS },
        options.model,
    );
    const modes: ModeFigures[] = [];
    modes.push(figures("vendor", plan, await vendorMode(plan, options, seededRandom(options.seed + 1)), false));
    progress("vendor: done");
    modes.push(figures("schedule", plan, await scheduleMode(plan, options, seededRandom(options.seed + 2)), true));
    progress("schedule: done");
    const events = await eventsMode(plan, options, seededRandom(options.seed + 3));
    modes.push(figures("events", plan, events, true));
    progress(`events: done (${events.repeats} clusters' roles were already in step when another run for them started)`);
    return { modes, targets: checkEventTargets(modes) };
}

const minutes = (ms: number | null) => (ms === null ? "-" : Number.isFinite(ms) ? (ms / MINUTE).toFixed(1) : "never");

export const EVENTS_BENCH: BenchSpec = {
    name: "bench:events",
    usage: "[--json] [--seed <n>] [--days <n>] [--clusters-per-day <n>] [--existing <n>]",
    numbers: {
        seed: { whole: true, atLeast: 0 },
        days: { whole: false, above: 0 },
        "clusters-per-day": { whole: true, atLeast: 1 },
        existing: { whole: true, atLeast: 0 },
    },
    switches: ["json"],
};

export async function main(
    argv: string[],
    out: (text: string) => void = (t) => process.stdout.write(t),
    err: (text: string) => void = (t) => process.stderr.write(t),
): Promise<number> {
    return runBench(EVENTS_BENCH, argv, (args) => measureEvents(args, out, err), { out, err });
}

async function measureEvents(
    args: BenchArgs,
    out: (text: string) => void,
    err: (text: string) => void,
): Promise<number> {
    const json = args.switches.has("json");
    const seed = args.numbers.seed ?? randomInt(1, 2 ** 31);
    const options: EventsBenchOptions = {
        seed,
        days: args.numbers.days ?? DEFAULT_OPTIONS.days,
        clustersPerDay: args.numbers["clusters-per-day"] ?? DEFAULT_OPTIONS.clustersPerDay,
        existingClusters: args.numbers.existing ?? DEFAULT_OPTIONS.existingClusters,
    };
    const { modes, targets } = await runEventsBench(options, json ? undefined : (line) => err(`${line}\n`));
    const code = targets.every((t) => t.pass) ? 0 : 1;
    if (json) {
        out(`${JSON.stringify({ modes })}\n`);
        return code;
    }
    const lines = [
        `${options.days} days, ${options.clustersPerDay} new clusters a day (${options.existingClusters} existing), seed ${seed} (replay with --seed ${seed}); simulated time`,
        "mode      clusters | ACTIVE->identity p50  p99 (min) | ACTIVE->agent p99 (min) | duplicate IAM writes",
        ...modes.map(
            (m) =>
                `${m.mode.padEnd(9)} ${String(m.clusters).padStart(8)} | ${minutes(m.identityP50Ms).padStart(21)} ${minutes(m.identityP99Ms).padStart(10)} | ` +
                `${minutes(m.agentP99Ms).padStart(23)} | ${String(m.duplicateWrites).padStart(20)}`,
        ),
        ...targets.map((t) => `${t.pass ? "PASS" : "FAIL"} ${t.target} (${t.detail})`),
    ];
    out(`${lines.join("\n")}\n`);
    return code;
}

runWhenEntry(module, (argv) => main(argv));
