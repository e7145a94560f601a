import { createHash } from "crypto";
import * as esbuild from "esbuild";
import { join } from "path";

const projectRoot = join(__dirname, "..", "..");
let cached: { code: string; sha256: string } | undefined;

/**
 * The reconciler's handler bundled into one CommonJS file. The AWS SDK v3 is left out (the Node.js 22 runtime
 * ships it); everything else, Powertools included, goes in. Same sources, same bytes: paths are relative to the
 * project and nothing time-dependent is emitted.
 */
export function reconcilerBundle(): { code: string; sha256: string } {
    if (!cached) {
        const result = esbuild.buildSync({
            absWorkingDir: projectRoot,
            entryPoints: ["lambda/reconciler/handler.ts"],
            bundle: true,
            platform: "node",
            target: "node22",
            format: "cjs",
            external: ["@aws-sdk/*"],
            write: false,
            legalComments: "none",
            logLevel: "silent",
        });
        const code = result.outputFiles[0].text;
        cached = { code, sha256: createHash("sha256").update(code).digest("hex") };
    }
    return cached;
}
