import * as assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { main } from "../../policies/offline/cli";
import { checkFixtures, fixture, ruleHits } from "./check";

const files = (dir: string) =>
    readdirSync(fixture(dir))
        .sort()
        .map((name) => `${dir}/${name}`);

async function run(argv: string[], stdin = "") {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        readStdin: () => stdin,
    });
    return { code, stdout, stderr };
}

/** What the twins are about: Pod Security Standards controls and SQS encryption, not image provenance. */
async function verdicts(names: string[]): Promise<string[]> {
    const result = await checkFixtures(names);
    const queues = result.violations
        .filter((v) => v.policy === "sqs-queue-encrypted")
        .map((v) => `${v.resource.split("::").pop()} sqs-queue-encrypted`);
    return [...ruleHits(result).map((h) => `${h.split(" ")[0]} ${h.split(" ")[2]}`), ...queues].sort();
}

describe("offline check: reading inputs as the cluster and the CLI do", () => {
    it("reads the good twins clean: YAML 1.1 no/off, go-yaml ints, merge keys in document order, !!binary, flow mappings, BOMs, lists of any kind, a stack export with a BOM", async () => {
        const names = files("parsing-good");
        assert.equal(names.length, 10);
        assert.deepEqual(await verdicts(names), []);
    });

    it("reads the bad twins as the API server would, so each breaks what it says", async () => {
        assert.deepEqual(await verdicts(files("parsing-bad")), [
            "Pod/shop/binary procMount",
            "Pod/shop/bom hostNamespaces",
            "Pod/shop/flow hostNamespaces",
            "Pod/shop/listed hostNamespaces",
            "Pod/shop/merged allowPrivilegeEscalation",
            "Pod/shop/merged-late privileged",
            "Pod/shop/merged-late-pod hostNamespaces",
            "Pod/shop/merged-list privileged",
            "Pod/shop/u-binary runAsUser",
            "Pod/shop/u-float runAsUser",
            "Pod/shop/u-hex runAsUser",
            "Pod/shop/u-leading-zero runAsUser",
            "Pod/shop/u-octal runAsUser",
            "Pod/shop/u-tagged runAsUser",
            "Pod/shop/u-underscore runAsUser",
            "Pod/shop/yaml11 allowPrivilegeEscalation",
            "Pod/shop/yaml11 privileged",
            "q sqs-queue-encrypted",
        ]);
    });

    it("exits 2 naming the file and the reason, without a stack trace, for every input it cannot trust", async () => {
        const cases: [string, RegExp][] = [
            ["empty.yaml", /^policy-check: no resources in \S*empty\.yaml$/],
            ["comments-only.yaml", /^policy-check: no resources in \S*comments-only\.yaml$/],
            ["empty-list.yaml", /^policy-check: no resources in \S*empty-list\.yaml$/],
            ["duplicate-key.yaml", /duplicate-key\.yaml: not valid YAML at line 10: duplicated mapping key/],
            [
                "alias-bomb.yaml",
                /alias-bomb\.yaml: document 1 expands to more than 1,000,000 values \(aliases repeated too often\)/,
            ],
            [
                "encrypted-secret.json",
                /encrypted-secret\.json: resource urn:\S+::fn\.environment\.variables\.API_TOKEN is an encrypted secret the check cannot read: export with --show-secrets/,
            ],
            [
                "broken-plaintext.json",
                /broken-plaintext\.json: resource urn:\S+::fn\.environment\.variables\.API_TOKEN is a secret whose plaintext is not JSON/,
            ],
            ["not-an-export.json", /not-an-export\.json: document 1 is not a Kubernetes object/],
            ["scalar-item.yaml", /scalar-item\.yaml: document 1 items\[0\] is not a Kubernetes object/],
            [
                "secret-too-deep.json",
                /secret-too-deep\.json: resource urn:\S+::f \(secrets opened\) nests deeper than 256 levels/,
            ],
        ];
        for (const [name, message] of cases) {
            const { code, stdout, stderr } = await run([fixture(`parsing-errors/${name}`)]);
            assert.equal(code, 2, name);
            assert.equal(stdout, "", name);
            assert.match(stderr.trim(), message, name);
            assert.equal(stderr.trim().split("\n").length, 1, `${name}: one line, no stack trace`);
        }
    });

    it("exits 2 on empty stdin (a failed `helm template … | policy-check -` must not pass)", async () => {
        const { code, stderr } = await run(["-"], "");
        assert.equal(code, 2);
        assert.equal(stderr, "policy-check: no resources in stdin\n");
    });

    it("exits 2 on nesting too deep to check, in YAML and in JSON, naming the input", async () => {
        const deepYaml = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: ${"[".repeat(5000)}${"]".repeat(5000)}\n`;
        const yaml = await run(["-"], deepYaml);
        assert.equal(yaml.code, 2);
        assert.match(
            yaml.stderr,
            /^policy-check: stdin: not valid YAML at line 4: nesting exceeded maxDepth \(100\)\n$/,
        );
        const deepJson = `{"version": 3, "deployment": {"resources": [{"urn": "u", "type": "t", "inputs": {"a": ${"[".repeat(50000)}${"]".repeat(50000)}}}]}}`;
        const json = await run(["-"], deepJson);
        assert.equal(json.code, 2);
        assert.match(json.stderr, /^policy-check: stdin: the stack export nests deeper than 256 levels\n$/);
        const secret = JSON.stringify({
            "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
            plaintext: `${"[".repeat(100000)}${"]".repeat(100000)}`,
        });
        const inSecret = await run(
            ["-"],
            `{"version": 3, "deployment": {"resources": [{"urn": "u", "type": "t", "inputs": {"a": ${secret}}}]}}`,
        );
        assert.equal(inSecret.code, 2, "nesting inside a secret's plaintext is bounded too, without a crash");
        assert.match(
            inSecret.stderr,
            /^policy-check: stdin: resource u \(secrets opened\) nests deeper than 256 levels\n$/,
        );
    });

    it("treats a JSON object as a stack export only with the export's shape", async () => {
        const manifest = JSON.stringify({
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "c" },
            deployment: { resources: [] },
            version: 1,
        });
        const { code, stdout } = await run(["--json", "-"], manifest);
        assert.equal(code, 0);
        assert.equal(
            JSON.parse(stdout).checked,
            1,
            "a Kubernetes object with deployment/version keys is still a Kubernetes object",
        );
    });
});
