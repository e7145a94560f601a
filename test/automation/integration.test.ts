/**
 * A real preview and up through runStack, when the Pulumi CLI is installed: an inline program with no cloud
 * resources, a temporary local file backend, and the policy pack. Without the CLI the suite reports itself skipped.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PulumiCliMissingError } from "../../automation/errors";
import { InsightsEvent } from "../../automation/events";
import { findPulumiCli } from "../../automation/pulumiCli";
import { runStack, RunOptions } from "../../automation/runStack";
import { PROJECT_DIR } from "../../automation/workspace";

function cliMissingReason(): string | undefined {
    try {
        findPulumiCli();
        return undefined;
    } catch (error) {
        if (error instanceof PulumiCliMissingError) {
            return "the Pulumi CLI is not on PATH";
        }
        throw error;
    }
}

const skipReason = cliMissingReason();

describe(`runStack against the real Pulumi CLI${skipReason ? ` (skipped: ${skipReason})` : ""}`, function () {
    this.timeout(300000);
    let stateDirectory: string;

    before(function () {
        if (skipReason) {
            console.log(`      skipped: ${skipReason}; install the CLI to run a real preview and up`);
            this.skip();
        }
        stateDirectory = mkdtempSync(join(tmpdir(), "ci-state-"));
    });

    after(() => stateDirectory && rmSync(stateDirectory, { recursive: true, force: true }));

    it("previews and updates an inline program on a local file backend, with the policy pack", async () => {
        const events: InsightsEvent[] = [];
        const options: RunOptions = {
            program: {
                projectName: "container-insights-it",
                run: async () => ({ greeting: "hello", hidden: pulumi.secret("s3cr3t") }),
            },
            backend: { stateDirectory },
            passphrase: "integration-test",
            policyPack: join(PROJECT_DIR, "policies"),
            onEvent: (e) => events.push(e),
        };
        const base = {
            environment: "UAT",
            stackName: "it",
            secrets: { token: "tok", externalId: "ext" },
            config: { roleName: "R" },
            awsRegion: "us-east-1",
        };
        const preview = await runStack({ ...base, action: "preview" }, options);
        assert.equal(preview.stackName, "it");
        assert.ok(events.some((e) => e.type === "summary"));
        const up = await runStack({ ...base, action: "up" }, options);
        assert.deepEqual(up.outputs.greeting, { secret: false, value: "hello" });
        assert.equal(up.outputs.hidden.secret, true);
        assert.equal(up.outputs.hidden.secret && up.outputs.hidden.value.reveal(), "s3cr3t");
        await runStack({ ...base, action: "destroy" }, options);
    });
});
