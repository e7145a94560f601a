import * as assert from "node:assert/strict";
import { CONFIG_KEYS, parseConfig } from "../../config";
import { InvalidEnvironmentError, InvalidRequestError, MissingTokenError } from "../../automation/errors";
import {
    SECRET_CONFIG_KEYS,
    configForRun,
    requestedConfig,
    RunRequest,
    stackNameOf,
    validateStackConfig,
} from "../../automation/request";

const base = (overrides: Partial<RunRequest> = {}): RunRequest => ({
    action: "preview",
    environment: "PROD",
    awsRegion: "us-east-1",
    config: { roleName: "NopsIntegrationRole" },
    secrets: { token: "tok-SECRET", externalId: "ext-SECRET", datadogApiKey: "dd-SECRET" },
    ...overrides,
});

describe("automation request", () => {
    it("derives the stack name from environment and account, or takes the one given", () => {
        assert.equal(stackNameOf(base({ accountId: "111122223333" })), "prod-111122223333");
        assert.equal(stackNameOf(base({ environment: "uat" })), "uat");
        assert.equal(stackNameOf(base({ stackName: "team-a_prod" })), "team-a_prod");
        assert.throws(
            () => stackNameOf(base({ stackName: "team-a.prod" })),
            (e: unknown) => e instanceof InvalidRequestError && /Lambda functions are named after it/.test(e.message),
        );
        assert.throws(
            () => stackNameOf(base({ accountId: "12" })),
            (e: unknown) => e instanceof InvalidRequestError && /12-digit/.test(e.message),
        );
        assert.throws(() => stackNameOf(base({ stackName: "a b" })), InvalidRequestError);
    });

    it("rejects an environment other than PROD or UAT with its own error", () => {
        assert.throws(
            () => stackNameOf(base({ environment: "DEV" })),
            (e: unknown) =>
                e instanceof InvalidEnvironmentError &&
                e.code === "INVALID_ENVIRONMENT" &&
                /"DEV" is not one of PROD, UAT/.test(e.message),
        );
    });

    it("maps config values to the project's keys, lists and maps as JSON, secrets as secrets", () => {
        const config = requestedConfig(
            base({
                environment: "uat",
                config: {
                    roleName: "R",
                    includeRegions: ["us-east-1", "eu-west-1"],
                    createIamUser: false,
                    lifecycleDays: 30,
                    tags: { team: "platform" },
                    "clusters.include": ["prod-*"],
                },
                secrets: { token: "tok-SECRET", externalId: "ext-SECRET" },
            }),
        );
        assert.deepEqual(config, {
            "container-insights:environment": { value: "UAT", secret: false },
            "container-insights:roleName": { value: "R", secret: false },
            "container-insights:includeRegions": { value: '["us-east-1","eu-west-1"]', secret: false },
            "container-insights:createIamUser": { value: "false", secret: false },
            "container-insights:lifecycleDays": { value: "30", secret: false },
            "container-insights:tags": { value: '{"team":"platform"}', secret: false },
            "container-insights:clusters.include": { value: '["prod-*"]', secret: false },
            "container-insights:token": { value: "tok-SECRET", secret: true },
            "container-insights:externalId": { value: "ext-SECRET", secret: true },
            "aws:region": { value: "us-east-1", secret: false },
        });
    });

    it("produces strings the program's own parser reads back to the values given, once set with --path", () => {
        const config = requestedConfig(
            base({
                config: {
                    roleName: "R",
                    includeRegions: ["us-east-1", "eu-west-1"],
                    lifecycleDays: 30,
                    "agent.values": { image: { tag: "x" } },
                    "agent.karpenops": false,
                    "clusters.include": ["prod-*"],
                },
            }),
        );
        const { raw, awsRegion } = configForRun({}, config);
        assert.equal(raw["agent.values"], undefined, "dotted keys land in their object key");
        const parsed = parseConfig(raw, { awsRegion });
        assert.deepEqual(
            [
                parsed.regions,
                parsed.lifecycleDays,
                parsed.agent.values,
                parsed.agent.karpenops,
                parsed.agent.dataFetcher,
                parsed.clusters.include,
            ],
            [["us-east-1", "eu-west-1"], 30, { image: { tag: "x" } }, false, true, ["prod-*"]],
        );
    });

    it("keeps the stack's stored object fields that the request does not set", () => {
        const stored = {
            "container-insights:agent": {
                value: '{"chartVersion":"0.0.70","karpenops":false}',
                objectValue: { chartVersion: "0.0.70", karpenops: false },
                secret: false,
            },
        };
        const { raw } = configForRun(
            stored,
            requestedConfig(base({ config: { roleName: "R", "agent.dataFetcher": false } })),
        );
        const agent = JSON.parse(raw.agent!);
        assert.deepEqual(
            [agent.chart, agent.chartVersion, agent.dataFetcher, agent.install, agent.karpenops, agent.values],
            ["oci://public.ecr.aws/nops/kubernetes-agent", "0.0.70", false, true, false, {}],
        );
    });

    it("rejects unknown keys, naming the known ones, and the keys that have their own fields", () => {
        assert.throws(
            () => requestedConfig(base({ config: { rolename: "x", token: "t", environment: "UAT" } })),
            (e: unknown) => {
                assert.ok(e instanceof InvalidRequestError);
                assert.deepEqual(
                    e.problems.map((p) => p.split(":")[0]),
                    [
                        "config.rolename is not a known key (did you mean roleName?); known keys",
                        "config.token",
                        "config.environment",
                    ],
                );
                assert.match(e.problems[0], /roleName, createIamUser/);
                assert.match(e.problems[1], /pass it as request\.secrets\.token/);
                return true;
            },
        );
    });

    it("takes every secret key of the key table (the chart's API keys too) only as a secret", () => {
        assert.deepEqual(
            [...SECRET_CONFIG_KEYS].sort(),
            CONFIG_KEYS.filter((spec) => spec.secret)
                .map((spec) => spec.key)
                .sort(),
        );
        const config = requestedConfig(
            base({ secrets: { token: "tok-SECRET", datadogApiKey: "dd-SECRET", karpenopsApiKey: "kops-SECRET" } }),
        );
        assert.deepEqual(config["container-insights:datadogApiKey"], { value: "dd-SECRET", secret: true });
        assert.deepEqual(config["container-insights:karpenopsApiKey"], { value: "kops-SECRET", secret: true });
        assert.throws(
            () => requestedConfig(base({ config: { datadogApiKey: "dd-SECRET" } })),
            /config\.datadogApiKey: pass it as request\.secrets\.datadogApiKey/,
        );
    });

    it("validates what the stack will run with, as the program does, before any engine starts", () => {
        const stored = {
            "container-insights:roleName": "R",
            "container-insights:token": "[stored secret]",
            "container-insights:datadogApiKey": "[stored secret]",
            "container-insights:autoUpdate": "false",
            "aws:region": "eu-west-1",
        };
        assert.doesNotThrow(() =>
            validateStackConfig("up", stored, requestedConfig(base({ config: {}, secrets: {}, awsRegion: undefined }))),
        );
        assert.throws(
            () =>
                validateStackConfig(
                    "up",
                    stored,
                    requestedConfig(base({ config: { lifecycleDays: "soon", includeRegions: ["mars-1"] } })),
                ),
            (e: unknown) =>
                e instanceof InvalidRequestError &&
                /container-insights:lifecycleDays: "soon" is not a whole number/.test(e.message) &&
                /includeRegions\[0\]: "mars-1"/.test(e.message),
        );
    });

    it("demands a token for preview and up only, with its own error", () => {
        const noToken = requestedConfig(base({ secrets: {} }));
        assert.throws(
            () => validateStackConfig("preview", {}, noToken),
            (e: unknown) =>
                e instanceof MissingTokenError &&
                e.code === "TOKEN_MISSING" &&
                /request\.secrets\.token/.test(e.message),
        );
        assert.doesNotThrow(() => validateStackConfig("destroy", {}, noToken));
        assert.doesNotThrow(() => validateStackConfig("refresh", {}, noToken));
        // IAM-user mode sends no confirmation and needs no token, in either spelling.
        for (const mode of [{ identityMode: "iamUser" }, { createIamUser: true }] as Record<
            string,
            string | boolean
        >[]) {
            const iamUser = requestedConfig(
                base({ config: { roleName: "R", autoUpdate: false, ...mode }, secrets: { datadogApiKey: "dd" } }),
            );
            assert.doesNotThrow(() => validateStackConfig("up", {}, iamUser), JSON.stringify(mode));
        }
    });

    it("never puts a secret in an error message", () => {
        try {
            validateStackConfig(
                "up",
                {},
                requestedConfig(
                    base({ config: { roleName: "" }, secrets: { token: "tok-SECRET", externalId: "ext-SECRET" } }),
                ),
            );
            assert.fail("expected a validation error");
        } catch (error) {
            assert.doesNotMatch((error as Error).message, /SECRET/);
        }
    });
});
