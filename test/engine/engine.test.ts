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

    it("starts a policy pack directory through the language host's RunPlugin: the pack sees the stack and its config, a mandatory violation stops the preview", async () => {
        const project = join(workspace.dir, "engine-pack-smoke");
        const pack = join(workspace.dir, "engine-pack-smoke-policies");
        mkdirSync(project);
        mkdirSync(pack);
        writeFileSync(join(project, "Pulumi.yaml"), "name: engine-pack-smoke\nruntime: nodejs\nmain: index.js\n");
        writeFileSync(join(project, "package.json"), JSON.stringify({ name: "engine-pack-smoke", private: true }));
        writeFileSync(join(project, "index.js"), 'exports.greeting = "hello";\n');
        writeFileSync(join(pack, "PulumiPolicy.yaml"), "runtime: nodejs\n");
        writeFileSync(
            join(pack, "package.json"),
            JSON.stringify({ name: "smoke-pack", version: "0.0.1", private: true }),
        );
        // The pack reads the stack and the program's config as @pulumi/pulumi does in a pack's process.
        writeFileSync(
            join(pack, "index.js"),
            [
                'const pulumi = require("@pulumi/pulumi");',
                'const { PolicyPack } = require("@pulumi/policy");',
                'new PolicyPack("smoke-pack", { policies: [{',
                '    name: "no-forbidden-stack", description: "The stack is not marked forbidden.",',
                '    enforcementLevel: "mandatory",',
                "    validateStack: (_, reportViolation) => {",
                '        if (new pulumi.Config("engine-pack-smoke").get("forbidden") === "yes") {',
                "            reportViolation(`stack ${pulumi.getStack()} of ${pulumi.getProject()} is forbidden`);",
                "        }",
                "    },",
                "}] });",
            ].join("\n"),
        );
        const run = (args: string[]) => workspace.run("pulumi", [...args, "--cwd", project, "--non-interactive"]);
        const preview = () => run(["preview", "--stack", "packsmoke", "--policy-pack", pack]);
        assert.equal((await run(["stack", "init", "packsmoke"])).status, 0);
        assert.equal((await run(["config", "set", "--stack", "packsmoke", "forbidden", "no"])).status, 0);
        const allowed = await preview();
        assert.equal(allowed.status, 0, allowed.stdout + allowed.stderr);
        assert.match(allowed.stdout, /smoke-pack/, "the preview did not load the pack");

        assert.equal((await run(["config", "set", "--stack", "packsmoke", "forbidden", "yes"])).status, 0);
        const blocked = await preview();
        assert.notEqual(blocked.status, 0, "the mandatory violation did not stop the preview");
        assert.match(blocked.stdout, /\[mandatory\].*no-forbidden-stack/);
        assert.match(blocked.stdout, /stack packsmoke of engine-pack-smoke is forbidden/);
    });

    it("serves the Kubernetes provider from the tier's build, at the version the pin names", async () => {
        const { stdout, stderr, status } = await workspace.run("pulumi-resource-kubernetes", ["--version"]);
        // The provider prints its version and exits, or (older builds) refuses the flag: either way it must be ours.
        assert.ok(status === 0 ? stdout.includes(PINS.kubernetes.releasedAs) : stderr.length > 0, stdout + stderr);
    });
});
