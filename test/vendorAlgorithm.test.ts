import { strict as assert } from "node:assert";
import { vendorReconcile } from "../bench/vendorAlgorithm";
import { fakeWorld, settingsFor } from "./reconciler.helpers";

describe("the vendor's algorithm (the benchmarks' comparison)", () => {
    let world: ReturnType<typeof fakeWorld>;
    beforeEach(() => (world = fakeWorld()));
    afterEach(() => world.restore());

    it("runs again over its own roles: IAM's EntityAlreadyExists falls back to UpdateAssumeRolePolicy", async () => {
        for (const name of ["a", "b", "c"]) {
            world.account.addCluster("us-east-1", name);
        }
        const settings = settingsFor(["us-east-1"]);
        await vendorReconcile(settings, world.clock, world.account.accountId, () => 0.5);
        await vendorReconcile(settings, world.clock, world.account.accountId, () => 0.5);
        const count = (operation: string) => world.account.calls.filter((c) => c.operation === operation).length;
        assert.equal(count("CreateRole"), 6);
        assert.equal(count("UpdateAssumeRolePolicy"), 3);
        assert.equal(count("PutRolePolicy"), 12);
    });
});
