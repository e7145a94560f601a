import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, parseConfig } from "../config";
import { baseConfig } from "./harness";
import { CHART_IMAGES } from "../images/catalog";
import { defaultOf } from "./configKeys";

function problemsOf(raw: Record<string, string | undefined>, stackName?: string): string[] {
    try {
        parseConfig(raw, { awsRegion: "us-east-1", stackName });
    } catch (error) {
        assert.ok(error instanceof ConfigError, `expected ConfigError, got ${error}`);
        return error.problems;
    }
    assert.fail("expected the config to be rejected");
}

const onlyProblem = (raw: Record<string, string | undefined>, stackName?: string) => {
    const problems = problemsOf(raw, stackName);
    assert.equal(problems.length, 1, problems.join("\n"));
    return problems[0];
};

describe("object-valued config keys (agent, clusters)", () => {
    it("applies every field's default when the object is unset or partial", () => {
        const parsed = parseConfig({ ...baseConfig(), agent: '{"karpenops":false}' }, { awsRegion: "us-east-1" });
        assert.deepEqual(parsed.agent, {
            install: true,
            chart: defaultOf("agent.chart"),
            chartVersion: defaultOf("agent.chartVersion"),
            karpenops: false,
            karpenopsClusterIds: {},
            containerInsights: true,
            debug: false,
            opencostLogLevel: "info",
            ipv6: false,
            dataFetcher: true,
            allowUnpinnedImages: false,
            values: {},
        });
        assert.deepEqual(parsed.images, Object.fromEntries(CHART_IMAGES.map((i) => [i.component, i.tag])));
        assert.deepEqual(parsed.prometheus, { size: "small", storageClass: "gp2", nodeSelector: {}, tolerations: [] });
        assert.deepEqual(parseConfig(baseConfig(), { awsRegion: "us-east-1" }).clusters, {
            include: [],
            exclude: [],
            tags: {},
        });
    });

    it("reads fields as --path stores them (JSON booleans and numbers) and as YAML maps give them", () => {
        const parsed = parseConfig(
            {
                ...baseConfig(),
                agent: '{"install":false,"chartVersion":"0.0.70","values":{"a":{"b":1}}}',
                clusters: '{"include":["prod-*",7],"exclude":"sandbox-*, tmp-*","tags":{"insights":"on","tier":1}}',
            },
            { awsRegion: "us-east-1" },
        );
        assert.equal(parsed.agent.install, false);
        assert.equal(parsed.agent.chartVersion, "0.0.70");
        assert.deepEqual(parsed.agent.values, { a: { b: 1 } });
        assert.deepEqual(parsed.clusters.include, ["prod-*", "7"]);
        assert.deepEqual(parsed.clusters.exclude, ["sandbox-*", "tmp-*"]);
        assert.deepEqual(parsed.clusters.tags, { insights: "on", tier: "1" });
        // A structured field set with --path to a JSON text is a string inside the object.
        assert.deepEqual(
            parseConfig({ ...baseConfig(), agent: '{"values":"{\\"x\\":true}"}' }, { awsRegion: "us-east-1" }).agent
                .values,
            { x: true },
        );
    });

    it("names a bad field as the user types it, with what is allowed", () => {
        assert.match(
            onlyProblem({ ...baseConfig(), agent: '{"karpenops":"maybe"}' }),
            /^container-insights:agent\.karpenops: "maybe" is not a boolean; allowed: true or false$/,
        );
        assert.match(
            onlyProblem({ ...baseConfig(), agent: '{"chartVersion":1}' }),
            /^container-insights:agent\.chartVersion: "1" is not allowed; allowed: a semantic version/,
        );
        assert.match(
            onlyProblem({ ...baseConfig(), agent: '{"install":{"on":true}}' }),
            /^container-insights:agent\.install: .* is not a single value; allowed: true or false$/,
        );
        assert.match(
            onlyProblem({ ...baseConfig(), clusters: '{"tags":{"insights":{"x":"y"}}}' }),
            /^container-insights:clusters\.tags\.insights: /,
        );
    });

    it("rejects a misspelt field, listing the object's fields", () => {
        assert.match(
            onlyProblem({ ...baseConfig(), agent: '{"karpenOps":false}' }),
            /^container-insights:agent\.karpenOps is not a known key \(did you mean karpenops\?\); known fields of container-insights:agent: install, chart, chartVersion, karpenops, karpenopsClusterIds, containerInsights, debug, opencostLogLevel, ipv6, allowUnpinnedImages, renderTo, dataFetcher, values$/,
        );
    });

    it("rejects an object key that is not a map, saying how to set its fields", () => {
        assert.match(
            onlyProblem({ ...baseConfig(), agent: "false" }),
            /^container-insights:agent: "false" is not a map; set its fields with pulumi config set --path container-insights:agent\.<field> <value>/,
        );
    });

    it("rejects a field set as a key of its own (config set without --path), with the commands that fix it", () => {
        assert.match(
            onlyProblem({ ...baseConfig(), "clusters.include": "prod-*" }),
            /container-insights:clusters\.include is set as a key of its own .* pulumi config rm container-insights:clusters\.include, then pulumi config set --path container-insights:clusters\.include <value>/,
        );
    });
});

describe("stack names", () => {
    it("accepts names Lambda functions can carry", () => {
        for (const name of ["prod", "uat", "prod-111122223333", "team_a-prod"]) {
            assert.doesNotThrow(() => parseConfig(baseConfig(), { awsRegion: "us-east-1", stackName: name }), name);
        }
    });

    it("rejects a name with a dot (or anything Lambda names do not allow), naming it and a fix", () => {
        assert.match(
            onlyProblem(baseConfig(), "team.prod"),
            /^stack name "team\.prod" is not allowed: this stack's Lambda functions are named after it, so it may hold only letters, digits, - and _ .* "team-prod"/,
        );
        assert.match(onlyProblem(baseConfig(), "a".repeat(101)), /stack name "a+" is not allowed/);
    });
});

describe("config errors reach the user as one message", () => {
    it("is a pulumi.RunError, which the Node.js runtime prints without a stack trace", () => {
        const problems = problemsOf({ environment: "DEV" });
        const error = new ConfigError(problems);
        assert.ok(pulumi.RunError.isInstance(error));
        assert.ok(error instanceof Error);
        assert.ok(error.message.startsWith("invalid configuration:\n  - container-insights:environment"));
    });

    it("is what loading the program entry point throws on bad config, before any resource is registered", async () => {
        const { runProgram } = await import("./harness");
        await assert.rejects(
            runProgram({ environment: "DEV" }),
            (e: unknown) =>
                pulumi.RunError.isInstance(e) && /container-insights:environment: "DEV"/.test((e as Error).message),
        );
        // index.ts itself: the require fails with the RunError (the runtime's uncaught handler prints err.message only).
        const entry = require.resolve("../index");
        delete require.cache[entry];
        assert.throws(
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            () => require(entry),
            (e: unknown) => pulumi.RunError.isInstance(e) && /invalid configuration/.test((e as Error).message),
        );
    });
});
