/**
 * The tier's own pieces, before any scenario leans on them: the CLI and language host built from the pins, and the
 * Kubernetes provider, all run for real (no mocks anywhere in this folder).
 */
import * as assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PINS } from "../../engine/paths";
import { Workspace, requireEngine } from "./workspace";

describe("engine tier: the real Pulumi CLI, language host and Kubernetes provider", function () {
    let workspace: Workspace;

    before(function () {
        requireEngine(this);
        workspace = new Workspace("smoke");
    });

    after(() => workspace?.remove());

    it("runs the pinned CLI", async () => {
        const { stdout } = await workspace.run("pulumi", ["version"]);
        assert.equal(stdout.trim(), PINS.pulumi.version);
    });

    it("runs a Node.js program through the language host on a file backend, its secret encrypted in the state", async () => {
        const project = join(workspace.dir, "engine-smoke");
        mkdirSync(project);
        writeFileSync(join(project, "Pulumi.yaml"), "name: engine-smoke\nruntime: nodejs\nmain: index.js\n");
        writeFileSync(join(project, "package.json"), JSON.stringify({ name: "engine-smoke", private: true }));
        writeFileSync(
            join(project, "index.js"),
            'const pulumi = require("@pulumi/pulumi");\nexports.greeting = "hello";\nexports.hidden = pulumi.secret("smoke-s3cr3t");\n',
        );
        const run = (args: string[]) => workspace.run("pulumi", [...args, "--cwd", project, "--non-interactive"]);
        assert.equal((await run(["stack", "init", "smoke"])).status, 0);
        const up = await run(["up", "--yes", "--stack", "smoke"]);
        assert.equal(up.status, 0, up.stdout + up.stderr);
        const outputs = JSON.parse(
            (await run(["stack", "output", "--json", "--show-secrets", "--stack", "smoke"])).stdout,
        );
        assert.deepEqual(outputs, { greeting: "hello", hidden: "smoke-s3cr3t" });
        const state = workspace.stateFile("engine-smoke", "smoke");
        assert.match(state, /"greeting":\s*"hello"/, "the plain output is not in the state");
        assert.ok(!state.includes("smoke-s3cr3t"), "the secret output is stored in plaintext");
    });

    it("serves the Kubernetes provider from the tier's build, at the version the pin names", async () => {
        const { stdout, stderr, status } = await workspace.run("pulumi-resource-kubernetes", ["--version"]);
        // The provider prints its version and exits, or (older builds) refuses the flag: either way it must be ours.
        assert.ok(status === 0 ? stdout.includes(PINS.kubernetes.releasedAs) : stderr.length > 0, stdout + stderr);
    });
});
