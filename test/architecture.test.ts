import { strict as assert } from "node:assert";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import madge from "madge";

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
