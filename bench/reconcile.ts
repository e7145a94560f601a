/**
 * npm run bench:reconcile [-- --json] [-- --seed <n>] [-- --repeat <n>]
 * Runs our reconciler and the vendor's algorithm on the same simulated account (per-call latency, an IAM write
 * quota), for a first run and a steady-state run, on simulated time. The 1,000-cluster case runs `--repeat` times
 * (default 5), each repetition with its own seeded back-off jitter; the targets in bench/targets.ts are checked on
 * every repetition and the process exits non-zero when one fails.
 */
import { randomInt } from "node:crypto";
import { Gateway, sdkClients } from "../lambda/reconciler/gateway";
import { reconcile } from "../lambda/reconciler/reconcile";
import { FakeAccount } from "../test/fakes/awsAccount";
import { mockAws } from "../test/fakes/sdkMocks";
import { seededRandom } from "./seededRandom";
import {
    BOUND_FACTOR,
    BOUNDED_CLUSTERS,
    CaseFigures,
    Figures,
    TargetCheck,
    checkPodIdentityTargets,
    checkTargets,
} from "./targets";
import { VirtualClock } from "./virtualClock";
import { vendorReconcile } from "./vendorAlgorithm";
import { BenchArgs, BenchIo, BenchSpec, runBench, runWhenEntry } from "./cli";

const SIMULATION = { readLatencyMs: 20, writeLatencyMs: 40, iamWritesPerSecond: 20 };
const CASES: Array<[number, number]> = [
    [1, 10],
    [5, 200],
    [10, 1000],
];
/** EKS Pod Identity (identityMode podIdentity) on the largest fleet. */
const POD_IDENTITY_CASES: Array<[number, number]> = [[10, 1000]];
const POD_IDENTITY_ROLE = "arn:aws:iam::111122223333:role/nops-ccost-bench-pod-identity";
const REGIONS = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "eu-west-2",
    "eu-central-1",
    "ap-south-1",
    "ap-northeast-1",
    "sa-east-1",
];
/** First runs against other write quotas: the pacing is told none of them, so its start-up shows at each. */
const QUOTA_SWEEP = { regions: 5, clusters: 250, quotas: [10, 20, 50, 100] };
/** A Lambda's 15 minutes less the handler's reserve: the bench runs with the deadline a real run has. */
const BUDGET_MS = 14 * 60_000;

const quietLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

const BENCH_BOUNDARY = "arn:aws:iam::111122223333:policy/container-insights/bench/nops-ccost-bench-agent-boundary";

function account(
    clock: VirtualClock,
    regions: string[],
    clusters: number,
    iamWritesPerSecond = SIMULATION.iamWritesPerSecond,
): FakeAccount {
    const fake = new FakeAccount({ clock, ...SIMULATION, iamWritesPerSecond });
    fake.managedPolicies.add(BENCH_BOUNDARY);
    for (let i = 0; i < clusters; i++) {
        fake.addCluster(regions[i % regions.length], `cluster-${String(i).padStart(4, "0")}`);
    }
    return fake;
}

async function measure(
    fake: FakeAccount,
    clock: VirtualClock,
    body: () => Promise<Pick<Figures, "failed" | "deferred">>,
): Promise<Figures> {
    const restore = mockAws(fake);
    const [calls, writes, start] = [fake.calls.length, fake.acceptedWrites, clock.now()];
    try {
        const outcome = await clock.run(body());
        return {
            calls: fake.calls.length - calls,
            writes: fake.acceptedWrites - writes,
            ms: Math.round(clock.now() - start),
            ...outcome,
        };
    } finally {
        restore();
    }
}

function settingsFor(regions: string[], mode: "irsa" | "podIdentity" = "irsa") {
    return {
        stackId: "container-insights/bench",
        stackName: "bench",
        regions,
        bucketName: "nops-container-cost-111122223333",
        queueArnPattern: "arn:aws:sqs:us-west-2:202279780353:nops-k8s-*",
        namespace: "nops",
        serviceAccount: "nops-container-insights",
        boundaryPolicyArn: BENCH_BOUNDARY,
        clusters: { include: [], exclude: [], tags: {} },
        identityMode: mode,
        podIdentityRoleArn: mode === "podIdentity" ? POD_IDENTITY_ROLE : undefined,
    };
}

/** Our first and steady runs on a fresh account. */
async function ours(
    regions: string[],
    clusters: number,
    seed: number,
    mode: "irsa" | "podIdentity" = "irsa",
    iamWritesPerSecond = SIMULATION.iamWritesPerSecond,
): Promise<Record<"first" | "steady", Figures>> {
    const clock = new VirtualClock();
    const fake = account(clock, regions, clusters, iamWritesPerSecond);
    const random = seededRandom(seed);
    const once = () =>
        measure(fake, clock, async () => {
            const gateway = new Gateway(sdkClients("us-east-1"), clock, { deadline: clock.now() + BUDGET_MS, random });
            const { counts } = await reconcile(settingsFor(regions, mode), gateway, quietLog);
            return { failed: counts.failed, deferred: counts.deferred };
        });
    return { first: await once(), steady: await once() };
}

/** The vendor's runs; it stops at its first error, so `failed` counts the clusters left without their policies. */
async function vendor(regions: string[], clusters: number, seed: number): Promise<Record<"first" | "steady", Figures>> {
    const clock = new VirtualClock();
    const fake = account(clock, regions, clusters);
    const random = seededRandom(seed);
    const once = () =>
        measure(fake, clock, async () => {
            await vendorReconcile(settingsFor(regions), clock, fake.accountId, random).catch(() => undefined);
            const done = [...fake.roles.values()].filter((role) => role.inline.size >= 2).length;
            return { failed: Math.max(0, clusters - done), deferred: 0 };
        });
    return { first: await once(), steady: await once() };
}

interface QuotaFigures {
    quota: number;
    regions: number;
    clusters: number;
    ours: Figures;
    lowerBoundMs: number;
    ratio: number;
}

/** Our first run at each quota of the sweep, and its time over the write-rate bound. */
async function quotaSweep(seed: number): Promise<QuotaFigures[]> {
    const { regions, clusters, quotas } = QUOTA_SWEEP;
    const figures: QuotaFigures[] = [];
    for (const quota of quotas) {
        const { first } = await ours(REGIONS.slice(0, regions), clusters, seed, "irsa", quota);
        const lowerBoundMs = Math.round((first.writes / quota) * 1000);
        figures.push({ quota, regions, clusters, ours: first, lowerBoundMs, ratio: first.ms / lowerBoundMs });
    }
    return figures;
}

function checkQuotaSweep(sweep: QuotaFigures[]): TargetCheck {
    const worst = Math.max(...sweep.map((q) => q.ratio));
    return {
        target: `first run at ${QUOTA_SWEEP.clusters} clusters within ${BOUND_FACTOR}x the write-rate bound at quotas ${QUOTA_SWEEP.quotas.join(", ")} writes/s, 0 failed`,
        pass: sweep.length > 0 && worst <= BOUND_FACTOR && sweep.every((q) => q.ours.failed + q.ours.deferred === 0),
        detail: sweep.map((q) => `${q.quota}/s: ${q.ratio.toFixed(2)}x`).join(", "),
    };
}

export const RECONCILE_BENCH: BenchSpec = {
    name: "bench:reconcile",
    usage: "[--json] [--seed <n>] [--repeat <n>]",
    numbers: { seed: { whole: true, atLeast: 0 }, repeat: { whole: true, atLeast: 1 } },
    switches: ["json"],
};

export function main(argv: string[], io?: BenchIo): Promise<number> {
    return runBench(RECONCILE_BENCH, argv, measureAll, io);
}

async function measureAll(args: BenchArgs): Promise<number> {
    const json = args.switches.has("json");
    const seed = args.numbers.seed ?? randomInt(1, 2 ** 31);
    const repetitions = args.numbers.repeat ?? 5;
    const cases: CaseFigures[] = [];
    for (const [regionCount, clusters] of CASES) {
        const regions = REGIONS.slice(0, regionCount);
        const theirs = await vendor(regions, clusters, seed);
        for (let repetition = 1; repetition <= (clusters === BOUNDED_CLUSTERS ? repetitions : 1); repetition++) {
            const repetitionSeed = seed + repetition - 1;
            const mine = await ours(regions, clusters, repetitionSeed);
            for (const run of ["first", "steady"] as const) {
                const lowerBoundMs = Math.round((mine[run].writes / SIMULATION.iamWritesPerSecond) * 1000);
                cases.push({
                    mode: "irsa",
                    regions: regionCount,
                    clusters,
                    run,
                    repetition,
                    seed: repetitionSeed,
                    ours: mine[run],
                    vendor: theirs[run],
                    lowerBoundMs,
                });
            }
            if (!json) {
                console.error(`(${regionCount}, ${clusters}) repetition ${repetition}: done`);
            }
        }
    }
    for (const [regionCount, clusters] of POD_IDENTITY_CASES) {
        const regions = REGIONS.slice(0, regionCount);
        const theirs = await vendor(regions, clusters, seed);
        const mine = await ours(regions, clusters, seed, "podIdentity");
        for (const run of ["first", "steady"] as const) {
            cases.push({
                mode: "podIdentity",
                regions: regionCount,
                clusters,
                run,
                repetition: 1,
                seed,
                ours: mine[run],
                vendor: theirs[run],
                lowerBoundMs: 0,
            });
        }
        if (!json) {
            console.error(`(${regionCount}, ${clusters}) Pod Identity: done`);
        }
    }
    const sweep = await quotaSweep(seed);
    if (!json) {
        console.error(`quota sweep (${QUOTA_SWEEP.regions}, ${QUOTA_SWEEP.clusters}): done`);
    }
    const targets = [...checkTargets(cases), ...checkPodIdentityTargets(cases), checkQuotaSweep(sweep)];
    const code = targets.every((t) => t.pass) ? 0 : 1;
    if (json) {
        process.stdout.write(`${JSON.stringify({ seed, cases, quotaSweep: sweep, targets })}\n`);
        return code;
    }
    console.log(
        `simulated account: reads ${SIMULATION.readLatencyMs} ms, writes ${SIMULATION.writeLatencyMs} ms, IAM quota ${SIMULATION.iamWritesPerSecond} writes/s (simulated time)`,
    );
    console.log(`seed ${seed} (replay with --seed ${seed})`);
    console.log(
        "mode        regions clusters run    rep | ours calls writes failed deferred ms | vendor calls writes failed ms | lower bound ms | calls ours/vendor | ms ours/bound",
    );
    const n = (value: number, width: number) => String(value).padStart(width);
    for (const c of cases) {
        const ratio = c.lowerBoundMs > 0 ? (c.ours.ms / c.lowerBoundMs).toFixed(2) : "-";
        console.log(
            `${(c.mode ?? "irsa").padEnd(11)} ${n(c.regions, 7)} ${n(c.clusters, 8)} ${c.run.padEnd(6)} ${n(c.repetition, 3)} | ` +
                `${n(c.ours.calls, 10)} ${n(c.ours.writes, 6)} ${n(c.ours.failed, 6)} ${n(c.ours.deferred, 8)} ${n(c.ours.ms, 6)} | ` +
                `${n(c.vendor.calls, 12)} ${n(c.vendor.writes, 6)} ${n(c.vendor.failed, 6)} ${n(c.vendor.ms, 6)} | ` +
                `${n(c.lowerBoundMs, 14)} | ${(c.ours.calls / c.vendor.calls).toFixed(2).padStart(17)} | ${ratio.padStart(13)}`,
        );
    }
    console.log(
        `first run against other IAM write quotas (${QUOTA_SWEEP.regions} regions, ${QUOTA_SWEEP.clusters} clusters):`,
    );
    console.log("quota writes/s | calls writes failed deferred ms | lower bound ms | ms ours/bound");
    for (const q of sweep) {
        console.log(
            `${n(q.quota, 14)} | ${n(q.ours.calls, 5)} ${n(q.ours.writes, 6)} ${n(q.ours.failed, 6)} ${n(q.ours.deferred, 8)} ${n(q.ours.ms, 6)} | ` +
                `${n(q.lowerBoundMs, 14)} | ${q.ratio.toFixed(2).padStart(13)}`,
        );
    }
    for (const t of targets) {
        console.log(`${t.pass ? "PASS" : "FAIL"} ${t.target} (${t.detail})`);
    }
    return code;
}

runWhenEntry(module, (argv) => main(argv));
