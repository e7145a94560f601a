/**
 * cli/container-insights.js picks what answers: the compiled dist/ when it is at least as new as every TypeScript
 * source, the sources through ts-node otherwise (a checkout edited after its last build), the compiled code always
 * where no sources are (an installed package). Checked on a stand-in layout whose two entry points say which ran.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..");

function layout(withSources: boolean): { dir: string; source: string; compiled: string } {
    const dir = mkdtempSync(join(tmpdir(), "cli-entry-"));
    mkdirSync(join(dir, "cli"));
    copyFileSync(join(ROOT, "cli", "container-insights.js"), join(dir, "cli", "container-insights.js"));
    mkdirSync(join(dir, "dist", "automation"), { recursive: true });
    const compiled = join(dir, "dist", "automation", "cli.js");
    writeFileSync(compiled, 'exports.runCli = () => console.log("compiled");\n');
    const source = join(dir, "automation", "cli.ts");
    if (withSources) {
        symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
        writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "commonjs" } }));
        mkdirSync(join(dir, "automation"));
        writeFileSync(source, 'export function runCli(): void {\n    console.log("sources");\n}\n');
    }
    return { dir, source, compiled };
}

function whichRuns(dir: string): string {
    const result = spawnSync(process.execPath, [join(dir, "cli", "container-insights.js")], { encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
    return result.stdout.trim();
}

const at = (path: string, seconds: number) => utimesSync(path, seconds, seconds);

describe("the CLI's entry point (cli/container-insights.js)", function () {
    this.timeout(60000);

    it("runs the compiled code when dist/ is newer than every source", () => {
        const { dir, source, compiled } = layout(true);
        at(source, 1_000_000);
        at(compiled, 2_000_000);
        assert.equal(whichRuns(dir), "compiled");
    });

    it("runs the sources through ts-node when one was edited after the last build", () => {
        const { dir, source, compiled } = layout(true);
        at(compiled, 1_000_000);
        at(source, 2_000_000);
        assert.equal(whichRuns(dir), "sources");
    });

    it("runs the compiled code where no sources are (the installed package)", () => {
        const { dir } = layout(false);
        assert.equal(whichRuns(dir), "compiled");
    });
});
