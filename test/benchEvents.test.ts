import { strict as assert } from "node:assert";
import { main } from "../bench/events";
import { MINUTE, nextNightlyUp, percentile, planClusters, upDurationMs } from "../bench/eventModel";
import { ModeFigures, checkEventTargets } from "../bench/eventTargets";
import { seededRandom } from "../bench/seededRandom";

describe("events benchmark (npm run bench:events)", () => {
    it("--json prints exactly one JSON object: the three modes with their figures", async () => {
        let out = "";
        let err = "";
        // A quarter of a day, four clusters: the full run is the benchmark.
        const code = await main(
            ["--json", "--seed", "5", "--days", "0.25", "--clusters-per-day", "16", "--existing", "1"],
            (t) => (out += t),
            (t) => (err += t),
        );
        assert.equal(err, "");
        assert.ok(out.endsWith("\n") && out.indexOf("\n") === out.length - 1, "one line");
        const report = JSON.parse(out);
        assert.deepEqual(Object.keys(report), ["modes"]);
        assert.deepEqual(
            report.modes.map((m: ModeFigures) => m.mode),
            ["vendor", "schedule", "events"],
        );
        for (const m of report.modes) {
            assert.deepEqual(Object.keys(m), [
                "mode",
                "clusters",
                "identityP50Ms",
                "identityP99Ms",
                "agentP99Ms",
                "duplicateWrites",
            ]);
            assert.equal(m.clusters, 4);
            for (const key of ["identityP50Ms", "identityP99Ms", "duplicateWrites"]) {
                assert.ok(Number.isInteger(m[key]) && m[key] >= 0, `${m.mode}.${key}`);
            }
            assert.ok(m.identityP50Ms <= m.identityP99Ms);
        }
        assert.equal(report.modes[0].agentP99Ms, null, "the vendor installs no agent by itself");
        assert.ok(Number.isInteger(report.modes[2].agentP99Ms));
        assert.ok(report.modes[0].duplicateWrites > 0, "the vendor re-puts every role's policies on every run");
        assert.equal(code, checkEventTargets(report.modes).every((t) => t.pass) ? 0 : 1);
    });

    it("targets: pass on good figures, fail on each miss", () => {
        const good: ModeFigures = {
            mode: "events",
            clusters: 10,
            identityP50Ms: 30_000,
            identityP99Ms: 90_000,
            agentP99Ms: 9 * MINUTE,
            duplicateWrites: 0,
        };
        const verdicts = (events: Partial<ModeFigures>) =>
            checkEventTargets([{ ...good, ...events }]).map((t) => t.pass);
        assert.deepEqual(verdicts({}), [true, true, true]);
        assert.deepEqual(verdicts({ identityP99Ms: 2 * MINUTE }), [false, true, true]);
        assert.deepEqual(verdicts({ agentP99Ms: 10 * MINUTE }), [true, false, true]);
        assert.deepEqual(verdicts({ agentP99Ms: null }), [true, false, true]);
        assert.deepEqual(verdicts({ duplicateWrites: 1 }), [true, true, false]);
        assert.deepEqual(
            checkEventTargets([]).map((t) => t.pass),
            [false, false, false],
        );
    });

    it("model: clusters are created within the days, ACTIVE 10-15 minutes later, events 1-5 minutes after the call, some twice", () => {
        const plan = planClusters(seededRandom(3), { days: 2, clustersPerDay: 200, regions: ["a", "b"] });
        assert.equal(plan.length, 400);
        for (const c of plan) {
            assert.ok(c.createdAt >= 0 && c.createdAt <= 2 * 24 * 60 * MINUTE);
            assert.ok(c.activeAt - c.createdAt >= 10 * MINUTE && c.activeAt - c.createdAt <= 15 * MINUTE);
            assert.ok(c.deliveries[0] - c.createdAt >= MINUTE && c.deliveries[0] - c.createdAt <= 5 * MINUTE);
        }
        const twice = plan.filter((c) => c.deliveries.length === 2).length;
        assert.ok(twice > 20 && twice < 70, `${twice} duplicated of 400`);
        assert.deepEqual(
            planClusters(seededRandom(3), { days: 2, clustersPerDay: 200, regions: ["a", "b"] }),
            plan,
            "replayable from the seed",
        );
        assert.equal(upDurationMs(0), 90_000);
        assert.equal(upDurationMs(3), 90_000 + 150_000 + 20_000);
        assert.equal(nextNightlyUp(3 * 60 * MINUTE), 26 * 60 * MINUTE);
        assert.equal(percentile([5, 1, 4, 2, 3], 50), 3);
        assert.equal(
            percentile(
                Array.from({ length: 100 }, (_, i) => i + 1),
                99,
            ),
            99,
        );
    });
});
