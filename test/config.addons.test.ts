/**
 * The `addons` object: fields two levels down (`addons.cniMetrics.enabled`), as the Pulumi CLI merges them from
 * Pulumi.yaml and `pulumi config set --path`, and as the program validates them.
 */
import { strict as assert } from "node:assert";
import { ConfigError, parseConfig } from "../config";
import { ConfigMap, applyProjectConfig, configSet, programConfig, readStackConfig } from "../config/pulumiConfigReplay";
import { pulumiYamlConfig } from "../config/projectConfig";
import { ConfigKeySpec, fullKey } from "../config/keys";
import { ADDON_CONFIGS, ADDON_NAMES } from "../components/addons";
import { tableDefaultsAsReceived } from "./configKeys";
import { baseConfig } from "./harness";

const PROJECT = "container-insights";

function problemsOf(raw: Record<string, string | undefined>): string[] {
    try {
        parseConfig(raw, { awsRegion: "us-east-1" });
    } catch (error) {
        assert.ok(error instanceof ConfigError, `expected ConfigError, got ${error}`);
        return error.problems;
    }
    assert.fail("expected the config to be rejected");
}

const onlyProblem = (raw: Record<string, string | undefined>) => {
    const problems = problemsOf(raw);
    assert.equal(problems.length, 1, problems.join("\n"));
    return problems[0];
};

/** What the program receives for `addons` after the CLI merged Pulumi.yaml's defaults into a stack. */
function receivedAddons(stack: ConfigMap): string {
    stack.set(`${PROJECT}:roleName`, { text: "r", secure: false, object: false, type: "unknown" }, false);
    applyProjectConfig(PROJECT, pulumiYamlConfig(), stack, { validate: true });
    return programConfig(stack).config[`${PROJECT}:addons`];
}

/** A key's table default as the parser reads it: a blank list is no globs, a blank text is left out. */
function parsedDefault(spec: ConfigKeySpec): unknown {
    if (spec.default === "") {
        return spec.type === "structured" ? [] : undefined;
    }
    return spec.default;
}

/** The fields of `addons` with every add-on at its table defaults, as the program receives them (sorted keys). */
const addonDefaultsAsReceived = (): Record<string, Record<string, unknown>> =>
    JSON.parse(tableDefaultsAsReceived()[fullKey("addons")]);

describe("config: addons (two-level object fields)", () => {
    it("defaults: every registered add-on off, each of its fields at its key table default", () => {
        const addons: Record<string, Record<string, unknown>> = parseConfig(baseConfig(), {
            awsRegion: "us-east-1",
        }).addons;
        assert.deepEqual(Object.keys(addons).sort(), [...ADDON_NAMES].sort());
        for (const { name, keys } of ADDON_CONFIGS) {
            assert.equal(addons[name].enabled, false, `${name} is off by default`);
            const expected = Object.fromEntries(
                keys
                    .map((spec): [string, unknown] => [spec.key.split(".").pop()!, parsedDefault(spec)])
                    .filter(([, value]) => value !== undefined),
            );
            assert.deepEqual(addons[name], expected, name);
        }
    });

    it("replays the CLI: Pulumi.yaml's defaults merge into the nested maps a stack sets partly", () => {
        const stack = readStackConfig(
            [
                "config:",
                "  container-insights:addons:",
                "    cniMetrics:",
                "      enabled: true",
                "      exclude: [sandbox-*]",
            ].join("\n"),
        );
        configSet(stack, PROJECT, { key: "addons.cniMetrics.freeIpAlarmPercent", value: "25", path: true });
        configSet(stack, PROJECT, {
            key: "addons.fargateInsights.alwaysInclude[0]",
            value: "serverless-*",
            path: true,
        });
        const received = receivedAddons(stack);
        // Every other add-on and field as Pulumi.yaml declares it, in the CLI's sorted order.
        const expected = addonDefaultsAsReceived();
        Object.assign(expected.cniMetrics, { enabled: true, exclude: ["sandbox-*"], freeIpAlarmPercent: 25 });
        expected.fargateInsights.alwaysInclude = ["serverless-*"];
        assert.equal(received, JSON.stringify(expected));
        const parsed = parseConfig({ ...baseConfig(), addons: received }, { awsRegion: "us-east-1" });
        assert.deepEqual(parsed.addons.cniMetrics, {
            enabled: true,
            include: [],
            exclude: ["sandbox-*"],
            freeIpAlarmPercent: 25,
        });
        assert.deepEqual(parsed.addons.fargateInsights.alwaysInclude, ["serverless-*"]);
    });

    it("replays the CLI: an add-on set to a scalar with --path makes the default merge fail, as object.Set does", () => {
        const stack = new ConfigMap();
        configSet(stack, PROJECT, { key: "addons.cniMetrics", value: "true", path: true });
        assert.throws(() => receivedAddons(stack), /\[addons cniMetrics\]: expected a map/);
    });

    it("names a misspelt field at either level, with the fields known there", () => {
        const misspelt = onlyProblem({ ...baseConfig(), addons: '{"cniMetric":{"enabled":true}}' });
        const knownAddons = "; known fields of container-insights:addons: ";
        assert.match(
            misspelt,
            /^container-insights:addons\.cniMetric is not a known key \(did you mean cniMetrics\?\); known fields/,
        );
        assert.equal(misspelt.split(knownAddons)[1], ADDON_NAMES.join(", "), "every registered add-on, in table order");
        assert.match(
            onlyProblem({ ...baseConfig(), addons: '{"cniMetrics":{"enable":true}}' }),
            /^container-insights:addons\.cniMetrics\.enable is not a known key \(did you mean enabled\?\); known fields of container-insights:addons\.cniMetrics: enabled, include, exclude, freeIpAlarmPercent, alarmEmail, alarmTopicArn$/,
        );
    });

    it("rejects an add-on that is not a map (what a plain config set or the automation API could hand over), saying how to set it", () => {
        assert.match(
            onlyProblem({ ...baseConfig(), addons: '{"cniMetrics":true}' }),
            /^container-insights:addons\.cniMetrics: true is not a map; it has the fields enabled, include, exclude, freeIpAlarmPercent, alarmEmail, alarmTopicArn: set them with pulumi config set --path container-insights:addons\.cniMetrics\.<field> <value>$/,
        );
    });

    it("validates each field with the key named two levels down", () => {
        assert.match(
            onlyProblem({ ...baseConfig(), addons: '{"cniMetrics":{"freeIpAlarmPercent":100}}' }),
            /^container-insights:addons\.cniMetrics\.freeIpAlarmPercent: 100 is not allowed; allowed: a whole percentage from 0 to 99$/,
        );
        assert.match(
            onlyProblem({ ...baseConfig(), addons: '{"cniMetrics":{"alarmEmail":"ops at example"}}' }),
            /^container-insights:addons\.cniMetrics\.alarmEmail: "ops at example" is not allowed; allowed: an email address/,
        );
        assert.match(
            onlyProblem({
                ...baseConfig(),
                addons: '{"cniMetrics":{"alarmTopicArn":"arn:aws:sqs:us-east-1:111122223333:q"}}',
            }),
            /^container-insights:addons\.cniMetrics\.alarmTopicArn: .* is not allowed; allowed: an SNS topic ARN/,
        );
        assert.match(
            onlyProblem({ ...baseConfig(), addons: '{"fargateInsights":{"logRetentionDays":31}}' }),
            /^container-insights:addons\.fargateInsights\.logRetentionDays: 31 is not allowed; allowed: one of CloudWatch's retention periods: 1, 3, 5/,
        );
        assert.match(
            onlyProblem({ ...baseConfig(), addons: '{"fargateInsights":{"enabled":"yes"}}' }),
            /^container-insights:addons\.fargateInsights\.enabled: "yes" is not a boolean; allowed: true or false$/,
        );
    });

    it("reads globs as a comma list or a YAML list", () => {
        const parsed = parseConfig(
            {
                ...baseConfig(),
                addons: '{"cniMetrics":{"include":"prod-*, shared-*"},"fargateInsights":{"exclude":["a","b"]}}',
            },
            {
                awsRegion: "us-east-1",
            },
        );
        assert.deepEqual(parsed.addons.cniMetrics.include, ["prod-*", "shared-*"]);
        assert.deepEqual(parsed.addons.fargateInsights.exclude, ["a", "b"]);
    });

    it("refuses an add-on without the agent, and an email together with an existing topic", () => {
        assert.match(
            onlyProblem({
                ...baseConfig(),
                agent: '{"install":false}',
                addons: '{"fargateInsights":{"enabled":true}}',
            }),
            /^container-insights:addons\.fargateInsights\.enabled is true but container-insights:agent\.install is false/,
        );
        assert.match(
            onlyProblem({
                ...baseConfig(),
                addons: '{"cniMetrics":{"alarmEmail":"ops@example.com","alarmTopicArn":"arn:aws:sns:us-east-1:111122223333:ops"}}',
            }),
            /alarmEmail and container-insights:addons\.cniMetrics\.alarmTopicArn are both set/,
        );
    });

    it("refuses an existing topic of another region than a region whose clusters would alarm to it", () => {
        const topic = '{"cniMetrics":{"enabled":true,"alarmTopicArn":"arn:aws:sns:us-east-1:111122223333:ops"}}';
        assert.match(
            onlyProblem({ ...baseConfig(), includeRegions: "us-east-1,eu-west-1", addons: topic }),
            /^container-insights:addons\.cniMetrics\.alarmTopicArn: .* is in us-east-1, but clusters of eu-west-1 would alarm to it/,
        );
        assert.doesNotThrow(() => parseConfig({ ...baseConfig(), addons: topic }, { awsRegion: "us-east-1" }));
        const noAlarm =
            '{"cniMetrics":{"enabled":true,"freeIpAlarmPercent":0,"alarmTopicArn":"arn:aws:sns:us-east-1:111122223333:ops"}}';
        assert.doesNotThrow(() =>
            parseConfig({ ...baseConfig(), includeRegions: "eu-west-1", addons: noAlarm }, { awsRegion: "us-east-1" }),
        );
    });
});
