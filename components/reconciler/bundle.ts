import { createHash } from "node:crypto";
import * as esbuild from "esbuild";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../common/packageRoot";

const projectRoot = PACKAGE_ROOT;
/** The handler's source; compiled into dist/ when the package runs from its build (the sources are not shipped). */
const HANDLER = ["lambda/reconciler/handler.ts", "dist/lambda/reconciler/handler.js"].find((file) =>
    existsSync(join(projectRoot, file)),
)!;

/**
 * At most this many bytes of code go to Lambda (checked by a test): a guard against bundling what the runtime
 * provides (the AWS SDK alone is megabytes). Raised from 100 KB when the queue consumer (targeted runs, ~11 KB) came:
 * the bundle was at 99.4 KB, 27 KB of it minimatch for the cluster globs and 32 KB Powertools.
 */
export const BUNDLE_LIMIT_BYTES = 128 * 1024;

export interface ReconcilerBundle {
    /** index.js as deployed: minified, with no source map and no reference to one. */
    code: string;
    /** The source map of `code`, kept out of the deployed code: it maps a minified stack trace back to the sources. */
    sourceMap: string;
    /** sha256 of `code`. */
    sha256: string;
}

/**
 * Builds the reconciler's handler into one minified CommonJS file. The AWS SDK v3 is left out (the Node.js 22
 * runtime ships it); everything else, Powertools included, goes in. Names are kept so that stack traces stay
 * readable without the map. Same sources, same bytes: paths are relative to the project and nothing
 * time-dependent is emitted.
 */
export function buildReconcilerBundle(): ReconcilerBundle {
    const result = esbuild.buildSync({
        absWorkingDir: projectRoot,
        entryPoints: [HANDLER],
        outfile: "index.js",
        bundle: true,
        platform: "node",
        target: "node22",
        format: "cjs",
        external: ["@aws-sdk/*"],
        minify: true,
        keepNames: true,
        // "external" writes the map beside the code and adds no sourceMappingURL comment to it.
        sourcemap: "external",
        write: false,
        legalComments: "none",
        logLevel: "silent",
    });
    const output = (suffix: string) => result.outputFiles.find((file) => file.path.endsWith(suffix))!.text;
    const code = output("index.js");
    return { code, sourceMap: output("index.js.map"), sha256: createHash("sha256").update(code).digest("hex") };
}

let built: ReconcilerBundle | undefined;

/** The bundle, built once per process. */
export function reconcilerBundle(): ReconcilerBundle {
    built ??= buildReconcilerBundle();
    return built;
}
