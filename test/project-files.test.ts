import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as YAML from "yaml";
import { CONFIG_GROUPS, CONFIG_KEYS, fullKey, groupOf } from "../config";
import { validateProjectConfig } from "../config/pulumiConfigReplay";
import { pulumiYamlConfig } from "../config/projectConfig";
import { withConfigTable } from "../config/docsTable";
import { engineEnv, programTsconfig } from "../engine/env";
import { parseConfigSetLine } from "./cliReplay";
import { readPage, readReadmeAndDocs } from "./docs";

const root = join(__dirname, "..");
const read = (file: string) => readFileSync(join(root, file), "utf8");

describe("project files", () => {
    const project = YAML.parse(read("Pulumi.yaml"));

    it("declares the project as the design asks", () => {
        assert.equal(project.name, "container-insights");
        assert.equal(project.runtime.name, "nodejs");
        assert.equal(project.stackConfigDir, "stacks");
    });

    it("compiles the program for preview and up without type-checking it again (npm test does), with SWC", () => {
        const tsconfig = project.runtime.options.tsconfig;
        assert.equal(tsconfig, "tsconfig.pulumi.json");
        const options = JSON.parse(read(tsconfig));
        assert.equal(options.extends, "./tsconfig.json", "the same compiler options as the type-check");
        // Pulumi's run script reads noCheck from this file itself (not through extends) to choose transpile-only.
        assert.equal(options.compilerOptions.noCheck, true);
        assert.equal(options["ts-node"].swc, true);
        const dependencies = JSON.parse(read("package.json")).devDependencies;
        assert.ok(dependencies["@swc/core"], "npm install (and the watch image's npm ci) installs SWC");
        assert.equal(JSON.parse(read("tsconfig.json")).compilerOptions.noCheck, undefined, "editors and tsc check");
    });

    it("states in tsconfig.pulumi.json itself what Pulumi's run script would otherwise set: target, module, resolution", () => {
        // @pulumi/pulumi cmd/run/run.js reads only that file's own compilerOptions (tsutils, no extends) and registers
        // ts-node with target ES2020 and module nodenext under them, where a dynamic import() stays an ES import.
        const own = JSON.parse(read(project.runtime.options.tsconfig)).compilerOptions;
        const base = JSON.parse(read("tsconfig.json")).compilerOptions;
        for (const option of ["target", "module", "moduleResolution"]) {
            assert.equal(own[option], base[option], option);
        }
    });

    it("hands the engine tier's older language host the same tsconfig the current host reads from Pulumi.yaml", () => {
        assert.equal(programTsconfig(), project.runtime.options.tsconfig);
        const tsconfigOf = (program?: string) => engineEnv({ stateDir: "/tmp/x", program }).PULUMI_NODEJS_TSCONFIG_PATH;
        assert.equal(tsconfigOf(root), project.runtime.options.tsconfig);
        // Another project (the tier's smoke programs) gets its own Pulumi.yaml's choice: none. The current SDK fails a
        // program whose PULUMI_NODEJS_TSCONFIG_PATH names a file it does not have.
        assert.equal(tsconfigOf(join(root, "engine")), undefined);
        assert.equal(tsconfigOf(undefined), undefined);
    });

    it("states the Node.js it supports once, the same in package.json's engines and the README's prerequisites", () => {
        const engines = (JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node;
        const minimum = /^>=(\d+\.\d+)$/.exec(engines)?.[1];
        assert.ok(minimum, `engines.node ${engines} is a plain minimum`);
        assert.equal(
            process.versions.node.localeCompare(minimum, undefined, { numeric: true }) >= 0,
            true,
            "this Node.js meets it",
        );
        const prerequisites = read("README.md").split("## Before you start")[1].split("\n## ")[0];
        assert.match(prerequisites, new RegExp(`Node\\.js ${minimum.replace(".", "\\.")} or newer`));
        assert.equal(
            read("package-lock.json").includes(`"node": "${engines}"`),
            true,
            "package-lock.json's root entry",
        );
    });

    it("declares every config key exactly as the key table does", () => {
        assert.deepEqual(project.config, pulumiYamlConfig());
    });

    it("declares config the Pulumi CLI loads (typed defaults of the declared type)", () => {
        assert.deepEqual(validateProjectConfig(project.name, project.config), []);
    });

    it("sets the table's dotted keys with --path wherever the README or docs show pulumi config set", () => {
        const lines = readReadmeAndDocs()
            .split("\n")
            .filter((l) => l.trim().startsWith("pulumi config set"));
        assert.ok(lines.length > 0);
        for (const line of lines) {
            const parsed = parseConfigSetLine(line.replace(/<[^>]+>/g, "x"));
            const key = parsed.key.replace(/^container-insights:/, "");
            const spec = CONFIG_KEYS.find(
                (s) => s.key === key || key.startsWith(`${s.key}.`) || key.startsWith(`${s.key}[`),
            );
            assert.ok(spec || key.startsWith("aws:"), `the docs set an unknown key: ${line}`);
            assert.equal(
                parsed.path,
                spec !== undefined && groupOf(spec) !== undefined,
                `--path where the key is a field, and only there: ${line}`,
            );
            assert.equal(parsed.secret, spec?.secret === true, `--secret exactly for the secret keys: ${line}`);
        }
    });

    it("has docs/configuration.md's table exactly as config/keys.ts generates it (npm run docs:config)", () => {
        const page = readPage("configuration.md");
        assert.equal(page, withConfigTable(page), "run npm run docs:config");
    });

    it("explains every config key in docs/configuration.md's table, with its default", () => {
        const page = readPage("configuration.md");
        for (const spec of CONFIG_KEYS) {
            const row = page.split("\n").find((line) => line.startsWith(`| \`${spec.key}\` |`));
            assert.ok(row, `docs/configuration.md has no row for ${spec.key}`);
            const shownDefault = row.split("|")[2].trim();
            if (spec.required) {
                assert.match(shownDefault, /required/, spec.key);
            } else if (spec.default === "") {
                assert.match(shownDefault, /blank/, spec.key);
            } else {
                assert.ok(
                    shownDefault.includes(JSON.stringify(spec.default).replace(/"/g, "")),
                    `${spec.key}: ${shownDefault}`,
                );
            }
            if (spec.secret) {
                assert.match(shownDefault, /secret/, spec.key);
            }
        }
    });

    it("runs in CI every test tier the suite leaves out: .ci/run calls npm run test:<tier> for each", () => {
        const ignored: string[] = JSON.parse(read(".mocharc.json")).ignore;
        const tiers = ignored.map((glob) => /^test\/([^/]+)\/\*\*$/.exec(glob)?.[1]);
        assert.deepEqual(
            tiers.filter((tier) => tier === undefined),
            [],
            `only whole tiers are left out: ${ignored}`,
        );
        const scripts = JSON.parse(read("package.json")).scripts;
        const ci = read(".ci/run").split("\n");
        for (const tier of tiers) {
            assert.ok(scripts[`test:${tier}`], `package.json has no script test:${tier} for test/${tier}/`);
            assert.ok(ci.includes(`npm run test:${tier}`), `.ci/run does not run npm run test:${tier}`);
        }
        assert.ok(tiers.includes("package"), "the packed package's install test is a tier");
    });

    for (const [stack, environment] of [
        ["prod", "PROD"],
        ["uat", "UAT"],
    ]) {
        it(`commits stack ${stack} for ${environment} with no secrets in it`, () => {
            const text = read(`stacks/Pulumi.${stack}.yaml`);
            const config = YAML.parse(text).config;
            assert.equal(config[fullKey("environment")], environment);
            for (const spec of CONFIG_KEYS.filter((s) => s.secret)) {
                assert.equal(
                    config[fullKey(spec.key)],
                    undefined,
                    `${spec.key} must be set with --secret, not committed`,
                );
            }
            assert.ok(!/secure:/.test(text));
            for (const key of Object.keys(config).filter((k) => k.startsWith(fullKey("")))) {
                const name = key.slice(fullKey("").length);
                const topLevel =
                    CONFIG_KEYS.some((s) => s.key === name && groupOf(s) === undefined) || CONFIG_GROUPS.includes(name);
                assert.ok(
                    topLevel,
                    `${key} is not a top-level key; fields of ${CONFIG_GROUPS.join(", ")} go in a YAML map`,
                );
            }
        });
    }
});
