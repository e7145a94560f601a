#!/usr/bin/env node
// `npx container-insights ...`: the compiled front end (dist/, built by `npm run build`, which npm install and
// npm pack run). In a checkout whose TypeScript sources changed after the last build (or that has no build), the
// sources run through ts-node (transpile only), so a stale dist/ never answers for edited code.
const { existsSync, readdirSync, statSync } = require("node:fs");
const { join } = require("node:path");

const root = join(__dirname, "..");
const compiled = join(root, "dist", "automation", "cli.js");
/** What tsconfig.build.json compiles: the root's .ts files and these folders. */
const SOURCE_DIRS = ["config", "images", "common", "components", "lambda", "automation", join("policies", "lib")];

function newestSource() {
    let newest = 0;
    const visit = (dir, recurse) => {
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
            const path = join(dir, entry.name);
            if (entry.isDirectory() && recurse) {
                visit(path, true);
            } else if (entry.isFile() && entry.name.endsWith(".ts")) {
                newest = Math.max(newest, statSync(path).mtimeMs);
            }
        }
    };
    visit(root, false);
    for (const dir of SOURCE_DIRS) {
        if (existsSync(join(root, dir))) {
            visit(join(root, dir), true);
        }
    }
    return newest;
}

// An installed package ships no sources (newest is 0), so it always runs the compiled code.
if (existsSync(compiled) && newestSource() <= statSync(compiled).mtimeMs) {
    require(compiled).runCli();
} else {
    require("ts-node").register({ transpileOnly: true, project: join(root, "tsconfig.json") });
    require("../automation/cli.ts").runCli();
}
