import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main, parseArguments } from "../../policies/offline/cli";
import { fixture } from "./check";
import { runThroughPipe, TS_NODE } from "../pipe";

const CONFIG = ["--config", fixture("policy-config.json")];

async function run(argv: string[], stdin?: string) {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        readStdin: () => stdin ?? "",
    });
    return { code, stdout, stderr };
}

function assertContract(stdout: string) {
    const report = JSON.parse(stdout);
    assert.deepEqual(Object.keys(report), ["violations", "checked"]);
    assert.equal(typeof report.checked, "number");
    for (const v of report.violations) {
        assert.deepEqual(Object.keys(v), ["policy", "resource", "message", "level"]);
        assert.ok(["mandatory", "advisory"].includes(v.level));
    }
    return report as {
        violations: { policy: string; resource: string; message: string; level: string }[];
        checked: number;
    };
}

describe("offline policy check (npm run policy-check)", () => {
    it("exits 0 on clean manifests and prints exactly one JSON object with --json", async () => {
        const { code, stdout, stderr } = await run(["--json", ...CONFIG, fixture("nonroot-good.yaml")]);
        assert.equal(stderr, "");
        assert.equal(code, 0);
        assert.deepEqual(assertContract(stdout), { violations: [], checked: 3 });
    });

    it("exits 1 on a mandatory violation, naming Kubernetes objects <kind>/<namespace>/<name>", async () => {
        const { code, stdout } = await run(["--json", ...CONFIG, fixture("nonroot-bad.yaml")]);
        assert.equal(code, 1);
        const report = assertContract(stdout);
        assert.equal(report.checked, 5);
        assert.ok(
            report.violations.some(
                (v) => v.resource === "CronJob/shop/privileged-job" && v.policy === "k8s-pod-security-restricted",
            ),
        );
    });

    it("prints a readable report by default, ending with the totals", async () => {
        const { code, stdout } = await run([...CONFIG, fixture("nonroot-bad.yaml")]);
        assert.equal(code, 1);
        assert.match(
            stdout,
            /^MANDATORY {2}k8s-pod-security-restricted {2}Pod\/shop\/bare\n {4}Pod shop\/bare, container app \(spec\.containers\[0\]\) does not set runAsNonRoot: true/m,
        );
        assert.match(stdout, /\nchecked 5 resources: \d+ mandatory violations, 0 advisory violations \(failed\)\n$/);
    });

    it("reads directories recursively (.yaml, .yml, .json; Kubernetes List objects too)", async () => {
        const { code, stdout } = await run(["--json", ...CONFIG, fixture("good-dir")]);
        assert.deepEqual({ code, ...assertContract(stdout) }, { code: 0, violations: [], checked: 2 });
    });

    it("reads stdin for -", async () => {
        const { code, stdout } = await run(
            ["--json", ...CONFIG, "-"],
            readFileSync(fixture("nonroot-bad.yaml"), "utf8"),
        );
        assert.equal(code, 1);
        assert.equal(assertContract(stdout).checked, 5);
    });

    it("checks a pulumi stack export, naming resources by URN and correlating bucket settings", async () => {
        const { code, stdout } = await run(["--json", ...CONFIG, fixture("stack-export.json")]);
        assert.equal(code, 1);
        const report = assertContract(stdout);
        assert.equal(report.checked, 5, "the resource pending deletion is not checked");
        assert.deepEqual(report.violations.map((v) => `${v.policy} ${v.resource}`).sort(), [
            "lambda-no-literal-secrets urn:pulumi:prod::container-insights::aws:lambda/function:Function::fn",
            "s3-bucket-encrypted urn:pulumi:prod::container-insights::aws:s3/bucket:Bucket::data",
            "s3-bucket-tls-only urn:pulumi:prod::container-insights::aws:s3/bucket:Bucket::data",
        ]);
    });

    it("exits 2 on unparseable or unreadable input, saying which file and why, and prints nothing on stdout", async () => {
        const cases: [string[], RegExp][] = [
            [[fixture("broken.yaml")], /broken\.yaml: not valid YAML at line 4: missed comma/],
            [[fixture("broken.json")], /broken\.json: not valid JSON: Expected ',' or '}' after property value/],
            [[fixture("not-kubernetes.yaml")], /not-kubernetes\.yaml: document 1 is not a Kubernetes object/],
            [[fixture("missing.yaml")], /missing\.yaml: cannot be read: no such file or directory \(ENOENT\)/],
            [[fixture("nonroot-good.yaml"), fixture("broken.yaml")], /broken\.yaml/],
            [
                ["--config", fixture("policy-config-no-reason.json"), fixture("nonroot-good.yaml")],
                /policy-config-no-reason\.json: k8s-pod-security-restricted\.exceptions\.0 must have required property 'reason'/,
            ],
            [["--config", fixture("broken.yaml"), fixture("nonroot-good.yaml")], /broken\.yaml/],
        ];
        for (const [argv, message] of cases) {
            const { code, stdout, stderr } = await run(["--json", ...argv]);
            assert.equal(code, 2, argv.join(" "));
            assert.equal(stdout, "", argv.join(" "));
            assert.match(stderr, message);
        }
    });

    it("rejects a stack export that is not one, and a config naming a policy the pack does not have", async () => {
        const notExport = await run(["-"], '{"version": 3, "deployment": {"resources": {}}}');
        assert.equal(notExport.code, 2);
        assert.match(notExport.stderr, /stdin: not a stack export/);
        const directory = mkdtempSync(join(tmpdir(), "policy-config-"));
        writeFileSync(join(directory, "config.json"), JSON.stringify({ "k8s-non-root": "advisory" }));
        const misspelt = await run(["--config", join(directory, "config.json"), fixture("nonroot-good.yaml")]);
        assert.equal(misspelt.code, 2);
        assert.match(
            misspelt.stderr,
            /unknown policy k8s-non-root; the pack's policies are .*k8s-pod-security-restricted/,
        );
    });

    it("reads the pack's config as the file says: JSON for .json, one YAML document otherwise, a misspelt policy suggested", async () => {
        const directory = mkdtempSync(join(tmpdir(), "policy-config-"));
        const write = (name: string, text: string) => {
            writeFileSync(join(directory, name), text);
            return join(directory, name);
        };
        const cases: [string, RegExp][] = [
            [
                write("broken.json", '{"all": "advisory",}'),
                /broken\.json: not valid JSON: .*(Unexpected token|Expected double-quoted property name)/,
            ],
            [
                write("two.yaml", "all: advisory\n---\ns3-bucket-encrypted: mandatory\n"),
                /two\.yaml: holds 2 YAML documents; the pack's config is one object keyed by policy name/,
            ],
            [
                write("misspelt.json", JSON.stringify({ "s3-bucket-encypted": "advisory" })),
                /unknown policy s3-bucket-encypted \(did you mean s3-bucket-encrypted\?\); the pack's policies are/,
            ],
            [join(directory, "absent.json"), /absent\.json: cannot be read: no such file or directory \(ENOENT\)/],
        ];
        for (const [config, message] of cases) {
            const result = await run(["--config", config, fixture("nonroot-good.yaml")]);
            assert.equal(result.code, 2, config);
            assert.equal(result.stdout, "", config);
            assert.match(result.stderr, message);
            if (config.endsWith("broken.json")) {
                assert.doesNotMatch(result.stderr, /YAML/, "a .json file's syntax error is JSON's");
            }
        }
        const yaml = await run([
            "--json",
            "--config",
            write("one.yaml", "all: advisory\n"),
            fixture("nonroot-good.yaml"),
        ]);
        assert.equal(yaml.code, 0, yaml.stderr);
    });

    it("says when no signed-digest list is configured, not that the digest is missing from one", async () => {
        const { stdout } = await run(["--json", fixture("good-dir/app.yaml")]);
        const messages = assertContract(stdout).violations.map((v) => v.message);
        assert.ok(messages.length > 0);
        for (const message of messages) {
            assert.match(message, /has digest sha256:[0-9a-f]{64}, and no signed-digest list is configured: give/);
            assert.doesNotMatch(message, /not in the signed-digest list/);
        }
    });

    it("demands signature evidence by default: clean manifests fail without a signed-digest list", async () => {
        const { code, stdout } = await run(["--json", fixture("good-dir/app.yaml")]);
        assert.equal(code, 1);
        assert.deepEqual([...new Set(assertContract(stdout).violations.map((v) => v.policy))], ["ecr-image-signed"]);
    });

    it("parses its arguments strictly", () => {
        assert.deepEqual(parseArguments(["--json", "--config=c.json", "a", "-"]), {
            json: true,
            configFile: "c.json",
            paths: ["a", "-"],
        });
        assert.throws(() => parseArguments([]), /name at least one file/);
        assert.throws(
            () => parseArguments(["--jsn", "a"]),
            /: unknown argument --jsn \(did you mean --json\?\); known: --config, --json$/,
        );
        assert.throws(() => parseArguments(["--config"]), /--config needs a value \(a file\)/);
    });

    // Exit 2 and its empty stdout are the same process's answer in-process (above); npm passes any code on alike.
    it("runs as docs/policy-pack.md says: npm run --silent policy-check passes its exit code on, with only the JSON on stdout", function () {
        this.timeout(60000);
        const failing = spawnSync(
            "npm",
            ["run", "--silent", "policy-check", "--", "--json", ...CONFIG, fixture("nonroot-bad.yaml")],
            { encoding: "utf8" },
        );
        assert.equal(failing.status, 1, failing.stderr);
        assert.ok(assertContract(failing.stdout).violations.length > 0);
    });

    it("says what is wrong with its arguments on stderr, then the usage, and exits 2", async () => {
        const bad = await run(["--jsn", "x.yaml"]);
        assert.equal(bad.code, 2);
        assert.equal(bad.stdout, "");
        assert.match(
            bad.stderr,
            /^policy-check: unknown argument --jsn \(did you mean --json\?\); known: --config, --json\nusage:/,
        );
    });

    it("writes a --json report over 1 MB whole through a pipe, then exits 1", async function () {
        this.timeout(120000);
        const pods = Array.from(
            { length: 600 },
            (_, i) =>
                `apiVersion: v1\nkind: Pod\nmetadata: {name: pod-${i}, namespace: shop}\n` +
                "spec:\n  containers:\n    - {name: app, image: registry.example.com/app:1}\n",
        ).join("---\n");
        const { code, stdout, stderr } = await runThroughPipe(
            [...TS_NODE, "policies/offline/cli.ts", "--json", ...CONFIG, "-"],
            { stdin: pods },
        );
        assert.ok(stdout.length > 1024 * 1024, `${stdout.length} bytes: ${stderr}`);
        assert.equal(assertContract(stdout.toString("utf8")).checked, 600);
        assert.equal(code, 1);
    });

    it("prints its help on --help, -h or help, with the exit codes, and exits 0 without checking anything", async () => {
        for (const argv of [["--help"], ["-h"], ["help"], ["--json", "--help", "a.yaml"]]) {
            const { code, stdout, stderr } = await run(argv);
            assert.equal(code, 0, argv.join(" "));
            assert.equal(stderr, "");
            assert.match(stdout, /^usage: npm run --silent policy-check/);
            assert.match(
                stdout,
                /exit codes: 0 no mandatory violation; 1 at least one mandatory violation; 2 bad arguments/,
            );
        }
        // A file named help beside other paths is a path.
        assert.equal((await run(["help", "other.yaml"])).code, 2);
    });
});
