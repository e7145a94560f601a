import * as assert from "node:assert/strict";
import { decodeBinary, resolvePlain } from "../../policies/offline/goYamlScalars";
import { readYamlDocuments } from "../../policies/offline/kubernetesYaml";

/** Plain scalars and what go-yaml v2's resolve() (branch v2, resolve.go) makes of them, as kubectl prints them in JSON. */
const TABLE: [string, unknown][] = [
    ["0_0", 0],
    ["1_000", 1000],
    ["0x1F", 31],
    ["0X1f", 31],
    ["0x_1F", 31],
    ["0o17", 15],
    ["0755", 493],
    ["0b101", 5],
    ["-0b101", -5],
    ["+12", 12],
    ["-0", 0],
    ["08", 8],
    ["09.5", 9.5],
    ["1e3", 1000],
    ["1_000.5", 1000.5],
    ["1.", 1],
    [".5", 0.5],
    ["-.5", -0.5],
    [".5_5", 0.55],
    ["1:20", "1:20"],
    ["190:20:30", "190:20:30"],
    ["0x", "0x"],
    ["_1", "_1"],
    ["1_", 1],
    ["2001-12-14", "2001-12-14"],
    ["12e", "12e"],
    ["yes", true],
    ["Off", false],
    ["y", true],
    ["~", null],
    ["", null],
    ["<<", "<<"],
    ["0.0.0.0", "0.0.0.0"],
    ["1.2.3", "1.2.3"],
    ["9223372036854775807", 9223372036854775807],
    ["18446744073709551615", 18446744073709551615],
];

describe("YAML scalars as go-yaml v2 resolves them", () => {
    for (const [text, value] of TABLE) {
        it(`${JSON.stringify(text)} → ${JSON.stringify(value)}`, () => {
            assert.deepEqual(resolvePlain(text).value, value);
            assert.deepEqual(readYamlDocuments(`v: ${text}`)[0], { v: value });
        });
    }

    it("quoted scalars and !!str stay strings; !!int resolves quoted text; other tags keep the node", () => {
        assert.deepEqual(
            readYamlDocuments("a: '0_0'\nb: !!str 0_0\nc: !!int \"0_0\"\nd: !local 0\ne: !!float 1\nf: !x [1]"),
            [{ a: "0_0", b: "0_0", c: 0, d: "0", e: 1, f: [1] }],
        );
    });

    it("decodes !!binary as base64 to its text (line breaks skipped) and refuses invalid base64", () => {
        assert.equal(decodeBinary("aGVs\nbG8="), "hello");
        assert.equal(decodeBinary("aGVsbG8"), undefined);
        assert.deepEqual(readYamlDocuments("image: !!binary aGVsbG8="), [{ image: "hello" }]);
        assert.throws(
            () => readYamlDocuments("image: !!binary not*base64"),
            /cannot resolve a node with !<tag:yaml.org,2002:binary>/,
        );
    });

    it("applies merges in document order, like go-yaml's decoder, and refuses a merge of a non-mapping", () => {
        assert.deepEqual(
            readYamlDocuments(
                "a: {x: 1, <<: {x: 2}}\nb: {<<: {x: 2}, x: 1}\nc: {<<: [{x: 1}, {x: 2, z: 3}]}\nd: {<<: {x: 1}, <<: {x: 2}}",
            ),
            [{ a: { x: 2 }, b: { x: 1 }, c: { x: 1, z: 3 }, d: { x: 2 } }],
        );
        const anchored = readYamlDocuments("base: &b {x: 1, <<: {w: 2}}\nuse: {w: 0, <<: *b}\nplain: [<<, '<<']")[0];
        assert.deepEqual(anchored, { base: { x: 1, w: 2 }, use: { w: 2, x: 1 }, plain: ["<<", "<<"] });
        assert.throws(() => readYamlDocuments("a: {<<: 1}"), /map merge requires map or sequence of maps/);
        assert.throws(() => readYamlDocuments("a: {!!merge <<: {x: 1}}"), /merge/);
    });
});
