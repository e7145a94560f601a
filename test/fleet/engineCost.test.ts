import { strict as assert } from "node:assert";
import { fitStackCost } from "../../bench/engineCost";

describe("bench:fleet's fit of a stack's cost", () => {
    it("recovers fixed, linear and quadratic terms, and the stack size with the lowest time per resource", () => {
        const cost = (n: number) => 7000 + 20 * n + 0.2 * n * n;
        const stacks = [1, 50, 200, 800].map((resources) => ({
            resources,
            firstUpMs: cost(resources),
            noChangeUpMs: cost(resources) / 2,
            stateBytes: 0,
        }));
        const fit = fitStackCost(stacks);
        assert.equal(fit.fixedMs, 7000);
        assert.equal(fit.perResourceMs, 20);
        assert.equal(fit.quadraticMs, 0.2);
        // (7000 + 20n + 0.2n²)/n is lowest at n = sqrt(7000 / 0.2).
        assert.equal(fit.bestResourcesPerStack, Math.round(Math.sqrt(7000 / 0.2)));
        assert.equal(fitStackCost(stacks, "noChangeUpMs").fixedMs, 3500);
    });

    it("no best size when the cost does not grow faster than linearly", () => {
        const stacks = [1, 10, 100].map((resources) => ({
            resources,
            firstUpMs: 5000 + 10 * resources,
            noChangeUpMs: 0,
            stateBytes: 0,
        }));
        assert.equal(fitStackCost(stacks).bestResourcesPerStack, undefined);
    });
});
