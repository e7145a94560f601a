/**
 * The CLI config replay against cases taken from pulumi/pulumi's own tests and code
 * (sdk/go/common/resource/config/map_test.go TestSetSuccess/TestSetFail/TestGetSuccess, pkg/workspace/config.go).
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import {
    ConfigMap,
    StoredValue,
    applyProjectConfig,
    cliConfigKey,
    configSet,
    languageHostConfig,
    newObjectValue,
    newSecureValue,
    newValue,
    parsePropertyPath,
    programConfig,
    readStackConfig,
    validateProjectConfig,
} from "../config/pulumiConfigReplay";

const secureObject = (json: string): StoredValue => ({ ...newObjectValue(json), secure: true });

function mapOf(entries: Record<string, StoredValue>): ConfigMap {
    const map = new ConfigMap();
    for (const [key, value] of Object.entries(entries)) {
        map.set(key, value, false);
    }
    return map;
}

const asRecord = (map: ConfigMap) => Object.fromEntries(map.values);

describe("Pulumi CLI config replay", () => {
    describe("Map.Set (map_test.go TestSetSuccess)", () => {
        const cases: Array<{
            key: string;
            value: StoredValue;
            path?: boolean;
            config?: Record<string, StoredValue>;
            expected: Record<string, StoredValue>;
        }> = [
            { key: "my:test.Key", value: newValue("testValue"), expected: { "my:test.Key": newValue("testValue") } },
            {
                key: "my:testKey",
                path: true,
                value: newValue("testValue"),
                expected: { "my:testKey": newValue("testValue") },
            },
            {
                key: 'my:["test.Key"]',
                path: true,
                value: newValue("testValue"),
                expected: { "my:test.Key": newValue("testValue") },
            },
            {
                key: 'my:nested["test.Key"]',
                path: true,
                value: newValue("value"),
                expected: { "my:nested": newObjectValue('{"test.Key":"value"}') },
            },
            {
                key: "my:outer.inner",
                path: true,
                value: newValue("value"),
                expected: { "my:outer": newObjectValue('{"inner":"value"}') },
            },
            {
                key: "my:outer.inner",
                path: true,
                value: newValue("value"),
                config: { "my:outer": newValue("value") },
                expected: { "my:outer": newObjectValue('{"inner":"value"}') },
            },
            {
                key: "my:outer.inner",
                path: true,
                value: newValue("true"),
                expected: { "my:outer": newObjectValue('{"inner":true}') },
            },
            {
                key: "my:outer.inner",
                path: true,
                value: newValue("false"),
                expected: { "my:outer": newObjectValue('{"inner":false}') },
            },
            {
                key: "my:outer.inner",
                path: true,
                value: newValue("10"),
                expected: { "my:outer": newObjectValue('{"inner":10}') },
            },
            {
                key: "my:outer.inner",
                path: true,
                value: newValue("0"),
                expected: { "my:outer": newObjectValue('{"inner":0}') },
            },
            {
                key: "my:outer.inner",
                path: true,
                value: newValue("-1"),
                expected: { "my:outer": newObjectValue('{"inner":-1}') },
            },
            {
                key: "my:outer.inner",
                path: true,
                value: newValue("00"),
                expected: { "my:outer": newObjectValue('{"inner":"00"}') },
            },
            {
                key: "my:outer.inner",
                path: true,
                value: newValue("0123456"),
                expected: { "my:outer": newObjectValue('{"inner":"0123456"}') },
            },
            {
                key: "my:array[0]",
                path: true,
                value: newValue("value"),
                config: { "my:array": newSecureValue("value") },
                expected: { "my:array": newObjectValue('["value"]') },
            },
            {
                key: "my:outer.inner",
                path: true,
                value: newValue("value"),
                config: { "my:outer": newObjectValue('{"existing":"existingValue"}') },
                expected: { "my:outer": newObjectValue('{"existing":"existingValue","inner":"value"}') },
            },
            {
                key: "my:outer.inner",
                path: true,
                value: newSecureValue("securevalue"),
                expected: { "my:outer": secureObject('{"inner":{"secure":"securevalue"}}') },
            },
            {
                key: "my:outer.inner.nested",
                path: true,
                value: newValue("value"),
                expected: { "my:outer": newObjectValue('{"inner":{"nested":"value"}}') },
            },
            {
                key: "my:name[0][0]",
                path: true,
                value: newValue("value"),
                expected: { "my:name": newObjectValue('[["value"]]') },
            },
            {
                key: "my:name[1]",
                path: true,
                value: newValue("value"),
                expected: { "my:name": newObjectValue('[null,"value"]') },
            },
            {
                key: "my:name[3].foo.bar",
                path: true,
                value: newValue("value"),
                config: { "my:name": newObjectValue('["a","b","c"]') },
                expected: { "my:name": newObjectValue('["a","b","c",{"foo":{"bar":"value"}}]') },
            },
            {
                key: "my:servers[0].host",
                path: true,
                value: newValue("example"),
                config: { "my:servers": newObjectValue('[{"name":"foo"}]') },
                expected: { "my:servers": newObjectValue('[{"host":"example","name":"foo"}]') },
            },
            { key: "my:testKey", value: newValue("false"), expected: { "my:testKey": newValue("false") } },
            {
                key: "my:testKey[0]",
                path: true,
                value: newValue("01"),
                expected: { "my:testKey": newObjectValue('["01"]') },
            },
            {
                key: "my:special.object",
                path: true,
                value: newObjectValue('{"foo":"bar","fizz":"buzz"}'),
                config: { "my:special": newObjectValue('{"thing1":1,"thing2":2}') },
                expected: {
                    "my:special": newObjectValue('{"object":{"fizz":"buzz","foo":"bar"},"thing1":1,"thing2":2}'),
                },
            },
        ];
        for (const c of cases) {
            it(`${c.path ? "--path " : ""}${c.key} = ${c.value.text}${c.config ? ` onto ${JSON.stringify(Object.values(c.config)[0].text)}` : ""}`, () => {
                const map = mapOf(c.config ?? {});
                map.set(c.key, c.value, c.path ?? false);
                assert.deepEqual(asRecord(map), c.expected);
            });
        }
    });

    describe("Map.Set errors (TestSetFail) and key paths", () => {
        const failures: Array<[string, Record<string, StoredValue>, RegExp]> = [
            ["my:root[", {}, /missing closing bracket in array index/],
            ['my:root["nested]', {}, /missing closing quote in property name/],
            ["my:root.array[abc]", {}, /invalid array index/],
            ['my:[""]', {}, /config key is empty/],
            ["my:[0]", {}, /first path segement of config key must be a string/],
            ["my:name[5]", { "my:name": newObjectValue('["a","b","c"]') }, /array index out of range/],
            ["my:key.secure", { "my:key": newObjectValue("{}") }, /"secure" are reserved/],
            ["my:outer.inner.nested", { "my:outer": newObjectValue('{"inner":"x"}') }, /expected a map/],
        ];
        for (const [key, config, message] of failures) {
            it(`rejects --path ${key}`, () => {
                assert.throws(() => mapOf(config).set(key, newValue("value"), true), message);
            });
        }

        it("parses property paths as ParsePropertyPathStrict does", () => {
            assert.deepEqual(parsePropertyPath('root.array[0]["a.b"].x'), ["root", "array", 0, "a.b", "x"]);
            assert.deepEqual(parsePropertyPath("foo-bar"), ["foo-bar"]);
            assert.throws(() => parsePropertyPath("a.[0]"), /expected property name after '.'/);
            assert.throws(() => parsePropertyPath("a."), /end with a name or index/);
        });

        it("namespaces only the first segment of a --path key (config set's parseConfigKey)", () => {
            assert.equal(cliConfigKey("proj", "agent.karpenops", true), "proj:agent.karpenops");
            assert.equal(cliConfigKey("proj", "other:a.b", true), "other:a.b");
            assert.equal(cliConfigKey("proj", "aws:region", false), "aws:region");
            assert.equal(cliConfigKey("proj", "proj:config:x", false), "proj:x");
        });

        it("gets by path, and misses a field under a plain string or a flat dotted key", () => {
            const map = mapOf({
                "my:outer": newObjectValue('{"inner":{"n":1}}'),
                "my:flat.key": newValue("x"),
                "my:s": newValue("text"),
            });
            assert.deepEqual(map.get("my:outer.inner.n", true), { found: true, value: newValue("1") });
            assert.deepEqual(map.get("my:outer.inner", true), { found: true, value: newObjectValue('{"n":1}') });
            assert.equal(map.get("my:flat.key", true).found, false);
            assert.equal(map.get("my:flat.key", false).found, true);
            assert.equal(map.get("my:s.x", true).found, false);
        });
    });

    describe("mergeConfig (pkg/workspace/config.go)", () => {
        const project = {
            "proj:a.flag": { type: "boolean", default: true },
            "proj:a.name": { type: "string", default: "0.0.67" },
            "proj:a.map": { default: {} },
            "proj:a.list": { default: "" },
            "proj:count": { type: "integer", default: 30 },
            "proj:required": { type: "string" },
        };

        it("merges each dotted default into the object by property path, typed as config set --path would", () => {
            const stack = mapOf({ "proj:required": newValue("r") });
            applyProjectConfig("proj", project, stack, { validate: true });
            assert.deepEqual(programConfig(stack).config, {
                "proj:a": '{"flag":true,"list":"","map":{},"name":"0.0.67"}',
                "proj:count": "30",
                "proj:required": "r",
            });
        });

        it("keeps the fields a stack set with --path and fills the others with their defaults", () => {
            const stack = mapOf({ "proj:required": newValue("r") });
            configSet(stack, "proj", { key: "a.flag", value: "false", path: true });
            configSet(stack, "proj", { key: "a.map.team", value: "1234", path: true });
            applyProjectConfig("proj", project, stack, { validate: true });
            assert.equal(
                programConfig(stack).config["proj:a"],
                '{"flag":false,"list":"","map":{"team":1234},"name":"0.0.67"}',
            );
        });

        it("loses a whole object set as a plain string: the first default replaces it (the COMPAT branch of object.Set)", () => {
            const stack = mapOf({ "proj:required": newValue("r") });
            configSet(stack, "proj", { key: "a", value: '{"flag":false}' });
            applyProjectConfig("proj", project, stack, { validate: false });
            assert.equal(JSON.parse(programConfig(stack).config["proj:a"]).flag, true);
        });

        it("keeps a flat dotted key (config set without --path) beside the merged object", () => {
            const stack = mapOf({ "proj:required": newValue("r") });
            configSet(stack, "proj", { key: "a.flag", value: "false", path: false });
            applyProjectConfig("proj", project, stack, { validate: true });
            const { config } = programConfig(stack);
            assert.equal(config["proj:a.flag"], "false");
            assert.equal(JSON.parse(config["proj:a"]).flag, true);
        });

        it("fails on a missing required key, a wrongly typed value, and a plaintext value declared secret", () => {
            assert.throws(
                () => applyProjectConfig("proj", project, new ConfigMap(), { validate: true, stackName: "dev" }),
                /Stack 'dev' is missing configuration value 'proj:required'/,
            );
            const typed = mapOf({ "proj:required": newValue("r") });
            configSet(typed, "proj", { key: "a.flag", value: "maybe", path: true });
            assert.throws(
                () => applyProjectConfig("proj", project, typed, { validate: true }),
                /'proj:a.flag' must be of type 'boolean'/,
            );
            const secret = mapOf({ "proj:required": newValue("r") });
            assert.throws(
                () =>
                    applyProjectConfig(
                        "proj",
                        { ...project, "proj:required": { type: "string", secret: true } },
                        secret,
                        { validate: true },
                    ),
                /'proj:required' must be encrypted as it's secret/,
            );
        });

        it("checks typed defaults when the project loads (Project.Validate)", () => {
            assert.deepEqual(validateProjectConfig("proj", project), []);
            assert.match(
                validateProjectConfig("proj", { "proj:n": { type: "integer", default: "ten" } })[0],
                /not of the expected type 'integer'/,
            );
            assert.match(
                validateProjectConfig("proj", { "proj:l": { type: "array" } })[0],
                /does not specify the underlying type/,
            );
        });
    });

    describe("what the program receives", () => {
        it("reads a stack file as Value.UnmarshalYAML does: scalars as text, lists and maps as objects, secure values", () => {
            const stack = readStackConfig(
                [
                    "config:",
                    "  aws:region: us-east-1",
                    "  p:flag: false",
                    "  p:days: 30",
                    "  p:list: [a, b]",
                    "  p:map:",
                    "    k: 1",
                    "  p:token:",
                    "    secure: ciphertext",
                    "",
                ].join("\n"),
            );
            assert.deepEqual(asRecord(stack), {
                "aws:region": newValue("us-east-1"),
                "p:flag": newValue("false"),
                "p:days": newValue("30"),
                "p:list": newObjectValue('["a","b"]'),
                "p:map": newObjectValue('{"k":1}'),
                "p:token": newSecureValue("ciphertext"),
            });
        });

        it("decrypts, JSON-encodes objects with sorted keys and Go's HTML escaping, and lists the secure keys", () => {
            const stack = new ConfigMap();
            configSet(stack, "p", { key: "o.z", value: "<b>&", path: true });
            configSet(stack, "p", { key: "o.a", value: "s3cret", path: true, secret: true });
            configSet(stack, "p", { key: "t", value: "tok", secret: true });
            const received = programConfig(stack);
            assert.deepEqual(received.config, { "p:o": '{"a":"s3cret","z":"\\u003cb\\u003e\\u0026"}', "p:t": "tok" });
            assert.deepEqual(received.secretKeys.sort(), ["p:o", "p:t"]);
        });

        it("reaches the Node.js runtime through the language host's `<ns>:config:<name>` keys", () => {
            const stack = new ConfigMap();
            configSet(stack, "p", { key: "o.flag", value: "true", path: true });
            configSet(stack, "p", { key: "t", value: "tok", secret: true });
            const received = programConfig(stack);
            assert.deepEqual(languageHostConfig(received.config), {
                "p:config:o": '{"flag":true}',
                "p:config:t": "tok",
            });
            pulumi.runtime.setAllConfig(languageHostConfig(received.config), received.secretKeys);
            const config = new pulumi.Config("p");
            assert.deepEqual(config.getObject("o"), { flag: true });
            assert.deepEqual(pulumi.runtime.allConfig(), received.config, "the runtime strips the :config: again");
        });
    });
});
