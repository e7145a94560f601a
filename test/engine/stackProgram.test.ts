/**
 * The stack program as the ContainerInsights component, on the real engine: a stack deployed by the earlier program
 * (createContainerInsights registered at the top of the stack) updates to index.ts without replacing or deleting
 * anything. The only new resource is the component; every other one keeps its state under its new URN through
 * keepStackLevelUrns' alias, which the engine extends to each descendant. (A read resource takes no alias: the
 * stack's StackReference to itself is read again under its new URN.)
 */
import * as assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../../engine/paths";
import { CONTAINER_INSIGHTS_TYPE } from "../../components/containerInsights";
import { DeployedStack, ROLE_NAME, STACK } from "./stack";
import { requireEngine } from "./workspace";

/** The program before the component: the same exports as index.ts, every resource registered at the stack's top. */
function stackLevelProgram(): string {
    const exports = readFileSync(join(ROOT, "index.ts"), "utf8")
        .split("\n")
        .filter((line) => line.startsWith("export const "));
    return [
        `import { StackConfig, sdkReads } from "./components/containerInsights";`,
        `import { createContainerInsights } from "./program";`,
        `const { settings, awsProfile } = new StackConfig();`,
        `const program = createContainerInsights(settings, sdkReads(settings, awsProfile)).then((r) => r.outputs);`,
        ...exports,
    ].join("\n");
}

interface Step {
    op: string;
    urn: string;
    type?: string;
    newState?: { type?: string };
}

describe("engine tier: the stack program as the ContainerInsights component", function () {
    let stack: DeployedStack;

    before(async function () {
        requireEngine(this);
        stack = await DeployedStack.create("irsa", {
            roleName: ROLE_NAME,
            clusters: [{ region: "us-east-1", name: "prod-a" }],
        });
    });

    after(async () => stack?.dispose());

    it("updates a stack the earlier program deployed without replacing or deleting anything", async () => {
        const index = join(stack.workspace.dir, "index.ts");
        const current = readFileSync(index, "utf8");
        writeFileSync(index, stackLevelProgram());
        const first = await stack.up();
        assert.equal(first.status, 0, `pulumi up of the earlier program failed:\n${first.stdout}\n${first.stderr}`);
        const before: Array<{ urn: string; type: string }> = JSON.parse(stack.state()).checkpoint.latest.resources;
        assert.ok(
            !before.some((r) => r.type === CONTAINER_INSIGHTS_TYPE),
            "the earlier program registers no component",
        );

        writeFileSync(index, current);
        const preview = await stack.workspace.pulumi(["preview", "--json", "--stack", STACK]);
        const steps: Step[] = JSON.parse(preview.stdout).steps ?? [];
        // A read resource (the StackReference to the stack itself) takes no alias: the engine reads it anew under its
        // new URN and discards the old read, which touches nothing outside the state.
        const discarded = steps.filter((s) => s.op === "discard").map((s) => s.urn.split("::").slice(2).join("::"));
        assert.deepEqual(discarded, ["pulumi:pulumi:StackReference::last-deploy"]);
        const changed = steps.filter((s) => !["same", "update", "read", "discard"].includes(s.op));
        assert.deepEqual(
            changed.map((s) => `${s.op} ${s.urn.split("::").slice(2).join("::")}`),
            [`create ${CONTAINER_INSIGHTS_TYPE}::container-insights`],
            "only the component is new",
        );

        const second = await stack.up();
        assert.equal(second.status, 0, `pulumi up of index.ts failed:\n${second.stdout}\n${second.stderr}`);
        const after: Array<{ urn: string; id?: string; type: string }> = JSON.parse(stack.state()).checkpoint.latest
            .resources;
        const idsBefore = before.map((r) => `${r.type} ${(r as { id?: string }).id ?? ""}`).sort();
        const idsAfter = after
            .filter((r) => r.type !== CONTAINER_INSIGHTS_TYPE)
            .map((r) => `${r.type} ${r.id ?? ""}`)
            .sort();
        assert.deepEqual(idsAfter, idsBefore, "the same resources with the same IDs");

        const again = await stack.workspace.pulumi(["preview", "--expect-no-changes", "--stack", STACK], {
            allowFailure: true,
        });
        assert.equal(again.status, 0, `changes after the move:\n${again.stdout}\n${again.stderr}`);
    });
});
