import * as assert from "node:assert/strict";
import { runThroughPipe, TS_NODE } from "../pipe";

describe("exitWhenFlushed (how every CLI ends)", () => {
    it("ends with the code only after 2 MB on stdout and a line on stderr have gone through their pipes", async function () {
        this.timeout(60000);
        const script = [
            'const { exitWhenFlushed } = require("./policies/lib/exit");',
            'process.stdout.write("x".repeat(2_000_000) + "\\n");',
            'process.stderr.write("done\\n");',
            "exitWhenFlushed(3);",
            "setInterval(() => undefined, 1000); // a handle that would keep a process waiting for its event loop to empty",
        ].join("\n");
        const { code, stdout, stderr } = await runThroughPipe([...TS_NODE, "-e", script]);
        assert.equal(stdout.length, 2_000_001);
        assert.equal(stderr, "done\n");
        assert.equal(code, 3);
    });
});
