/** The add-ons as the program installs them, under mocks: selection per cluster and the `clusters` output. */
import { strict as assert } from "node:assert";
import { ClusterLine } from "../program/options";
import { ProgramRun, baseConfig, runProgram } from "./harness";

const statuses = (run: ProgramRun) => run.outputs.clusters.value as ClusterLine[];
const FLEET = { "us-east-1": [{ name: "prod-a" }, { name: "sandbox-b" }, { name: "creating-c", status: "CREATING" }] };

describe("add-ons: the clusters output", () => {
    it("lists the add-ons of every cluster with the agent ([] for none), and none for a skipped cluster", async () => {
        const run = await runProgram({ ...baseConfig(), includeRegions: "us-east-1" }, { fleet: FLEET });
        const byName = new Map(statuses(run).map((s) => [s.name, s]));
        assert.deepEqual(byName.get("prod-a")!.addons, []);
        assert.deepEqual(byName.get("sandbox-b")!.addons, []);
        assert.equal(byName.get("creating-c")!.status, "skipped");
        assert.equal(byName.get("creating-c")!.addons, undefined);
    });
});
