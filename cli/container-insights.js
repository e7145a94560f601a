#!/usr/bin/env node
// `npx container-insights ...`: the compiled front end (dist/, built by `npm run build`, which npm install and
// npm pack run); from a checkout without a build, the TypeScript sources through ts-node (transpile only).
const { existsSync } = require("node:fs");
const { join } = require("node:path");

const compiled = join(__dirname, "..", "dist", "automation", "cli.js");
if (existsSync(compiled)) {
    require(compiled).runCli();
} else {
    require("ts-node").register({ transpileOnly: true, project: join(__dirname, "..", "tsconfig.json") });
    require("../automation/cli.ts").runCli();
}
