/**
 * The committed stacks as a real `pulumi up` runs them: the stack file, the `pulumi config set` lines of the README and docs and
 * Pulumi.yaml's defaults combined as the CLI does (config/pulumiConfigReplay/), handed to the runtime as the language host
 * does, and the program run on exactly that.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigMap, readStackConfig } from "../config/pulumiConfigReplay";
import { ProgramRun, runProgram, unwrap } from "./harness";
import { ConfigSetLine, ROOT, applyConfigSetLines, configForProgram, parseConfigSetLine } from "./cliReplay";
import { readReadmeAndDocs } from "./docs";
import { configKey, defaultOf, tableDefaultsAsReceived } from "./configKeys";
import { fullKey } from "../config/keys";

const DOCS = readReadmeAndDocs();
const SAMPLES: Record<string, string> = {
    "platform integration role name": "NopsIntegrationRole",
    "platform API token": "tok-SECRET-123",
    "external id": "ext-id-SECRET-456",
    "Datadog API key": "dd-SECRET-789",
};

/** Every `pulumi config set` line of the bash blocks of the README and the docs pages. */
function readmeConfigSetLines(stack: string): { firstDeploy: ConfigSetLine[]; examples: ConfigSetLine[] } {
    const blocks = [...DOCS.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]);
    const lines = blocks.flatMap((b) => b.split("\n")).filter((l) => l.trim().startsWith("pulumi config set"));
    const parsed = lines.map((line) => parseConfigSetLine(line, { ...SAMPLES, stack }));
    return {
        firstDeploy: parsed.filter((l) => l.stack !== undefined),
        examples: parsed.filter((l) => l.stack === undefined),
    };
}

function stackConfig(stack: string): ConfigMap {
    return readStackConfig(readFileSync(join(ROOT, "stacks", `Pulumi.${stack}.yaml`), "utf8"));
}

const FLEET = { "us-east-1": [{ name: "prod-a", tags: { insights: "on" } }, { name: "dev-b" }] };
const CHART = "kubernetes:helm.sh/v4:Chart";

for (const [stack, environment] of [
    ["prod", "PROD"],
    ["uat", "UAT"],
] as const) {
    describe(`committed stack ${stack} as the Pulumi CLI runs it`, () => {
        const { firstDeploy, examples } = readmeConfigSetLines(stack);

        it("has the README's first-deploy lines for it", () => {
            assert.deepEqual(
                firstDeploy.map((l) => [l.stack, l.key]),
                [
                    [stack, "container-insights:roleName"],
                    [stack, "container-insights:token"],
                    [stack, "container-insights:externalId"],
                    [stack, "container-insights:datadogApiKey"],
                ],
            );
        });

        it("says the same in the stack file's comments", () => {
            const text = readFileSync(join(ROOT, "stacks", `Pulumi.${stack}.yaml`), "utf8");
            const commented = text
                .split("\n")
                .map((l) => l.replace(/^#\s*/, ""))
                .filter((l) => l.startsWith("pulumi config set --stack"))
                .map((l) => parseConfigSetLine(l, SAMPLES));
            assert.deepEqual(commented, firstDeploy);
        });

        it("hands the program exactly this config", () => {
            const config = stackConfig(stack);
            applyConfigSetLines(config, firstDeploy);
            const received = configForProgram(config, { validate: true, stackName: stack });
            const firstDeployValues = Object.fromEntries(firstDeploy.map((l) => [l.key, l.value]));
            assert.deepEqual(received.config, {
                ...tableDefaultsAsReceived(),
                "aws:region": "us-east-1",
                [fullKey(configKey("environment"))]: environment,
                ...firstDeployValues,
            });
            assert.deepEqual(
                Object.values(firstDeployValues).sort(),
                Object.values(SAMPLES).sort(),
                "the first deploy sets the four required keys",
            );
            assert.deepEqual(received.secretKeys.sort(), [
                "container-insights:datadogApiKey",
                "container-insights:externalId",
                "container-insights:token",
            ]);
        });

        it("runs the program on it: defaults of every agent field reach the chart", async () => {
            const config = stackConfig(stack);
            applyConfigSetLines(config, firstDeploy);
            const run = await runProgram(
                {},
                { received: configForProgram(config, { validate: true, stackName: stack }), stack, fleet: FLEET },
            );
            const charts = run.ofType(CHART);
            assert.deepEqual(charts.map((c) => c.name).sort(), ["us-east-1-dev-b", "us-east-1-prod-a"]);
            const chart = unwrap(charts[0].inputs) as any;
            assert.equal(chart.version, defaultOf("agent.chartVersion"));
            assert.equal(chart.values.karpenops.enabled, defaultOf("agent.karpenops"));
            assert.equal(chart.values.dataFetcher.enabled, defaultOf("agent.dataFetcher"));
            assert.equal(chart.values.prometheus.server.resources.limits.memory, "8Gi");
            assert.equal(unwrap(run.one("aws:s3/bucket:Bucket", "insights").inputs.forceDestroy), false);
        });

        it("runs the program with the docs' --path examples applied on top", async () => {
            const config = stackConfig(stack);
            applyConfigSetLines(config, [...firstDeploy, ...examples]);
            assert.ok(
                examples.some((l) => l.path),
                "the docs show how to set a field with --path",
            );
            const received = configForProgram(config, { validate: true, stackName: stack });
            const run: ProgramRun = await runProgram({}, { received, stack, fleet: FLEET });
            assert.deepEqual(
                run.ofType(CHART).map((c) => c.name),
                ["us-east-1-prod-a"],
                "clusters.include and clusters.tags applied",
            );
            const chart = unwrap(run.one(CHART).inputs) as any;
            assert.equal(
                chart.values.prometheus.server.resources.limits.memory,
                "12Gi",
                "prometheus.size set with --path",
            );
            assert.equal(
                chart.values.dataFetcher.enabled,
                defaultOf("agent.dataFetcher"),
                "the other fields keep their defaults",
            );
            assert.equal(chart.version, defaultOf("agent.chartVersion"));
        });
    });
}

describe("a field set without --path", () => {
    it("stops the program with the command that fixes it", async () => {
        const config = stackConfig("prod");
        applyConfigSetLines(config, readmeConfigSetLines("prod").firstDeploy);
        applyConfigSetLines(config, [parseConfigSetLine("pulumi config set container-insights:agent.karpenops false")]);
        const received = configForProgram(config, { validate: true, stackName: "prod" });
        await assert.rejects(
            runProgram({}, { received, stack: "prod" }),
            /container-insights:agent\.karpenops is set as a key of its own .* pulumi config rm container-insights:agent\.karpenops, then pulumi config set --path container-insights:agent\.karpenops <value>/,
        );
    });
});
