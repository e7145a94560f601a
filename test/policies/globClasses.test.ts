import * as assert from "node:assert/strict";
import { Glob, globClasses, globMatch, literalGlob } from "../../policies/lib/globClasses";

/** Object ARNs in miniature: "b/" and at least one character. */
const OBJECTS: Glob[] = [[...literalGlob("b/"), "one", "any"]];

describe("globClasses (deciding pattern coverage over every string, not samples)", () => {
    it("tells * from ?: b/? leaves keys of two characters or more, b/* and b/?* leave none", () => {
        const classes = (pattern: string) => globClasses(OBJECTS, [pattern])!;
        assert.deepEqual(classes("b/?"), [
            { matches: [true], witness: "b/x" },
            { matches: [false], witness: "b/xx" },
        ]);
        assert.deepEqual(classes("b/*"), [{ matches: [true], witness: "b/x" }]);
        assert.deepEqual(classes("b/?*"), [{ matches: [true], witness: "b/x" }]);
    });

    it("finds every combination some string realises, each with a shortest witness", () => {
        const classes = globClasses(["s3:?*"], ["s3:get*", "s3:*object"], { ignoreCase: true })!;
        const bySignature = Object.fromEntries(classes.map((c) => [c.matches.map(Number).join(""), c.witness]));
        assert.deepEqual(bySignature, { "00": "s3:x", "10": "s3:get", "01": "s3:object", "11": "s3:getobject" });
    });

    it("matches actions case-insensitively only when asked (IAM actions), ARNs exactly", () => {
        assert.ok(globMatch("S3:Get*", "s3:getobject", { ignoreCase: true }));
        assert.ok(!globMatch("arn:AWS:s3:::b", "arn:aws:s3:::b"));
        assert.ok(globMatch("b/*", "b/a\nb"), "* runs over any character");
        assert.deepEqual(globClasses(["arn:aws:s3:::b"], ["arn:AWS:s3:::b"]), [
            { matches: [false], witness: "arn:aws:s3:::b" },
        ]);
    });

    it("gives up, rather than running on, past its state budget", () => {
        const patterns = Array.from({ length: 12 }, (_, i) => `*${"?".repeat(i)}a*b*`);
        assert.equal(globClasses(["*"], patterns, { maxStates: 50 }), undefined);
        assert.ok(globClasses(["*"], patterns.slice(0, 2), { maxStates: 50 }));
    });
});
