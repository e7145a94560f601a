import { strict as assert } from "node:assert";
import Ajv from "ajv";
import { CONFIG_KEYS, ConfigError, ConfigKeySpec, ParsedConfig, groupOf, parseConfig } from "../config";
import { valuesSchema } from "../config/parse";
import { SECRET_KEYS } from "../config/load";
import { baseConfig } from "./harness";

/**
 * The parsed config's type comes from the key table (config/values.ts). These functions are never called: `tsc
 * --noEmit` (npm test's first step) checks them, so a table row that stops making a key required, or a type that
 * stops following the table, fails the type-check.
 */
export function typesFollowTheTable(config: ParsedConfig): void {
    const environment: "PROD" | "UAT" = config.environment;
    const size: "small" | "medium" | "large" = config.prometheus.size;
    const tags: Record<string, string> = config.clusters.tags;
    const imageTag: string = config.images.datadog;
    const assumeRoleArn: string | undefined = config.clusters.assumeRoleArn;
    // @ts-expect-error a key with a blank default may be absent
    const kmsKeyId: string = config.kmsKeyId;
    // @ts-expect-error externalId is required only while autoUpdate is true
    const anyExternalId: string = config.externalId;
    if (config.autoUpdate) {
        const externalId: string = config.externalId;
        void externalId;
    }
    if (config.identityMode !== "iamUser") {
        const token: string = config.token;
        void token;
    }
    void [environment, size, tags, imageTag, assumeRoleArn, kmsKeyId, anyExternalId];
}

function problemsOf(raw: Record<string, string | undefined>): string[] {
    try {
        parseConfig(raw, { awsRegion: "us-east-1" });
    } catch (error) {
        assert.ok(error instanceof ConfigError, `expected ConfigError, got ${error}`);
        return error.problems;
    }
    assert.fail("expected the config to be rejected");
}

describe("the key table drives parsing", () => {
    it("applies a key's normalisation (environment upper-cased) before validating", () => {
        assert.equal(
            parseConfig({ ...baseConfig(), environment: "uat" }, { awsRegion: "us-east-1" }).environment,
            "UAT",
        );
    });

    it("reports a key once, even when a requirement on it fails too", () => {
        const problems = problemsOf({ ...baseConfig(), externalId: "x" });
        assert.deepEqual(
            problems.filter((p) => p.includes("externalId")),
            [
                "container-insights:externalId: (secret value) is not allowed; allowed: 2-1224 characters of letters, digits and + = , . @ : / _ -",
            ],
        );
    });

    it("does not ask for a key whose condition is itself wrong", () => {
        const { token: _token, ...withoutToken } = baseConfig();
        const problems = problemsOf({ ...withoutToken, identityMode: "iamuser", createIamUser: "true" });
        assert.equal(problems.length, 1, problems.join("\n"));
        assert.match(problems[0], /identityMode: "iamuser" is not allowed/);
    });

    it("names a requirement from the table: the condition, why, and how to do without", () => {
        const { datadogApiKey: _key, ...withoutKey } = baseConfig();
        assert.deepEqual(problemsOf(withoutKey), [
            "container-insights:datadogApiKey is required while container-insights:agent.install is true (the chart's datadog.apiKey, issued by the platform): " +
                "set it with pulumi config set --secret container-insights:datadogApiKey <value>, or set agent.install to false",
        ]);
    });

    it("keeps secrets top-level, where load.ts wraps them as Pulumi secrets", () => {
        const secrets = CONFIG_KEYS.filter((spec) => spec.secret);
        assert.ok(secrets.length > 0);
        assert.deepEqual(
            secrets.filter((spec) => groupOf(spec) !== undefined).map((spec) => spec.key),
            [],
        );
        assert.deepEqual([...SECRET_KEYS].sort(), secrets.map((spec) => spec.key).sort());
    });
});

describe("valuesSchema: the table's rules as one JSON Schema (ajv's guard for the parsed type)", () => {
    const table: ConfigKeySpec[] = [
        { key: "enabled", type: "boolean", default: true, description: "", schema: { type: "boolean" }, allowed: "" },
        { key: "blank", type: "string", default: "", description: "", schema: { type: "string" }, allowed: "" },
        {
            key: "addons.cni.enabled",
            type: "boolean",
            default: false,
            description: "",
            schema: { type: "boolean" },
            allowed: "",
        },
        {
            key: "secret",
            type: "string",
            default: "",
            secret: true,
            requiredWhen: { key: "addons.cni.enabled", is: true },
            description: "",
            schema: { type: "string" },
            allowed: "",
        },
        { key: "mode", type: "string", default: "a", description: "", schema: { enum: ["a", "b"] }, allowed: "" },
        {
            key: "other",
            type: "string",
            default: "",
            requiredWhen: { key: "mode", isNot: "b" },
            description: "",
            schema: { type: "string" },
            allowed: "",
        },
    ];
    const validate = new Ajv().compile(valuesSchema(table));

    it("nests dotted keys at any depth and requires every key without a blank default", () => {
        assert.ok(
            validate({ enabled: true, addons: { cni: { enabled: false } }, mode: "b" }),
            JSON.stringify(validate.errors),
        );
        assert.ok(
            !validate({ enabled: true, addons: { cni: {} }, mode: "b" }),
            "a field with a default is always there",
        );
        assert.ok(!validate({ enabled: true, mode: "b" }), "so is its object");
    });

    it("requires a key while a nested field has a value, and unless a key has one", () => {
        assert.ok(!validate({ enabled: true, addons: { cni: { enabled: true } }, mode: "b" }));
        assert.ok(validate({ enabled: true, addons: { cni: { enabled: true } }, secret: "s", mode: "b" }));
        assert.ok(!validate({ enabled: true, addons: { cni: { enabled: false } }, mode: "a" }));
        assert.ok(validate({ enabled: true, addons: { cni: { enabled: false } }, mode: "a", other: "o" }));
    });
});
