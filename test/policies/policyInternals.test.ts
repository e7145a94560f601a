import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as policy from "@pulumi/policy";
import {
    PROXY_TARGET,
    UNKNOWN,
    UNKNOWN_SENTINELS,
    UNKNOWN_STRING,
    isUnknownValueError,
    plainProps,
    previewProps,
    reportUnknowns,
} from "../../policies/lib/unknown";

/** @pulumi/policy's internal module: what policies/lib/unknown.ts relies on but @pulumi/policy does not export as API. */
interface ProxyInternals {
    getSpecialProxyTarget: string;
    unknownBooleanValue: string;
    unknownNumberValue: string;
    unknownStringValue: string;
    unknownArrayValue: string;
    unknownAssetValue: string;
    unknownArchiveValue: string;
    unknownObjectValue: string;
}

const PACK_DIR = join(__dirname, "..", "..", "policies");

// A canary: an upgrade of @pulumi/policy that changes any of these fails here, loudly, before the pack misreads previews.
describe("@pulumi/policy internals the pack relies on (policies/lib/unknown.ts)", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const internals = require("@pulumi/policy/proxy") as ProxyInternals;

    it("is the exact version policies/package.json pins", () => {
        const pinned = JSON.parse(readFileSync(join(PACK_DIR, "package.json"), "utf8")).dependencies["@pulumi/policy"];
        assert.match(
            pinned,
            /^\d+\.\d+\.\d+$/,
            "an exact version, no range: an upgrade must be a deliberate change that runs this test",
        );
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const installed = (require("@pulumi/policy/package.json") as { version: string }).version.replace(/^v/, "");
        assert.equal(installed, pinned);
    });

    it("has the same unknown-value sentinels", () => {
        const theirs = [
            internals.unknownBooleanValue,
            internals.unknownNumberValue,
            internals.unknownStringValue,
            internals.unknownArrayValue,
            internals.unknownAssetValue,
            internals.unknownArchiveValue,
            internals.unknownObjectValue,
        ];
        assert.deepEqual([...UNKNOWN_SENTINELS].sort(), [...theirs].sort());
        assert.equal(UNKNOWN_STRING, internals.unknownStringValue);
    });

    it("answers the same key with the proxied object", () => {
        assert.equal(PROXY_TARGET, internals.getSpecialProxyTarget);
        const props = { a: { b: UNKNOWN_STRING } };
        assert.equal((previewProps(props) as Record<string, unknown>)[PROXY_TARGET], props);
        assert.deepEqual(plainProps(previewProps(props)), { a: { b: UNKNOWN } });
    });

    it("throws UnknownValueError through its proxy, and the pack's unknown report is one", () => {
        assert.throws(
            () => previewProps({ a: UNKNOWN_STRING }).a,
            (error: unknown) => error instanceof policy.UnknownValueError && isUnknownValueError(error),
        );
        assert.throws(
            () => reportUnknowns("x is unknown"),
            (error: unknown) =>
                error instanceof policy.UnknownValueError && (error as Error).message === "x is unknown",
        );
    });
});
