/**
 * `npm run test:engine`: the engine tier's scenarios (test/engine/) on the real Pulumi CLI. Without the tier's pieces
 * (no Go or Python here, or `npm run engine:setup` not run) it says so in one line and passes: `npm test` is the
 * suite every machine runs.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT, engineMissing } from "./paths";

const missing = engineMissing();
if (missing) {
    process.stdout.write(`engine tier skipped: ${missing}\n`);
} else {
    const mocha = join(ROOT, "node_modules", ".bin", "mocha");
    const result = spawnSync(
        mocha,
        ["--config", join(ROOT, "test", "engine", ".mocharc.json"), ...process.argv.slice(2)],
        {
            cwd: ROOT,
            stdio: "inherit",
        },
    );
    process.exitCode = result.status ?? 1;
}
