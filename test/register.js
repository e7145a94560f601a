// Loaded first by .mocharc.json. The suite's TypeScript runs through ts-node with its SWC transpiler (@swc/core):
// transpile-only, as before, several times faster to start (`npm test` type-checks with tsc). TS_NODE_PROJECT passes
// the choice on to the ts-node processes the tests start (npm run policy-check, node -r ts-node/register); Pulumi's
// language host and the npm scripts outside the suite keep tsconfig.json's settings. A checkout whose node_modules
// predates @swc/core (npm install not run since) falls back to TypeScript's own transpiler, and says so.
const { join } = require("node:path");

let swc = true;
try {
    require.resolve("@swc/core");
} catch {
    swc = false;
    if (!process.env.TEST_SWC_NOTED) {
        process.env.TEST_SWC_NOTED = "1";
        console.error("test/register.js: @swc/core is not installed (run npm install); transpiling with TypeScript, slower");
    }
}
if (swc) {
    process.env.TS_NODE_PROJECT = join(__dirname, "ts-node.json");
    require("ts-node").register({ project: process.env.TS_NODE_PROJECT, transpileOnly: true });
} else {
    require("ts-node").register({ transpileOnly: true });
}
