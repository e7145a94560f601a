import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";

describe("npm test's output", () => {
    it("keeps the program's [runtime] log lines (printed when no engine runs) out of the reporter, errors kept", async () => {
        const config = JSON.parse(readFileSync(join(__dirname, "..", ".mocharc.json"), "utf8")) as {
            require: string[];
        };
        assert.ok(config.require.includes("test/quietRuntime.ts"), ".mocharc.json loads test/quietRuntime.ts");
        let written = "";
        const write = { out: process.stdout.write, err: process.stderr.write };
        const capture = ((chunk: string) => ((written += chunk), true)) as typeof process.stdout.write;
        process.stdout.write = capture;
        process.stderr.write = capture;
        try {
            await pulumi.log.info("an info line of the program");
            await pulumi.log.warn("a warning of the program");
            console.warn("a test's own warning");
            await pulumi.log.error("an error of the program");
        } finally {
            process.stdout.write = write.out;
            process.stderr.write = write.err;
        }
        assert.doesNotMatch(written, /info: \[runtime\]|warning: \[runtime\]/);
        assert.match(written, /a test's own warning/);
        assert.match(written, /error: \[runtime\] an error of the program/);
    });
});
