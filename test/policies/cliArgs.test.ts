import * as assert from "node:assert/strict";
import { parseFlags, UsageError, USAGE_EXIT_CODE, usageMessage, wantsHelp } from "../../policies/lib/cliArgs";

const SPEC = {
    values: ["env", "config", "tag"],
    switches: { yes: "y", json: undefined },
    hints: { config: "a file" },
    repeatable: ["tag"],
};

function refusal(args: string[]): UsageError {
    try {
        parseFlags("cmd", args, SPEC);
    } catch (error) {
        assert.ok(error instanceof UsageError);
        return error;
    }
    assert.fail(`accepted ${args.join(" ")}`);
}

describe("the shared CLI argument layer (policies/lib/cliArgs)", () => {
    it("reads --flag value, --flag=value, switches, short aliases, repeated flags and positionals (- is stdin)", () => {
        const flags = parseFlags(
            "cmd",
            ["--env", "prod", "--config=c.json", "-y", "--json", "a", "-", "--tag", "x", "--tag=y"],
            SPEC,
        );
        assert.deepEqual(flags.values, { env: "prod", config: "c.json", tag: "y" });
        assert.deepEqual(flags.repeated, { tag: ["x", "y"] });
        assert.deepEqual([...flags.switches].sort(), ["json", "yes"]);
        assert.deepEqual(flags.positionals, ["a", "-"]);
    });

    it("names an unknown flag on one line with the known ones and the closest", () => {
        const error = refusal(["--confg", "c.json"]);
        assert.equal(
            error.message,
            "unknown argument --confg (did you mean --config?); known: --env, --config, --tag, --yes, --json",
        );
        assert.equal(error.command, "cmd");
        assert.equal(refusal(["-x"]).message, "unknown argument -x; known: --env, --config, --tag, --yes, --json");
        assert.doesNotMatch(refusal(["--zzzzzz"]).message, /did you mean/);
    });

    it("refuses a missing value (with the flag's hint), an empty one, a non-repeatable flag given twice, and a value on a switch", () => {
        assert.equal(refusal(["--config"]).message, "--config needs a value (a file)");
        assert.equal(refusal(["--env", "--json"]).message, "--env needs a value");
        assert.equal(refusal(["--env="]).message, "--env needs a value");
        assert.equal(refusal(["--env", "a", "--env", "b"]).message, "--env is given twice");
        assert.equal(refusal(["--json=1"]).message, "--json takes no value");
    });

    it("exits 2 for bad usage and prints the problem then the usage line; --help / -h are seen anywhere", () => {
        assert.equal(USAGE_EXIT_CODE, 2);
        assert.equal(
            usageMessage("tool", "--env needs a value", "usage: tool --env E"),
            "tool: --env needs a value\nusage: tool --env E",
        );
        assert.ok(wantsHelp(["a", "--help"]) && wantsHelp(["-h"]));
        assert.ok(!wantsHelp(["help", "--helpful"]));
    });
});
