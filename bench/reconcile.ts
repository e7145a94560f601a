/**
 * npm run bench:reconcile [-- --json]
 * Runs our reconciler and the vendor's algorithm on the same simulated account (per-call latency, an IAM write
 * quota), for a first run and a steady-state run, on simulated time.
 */
import { Gateway, sdkClients } from "../lambda/reconciler/gateway";
import { reconcile } from "../lambda/reconciler/reconcile";
import { FakeAccount } from "../test/fakes/awsAccount";
import { mockAws } from "../test/fakes/sdkMocks";
import { VirtualClock } from "./virtualClock";
import { vendorReconcile } from "./vendorAlgorithm";

const SIMULATION = { readLatencyMs: 20, writeLatencyMs: 40, iamWritesPerSecond: 20 };
const CASES: Array<[number, number]> = [
    [1, 10],
    [5, 200],
    [10, 1000],
];
const REGIONS = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-central-1", "ap-south-1", "ap-northeast-1", "sa-east-1"];

const quietLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

interface Figures {
    calls: number;
    writes: number;
    ms: number;
}

function account(clock: VirtualClock, regions: string[], clusters: number): FakeAccount {
    const fake = new FakeAccount({ clock, ...SIMULATION });
    for (let i = 0; i < clusters; i++) {
        fake.addCluster(regions[i % regions.length], `cluster-${String(i).padStart(4, "0")}`);
    }
    return fake;
}

async function measure(fake: FakeAccount, clock: VirtualClock, body: () => Promise<unknown>): Promise<Figures> {
    const restore = mockAws(fake);
    const [calls, writes, start] = [fake.calls.length, fake.acceptedWrites, clock.now()];
    try {
        await clock.run(body());
    } finally {
        restore();
    }
    return { calls: fake.calls.length - calls, writes: fake.acceptedWrites - writes, ms: Math.round(clock.now() - start) };
}

async function main() {
    const json = process.argv.includes("--json");
    const cases = [];
    for (const [regionCount, clusters] of CASES) {
        const regions = REGIONS.slice(0, regionCount);
        const settings = {
            stackId: "container-insights/bench",
            stackName: "bench",
            regions,
            bucketName: "nops-container-cost-111122223333",
            queueArnPattern: "arn:aws:sqs:us-west-2:202279780353:nops-k8s-*",
            namespace: "nops",
            serviceAccount: "nops-container-insights",
        };
        const oursClock = new VirtualClock();
        const oursAccount = account(oursClock, regions, clusters);
        const vendorClock = new VirtualClock();
        const vendorAccount = account(vendorClock, regions, clusters);
        for (const run of ["first", "steady"] as const) {
            const ours = await measure(oursAccount, oursClock, () =>
                reconcile(settings, new Gateway(sdkClients("us-east-1"), oursClock), quietLog),
            );
            const vendor = await measure(vendorAccount, vendorClock, () => vendorReconcile(settings, vendorClock, vendorAccount.accountId));
            const lowerBoundMs = Math.round((ours.writes / SIMULATION.iamWritesPerSecond) * 1000);
            cases.push({ regions: regionCount, clusters, run, ours, vendor, lowerBoundMs });
            if (!json) {
                console.error(`(${regionCount}, ${clusters}) ${run}: done`);
            }
        }
    }
    if (json) {
        process.stdout.write(`${JSON.stringify({ cases })}\n`);
        return;
    }
    console.log(`simulated account: reads ${SIMULATION.readLatencyMs} ms, writes ${SIMULATION.writeLatencyMs} ms, IAM quota ${SIMULATION.iamWritesPerSecond} writes/s (simulated time)`);
    console.log("regions clusters run     | ours calls writes ms        | vendor calls writes ms      | lower bound ms | calls ours/vendor | ms ours/bound");
    for (const c of cases) {
        const ratio = c.lowerBoundMs > 0 ? (c.ours.ms / c.lowerBoundMs).toFixed(2) : "-";
        console.log(
            `${String(c.regions).padStart(7)} ${String(c.clusters).padStart(8)} ${c.run.padEnd(7)} | ` +
                `${String(c.ours.calls).padStart(10)} ${String(c.ours.writes).padStart(6)} ${String(c.ours.ms).padStart(9)} | ` +
                `${String(c.vendor.calls).padStart(12)} ${String(c.vendor.writes).padStart(6)} ${String(c.vendor.ms).padStart(9)} | ` +
                `${String(c.lowerBoundMs).padStart(14)} | ${(c.ours.calls / c.vendor.calls).toFixed(2).padStart(17)} | ${ratio.padStart(13)}`,
        );
    }
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
