/**
 * Every benchmark's command line: --help answers with the usage and exit 0, bad usage (an unknown flag, a missing or
 * non-numeric value, a number out of range) is exit 2 with a line naming the flag, and nothing is measured either way.
 */
import { strict as assert } from "node:assert";
import { BenchIo } from "../bench/cli";
import { main as engine } from "../bench/engine";
import { main as events } from "../bench/events";
import { main as iam } from "../bench/iamEvaluators";
import { main as policy } from "../bench/policy";
import { main as program } from "../bench/program";
import { main as reconcile } from "../bench/reconcile";

type Main = (argv: string[], io: BenchIo) => Promise<number>;

const BENCHES: Record<string, Main> = {
    "bench:engine": engine,
    "bench:events": (argv, io) => events(argv, io.out, io.err),
    "bench:iam": iam,
    "bench:policy": policy,
    "bench:program": program,
    "bench:reconcile": reconcile,
};

async function run(main: Main, argv: string[]) {
    let out = "";
    let err = "";
    const code = await main(argv, { out: (text) => (out += text), err: (text) => (err += text) });
    return { code, out, err };
}

describe("the benchmarks' command lines", function () {
    this.timeout(30000);

    for (const [name, main] of Object.entries(BENCHES)) {
        it(`${name} --help prints its usage and exits 0; an unknown flag is exit 2 naming it`, async () => {
            const help = await run(main, ["--help"]);
            assert.equal(help.code, 0, help.err);
            assert.match(help.out, new RegExp(`^usage: npm run ${name} -- `));
            const bad = await run(main, ["--bogus"]);
            assert.equal(bad.code, 2);
            assert.equal(bad.out, "");
            assert.match(bad.err, new RegExp(`^${name}: unknown argument --bogus`));
            assert.match(bad.err, new RegExp(`\nusage: npm run ${name} -- `));
        });
    }

    const badNumbers: Array<[string, string[], RegExp]> = [
        ["bench:events", ["--days", "foo"], /--days "foo" is not a number above 0/],
        [
            "bench:events",
            ["--clusters-per-day", "2.5"],
            /--clusters-per-day "2\.5" is not a whole number of at least 1/,
        ],
        ["bench:reconcile", ["--seed"], /--seed needs a value \(a whole number of at least 0\)/],
        ["bench:reconcile", ["--repeat", "0"], /--repeat "0" is not a whole number of at least 1/],
        ["bench:program", ["--clusters", "many"], /--clusters "many" is not a whole number of at least 1/],
        ["bench:engine", ["--sizes", "10,x"], /--sizes takes whole numbers above 0, separated by commas \(got "x"\)/],
    ];
    for (const [name, argv, message] of badNumbers) {
        it(`${name} ${argv.join(" ")} is bad usage (exit 2), before anything runs`, async () => {
            const result = await run(BENCHES[name], argv);
            assert.equal(result.code, 2, result.out);
            assert.match(result.err, message);
        });
    }

    it("reports every bad value of one command line together", async () => {
        const result = await run(BENCHES["bench:events"], ["--days", "0", "--existing", "-1"]);
        assert.equal(result.code, 2);
        assert.match(result.err, /--days "0"/);
        assert.match(result.err, /--existing "-1"/);
    });
});
