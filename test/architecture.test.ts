import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import madge from "madge";
import * as ts from "typescript";

const root = join(__dirname, "..");

/** What ships or runs in an account: the program, its components, the Lambda, the policy pack, the CLI and scripts. */
const PRODUCT = [
    "api.ts",
    "index.ts",
    "program.ts",
    "program",
    "automation",
    "cli",
    "common",
    "components",
    "config",
    "images",
    "lambda",
    "policies",
    "scripts",
];
const SOURCE = /\.(ts|js)$/;
const MAX_LINES = 600;

function productFiles(): string[] {
    return PRODUCT.flatMap((entry) =>
        SOURCE.test(entry)
            ? [entry]
            : readdirSync(join(root, entry), { recursive: true, encoding: "utf8" })
                  .filter((file) => SOURCE.test(file) && !file.split("/").includes("node_modules"))
                  .map((file) => join(entry, file)),
    ).sort();
}

describe("architecture of the product files", () => {
    it("has no import cycle among them, type-only imports included (madge)", async function () {
        this.timeout(120_000);
        const graph = await madge(
            PRODUCT.map((entry) => join(root, entry)),
            {
                baseDir: root,
                fileExtensions: ["ts", "js"],
                tsConfig: join(root, "tsconfig.json"),
                excludeRegExp: [/node_modules/, /\.d\.ts$/],
                detectiveOptions: { ts: { skipTypeImports: false }, tsx: { skipTypeImports: false } },
            },
        );
        const files = Object.keys(graph.obj());
        assert.ok(files.includes("program.ts") && files.includes("components/cluster/clusterAgent.ts"), "graph read");
        assert.deepEqual(graph.circular(), []);
    });

    it(`has no file over ${MAX_LINES} lines`, () => {
        const files = productFiles();
        assert.ok(files.length > 100, `${files.length} product files found`);
        const lines = new Map(
            files.map((file) => [file, readFileSync(join(root, file), "utf8").split("\n").length - 1]),
        );
        const long = files.filter((file) => lines.get(file)! > MAX_LINES);
        assert.deepEqual(
            long.map((file) => `${file}: ${lines.get(file)} lines`),
            [],
        );
    });
});

/** Where an add-on may be named besides its own folder: the registry (its import and its entry in ADDONS). */
const REGISTRY = "components/addons/index.ts";

/** How code spells an add-on folder's name: as is, in PascalCase, UPPER_SNAKE_CASE and kebab-case. */
function spellings(name: string): string[] {
    const words = name.split(/(?=[A-Z])/).map((word) => word.toLowerCase());
    return [
        name,
        words.map((word) => word[0].toUpperCase() + word.slice(1)).join(""),
        words.join("_").toUpperCase(),
        words.join("-"),
    ];
}

const printed = new Map<string, string>();

/** The file's code without its comments (an example in a comment couples nothing). */
function codeOf(file: string): string {
    if (!printed.has(file)) {
        const source = ts.createSourceFile(file, readFileSync(join(root, file), "utf8"), ts.ScriptTarget.Latest);
        printed.set(file, ts.createPrinter({ removeComments: true }).printFile(source));
    }
    return printed.get(file)!;
}

describe("add-ons as plug-ins", () => {
    const addons = readdirSync(join(root, "components/addons"), { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name);

    it("names an add-on only in its folder and its registration lines: no shared product code knows one", () => {
        assert.ok(addons.length >= 2, `${addons.join(", ")} found`);
        const named = productFiles()
            .filter((file) => file !== REGISTRY)
            .flatMap((file) => {
                const code = codeOf(file);
                return addons
                    .filter((addon) => !file.startsWith(`components/addons/${addon}/`))
                    .flatMap((addon) => spellings(addon).filter((spelling) => code.includes(spelling)))
                    .map((spelling) => `${file}: ${spelling}`);
            });
        assert.deepEqual(named, []);
    });

    it("registers an add-on in one place: the registry's import of its folder and its entry in ADDONS, nothing else", () => {
        const source = ts.createSourceFile(
            REGISTRY,
            readFileSync(join(root, REGISTRY), "utf8"),
            ts.ScriptTarget.Latest,
            true,
        );
        const statements = source.statements.map((statement) => statement.getText());
        for (const addon of addons) {
            const naming = statements.filter((text) => spellings(addon).some((spelling) => text.includes(spelling)));
            assert.equal(naming.length, 2, `${addon} named by: ${naming.join(" | ")}`);
            assert.equal(naming[0], `import { ${addon} } from "./${addon}";`);
            assert.match(naming[1], new RegExp(`^export const ADDONS\\b[^=]*= \\[[^\\]]*\\b${addon}\\b`));
        }
    });

    it("keeps the providers out of the CLI's start and the key table: an add-on loads them only when the program plans", function () {
        this.timeout(60_000);
        // A fresh process: this one has loaded everything already. The CLI's module holds the key table and the registry.
        const script =
            'require("./automation/cli.ts"); console.log(JSON.stringify(Object.keys(require.cache)' +
            ".map((f) => /node_modules\\/(@pulumi\\/(?:aws|kubernetes))\\//.exec(f)?.[1]).filter(Boolean)))";
        const result = spawnSync(process.execPath, ["-r", join(__dirname, "register.js"), "-e", script], {
            cwd: root,
            encoding: "utf8",
        });
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual([...new Set(JSON.parse(result.stdout))], [], "providers loaded by the CLI's own module");
    });

    it("adds nothing to shared types from an add-on's folder (declare module): the package's declarations would drop it", () => {
        const augmenting = productFiles().filter((file) => /^\s*declare module\s/m.test(codeOf(file)));
        assert.deepEqual(augmenting, []);
    });
});
