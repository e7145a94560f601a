import * as assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { cliConfigFiles, stackConfigPath, withOperationConfig } from "../../automation/operationConfig";

/** A stand-in `pulumi` that records its arguments, appends them to the --config-file, and exits with $FAKE_EXIT. */
function fakeCli(directory: string): string {
    const cli = join(directory, "pulumi");
    writeFileSync(
        cli,
        '#!/bin/sh\nprintf "%s\\n" "$@" > "$FAKE_ARGS"\nwhile [ "$1" != "--config-file" ]; do shift; done\necho "set: yes" >> "$2"\necho "error: no" >&2\nexit "${FAKE_EXIT:-0}"\n',
    );
    chmodSync(cli, 0o755);
    return cli;
}

describe("the operation's config file", () => {
    it("is the stack's file in Pulumi.yaml's stackConfigDir, named by the stack's own name", () => {
        const project = mkdtempSync(join(tmpdir(), "project-"));
        assert.equal(stackConfigPath(project, "dev"), join(project, "Pulumi.dev.yaml"));
        writeFileSync(join(project, "Pulumi.yaml"), "name: p\nruntime: nodejs\nstackConfigDir: stacks\n");
        assert.equal(stackConfigPath(project, "acme/p/prod-1"), join(project, "stacks", "Pulumi.prod-1.yaml"));
    });

    it("is a copy of the stack's file set by `pulumi config set-all --config-file --path`, the stack's file untouched, removed afterwards", async () => {
        const project = mkdtempSync(join(tmpdir(), "project-"));
        mkdirSync(join(project, "stacks"));
        writeFileSync(join(project, "Pulumi.yaml"), "name: p\nruntime: nodejs\nstackConfigDir: stacks\n");
        const stackFile = join(project, "stacks", "Pulumi.dev.yaml");
        writeFileSync(stackFile, "encryptionsalt: v1:salt\n");
        const argsFile = join(project, "args");
        const files = cliConfigFiles(fakeCli(project), project, "dev", { FAKE_ARGS: argsFile });
        let used = "";
        const text = await withOperationConfig(
            files,
            { "p:token": { value: "tok-SECRET", secret: true }, "p:clusters.include": { value: "a", secret: false } },
            async (file) => {
                used = file;
                return readFileSync(file, "utf8");
            },
        );
        assert.equal(text, "encryptionsalt: v1:salt\nset: yes\n");
        assert.equal(readFileSync(stackFile, "utf8"), "encryptionsalt: v1:salt\n");
        assert.deepEqual(readFileSync(argsFile, "utf8").trim().split("\n"), [
            "config",
            "set-all",
            "--config-file",
            used,
            "--stack",
            "dev",
            "--path",
            "--non-interactive",
            "--secret",
            "p:token=tok-SECRET",
            "--plaintext",
            "p:clusters.include=a",
        ]);
        assert.equal(existsSync(dirname(used)), false);
    });

    it("fails without repeating the values (they hold secrets), runs nothing, and leaves no file", async () => {
        const project = mkdtempSync(join(tmpdir(), "project-"));
        const files = cliConfigFiles(fakeCli(project), project, "dev", {
            FAKE_ARGS: join(project, "args"),
            FAKE_EXIT: "3",
        });
        let ran = false;
        let directory = "";
        const error = await withOperationConfig(
            files,
            { "p:token": { value: "tok-SECRET", secret: true } },
            async () => {
                ran = true;
            },
        ).catch((e: Error) => e);
        assert.ok(error instanceof Error);
        assert.match(error.message, /config set-all .*failed \(exit 3\): error: no/);
        assert.doesNotMatch(error.message, /tok-SECRET/);
        assert.equal(ran, false);
        directory = readFileSync(join(project, "args"), "utf8").split("\n")[3];
        assert.equal(existsSync(dirname(directory)), false);
    });
});
