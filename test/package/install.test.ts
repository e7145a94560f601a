/**
 * The package as people install it: `npm pack` of a fresh build (dist/), installed from the tarball into a fresh
 * project, where both entry points load. Slow (an npm install of the dependencies, from npm's cache when it has them:
 * about 16 s of CPU, a sixth of the suite), so it is a tier of its own, `npm run test:package`, which CI runs after
 * `npm test`; it packs once and removes what it made.
 */
import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

describe("the packed package", function () {
    this.timeout(900000);
    let tarball: string;
    let files: string[];
    let consumer: string;

    let out: string;

    before(() => {
        // Always: a dist/ older than the sources would be packed as it is (npm pack --ignore-scripts builds nothing).
        execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "ignore" });
        out = mkdtempSync(join(tmpdir(), "pack-"));
        const packed = JSON.parse(
            execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", out], {
                cwd: ROOT,
                encoding: "utf8",
            }),
        ) as Array<{ filename: string; files: Array<{ path: string }> }>;
        tarball = join(out, packed[0].filename);
        files = packed[0].files.map((f) => f.path);
        consumer = mkdtempSync(join(tmpdir(), "consumer-"));
        writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true }));
        execFileSync(
            "npm",
            ["install", "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts", "--omit=dev", tarball],
            { cwd: consumer, stdio: "ignore" },
        );
    });

    // The consumer's node_modules is a few hundred MB.
    after(() => {
        for (const dir of [out, consumer]) {
            if (dir) {
                rmSync(dir, { recursive: true, force: true });
            }
        }
    });

    it("holds the compiled code with its types and the files the program reads, and no tests or sources", () => {
        for (const file of ["dist/api.js", "dist/api.d.ts", "dist/automation/index.js", "dist/automation/index.d.ts"]) {
            assert.ok(files.includes(file), file);
        }
        assert.ok(files.includes("images/images.lock.json"));
        assert.ok(
            files.includes("dist/lambda/reconciler/handler.js"),
            "the reconciler's handler, which the program bundles",
        );
        assert.deepEqual(
            files.filter((f) => /(^|\/)test\/|fixtures|\.test\.|(?<!\.d)\.ts$/.test(f)),
            [],
            "no tests, fixtures or TypeScript sources",
        );
    });

    it("loads both entry points in a fresh project, without a Pulumi engine or stack config", () => {
        const script =
            'const a = require("container-insights/automation"); const c = require("container-insights");' +
            "console.log(typeof a.runStack, typeof c.ContainerInsights, typeof c.settingsOf)";
        const result = spawnSync(process.execPath, ["-e", script], { cwd: consumer, encoding: "utf8" });
        assert.equal(result.status, 0, result.stderr);
        assert.equal(result.stdout.trim(), "function function function");
    });

    it("runs its CLI from the compiled code: npx container-insights --help", () => {
        const result = spawnSync("npx", ["--no-install", "container-insights", "--help"], {
            cwd: consumer,
            encoding: "utf8",
        });
        assert.equal(result.status, 0, result.stderr);
        assert.match(result.stdout, /^usage: npx container-insights <command>/);
        assert.match(result.stdout, /plan +offline/);
    });
});
