import { strict as assert } from "assert";
import { readFileSync } from "fs";
import { join } from "path";
import * as YAML from "yaml";
import { CONFIG_KEYS, fullKey } from "../config";
import { pulumiYamlConfig } from "../scripts/pulumi-yaml-config";

const root = join(__dirname, "..");
const read = (file: string) => readFileSync(join(root, file), "utf8");

describe("project files", () => {
    const project = YAML.parse(read("Pulumi.yaml"));

    it("declares the project as the design asks", () => {
        assert.equal(project.name, "container-insights");
        assert.equal(project.runtime.name, "nodejs");
        assert.equal(project.stackConfigDir, "stacks");
    });

    it("declares every config key exactly as the key table does", () => {
        assert.deepEqual(project.config, pulumiYamlConfig());
    });

    it("explains every config key in the README's table, with its default", () => {
        const readme = read("README.md");
        for (const spec of CONFIG_KEYS) {
            const row = readme.split("\n").find((line) => line.startsWith(`| \`${spec.key}\` |`));
            assert.ok(row, `README has no row for ${spec.key}`);
            const shownDefault = row.split("|")[2].trim();
            if (spec.required) {
                assert.match(shownDefault, /required/, spec.key);
            } else if (spec.default === "" ) {
                assert.match(shownDefault, /blank/, spec.key);
            } else {
                assert.ok(shownDefault.includes(JSON.stringify(spec.default).replace(/"/g, "")), `${spec.key}: ${shownDefault}`);
            }
            if (spec.secret) {
                assert.match(shownDefault, /secret/, spec.key);
            }
        }
    });

    for (const [stack, environment] of [["prod", "PROD"], ["uat", "UAT"]]) {
        it(`commits stack ${stack} for ${environment} with no secrets in it`, () => {
            const text = read(`stacks/Pulumi.${stack}.yaml`);
            const config = YAML.parse(text).config;
            assert.equal(config[fullKey("environment")], environment);
            for (const spec of CONFIG_KEYS.filter((s) => s.secret)) {
                assert.equal(config[fullKey(spec.key)], undefined, `${spec.key} must be set with --secret, not committed`);
            }
            assert.ok(!/secure:/.test(text));
        });
    }
});
