// Loaded first by .mocharc.json. The suite's TypeScript runs through ts-node with its SWC transpiler (@swc/core):
// transpile-only, as before, several times faster to start (`npm test` type-checks with tsc). TS_NODE_PROJECT passes
// the choice on to the ts-node processes the tests start (npm run policy-check, node -r ts-node/register); Pulumi's
// language host and the npm scripts outside the suite keep tsconfig.json's settings.
const { join } = require("node:path");

process.env.TS_NODE_PROJECT = join(__dirname, "ts-node.json");
require("ts-node").register({ project: process.env.TS_NODE_PROJECT, transpileOnly: true });
