import { strict as assert } from "node:assert";
import { CaseFigures, Figures, checkPodIdentityTargets, checkTargets } from "../bench/targets";
import { seededRandom } from "../bench/seededRandom";

const figures = (over: Partial<Figures> = {}): Figures => ({
    calls: 100,
    writes: 0,
    ms: 1000,
    failed: 0,
    deferred: 0,
    ...over,
});

function good(): CaseFigures[] {
    const base = { regions: 10, clusters: 1000, seed: 7, lowerBoundMs: 100_000 };
    return [1, 2].flatMap((repetition) => [
        {
            ...base,
            repetition,
            run: "first" as const,
            ours: figures({ writes: 2000, ms: 110_000 }),
            vendor: figures({ calls: 6000 }),
        },
        {
            ...base,
            repetition,
            run: "steady" as const,
            lowerBoundMs: 0,
            ours: figures({ calls: 2000 }),
            vendor: figures({ calls: 7000 }),
        },
    ]);
}

const verdicts = (cases: CaseFigures[]) => checkTargets(cases).map((t) => t.pass);

describe("reconciler benchmark targets", () => {
    it("pass on good figures", () => {
        assert.deepEqual(verdicts(good()), [true, true, true, true]);
    });

    it("fail when one repetition of a first run leaves a cluster failed", () => {
        const cases = good();
        cases[2].ours.failed = 1;
        assert.deepEqual(verdicts(cases), [false, true, true, true]);
        assert.match(checkTargets(cases)[0].detail, /1000 clusters #2/);
    });

    it("fail when one steady run writes", () => {
        const cases = good();
        cases[3].ours.writes = 1;
        assert.deepEqual(verdicts(cases), [true, false, true, true]);
    });

    it("fail when one 1,000-cluster first run exceeds 1.25x the write-rate bound", () => {
        const cases = good();
        cases[2].ours.ms = 125_001;
        assert.deepEqual(verdicts(cases), [true, true, false, true]);
    });

    it("fail when steady-state calls exceed a third of the vendor's", () => {
        const cases = good();
        cases[1].ours.calls = 3501;
        assert.deepEqual(verdicts(cases), [true, true, true, false]);
    });

    it("fail rather than pass on no figures", () => {
        assert.deepEqual(verdicts([]), [false, false, false, false]);
    });

    describe("Pod Identity", () => {
        const podIdentity = (): CaseFigures[] => {
            const base = {
                mode: "podIdentity" as const,
                regions: 10,
                clusters: 1000,
                seed: 7,
                repetition: 1,
                lowerBoundMs: 0,
            };
            return [
                {
                    ...base,
                    run: "first",
                    ours: figures({ calls: 3000, writes: 1000 }),
                    vendor: figures({ calls: 6000 }),
                },
                { ...base, run: "steady", ours: figures({ calls: 3000 }), vendor: figures({ calls: 7000 }) },
            ];
        };
        const podVerdicts = (cases: CaseFigures[]) => checkPodIdentityTargets(cases).map((t) => t.pass);

        it("pass on good figures, and leave the IRSA targets to the IRSA cases", () => {
            assert.deepEqual(podVerdicts(podIdentity()), [true, true, true]);
            assert.deepEqual(verdicts([...good(), ...podIdentity()]), [true, true, true, true]);
        });

        it("fail on a failed cluster, a write too many or too few, a steady write, or half the vendor's calls", () => {
            const failed = podIdentity();
            failed[0].ours.failed = 1;
            assert.deepEqual(podVerdicts(failed), [false, true, true]);
            const extra = podIdentity();
            extra[0].ours.writes = 1001;
            assert.deepEqual(podVerdicts(extra), [false, true, true]);
            const writing = podIdentity();
            writing[1].ours.writes = 1;
            assert.deepEqual(podVerdicts(writing), [true, false, true]);
            const chatty = podIdentity();
            chatty[1].ours.calls = 3501;
            assert.deepEqual(podVerdicts(chatty), [true, true, false]);
            assert.deepEqual(podVerdicts(good()), [false, false, false], "no Pod Identity figures never pass");
        });
    });

    it("replays the same jitter from the same seed", () => {
        const [a, b, c] = [seededRandom(42), seededRandom(42), seededRandom(43)];
        const draws = (r: () => number) => Array.from({ length: 5 }, r);
        const first = draws(a);
        assert.deepEqual(first, draws(b));
        assert.notDeepEqual(first, draws(c));
        assert.ok(first.every((x) => x >= 0 && x < 1));
    });
});
