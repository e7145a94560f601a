/** The onboarding split into an account stack and cluster stacks (fleet.part), under Pulumi's mocks. */
import { strict as assert } from "node:assert";
import { clusterGroup } from "../../components/fleet/accountStack";
import { ProgramRun, baseConfig, runProgram } from "../harness";

const FLEET = {
    "us-east-1": [{ name: "prod-a" }, { name: "prod-b" }, { name: "prod-c" }],
    "eu-west-1": [{ name: "prod-eu" }],
};
const REGIONS = "us-east-1,eu-west-1";
const AGENT = "container-insights:cluster:ClusterAgent";
/** What the account stack exports and a cluster stack reads (the mocks answer every StackReference with them). */
const ACCOUNT_OUTPUTS = {
    bucketName: "nops-container-cost-111122223333",
    s3BucketSecureUrl: "https://nops-container-cost-111122223333.s3.amazonaws.com",
    readPolicyName: "nops-container-cost-read-prod",
};

const agents = (run: ProgramRun) =>
    run
        .ofType(AGENT)
        .map((r) => r.name)
        .sort();
const fleetConfig = (fleet: Record<string, string | number>) =>
    Object.fromEntries(Object.entries(fleet).map(([key, value]) => [`fleet.${key}`, String(value)]));

describe("fleet stacks: the program split by fleet.part", function () {
    this.timeout(120_000);
    let whole: ProgramRun;
    before(async () => {
        whole = await runProgram({ ...baseConfig(), includeRegions: REGIONS }, { fleet: FLEET });
    });

    it("an account stack has the account side and no agent", async () => {
        const run = await runProgram(
            { ...baseConfig(), includeRegions: REGIONS, ...fleetConfig({ part: "account" }) },
            { fleet: FLEET, stack: "prod" },
        );
        assert.deepEqual(agents(run), []);
        run.one("container-insights:storage:InsightsBucket");
        run.one("container-insights:reconciler:RoleReconciler");
        assert.deepEqual(run.outputs.clusters.value, []);
    });

    it("a cluster stack registers its region's agents under the whole stack's names, reads the account stack, creates no account resource", async () => {
        const run = await runProgram(
            {
                ...baseConfig(),
                includeRegions: "us-east-1",
                ...fleetConfig({ part: "clusters", accountStack: "prod" }),
            },
            { fleet: FLEET, stack: "prod-us-east-1", previousOutputs: ACCOUNT_OUTPUTS },
        );
        assert.deepEqual(
            agents(run),
            agents(whole).filter((name) => name.startsWith("us-east-1-")),
        );
        assert.deepEqual(run.ofType("container-insights:storage:InsightsBucket"), []);
        assert.deepEqual(run.ofType("container-insights:reconciler:RoleReconciler"), []);
        const references = run.ofType("pulumi:pulumi:StackReference").map((r) => r.inputs.name);
        assert.ok(references.includes("organization/container-insights/prod"), references.join(", "));
        // IRSA: the role the account stack's reconciler makes, under the account stack's path.
        const statuses = run.outputs.clusters.value as Array<{ name: string; roleArn?: string }>;
        const wholeStatuses = whole.outputs.clusters.value as Array<{ name: string; roleArn?: string }>;
        assert.equal(
            statuses.find((s) => s.name === "prod-a")!.roleArn,
            wholeStatuses.find((s) => s.name === "prod-a")!.roleArn,
        );
        assert.equal(run.outputs.bucketName.value, ACCOUNT_OUTPUTS.bucketName);
    });

    it("the groups of a region split its clusters, each cluster in exactly one, by a stable hash", async () => {
        const groups = 2;
        const names: string[][] = [];
        for (let group = 0; group < groups; group++) {
            const run = await runProgram(
                {
                    ...baseConfig(),
                    includeRegions: "us-east-1",
                    ...fleetConfig({ part: "clusters", accountStack: "prod", groups, group }),
                },
                { fleet: FLEET, stack: `prod-us-east-1-${group}`, previousOutputs: ACCOUNT_OUTPUTS },
            );
            names.push(agents(run));
        }
        assert.deepEqual(names.flat().sort(), ["us-east-1-prod-a", "us-east-1-prod-b", "us-east-1-prod-c"]);
        for (const [group, inGroup] of names.entries()) {
            for (const agent of inGroup) {
                assert.equal(
                    clusterGroup({ region: "us-east-1", name: agent.replace("us-east-1-", "") }, groups),
                    group,
                );
            }
        }
    });
});
