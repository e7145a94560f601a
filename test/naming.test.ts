import { strict as assert } from "node:assert";
import { clusterRoleName, reconcilerFunctionNames } from "../common/naming";

describe("shared naming", () => {
    it("keeps the vendor's role name when it fits and is lower-case", () => {
        assert.equal(clusterRoleName("prod", "us-east-1"), "nops-ccost-prod_us-east-1");
    });

    it("shortens with a hash past 64 characters, and never lets two clusters collide", () => {
        const names = new Set<string>();
        for (let i = 0; i < 500; i++) {
            const name = clusterRoleName(`${"x".repeat(90)}-${i}`, "ap-southeast-2");
            assert.ok(name.length <= 64, name);
            names.add(name.toLowerCase());
        }
        assert.equal(names.size, 500);
    });

    it("tells apart clusters whose names differ only in case (IAM names ignore case)", () => {
        const upper = clusterRoleName("Prod", "us-east-1");
        assert.notEqual(upper.toLowerCase(), clusterRoleName("prod", "us-east-1").toLowerCase());
        assert.equal(upper, clusterRoleName("Prod", "us-east-1"), "deterministic");
    });

    it("gives long stack names distinct function names within Lambda's 64 characters", () => {
        const a = reconcilerFunctionNames(`${"s".repeat(40)}-a`);
        const b = reconcilerFunctionNames(`${"s".repeat(40)}-b`);
        assert.notEqual(a.creation, b.creation);
        for (const name of [a.creation, a.management, b.management]) {
            assert.ok(name.length <= 64, name);
        }
        assert.equal(reconcilerFunctionNames("prod").creation, "nops-ccost-prod-role-creation");
    });
});
