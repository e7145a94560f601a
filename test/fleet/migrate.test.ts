import { strict as assert } from "node:assert";
import { Deployment, StateResource, integrityProblem, resourcesOf } from "../../automation/fleet/migrate/deployment";
import { MigrationError, moveResources } from "../../automation/fleet/migrate/move";
import { clusterStackTargets, planMigration } from "../../automation/fleet/migrate/plan";
import { clusterGroup } from "../../components/fleet/accountStack";
import { CIPHERTEXT, SECRETS_PROVIDERS, urn, wholeStack } from "./wholeStackState";

const AGENT = "container-insights:cluster:ClusterAgent";
const urns = (deployment: Deployment) => resourcesOf(deployment).map((r) => r.urn);
const named = (deployment: Deployment, type: string) => resourcesOf(deployment).filter((r) => r.type === type);

describe("fleet migrate: moving a whole stack's agents into cluster stacks (pure)", () => {
    it("moves each region's agent components with every descendant, its Kubernetes provider included, and nothing else", () => {
        const plan = planMigration("prod", wholeStack(), {});
        assert.deepEqual(
            plan.destinations.map((d) => d.target.stack),
            ["prod-eu-west-1", "prod-us-east-1"],
        );
        const eu = plan.destinations[0];
        assert.deepEqual(
            eu.report.moved.map((u) => u.split("::").pop()),
            Array(7)
                .fill("eu-west-1-prod-eu")
                .map((n, i) => (i === 6 ? `${n}:nops/config` : n)),
        );
        assert.ok(urns(eu.deployment).every((u) => u.startsWith("urn:pulumi:prod-eu-west-1::")));
        assert.ok(
            urns(eu.deployment).every((u) => !u.includes("us-east-1-prod-a")),
            "only its own region",
        );
        assert.equal(named(eu.deployment, "pulumi:providers:kubernetes").length, 1);
        const left = resourcesOf(plan.source).map((r) => r.type);
        assert.deepEqual(left, ["pulumi:pulumi:Stack", "pulumi:providers:aws", "aws:lambda/invocation:Invocation"]);
    });

    it("orders the destination as the engine's integrity check requires: parents, providers and dependencies first", () => {
        for (const { deployment, target } of planMigration("prod", wholeStack(), {}).destinations) {
            assert.equal(integrityProblem(deployment, target.stack), undefined);
            const order = urns(deployment);
            const agent = order.findIndex((u) => u.includes(`${AGENT}::`));
            const provider = order.findIndex((u) => u.includes("pulumi:providers:kubernetes"));
            assert.ok(agent >= 0 && agent < provider, "the ClusterAgent before its child provider");
            assert.equal(resourcesOf(deployment)[0].type, "pulumi:pulumi:Stack");
        }
    });

    it("the integrity check names what `pulumi state move` wrote: a copied provider before its parent", () => {
        const { deployment } = planMigration("prod", wholeStack(), {}).destinations[0];
        const resources = resourcesOf(deployment);
        const provider = resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
        const stateMoveOrder = [resources[0], provider, ...resources.slice(1).filter((r) => r !== provider)];
        assert.match(
            integrityProblem({ ...deployment, deployment: { resources: stateMoveOrder } }, "prod-eu-west-1")!,
            /ClusterAgent\$pulumi:providers:kubernetes::eu-west-1-prod-eu's parent .*ClusterAgent::eu-west-1-prod-eu comes after it/,
        );
    });

    it("copies the default AWS provider into each cluster stack and keeps it in the account stack", () => {
        const plan = planMigration("prod", wholeStack(), {});
        for (const { deployment, report } of plan.destinations) {
            assert.deepEqual(report.copied, [
                { urn: urn("prod", "pulumi:providers:aws", "default_7_48_0"), as: "provider" },
            ]);
            const association = named(deployment, "aws:eks/podIdentityAssociation:PodIdentityAssociation")[0];
            assert.equal(
                association.provider,
                `${urn(report.destination, "pulumi:providers:aws", "default_7_48_0")}::aws-id`,
            );
        }
        assert.equal(named(plan.source, "pulumi:providers:aws").length, 1);
    });

    it("drops the agents' dependencies on the account stack's Invocation in the cluster stacks and reports each", () => {
        const plan = planMigration("prod", wholeStack(), {});
        const { deployment, report } = plan.destinations[0];
        assert.deepEqual(
            report.dropped.map(
                (d) => `${d.in} ${d.resource.split("::").pop()} ${d.kind}${d.property ? `:${d.property}` : ""}`,
            ),
            [
                "destination eu-west-1-prod-eu dependency",
                "destination eu-west-1-prod-eu dependency",
                "destination eu-west-1-prod-eu propertyDependency:values",
            ],
        );
        assert.ok(report.dropped.every((d) => d.dependency.endsWith("Invocation::reconcile")));
        const chart = named(deployment, "kubernetes:helm.sh/v4:Chart")[0];
        assert.deepEqual(chart.dependencies, [
            urn(
                "prod-eu-west-1",
                "container-insights:cluster:AgentPodIdentity$aws:eks/podIdentityAssociation:PodIdentityAssociation",
                "eu-west-1-prod-eu",
            ),
        ]);
        assert.deepEqual(chart.propertyDependencies, { values: [] });
    });

    it("drops a staying resource's dependency on a moved one and reports it", () => {
        const source = wholeStack();
        const invocation = resourcesOf(source).find((r) => r.type === "aws:lambda/invocation:Invocation")!;
        invocation.dependencies = [urn("prod", AGENT, "eu-west-1-prod-eu")];
        const plan = planMigration("prod", source, {});
        const staying = resourcesOf(plan.source).find((r) => r.type === invocation.type)!;
        assert.deepEqual(staying.dependencies, []);
        assert.deepEqual(
            plan.destinations[0].report.dropped.filter((d) => d.in === "source").map((d) => d.dependency),
            [urn("prod", AGENT, "eu-west-1-prod-eu")],
        );
    });

    it("rewrites provider references and resource references in outputs; secrets stay ciphertext under the source's provider", () => {
        const { deployment } = planMigration("prod", wholeStack(), {}).destinations[0];
        const chart = named(deployment, "kubernetes:helm.sh/v4:Chart")[0];
        const configMap = named(deployment, "kubernetes:core/v1:ConfigMap")[0];
        assert.equal((chart.outputs as { resources: { urn: string }[] }).resources[0].urn, configMap.urn);
        assert.match(
            configMap.provider!,
            /^urn:pulumi:prod-eu-west-1::.*ClusterAgent\$pulumi:providers:kubernetes::eu-west-1-prod-eu::k-/,
        );
        assert.deepEqual((chart.inputs as { values: unknown }).values, CIPHERTEXT);
        assert.deepEqual(deployment.deployment.secrets_providers, SECRETS_PROVIDERS);
        assert.ok(!JSON.stringify(deployment).includes("urn:pulumi:prod::"), "no URN of the source stack is left");
    });

    it("selects by type and region whatever the parent chain: under a ContainerInsights component the component is copied", () => {
        const under = "container-insights:index:ContainerInsights";
        const plan = planMigration("prod", wholeStack("prod", undefined, { under }), {});
        for (const { deployment, report, target } of plan.destinations) {
            assert.equal(integrityProblem(deployment, target.stack), undefined);
            assert.deepEqual(
                report.copied.map((c) => c.as),
                ["component", "provider"],
            );
            assert.equal(named(deployment, AGENT).length, 1);
        }
        assert.equal(named(plan.source, under).length, 1, "the component stays in the account stack too");
    });

    it("refuses an agent under a custom resource that stays, naming both", () => {
        const source = wholeStack();
        const agent = resourcesOf(source).find((r) => r.type === AGENT)!;
        agent.parent = resourcesOf(source).find((r) => r.type === "aws:lambda/invocation:Invocation")!.urn;
        assert.throws(
            () => planMigration("prod", source, {}),
            (e: Error) =>
                e instanceof MigrationError &&
                /ClusterAgent::us-east-1-prod-a is a child of .*Invocation/.test(e.message),
        );
    });

    it("a second run on the migrated account stack moves nothing (idempotent)", () => {
        const first = planMigration("prod", wholeStack(), {});
        const destinations = Object.fromEntries(first.destinations.map((d) => [d.target.stack, d.deployment]));
        const second = planMigration("prod", first.source, destinations);
        assert.deepEqual(second.destinations, []);
        assert.deepEqual(second.source, first.source);
    });

    it("refuses pending operations and a cluster stack that already holds resources, naming them", () => {
        const pending = wholeStack();
        pending.deployment.pending_operations = [{ type: "creating", resource: resourcesOf(pending)[3] }];
        assert.throws(
            () => planMigration("prod", pending, {}),
            /stack prod has 1 pending operation\(s\) .*creating .*pulumi refresh --stack prod/,
        );
        const deployed = planMigration("prod", wholeStack(), {}).destinations[0].deployment;
        assert.throws(
            () => planMigration("prod", wholeStack(), { "prod-eu-west-1": deployed }),
            /stack prod-eu-west-1 already holds 8 resource\(s\) .*deployed or migrated to before/,
        );
    });

    it("with --groups, each cluster goes to its hash group's stack", () => {
        const clusters = ["a", "b", "c", "d", "e"].map((name) => ({ region: "us-east-1", name }));
        const targets = clusterStackTargets("prod", wholeStack("prod", clusters), 2);
        const expected = [...new Set(clusters.map((c) => `prod-us-east-1-${clusterGroup(c, 2)}`))].sort();
        assert.deepEqual(
            targets.map((t) => t.stack),
            expected,
        );
        const plan = planMigration("prod", wholeStack("prod", clusters), {}, 2);
        for (const { target, deployment } of plan.destinations) {
            for (const agent of named(deployment, AGENT)) {
                const name = agent.urn.split("::").pop()!.slice("us-east-1-".length);
                assert.equal(clusterGroup({ region: "us-east-1", name }, 2), target.group!.index);
            }
        }
    });

    it("refuses an agent component whose name does not start with a region", () => {
        const source = wholeStack();
        const agent: StateResource = resourcesOf(source).find((r) => r.type === AGENT)!;
        agent.urn = urn("prod", AGENT, "prod-a");
        assert.throws(
            () => clusterStackTargets("prod", source),
            /ClusterAgent::prod-a: .* does not start with an AWS region/,
        );
    });

    it("a stack with nothing selected comes back unchanged", () => {
        const source = wholeStack();
        const moved = moveResources(source, { version: 3, deployment: {} }, "prod-x", () => false);
        assert.equal(moved.source, source);
        assert.deepEqual(moved.report.moved, []);
    });
});
