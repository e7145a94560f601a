import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../automation/cli";
import { parseFleet } from "../automation/plan/fleetFile";

const ROOT = join(__dirname, "..");
const SECRETS = [
    "--set",
    "token=tok-PLAN-SECRET",
    "--set",
    "externalId=ext-PLAN-SECRET",
    "--set",
    "datadogApiKey=dd-PLAN-SECRET",
];

async function plan(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(["plan", ...args], {
        out: (line) => out.push(line),
        err: (line) => err.push(line),
        env: {},
    });
    return { code, out: out.join("\n"), err: err.join("\n") };
}

function fleetFile(fleet: unknown): string {
    const file = join(mkdtempSync(join(tmpdir(), "plan-fleet-")), "fleet.json");
    writeFileSync(file, JSON.stringify(fleet));
    return file;
}

describe("container-insights plan (offline, under the mocks)", function () {
    this.timeout(120000);
    const stackFile = join(ROOT, "stacks", "Pulumi.prod.yaml");

    it("prints the resources grouped by component, with --json as {resources: [{type, name, parent}], warnings}", async () => {
        const before = readFileSync(stackFile, "utf8");
        const fleet = fleetFile({ "us-east-1": [{ name: "prod-a" }, { name: "dev-b", oidcProvider: false }] });
        const { code, out, err } = await plan([
            "--env",
            "prod",
            "--fleet",
            fleet,
            "--set",
            "roleName=NopsRole",
            ...SECRETS,
            "--json",
        ]);
        assert.equal(code, 0, err);
        const result = JSON.parse(out) as {
            resources: Array<{ type: string; name: string; parent: string | null }>;
            warnings: string[];
        };
        const agent = result.resources.find((r) => r.type === "container-insights:cluster:ClusterAgent");
        assert.deepEqual(agent, {
            type: "container-insights:cluster:ClusterAgent",
            name: "us-east-1-prod-a",
            parent: null,
        });
        const chart = result.resources.find((r) => r.type === "kubernetes:helm.sh/v4:Chart");
        assert.equal(chart?.parent, "container-insights:cluster:ClusterAgent::us-east-1-prod-a");
        assert.ok(result.resources.some((r) => r.type === "aws:s3/bucket:Bucket"));
        assert.ok(
            result.warnings.some((w) => /cluster dev-b \(us-east-1\) skipped/.test(w)),
            result.warnings.join("\n"),
        );
        assert.ok(
            result.warnings.some((w) => /not pinned by digest/.test(w) && /npm run images:lock/.test(w)),
            "unpinned images are a warning naming npm run images:lock",
        );
        assert.ok(!/PLAN-SECRET/.test(out + err), "no --set secret is printed");
        assert.equal(readFileSync(stackFile, "utf8"), before, "the stack file is not written");
        assert.ok(!existsSync(join(ROOT, "stacks", "Pulumi.prod.yaml.bak")));
    });

    it("prints a component's resources indented under it", async () => {
        const fleet = fleetFile({ "us-east-1": [{ name: "shop" }] });
        const { code, out } = await plan(["--env", "prod", "--fleet", fleet, "--set", "roleName=R", ...SECRETS]);
        assert.equal(code, 0);
        assert.match(
            out,
            /^\+ container-insights:cluster:ClusterAgent {2}us-east-1-shop\n {4}\+ pulumi:providers:kubernetes {2}us-east-1-shop$/m,
        );
        assert.match(out, /resource\(s\) to create; \d+ warning\(s\)/);
    });

    it("reports every problem at once with exit 2: the fleet file's and the config's", async () => {
        const fleet = fleetFile({ "us-east-1": [{ nam: "x" }], "moon-1": [] });
        const { code, out, err } = await plan([
            "--env",
            "prod",
            "--fleet",
            fleet,
            "--set",
            "agent.karpenopz=true",
            "--set",
            "identityMode=foo",
        ]);
        assert.equal(code, 2);
        assert.equal(out, "");
        for (const problem of [
            /"moon-1" is not an AWS region name/,
            /unknown field "nam"/,
            /agent\.karpenopz is not a known key \(did you mean karpenops\?\)/,
            /roleName is required/,
            /identityMode: "foo" is not allowed/,
            /datadogApiKey is required/,
        ]) {
            assert.match(err, problem);
        }
    });

    it("warns of a fleet file's clusters in a region the stack does not cover, naming the fix", async () => {
        const fleet = fleetFile({ "us-east-1": [{ name: "prod-a" }], "eu-west-1": [{ name: "eu-a" }] });
        const { code, out, err } = await plan(["--env", "prod", "--fleet", fleet, "--set", "roleName=R", ...SECRETS]);
        assert.equal(code, 0, err);
        assert.match(
            out,
            /warning: region eu-west-1 \(eu-a\) is not planned: .*--set includeRegions=us-east-1,eu-west-1\)/,
        );
        assert.doesNotMatch(out, /warning: region us-east-1/);
    });

    it("says which stack file is missing (exit 2), and rejects --set without =", async () => {
        const missing = await plan(["--env", "prod", "--stack", "nosuchstack"]);
        assert.equal(missing.code, 2);
        assert.match(missing.err, /no stack file .*Pulumi\.nosuchstack\.yaml/);
        const bad = await plan(["--env", "prod", "--set", "roleName"]);
        assert.equal(bad.code, 2);
        assert.match(bad.err, /--set "roleName" is not key=value/);
    });
});

/** The README's plan step as typed: its `echo … > fleet.json` line and its `npx container-insights plan` command. */
function readmePlanStep(): { fleet: string; args: string[] } {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8").replace(/\\\n\s*/g, " ");
    const command = (prefix: string) => {
        const line = readme.split("\n").find((l) => l.trim().startsWith(prefix));
        assert.ok(line, `the README has a line starting with ${prefix}`);
        return line.replace(/\s#.*$/, "").trim();
    };
    const echo = command("echo '");
    const fleet = echo.slice(echo.indexOf("'") + 1, echo.lastIndexOf("'"));
    const args = command("npx container-insights plan").split(/\s+/).slice(3);
    return { fleet, args };
}

describe("the README's plan step", function () {
    this.timeout(120000);

    it("plans the committed stack as typed, placeholders included (exit 0, the fleet's clusters planned)", async () => {
        const { fleet, args } = readmePlanStep();
        const file = fleetFile(JSON.parse(fleet));
        const { code, out, err } = await plan(args.map((arg) => (arg === "fleet.json" ? file : arg)));
        assert.equal(code, 0, `the README's plan failed:\n${err}`);
        for (const cluster of Object.values(JSON.parse(fleet) as Record<string, Array<{ name: string }>>).flat()) {
            assert.match(out, new RegExp(`-${cluster.name}\\b`), `${cluster.name} is in the plan`);
        }
    });
});

describe("plan --fleet file", () => {
    it("accepts clusters per region and rejects bad JSON naming the file", () => {
        assert.deepEqual(parseFleet('{"us-east-1": [{"name": "a", "tags": {"t": "v"}}]}', "f.json"), {
            fleet: { "us-east-1": [{ name: "a", tags: { t: "v" } }] },
        });
        const broken = parseFleet("{", "f.json");
        assert.ok("problems" in broken && /^f\.json: not valid JSON/.test(broken.problems[0]));
    });
});
