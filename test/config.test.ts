import { strict as assert } from "node:assert";
import { ConfigError, PLATFORM_ENDPOINTS, parseConfig } from "../config";
import { baseConfig } from "./harness";

function problemsOf(raw: Record<string, string | undefined>, awsRegion: string | undefined = "us-east-1"): string[] {
    try {
        parseConfig(raw, { awsRegion });
    } catch (error) {
        assert.ok(error instanceof ConfigError, `expected ConfigError, got ${error}`);
        return error.problems;
    }
    assert.fail("expected the config to be rejected");
}

function onlyProblem(raw: Record<string, string | undefined>, awsRegion?: string): string {
    const problems = problemsOf(raw, awsRegion);
    assert.equal(problems.length, 1, problems.join("\n"));
    return problems[0];
}

describe("config validation", () => {
    it("applies the defaults to a minimal stack", () => {
        const parsed = parseConfig(baseConfig(), { awsRegion: "eu-west-1" });
        assert.equal(parsed.environment, "PROD");
        assert.deepEqual(parsed.platform, PLATFORM_ENDPOINTS.PROD);
        assert.deepEqual(parsed.regions, ["eu-west-1"]);
        assert.equal(parsed.createIamUser, false);
        assert.equal(parsed.autoUpdate, true);
        assert.equal(parsed.kmsKeyId, undefined);
        assert.equal(parsed.lifecycleDays, 0, "0 keeps the files forever");
        assert.deepEqual(parsed.tags, {});
    });

    it("selects the UAT platform and accepts the environment in any case", () => {
        const parsed = parseConfig({ ...baseConfig(), environment: "uat" }, { awsRegion: "us-east-1" });
        assert.equal(parsed.environment, "UAT");
        assert.equal(parsed.platform.accountId, "844856862745");
        assert.equal(parsed.platform.apiUrl, "https://uat.nops.io");
        assert.equal(parsed.platform.queueArnPattern, "arn:aws:sqs:us-west-2:844856862745:nops-k8s-*");
    });

    it("lets every platform endpoint be overridden", () => {
        const parsed = parseConfig(
            {
                ...baseConfig(),
                platformAccountId: "999988887777",
                platformApiUrl: "https://insights.example.com/",
                platformQueueArnPattern: "arn:aws:sqs:eu-west-1:999988887777:k8s-*",
            },
            { awsRegion: "us-east-1" },
        );
        assert.deepEqual(parsed.platform, {
            accountId: "999988887777",
            apiUrl: "https://insights.example.com",
            queueArnPattern: "arn:aws:sqs:eu-west-1:999988887777:k8s-*",
        });
    });

    it("rejects an unknown environment, naming PROD and UAT", () => {
        const problem = onlyProblem({ ...baseConfig(), environment: "DEV" });
        assert.match(problem, /container-insights:environment: "DEV" is not allowed; allowed: PROD, UAT/);
    });

    it("reads includeRegions as a comma list or a YAML (JSON) list", () => {
        assert.deepEqual(
            parseConfig({ ...baseConfig(), includeRegions: "us-east-1, eu-west-2,," }, { awsRegion: "us-east-1" })
                .regions,
            ["us-east-1", "eu-west-2"],
        );
        assert.deepEqual(
            parseConfig(
                { ...baseConfig(), includeRegions: '["ap-south-1","us-gov-west-1"]' },
                { awsRegion: "us-east-1" },
            ).regions,
            ["ap-south-1", "us-gov-west-1"],
        );
    });

    it("rejects a malformed region and names its position", () => {
        const problem = onlyProblem({ ...baseConfig(), includeRegions: "us-east-1,useast1" });
        assert.match(
            problem,
            /container-insights:includeRegions\[1\]: "useast1" is not allowed; allowed: AWS region names/,
        );
    });

    it("rejects duplicate regions", () => {
        assert.match(onlyProblem({ ...baseConfig(), includeRegions: "us-east-1,us-east-1" }), /includeRegions/);
    });

    it("rejects an includeRegions that is not valid JSON", () => {
        assert.match(
            onlyProblem({ ...baseConfig(), includeRegions: '["us-east-1"' }),
            /includeRegions: .* is not valid JSON/,
        );
    });

    it("requires aws:region and validates it", () => {
        assert.match(onlyProblem(baseConfig(), ""), /aws:region is required/);
        assert.match(onlyProblem(baseConfig(), "mars-1"), /aws:region: "mars-1" is not allowed/);
    });

    it("requires roleName and enforces IAM name rules", () => {
        const { roleName: _omitted, ...withoutRole } = baseConfig();
        assert.match(onlyProblem(withoutRole), /container-insights:roleName is required/);
        assert.match(
            onlyProblem({ ...baseConfig(), roleName: "bad role!" }),
            /roleName: "bad role!" is not allowed; allowed: an IAM role name/,
        );
        assert.match(onlyProblem({ ...baseConfig(), roleName: "r".repeat(65) }), /roleName/);
    });

    it("rejects booleans that are not true or false", () => {
        assert.match(
            onlyProblem({ ...baseConfig(), createIamUser: "yes" }),
            /createIamUser: "yes" is not a boolean; allowed: true or false/,
        );
        assert.match(onlyProblem({ ...baseConfig(), autoUpdate: "1" }), /autoUpdate: "1" is not a boolean/);
        assert.equal(
            parseConfig({ ...baseConfig(), createIamUser: "TRUE" }, { awsRegion: "us-east-1" }).createIamUser,
            true,
        );
    });

    it("requires the token and never shows its value", () => {
        const { token: _omitted, ...withoutToken } = baseConfig();
        assert.match(
            onlyProblem(withoutToken),
            /container-insights:token is required .* pulumi config set --secret container-insights:token/,
        );
        assert.match(onlyProblem({ ...baseConfig(), token: "   " }), /token is required/);
    });

    it("requires externalId only while autoUpdate is on", () => {
        const { externalId: _omitted, ...withoutExternalId } = baseConfig();
        assert.match(
            onlyProblem(withoutExternalId),
            /externalId is required while container-insights:autoUpdate is true/,
        );
        assert.equal(
            parseConfig({ ...withoutExternalId, autoUpdate: "false" }, { awsRegion: "us-east-1" }).externalId,
            undefined,
        );
    });

    it("rejects a malformed externalId without printing it", () => {
        const problem = onlyProblem({ ...baseConfig(), externalId: "has spaces in it" });
        assert.match(problem, /externalId: \(secret value\) is not allowed/);
        assert.ok(!problem.includes("has spaces"));
    });

    it("validates kmsKeyId, lifecycleDays and the platform overrides", () => {
        assert.match(
            onlyProblem({ ...baseConfig(), kmsKeyId: "not a key" }),
            /kmsKeyId: "not a key" is not allowed; allowed: a KMS key/,
        );
        assert.match(
            onlyProblem({ ...baseConfig(), lifecycleDays: "-3" }),
            /lifecycleDays: -3 is not allowed; allowed: a whole number of days/,
        );
        assert.match(
            onlyProblem({ ...baseConfig(), lifecycleDays: "ten" }),
            /lifecycleDays: "ten" is not a whole number/,
        );
        assert.match(
            onlyProblem({ ...baseConfig(), platformAccountId: "12345" }),
            /platformAccountId: "12345" is not allowed; allowed: a 12-digit/,
        );
        assert.match(
            onlyProblem({ ...baseConfig(), platformApiUrl: "http://plain.example.com" }),
            /platformApiUrl: .* allowed: an https:\/\/ URL/,
        );
        assert.match(onlyProblem({ ...baseConfig(), platformQueueArnPattern: "queue" }), /platformQueueArnPattern/);
        const kms = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        assert.equal(
            parseConfig({ ...baseConfig(), kmsKeyId: kms, lifecycleDays: "30" }, { awsRegion: "us-east-1" }).kmsKeyId,
            kms,
        );
    });

    it("validates tags as a map of strings", () => {
        assert.deepEqual(
            parseConfig({ ...baseConfig(), tags: '{"team":"platform"}' }, { awsRegion: "us-east-1" }).tags,
            { team: "platform" },
        );
        // A YAML `team: 3` or `pulumi config set --path container-insights:tags.team 3` stores a number: read as typed.
        assert.deepEqual(
            parseConfig({ ...baseConfig(), tags: '{"team":3,"on":true}' }, { awsRegion: "us-east-1" }).tags,
            { team: "3", on: "true" },
        );
        assert.match(
            onlyProblem({ ...baseConfig(), tags: '{"team":{"a":"b"}}' }),
            /tags\.team: \{"a":"b"\} is not allowed/,
        );
        assert.match(
            onlyProblem({ ...baseConfig(), tags: '{"aws:reserved":"x"}' }),
            /tags: "aws:reserved" is not allowed/,
        );
        assert.match(onlyProblem({ ...baseConfig(), tags: "team=platform" }), /tags: "team=platform" is not a map/);
    });

    it("rejects unknown keys, listing the known ones", () => {
        assert.match(
            onlyProblem({ ...baseConfig(), includeRegion: "us-east-1" }),
            /includeRegion is not a known key \(did you mean includeRegions\?\); known keys: environment, includeRegions/,
        );
    });

    it("suggests the closest known key for a misspelt one, and nothing for a name far from every key", () => {
        assert.match(
            onlyProblem({ ...baseConfig(), rolename: "x" }),
            /:rolename is not a known key \(did you mean roleName\?\)/,
        );
        assert.match(onlyProblem({ ...baseConfig(), lifecylceDays: "3" }), /\(did you mean lifecycleDays\?\)/);
        assert.match(onlyProblem({ ...baseConfig(), cluster: "{}" }), /\(did you mean clusters\?\)/);
        assert.match(
            onlyProblem({ ...baseConfig(), agent: '{"chartVerison":"1.0.0"}' }),
            /agent\.chartVerison is not a known key \(did you mean chartVersion\?\)/,
        );
        assert.doesNotMatch(onlyProblem({ ...baseConfig(), zzz: "1" }), /did you mean/);
    });

    it("reports a region listed twice as a duplicate, not as a bad region name", () => {
        for (const includeRegions of ["us-east-1,eu-west-1,us-east-1", '["us-east-1","eu-west-1","us-east-1"]']) {
            assert.equal(
                onlyProblem({ ...baseConfig(), includeRegions }),
                'container-insights:includeRegions: "us-east-1" is listed twice (items 0 and 2); list each once',
            );
        }
    });

    it("requires datadogApiKey only while agent.install is true, with the other problems", () => {
        assert.ok(
            problemsOf({ environment: "DEV" }).some((p) =>
                /container-insights:datadogApiKey is required while container-insights:agent\.install is true/.test(p),
            ),
        );
        assert.ok(
            !problemsOf({ environment: "DEV", agent: JSON.stringify({ install: false }) }).some((p) =>
                p.includes("datadogApiKey"),
            ),
        );
    });

    it("requires the token unless identityMode is iamUser (either spelling), which sends no confirmation", () => {
        const tokenProblem = (raw: Record<string, string>) =>
            problemsOf({ environment: "PROD", ...raw }).some((p) => p.includes("container-insights:token"));
        assert.ok(tokenProblem({}));
        assert.ok(tokenProblem({ identityMode: "podIdentity" }));
        assert.ok(!tokenProblem({ identityMode: "iamUser" }));
        assert.ok(!tokenProblem({ createIamUser: "true" }));
    });

    it("reports every problem at once", () => {
        const problems = problemsOf({ environment: "DEV", createIamUser: "maybe" });
        assert.equal(problems.length, 6, problems.join("\n"));
        const message = new ConfigError(problems).message;
        for (const key of ["environment", "createIamUser", "roleName", "token", "externalId", "datadogApiKey"]) {
            assert.ok(message.includes(`container-insights:${key}`), key);
        }
    });
});
