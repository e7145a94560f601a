/**
 * The ContainerInsights component as a team adds it to its own Pulumi program: args validated by the key table
 * (every problem at once), everything the onboarding registers a descendant of the component, secrets kept secret.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { ContainerInsights, ContainerInsightsArgs, settingsOf } from "../components/containerInsights";
import { ConfigError } from "../config";
import { runUnderMocks } from "../automation/plan/mockRun";
import { testImageLock } from "./fakes/imageLock";
import { mockState } from "../automation/plan/mockState";
import { plaintextStrings } from "./harness";

const ACCOUNT = { accountId: "111122223333", previousOutputs: {} };

const COMPONENT = "container-insights:index:ContainerInsights";
const ARGS: ContainerInsightsArgs = {
    roleName: "NopsIntegrationRole",
    token: "tok-COMPONENT-SECRET",
    externalId: "ext-COMPONENT-SECRET",
    datadogApiKey: "dd-COMPONENT-SECRET",
    awsRegion: "us-east-1",
};

async function registerComponent(args: ContainerInsightsArgs) {
    let outputs: Promise<unknown> = Promise.resolve();
    const run = await runUnderMocks({
        project: "team-platform",
        stack: "prod",
        config: { config: {}, secretKeys: [] },
        fleet: { "us-east-1": [{ name: "prod-a" }] },
        accountId: "111122223333",
        build: async (reads) => {
            const component = new ContainerInsights("insights", args, undefined, {
                imageLock: testImageLock(),
                ...reads,
            });
            outputs = component.result;
            await component.result;
        },
    });
    return { run, outputs: await outputs };
}

describe("the ContainerInsights component", function () {
    this.timeout(60000);

    it("registers the whole onboarding under itself: the component is the only resource at the top", async () => {
        const { run } = await registerComponent(ARGS);
        assert.deepEqual(run.errors, []);
        const top = run.resources.filter((r) => r.parent === null);
        assert.deepEqual(top, [{ type: COMPONENT, name: "insights", parent: null }]);
        const direct = run.resources.filter((r) => r.parent === `${COMPONENT}::insights`).map((r) => r.type);
        for (const type of [
            "container-insights:storage:InsightsBucket",
            "container-insights:iam:PlatformReadPolicy",
            "container-insights:cluster:ClusterAgent",
        ]) {
            assert.ok(direct.includes(type), `${type} directly under the component (found ${direct.join(", ")})`);
        }
    });

    it("reports every bad arg at once, named as its config key, before registering anything", () => {
        const bad = {
            ...ARGS,
            roleName: "",
            identityMode: "sideways",
            lifecycleDays: -3,
        } as unknown as ContainerInsightsArgs;
        assert.throws(
            () => settingsOf(bad, "prod", "team-platform"),
            (error: unknown) => {
                assert.ok(error instanceof ConfigError, String(error));
                for (const key of ["roleName", "identityMode", "lifecycleDays"]) {
                    assert.match(error.message, new RegExp(key), `${key} named in: ${error.message}`);
                }
                return true;
            },
        );
    });

    it("hands the token it is given to the engine as a secret only", async () => {
        const inputs: unknown[] = [];
        await pulumi.runtime.setMocks(
            {
                newResource: (args) => {
                    inputs.push(args.inputs);
                    return { id: `${args.name}-id`, state: mockState(args.type, args.name, args.inputs, ACCOUNT) };
                },
                call: (args) =>
                    args.token === "aws:index/getCallerIdentity:getCallerIdentity"
                        ? { accountId: ACCOUNT.accountId, arn: "arn:aws:iam::111122223333:user/u", userId: "AIDA" }
                        : {},
            },
            "team-platform",
            "prod",
            false,
        );
        const component = new ContainerInsights("insights", { ...ARGS, agent: { install: false } }, undefined, {});
        await component.result;
        await pulumi.runtime.disconnect();
        assert.ok(inputs.length > 0);
        const plain = inputs.flatMap(plaintextStrings).filter((text) => text.includes("tok-COMPONENT-SECRET"));
        assert.deepEqual(plain, [], "the token appears only inside secret envelopes");
        assert.ok(
            JSON.stringify(inputs).includes("tok-COMPONENT-SECRET"),
            "the token reaches the engine (inside an envelope)",
        );
    });
});
