import * as assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileBackendDirectory } from "../../automation/fileBackend";
import { backendEnvironment, resolveBackend } from "../../automation/workspace";
import { engineEnv } from "../../engine/env";

/** A stand-in `pulumi` on PATH whose `whoami` succeeds (logged in) or fails (no backend), recording its calls. */
function fakePulumi(loggedIn: boolean): { path: string; log: string } {
    const dir = mkdtempSync(join(tmpdir(), "fake-pulumi-"));
    const log = join(dir, "calls.log");
    writeFileSync(
        join(dir, "pulumi"),
        ["#!/usr/bin/env bash", `echo "$*" >> "${log}"`, `exit ${loggedIn ? 0 : 1}`].join("\n"),
    );
    chmodSync(join(dir, "pulumi"), 0o755);
    writeFileSync(log, "");
    return { path: `${dir}:${process.env.PATH}`, log };
}

describe("the backend every command uses (as scripts/deploy.sh)", () => {
    it("is the logged-in backend when pulumi whoami succeeds, not .pulumi-state/", () => {
        const { path, log } = fakePulumi(true);
        assert.equal(resolveBackend({ PATH: path }, "/project"), "configured");
        assert.equal(readFileSync(log, "utf8"), "whoami\n");
    });

    it("is the local file backend in .pulumi-state/ when the CLI is logged in nowhere", () => {
        const { path } = fakePulumi(false);
        assert.deepEqual(resolveBackend({ PATH: path }, "/project"), { stateDirectory: "/project/.pulumi-state" });
    });

    it("is PULUMI_BACKEND_URL when set, without asking the CLI", () => {
        const { path, log } = fakePulumi(false);
        assert.equal(resolveBackend({ PATH: path, PULUMI_BACKEND_URL: "s3://state" }, "/project"), "configured");
        assert.equal(readFileSync(log, "utf8"), "");
    });
});

describe("a local file backend's URL", () => {
    // Without metadata=skip a checkpoint load during a save fails with EOF (automation/fileBackend.ts).
    it("asks the bucket library for no .attrs sidecar files, in every command and in the engine tier", () => {
        const { envVars } = backendEnvironment(
            {
                backend: { stateDirectory: "/project/.pulumi-state" },
                passphrase: "p",
            },
            "/project",
        );
        assert.equal(envVars.PULUMI_BACKEND_URL, "file:///project/.pulumi-state?metadata=skip");
        assert.equal(engineEnv({ stateDir: "/tmp/state" }).PULUMI_BACKEND_URL, "file:///tmp/state?metadata=skip");
        assert.match(
            readFileSync(join(__dirname, "..", "..", "scripts", "deploy.sh"), "utf8"),
            /\.pulumi-state\?metadata=skip"/,
        );
    });

    it("names its directory without the query", () => {
        assert.equal(fileBackendDirectory("file:///tmp/state?metadata=skip"), "/tmp/state");
        assert.equal(fileBackendDirectory("file:///tmp/state"), "/tmp/state");
    });
});
