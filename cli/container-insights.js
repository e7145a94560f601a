#!/usr/bin/env node
// `npx container-insights ...`: runs the TypeScript front end through ts-node (transpile only).
require("ts-node").register({ transpileOnly: true, project: require("node:path").join(__dirname, "..", "tsconfig.json") });
require("../automation/cli.ts").runCli();
