/**
 * The committed stacks as a real `pulumi up` runs them: the stack file, the `pulumi config set` lines of the README and docs and
 * Pulumi.yaml's defaults combined as the CLI does (config/cliConfig.ts), handed to the runtime as the language host
 * does, and the program run on exactly that.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigMap, readStackConfig } from "../config/cliConfig";
import { ProgramRun, runProgram, unwrap } from "./harness";
import { ConfigSetLine, ROOT, applyConfigSetLines, configForProgram, parseConfigSetLine } from "./cliReplay";
import { readReadmeAndDocs } from "./docs";

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

const agentJson =
    '{"allowUnpinnedImages":false,"chart":"oci://public.ecr.aws/nops/kubernetes-agent","chartVersion":"0.0.67","containerInsights":true,' +
    '"dataFetcher":true,"debug":false,"install":true,"ipv6":false,"karpenops":false,"karpenopsClusterIds":{},"opencostLogLevel":"info","renderTo":"","values":{}}';
const imagesJson =
    '{"autoUpdater":"1.30.4","busybox":"1.36.1","configReloader":"v0.76.0","containerInsights":"2.0.1","dataFetcher":"0.1.2","datadog":"7.56.0",' +
    '"dcgmExporter":"3.3.6-3.4.2-ubuntu22.04","heartbeat":"0.1.4","karpenops":"1.23.2","kubeStateMetrics":"2.13.0","nodeExporter":"v1.8.2",' +
    '"opencost":"1.111.0","prometheus":"v2.54.0"}';
const prometheusJson = '{"nodeSelector":{},"size":"small","storageClass":"gp2","tolerations":""}';
const clustersJson = '{"assumeRoleArn":"","exclude":"","include":"","tags":{}}';
const addonsJson =
    '{"cniMetrics":{"alarmEmail":"","alarmTopicArn":"","enabled":false,"exclude":"","freeIpAlarmPercent":10,"include":""},' +
    '"fargateInsights":{"alwaysInclude":"","enabled":false,"exclude":"","include":"","logRetentionDays":30}}';

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
            assert.deepEqual(received.config, {
                "aws:region": "us-east-1",
                "container-insights:environment": environment,
                "container-insights:includeRegions": "",
                "container-insights:createIamUser": "false",
                "container-insights:identityMode": "",
                "container-insights:installPodIdentityAgent": "false",
                "container-insights:autoUpdate": "true",
                "container-insights:roleName": "NopsIntegrationRole",
                "container-insights:token": "tok-SECRET-123",
                "container-insights:externalId": "ext-id-SECRET-456",
                "container-insights:datadogApiKey": "dd-SECRET-789",
                "container-insights:karpenopsApiKey": "",
                "container-insights:kmsKeyId": "",
                "container-insights:retainBucket": "true",
                "container-insights:adopt": "false",
                "container-insights:lifecycleDays": "0",
                "container-insights:tags": "{}",
                "container-insights:agentNamespace": "nops",
                "container-insights:agentServiceAccount": "nops-container-insights",
                "container-insights:logRetentionDays": "30",
                "container-insights:clusters": clustersJson,
                "container-insights:agent": agentJson,
                "container-insights:images": imagesJson,
                "container-insights:prometheus": prometheusJson,
                "container-insights:addons": addonsJson,
                "container-insights:events": '{"createTrail":false,"enabled":true}',
                "container-insights:fleet": '{"accountStack":"","group":0,"groups":1,"part":"whole"}',
                "container-insights:platformAccountId": "",
                "container-insights:platformApiUrl": "",
                "container-insights:platformQueueArnPattern": "",
            });
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
            assert.equal(chart.version, "0.0.67");
            assert.equal(chart.values.karpenops.enabled, false);
            assert.equal(chart.values.dataFetcher.enabled, true);
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
            assert.equal(chart.values.dataFetcher.enabled, true, "the other fields keep their defaults");
            assert.equal(chart.version, "0.0.67");
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
