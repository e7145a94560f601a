/**
 * The reconciler's EKS Pod Identity side against the stateful fake (association ids, one association per cluster,
 * namespace and service account, tags), also under the reconciler's real IAM policy.
 */
import { strict as assert } from "node:assert";
import * as eks from "@aws-sdk/client-eks";
import { MANAGED_BY_TAG_KEY, POD_IDENTITY_AGENT_ADDON } from "../common/identity";
import { CLUSTER_ARN_TAG_KEY, STACK_TAG_KEY, podIdentityRoleArn } from "../common/naming";
import { reconcilerPermissions } from "../components/iam/reconcilerRole";
import { StackScope } from "../components/iam/scope";
import { handoverOf } from "../lambda/reconciler/handler";
import { environmentVariables, readEnvironment } from "../lambda/reconciler/environment";
import { reconcile, teardown } from "../lambda/reconciler/reconcile";
import { ReconcileResult, ReconcilerSettings } from "../lambda/reconciler/types";
import { BOUNDARY_ARN, STATE_BUCKET, fakeWorld, recordingLog, settingsFor } from "./reconciler.helpers";
import { awsError } from "./fakes/awsAccount";
import { mockClient } from "aws-sdk-client-mock";
import { Gateway, sdkClients } from "../lambda/reconciler/gateway";
import { simulateIdentity } from "./iamSimulator";

const ACCOUNT = "111122223333";
const STACK_ID = "container-insights/prod";
const ROLE_ARN = podIdentityRoleArn({ accountId: ACCOUNT, partition: "aws", stackName: "prod" });
const SCOPE: StackScope = {
    accountId: ACCOUNT,
    partition: "aws",
    region: "us-east-1",
    stackName: "prod",
    stackId: "container-insights/prod",
    bucketName: `nops-container-cost-${ACCOUNT}`,
    stateBucketName: STATE_BUCKET,
};
const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:platform-token-AbCdEf`;
const EKS_WRITES = /^(Create|Update|Delete)PodIdentityAssociation$/;

const pod = (overrides: Partial<ReconcilerSettings> = {}) =>
    settingsFor(["us-east-1"], { identityMode: "podIdentity", podIdentityRoleArn: ROLE_ARN, ...overrides });
const outcomeOf = (result: ReconcileResult, cluster: string) =>
    result.results.filter((r) => r.cluster === cluster).map((r) => r.outcome);

describe("Pod Identity in the reconciler", () => {
    let world: ReturnType<typeof fakeWorld>;
    const run = (settings: ReconcilerSettings) => reconcile(settings, world.gateway(), recordingLog());
    const writesSince = (before: number) =>
        world.account.calls
            .slice(before)
            .filter((c) => EKS_WRITES.test(c.operation) || /^(Create|Put|Update|Delete|Tag)/.test(c.operation));
    beforeEach(() => {
        world = fakeWorld();
    });
    afterEach(() => world.restore());

    it("creates one association per selected cluster, tagged as the reconciler's, and no IAM role; then writes nothing", async () => {
        const alpha = world.account.addCluster("us-east-1", "alpha", { oidc: false });
        world.account.addCluster("us-east-1", "creating", { status: "CREATING" });
        const first = await run(pod());
        assert.deepEqual(outcomeOf(first, "alpha"), ["created"]);
        assert.deepEqual(outcomeOf(first, "creating"), ["skipped"]);
        const [association] = world.account.associationsOf("us-east-1", "alpha");
        assert.equal(association.roleArn, ROLE_ARN);
        assert.deepEqual([association.namespace, association.serviceAccount], ["nops", "nops-container-insights"]);
        assert.deepEqual(association.tags, {
            [STACK_TAG_KEY]: STACK_ID,
            [MANAGED_BY_TAG_KEY]: "reconciler",
            [CLUSTER_ARN_TAG_KEY]: alpha,
        });
        assert.equal(world.account.roles.size, 0, "Pod Identity needs no per-cluster role");
        assert.equal(world.account.associationsOf("us-east-1", "creating").length, 0);

        const before = world.account.calls.length;
        const steady = await run(pod());
        assert.equal(steady.writes, 0);
        assert.deepEqual(writesSince(before), []);
        assert.deepEqual(outcomeOf(steady, "alpha"), ["unchanged"]);
        const perCluster = world.account.calls
            .slice(before)
            .filter((c) => c.input.clusterName === "alpha" || c.input.name === "alpha")
            .map((c) => c.operation);
        assert.deepEqual(perCluster.sort(), [
            "DescribeCluster",
            "DescribePodIdentityAssociation",
            "ListPodIdentityAssociations",
        ]);
        assert.equal(
            world.account.calls.slice(before).filter((c) => c.operation === "DescribeAddon").length,
            0,
            "podIdentity mode does not check the add-on",
        );
    });

    it("leaves the program's association and anyone else's alone, and puts its own role back", async () => {
        world.account.addCluster("us-east-1", "program");
        world.account.addCluster("us-east-1", "foreign");
        world.account.addCluster("us-east-1", "drifted");
        world.account.putAssociation("us-east-1", "program", {
            roleArn: ROLE_ARN,
            tags: { [STACK_TAG_KEY]: STACK_ID, [MANAGED_BY_TAG_KEY]: "pulumi" },
        });
        world.account.putAssociation("us-east-1", "foreign", {
            roleArn: `arn:aws:iam::${ACCOUNT}:role/theirs`,
            tags: { team: "x" },
        });
        const own = world.account.putAssociation("us-east-1", "drifted", {
            roleArn: `arn:aws:iam::${ACCOUNT}:role/old`,
            tags: { [STACK_TAG_KEY]: STACK_ID, [MANAGED_BY_TAG_KEY]: "reconciler" },
        });
        const result = await run(pod());
        assert.deepEqual(outcomeOf(result, "program"), ["unchanged"]);
        const foreign = result.results.find((r) => r.cluster === "foreign")!;
        assert.equal(foreign.outcome, "skipped");
        assert.match(foreign.reason!, /was not made by this stack; left alone/);
        assert.deepEqual(outcomeOf(result, "drifted"), ["updated"]);
        assert.equal(world.account.associations.get(own.associationId)!.roleArn, ROLE_ARN);
        assert.equal(
            world.account.associationsOf("us-east-1", "foreign")[0].roleArn,
            `arn:aws:iam::${ACCOUNT}:role/theirs`,
        );
    });

    it("removes only its own association from a cluster the selection leaves out", async () => {
        world.account.addCluster("us-east-1", "prod-a");
        world.account.addCluster("us-east-1", "dev-b");
        world.account.addCluster("us-east-1", "dev-c");
        await run(pod());
        world.account.associationsOf("us-east-1", "dev-c")[0].tags[MANAGED_BY_TAG_KEY] = "pulumi"; // the program's now
        const result = await run(pod({ clusters: { include: ["prod-*"], exclude: [], tags: {} } }));
        assert.deepEqual(
            outcomeOf(result, "dev-b").sort(),
            ["deleted", "skipped"],
            "skipped for the selection, its association deleted",
        );
        assert.equal(world.account.associationsOf("us-east-1", "dev-b").length, 0);
        assert.equal(
            world.account.associationsOf("us-east-1", "dev-c").length,
            1,
            "the program's association stays: Pulumi removes it",
        );
        assert.equal(world.account.associationsOf("us-east-1", "prod-a").length, 1);
    });

    it("hands its association over at a deploy that registers one for the cluster, and creates none there", async () => {
        const alpha = world.account.addCluster("us-east-1", "alpha");
        const beta = world.account.addCluster("us-east-1", "beta");
        await run(pod()); // a scheduled run between deploys made both
        const deploy = await run(pod({ handover: [alpha, beta] }));
        assert.deepEqual(
            deploy.results
                .filter((r) => r.associationId)
                .map((r) => [r.cluster, r.outcome])
                .sort(),
            [
                ["alpha", "deleted"],
                ["beta", "deleted"],
            ],
        );
        assert.equal(world.account.associations.size, 0, "the program creates them right after the deploy-time run");
        // The program's resources are created after the Invocation (dependsOn): then the schedule finds them and writes nothing.
        for (const [cluster, arn] of [
            ["alpha", alpha],
            ["beta", beta],
        ]) {
            world.account.handle(
                "CreatePodIdentityAssociation",
                {
                    clusterName: cluster,
                    namespace: "nops",
                    serviceAccount: "nops-container-insights",
                    roleArn: ROLE_ARN,
                    tags: { [STACK_TAG_KEY]: STACK_ID, [MANAGED_BY_TAG_KEY]: "pulumi", [CLUSTER_ARN_TAG_KEY]: arn },
                },
                "us-east-1",
            );
        }
        const before = world.account.calls.length;
        const scheduled = await run(pod());
        assert.equal(scheduled.writes, 0);
        assert.deepEqual(writesSince(before), []);
        assert.deepEqual(outcomeOf(scheduled, "alpha"), ["unchanged"]);
    });

    it("writes nothing for a deleted cluster: EKS deleted its associations with it", async () => {
        world.account.addCluster("us-east-1", "alpha");
        world.account.addCluster("us-east-1", "gone");
        await run(pod());
        world.account.removeCluster("us-east-1", "gone");
        const before = world.account.calls.length;
        const result = await run(pod());
        assert.deepEqual(writesSince(before), []);
        assert.equal(result.counts.failed, 0);
    });

    it("refuses a second association for the same cluster, namespace and service account, as EKS does", async () => {
        world.account.addCluster("us-east-1", "alpha");
        const create = {
            clusterName: "alpha",
            namespace: "nops",
            serviceAccount: "nops-container-insights",
            roleArn: ROLE_ARN,
        };
        await world.account.handle("CreatePodIdentityAssociation", create, "us-east-1");
        await assert.rejects(world.account.handle("CreatePodIdentityAssociation", create, "us-east-1"), {
            name: "ResourceInUseException",
        });
        await world.account.handle("CreatePodIdentityAssociation", { ...create, serviceAccount: "other" }, "us-east-1");
        assert.equal(world.account.associationsOf("us-east-1", "alpha").length, 2);
        const ids = world.account.associationsOf("us-east-1", "alpha").map((a) => a.associationId);
        assert.notEqual(ids[0], ids[1]);
        assert.ok(ids.every((id) => /^a-[0-9a-z]{17}$/.test(id)));
    });

    it("meets a concurrent creator (the program) by reporting, not failing", async () => {
        world.account.addCluster("us-east-1", "alpha");
        world.account.faults.push((operation) => {
            if (
                operation === "CreatePodIdentityAssociation" &&
                world.account.associationsOf("us-east-1", "alpha").length === 0
            ) {
                world.account.putAssociation("us-east-1", "alpha", {
                    roleArn: ROLE_ARN,
                    tags: { [STACK_TAG_KEY]: STACK_ID, [MANAGED_BY_TAG_KEY]: "pulumi" },
                });
            }
            return undefined;
        });
        const result = await run(pod());
        const alpha = result.results.find((r) => r.cluster === "alpha")!;
        assert.equal(alpha.outcome, "skipped");
        assert.match(alpha.reason!, /appeared meanwhile/);
    });

    describe("identityMode auto", () => {
        const auto = (overrides: Partial<ReconcilerSettings> = {}) => pod({ identityMode: "auto", ...overrides });

        it("gives Pod Identity where the add-on is, IRSA where the OIDC provider is, and skips the rest with the reason", async () => {
            world.account.addCluster("us-east-1", "with-agent", {
                addons: [POD_IDENTITY_AGENT_ADDON],
                provider: false,
            });
            world.account.addCluster("us-east-1", "with-oidc");
            world.account.addCluster("us-east-1", "neither", { provider: false });
            const result = await run(auto());
            assert.deepEqual(outcomeOf(result, "with-agent"), ["created"]);
            assert.ok(result.results.find((r) => r.cluster === "with-agent")!.associationId);
            assert.deepEqual(outcomeOf(result, "with-oidc"), ["created"]);
            assert.ok(world.account.role("nops-ccost-with-oidc_us-east-1"));
            assert.equal(world.account.role("nops-ccost-with-agent_us-east-1"), undefined);
            assert.equal(world.account.associationsOf("us-east-1", "with-oidc").length, 0);
            const neither = result.results.find((r) => r.cluster === "neither")!;
            assert.equal(neither.outcome, "skipped");
            assert.match(
                neither.reason!,
                /neither the eks-pod-identity-agent add-on nor a registered IAM OIDC provider/,
            );
            const before = world.account.calls.length;
            assert.equal((await run(auto())).writes, 0);
            assert.deepEqual(writesSince(before), []);
        });

        it("keeps a cluster's IRSA role when the add-on appears between deploys; the next deploy removes it", async () => {
            world.account.addCluster("us-east-1", "alpha");
            await run(auto());
            assert.ok(world.account.role("nops-ccost-alpha_us-east-1"));
            world.account.clusters.get("us-east-1")!.get("alpha")!.addons.set(POD_IDENTITY_AGENT_ADDON, "ACTIVE");
            const scheduled = await run(auto());
            assert.ok(
                world.account.role("nops-ccost-alpha_us-east-1"),
                "the chart still names the role until the next deploy",
            );
            assert.equal(world.account.associationsOf("us-east-1", "alpha").length, 1);
            assert.equal(scheduled.counts.created, 1);
            const deploy = await run(auto({ handover: [] }));
            assert.equal(world.account.role("nops-ccost-alpha_us-east-1"), undefined);
            assert.equal(deploy.counts.deleted, 1);
        });

        it("skips, and keeps what it has, when the add-on cannot be checked", async () => {
            world.account.addCluster("us-east-1", "alpha");
            await run(auto());
            world.account.faults.push((operation) =>
                operation === "DescribeAddon" ? awsError("ServerException", "boom", 500) : undefined,
            );
            const before = world.account.calls.length;
            const result = await run(auto());
            assert.deepEqual(outcomeOf(result, "alpha"), ["skipped"]);
            assert.deepEqual(writesSince(before), []);
            assert.ok(world.account.role("nops-ccost-alpha_us-east-1"));
        });
    });

    it("moves from Pod Identity to IRSA at the deploy that changes identityMode", async () => {
        world.account.addCluster("us-east-1", "alpha");
        await run(pod());
        const deploy = await run(settingsFor(["us-east-1"], { handover: [] }));
        assert.equal(world.account.associationsOf("us-east-1", "alpha").length, 0);
        assert.ok(world.account.role("nops-ccost-alpha_us-east-1"));
        assert.deepEqual(outcomeOf(deploy, "alpha").sort(), ["created", "deleted"]);
        const before = world.account.calls.length;
        await run(settingsFor(["us-east-1"]));
        assert.equal(
            world.account.calls.slice(before).filter((c) => c.operation === "ListPodIdentityAssociations").length,
            0,
            "IRSA runs between deploys skip associations",
        );
    });

    it("tears down its own associations and leaves the program's to Pulumi", async () => {
        world.account.addCluster("us-east-1", "alpha");
        world.account.addCluster("us-east-1", "beta");
        await run(pod());
        world.account.associationsOf("us-east-1", "beta")[0].tags[MANAGED_BY_TAG_KEY] = "pulumi";
        const result = await teardown(pod(), world.gateway(), recordingLog());
        assert.equal(result.counts.deleted, 1);
        assert.equal(world.account.associationsOf("us-east-1", "alpha").length, 0);
        assert.equal(world.account.associationsOf("us-east-1", "beta").length, 1);
    });

    describe("under the reconciler's real policy", () => {
        const asReconciler = (auto = false) => {
            world.account.identity = reconcilerPermissions(SCOPE, SECRET_ARN, {
                stackId: STACK_ID,
                podIdentity: true,
                auto,
            });
        };
        const eksClient = () => new eks.EKSClient({ region: "us-east-1" });
        const denied = (call: Promise<unknown>) =>
            assert.rejects(call, (error) => error instanceof eks.AccessDeniedException);

        it("does the whole job: create, update, hand over, remove, auto, tear down", async () => {
            asReconciler(true);
            const alpha = world.account.addCluster("us-east-1", "alpha", { addons: [POD_IDENTITY_AGENT_ADDON] });
            world.account.addCluster("us-east-1", "beta");
            assert.equal((await run(pod({ identityMode: "auto" }))).counts.failed, 0);
            world.account.associationsOf("us-east-1", "alpha")[0].roleArn = `arn:aws:iam::${ACCOUNT}:role/old`;
            const second = await run(pod({ identityMode: "auto" }));
            assert.deepEqual(outcomeOf(second, "alpha"), ["updated"]);
            const deploy = await run(pod({ identityMode: "auto", handover: [alpha] }));
            assert.equal(deploy.counts.failed, 0, JSON.stringify(deploy.results));
            assert.equal(world.account.associationsOf("us-east-1", "alpha").length, 0);
            await run(pod({ identityMode: "auto" }));
            const down = await teardown(pod({ identityMode: "auto" }), world.gateway(), recordingLog());
            assert.equal(down.counts.failed, 0, JSON.stringify(down.results));
            assert.equal(world.account.associations.size, 0);
            assert.equal(world.account.roles.size, 0);
        });

        it("IRSA: a deploy-time run may only list, describe and delete its own leftovers, and does so without a failure", async () => {
            world.account.identity = reconcilerPermissions(SCOPE, SECRET_ARN, {
                stackId: STACK_ID,
                podIdentity: false,
                auto: false,
            });
            world.account.addCluster("us-east-1", "alpha");
            world.account.addCluster("us-east-1", "beta");
            world.account.putAssociation("us-east-1", "alpha", {
                roleArn: ROLE_ARN,
                tags: { [STACK_TAG_KEY]: STACK_ID, [MANAGED_BY_TAG_KEY]: "reconciler" },
            });
            world.account.putAssociation("us-east-1", "beta", {
                roleArn: ROLE_ARN,
                tags: { [STACK_TAG_KEY]: STACK_ID, [MANAGED_BY_TAG_KEY]: "pulumi" },
            });
            const deploy = await run(settingsFor(["us-east-1"], { handover: [] }));
            assert.equal(deploy.counts.failed, 0, JSON.stringify(deploy.results));
            assert.equal(deploy.counts.created, 2);
            assert.equal(world.account.associationsOf("us-east-1", "alpha").length, 0);
            assert.equal(
                world.account.associationsOf("us-east-1", "beta").length,
                1,
                "the program's: Pulumi removes it",
            );
            const client = eksClient();
            const create = {
                clusterName: "alpha",
                namespace: "nops",
                serviceAccount: "nops-container-insights",
                roleArn: ROLE_ARN,
            };
            await denied(
                client.send(
                    new eks.CreatePodIdentityAssociationCommand({
                        ...create,
                        tags: { [STACK_TAG_KEY]: STACK_ID, [MANAGED_BY_TAG_KEY]: "reconciler" },
                    }),
                ),
            );
            assert.equal(
                await simulateIdentity(world.account.identity!, {
                    action: "iam:PassRole",
                    resource: ROLE_ARN,
                    context: { "iam:PassedToService": "pods.eks.amazonaws.com" },
                }),
                "ExplicitDeny",
            );
        });

        it("cannot touch the program's association, tag as someone else, or pass another role", async () => {
            asReconciler();
            const alpha = world.account.addCluster("us-east-1", "alpha");
            world.account.addCluster("us-east-1", "beta");
            const programs = world.account.putAssociation("us-east-1", "alpha", {
                roleArn: ROLE_ARN,
                tags: { [STACK_TAG_KEY]: STACK_ID, [MANAGED_BY_TAG_KEY]: "pulumi" },
            });
            const client = eksClient();
            await denied(
                client.send(
                    new eks.DeletePodIdentityAssociationCommand({
                        clusterName: "alpha",
                        associationId: programs.associationId,
                    }),
                ),
            );
            await denied(
                client.send(
                    new eks.UpdatePodIdentityAssociationCommand({
                        clusterName: "alpha",
                        associationId: programs.associationId,
                        roleArn: ROLE_ARN,
                    }),
                ),
            );
            const create = {
                clusterName: "beta",
                namespace: "nops",
                serviceAccount: "nops-container-insights",
                roleArn: ROLE_ARN,
            };
            await denied(
                client.send(
                    new eks.CreatePodIdentityAssociationCommand({
                        ...create,
                        tags: { [STACK_TAG_KEY]: STACK_ID, [MANAGED_BY_TAG_KEY]: "pulumi" },
                    }),
                ),
            );
            await denied(
                client.send(
                    new eks.CreatePodIdentityAssociationCommand({
                        ...create,
                        tags: { [STACK_TAG_KEY]: "other/stack", [MANAGED_BY_TAG_KEY]: "reconciler" },
                    }),
                ),
            );
            await denied(client.send(new eks.CreatePodIdentityAssociationCommand(create)));
            const own = { [STACK_TAG_KEY]: STACK_ID, [MANAGED_BY_TAG_KEY]: "reconciler", [CLUSTER_ARN_TAG_KEY]: alpha };
            await denied(
                client.send(
                    new eks.CreatePodIdentityAssociationCommand({
                        ...create,
                        roleArn: `arn:aws:iam::${ACCOUNT}:role/admin`,
                        tags: own,
                    }),
                ),
            );
            await denied(
                client.send(new eks.CreatePodIdentityAssociationCommand({ ...create, tags: { ...own, extra: "x" } })),
            );
            await client.send(new eks.CreatePodIdentityAssociationCommand({ ...create, tags: own }));
            assert.equal(world.account.associationsOf("us-east-1", "beta").length, 1);
            await denied(
                client.send(new eks.DescribeAddonCommand({ clusterName: "beta", addonName: POD_IDENTITY_AGENT_ADDON })),
            );
        });

        it("keeps the explicit deny on passing any other role, or the Pod Identity role to another service", async () => {
            asReconciler();
            const document = world.account.identity!;
            const pass = (resource: string, service: string) =>
                simulateIdentity(document, {
                    action: "iam:PassRole",
                    resource,
                    context: { "iam:PassedToService": service },
                });
            assert.equal(await pass(ROLE_ARN, "pods.eks.amazonaws.com"), "Allow");
            assert.equal(await pass(ROLE_ARN, "lambda.amazonaws.com"), "ExplicitDeny");
            assert.equal(await pass(`arn:aws:iam::${ACCOUNT}:role/admin`, "pods.eks.amazonaws.com"), "ExplicitDeny");
            assert.equal(
                await pass(
                    `arn:aws:iam::${ACCOUNT}:role/container-insights/prod/nops-ccost-a_us-east-1`,
                    "pods.eks.amazonaws.com",
                ),
                "ExplicitDeny",
            );
        });
    });

    it("carries its settings through the Lambda environment and the deploy-time event", () => {
        const env = {
            ...pod({ identityMode: "auto" }),
            stateBucketName: STATE_BUCKET,
            apiUrl: "https://app.nops.io",
            tokenSecretArn: SECRET_ARN,
            version: "1.0.0",
        };
        const variables = environmentVariables(env);
        assert.equal(variables.CI_IDENTITY_MODE, "auto");
        assert.equal(variables.CI_POD_IDENTITY_ROLE_ARN, ROLE_ARN);
        const read = readEnvironment(variables);
        assert.deepEqual([read.identityMode, read.podIdentityRoleArn], ["auto", ROLE_ARN]);
        const { CI_IDENTITY_MODE: _mode, CI_POD_IDENTITY_ROLE_ARN: _role, ...legacy } = variables;
        assert.equal(readEnvironment(legacy).identityMode, "irsa", "functions deployed before identityMode run IRSA");
        assert.throws(
            () => readEnvironment({ ...legacy, CI_IDENTITY_MODE: "podIdentity" }),
            /CI_POD_IDENTITY_ROLE_ARN is required/,
        );
        assert.throws(
            () => readEnvironment({ ...variables, CI_IDENTITY_MODE: "iamUser" }),
            /CI_IDENTITY_MODE must be one of irsa, podIdentity, auto/,
        );
        assert.deepEqual(handoverOf({ handover: ["arn:a", 3], tf: { action: "update" } }), ["arn:a"]);
        assert.deepEqual(handoverOf({ tf: { action: "create" } }), []);
        assert.equal(BOUNDARY_ARN.includes(ACCOUNT), true);
    });
});

describe("gateway.addonInstalled: DescribeAddon's status decides", () => {
    const cases: Array<[string, boolean | undefined]> = [
        ["ACTIVE", true],
        ["UPDATING", true],
        ["DEGRADED", true],
        ["DELETING", false],
        ["DELETE_FAILED", false],
        ["CREATE_FAILED", false],
        ["CREATING", undefined],
    ];
    for (const [status, installed] of cases) {
        it(`${status} ⇒ ${installed === undefined ? "not known yet" : installed ? "installed" : "not installed"}`, async () => {
            const client = mockClient(eks.EKSClient);
            try {
                client.on(eks.DescribeAddonCommand).resolves({
                    addon: {
                        addonName: POD_IDENTITY_AGENT_ADDON,
                        clusterName: "alpha",
                        status: status as eks.AddonStatus,
                    },
                });
                const gateway = new Gateway(sdkClients("us-east-1"), {
                    now: () => 0,
                    sleep: async () => undefined,
                } as never);
                assert.equal(await gateway.addonInstalled("us-east-1", "alpha", POD_IDENTITY_AGENT_ADDON), installed);
            } finally {
                client.restore();
            }
        });
    }
});
