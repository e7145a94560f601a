import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { DOCS_DIR } from "./docs";

const ROOT = join(__dirname, "..");
/** Pages another part of the project writes; a link to one is allowed before it lands. */
const WRITTEN_ELSEWHERE = new Set(["docs/engine-tier.md"]);

const files = ["README.md", ...readdirSync(DOCS_DIR).map((name) => relative(ROOT, join(DOCS_DIR, name)))].filter(
    (file) => file.endsWith(".md"),
);

/** GitHub's heading anchors: lower case, punctuation but `-` and `_` dropped, spaces to `-`. */
function anchors(markdown: string): Set<string> {
    const withoutCode = markdown.replace(/```[\s\S]*?```/g, "");
    return new Set(
        [...withoutCode.matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
            m[1]
                .trim()
                .toLowerCase()
                .replace(/[^\p{L}\p{N}\s_-]/gu, "")
                .replace(/\s/g, "-"),
        ),
    );
}

describe("documentation", () => {
    it("keeps the README a front door: at most 250 lines", () => {
        const lines = readFileSync(join(ROOT, "README.md"), "utf8").split("\n").length;
        assert.ok(lines <= 250, `README.md has ${lines} lines`);
    });

    it("links the README's table of contents to every page in docs/", () => {
        const readme = readFileSync(join(ROOT, "README.md"), "utf8");
        for (const file of files.filter((f) => f.startsWith("docs/"))) {
            assert.ok(readme.includes(`](${file})`), `README.md does not link ${file}`);
        }
    });

    for (const file of files) {
        it(`${file}: every relative link reaches a file and heading that exist`, () => {
            const text = readFileSync(join(ROOT, file), "utf8").replace(/```[\s\S]*?```/g, "");
            for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
                if (/^[a-z]+:/.test(target)) {
                    continue;
                }
                const [path, anchor] = target.split("#");
                const resolved = path === "" ? join(ROOT, file) : join(ROOT, dirname(file), path);
                if (WRITTEN_ELSEWHERE.has(relative(ROOT, resolved)) && !existsSync(resolved)) {
                    continue;
                }
                assert.ok(existsSync(resolved), `${file}: ${target} (no ${relative(ROOT, resolved)})`);
                if (anchor !== undefined) {
                    const headings = anchors(readFileSync(resolved, "utf8"));
                    assert.ok(headings.has(anchor), `${file}: ${target} (no heading #${anchor})`);
                }
            }
        });
    }
});

describe("npx mocha <file>", () => {
    it("runs only the file it is given (the whole suite's spec is in scripts/test.js, not .mocharc.json)", function () {
        this.timeout(60000);
        const result = spawnSync(
            join(ROOT, "node_modules", ".bin", "mocha"),
            ["--dry-run", "--no-parallel", "--reporter", "json", "test/naming.test.ts"],
            { cwd: ROOT, encoding: "utf8" },
        );
        assert.equal(result.status, 0, result.stderr);
        const report = JSON.parse(result.stdout) as { tests: Array<{ file: string }> };
        assert.ok(report.tests.length > 0);
        assert.deepEqual([...new Set(report.tests.map((t) => relative(ROOT, t.file)))], ["test/naming.test.ts"]);
    });
});
