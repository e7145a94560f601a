/** EKS Pod Identity and identityMode auto in the program, under mocks; then the program's deploy meets the reconciler. */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument, PolicyStatement } from "../common/documents";
import { MANAGED_BY_TAG_KEY } from "../common/identity";
import { CLUSTER_ARN_TAG_KEY, STACK_TAG_KEY, podIdentityRoleArn } from "../common/naming";
import { ClusterStatus } from "../components/cluster/types";
import { StackScope } from "../components/iam/scope";
import { readEnvironment } from "../lambda/reconciler/environment";
import { handoverOf } from "../lambda/reconciler/handler";
import { reconcile } from "../lambda/reconciler/reconcile";
import { ACCOUNT_ID, Fleet, ProgramRun, STATE_BUCKET_NAME, baseConfig, runProgram, unwrap } from "./harness";
import { defaultOf } from "./configKeys";
import { BOUNDARY_ARN, fakeWorld, recordingLog } from "./reconciler.helpers";
import { roleRules, ruleViolations } from "./roleRules";

const ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation";
const ADDON = "aws:eks/addon:Addon";
const CHART = "kubernetes:helm.sh/v4:Chart";
const STACK_ID = "container-insights/prod";
/** Where the agent runs when the stack does not say: the key table's defaults. */
const NAMESPACE = defaultOf("agentNamespace");
const SERVICE_ACCOUNT = defaultOf("agentServiceAccount");
const FLEET: Fleet = {
    "us-east-1": [
        { name: "with-agent", podIdentityAgent: true },
        { name: "oidc-only" },
        { name: "neither", oidcProvider: false },
        { name: "no-issuer", oidc: false, podIdentityAgent: true },
    ],
};

const statuses = (run: ProgramRun) => run.outputs.clusters.value as ClusterStatus[];
const status = (run: ProgramRun, name: string) => statuses(run).find((s) => s.name === name)!;
const values = (run: ProgramRun, name: string) =>
    unwrap(run.ofType(CHART).find((c) => c.name === `us-east-1-${name}`)!.inputs.values) as any;
const associations = (run: ProgramRun) => run.ofType(ASSOCIATION).map((r) => unwrap(r.inputs) as Record<string, any>);
const variables = (run: ProgramRun) =>
    (
        unwrap(
            run.ofType("aws:lambda/function:Function").find((f) => f.name === "reconciler-management")!.inputs
                .environment,
        ) as any
    ).variables;
const invocationInput = (run: ProgramRun) =>
    JSON.parse(unwrap(run.one("aws:lambda/invocation:Invocation").inputs.input) as string);
const doc = (value: unknown) => JSON.parse(unwrap(value) as string) as PolicyDocument;

describe("identityMode podIdentity in the program", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram({ ...baseConfig(), identityMode: "podIdentity" }, { fleet: FLEET });
    });

    it("creates one agent role trusted by EKS Pod Identity for this account and the agent's service account only, under the agents' boundary", () => {
        const role = run.ofType("aws:iam/role:Role").find((r) => r.name === "pod-identity")!;
        const inputs = unwrap(role.inputs) as any;
        assert.equal(inputs.name, "nops-ccost-prod-pod-identity");
        assert.equal(inputs.path, undefined, "root path: outside the per-cluster path the reconciler prunes");
        assert.match(
            String(inputs.permissionsBoundary),
            /policy\/container-insights\/prod\/nops-ccost-prod-agent-boundary|agent-boundary/,
        );
        assert.deepEqual(JSON.parse(inputs.assumeRolePolicy).Statement, [
            {
                Sid: "AllowEksAuthToAssumeRoleForPodIdentity",
                Effect: "Allow",
                Principal: { Service: "pods.eks.amazonaws.com" },
                Action: ["sts:AssumeRole", "sts:TagSession"],
                Condition: {
                    StringEquals: {
                        "aws:SourceAccount": ACCOUNT_ID,
                        "aws:RequestTag/kubernetes-namespace": NAMESPACE,
                        "aws:RequestTag/kubernetes-service-account": SERVICE_ACCOUNT,
                    },
                },
            },
        ]);
        const policy = run.ofType("aws:iam/rolePolicy:RolePolicy").find((r) => r.name === "pod-identity")!;
        const agentPolicy = doc(policy.inputs.policy);
        const boundary = doc(run.one("aws:iam/policy:Policy").inputs.policy);
        assert.deepEqual(agentPolicy, boundary, "the agent policy is the boundary: the same ceiling as the IRSA roles");
        assert.equal(unwrap(policy.inputs.name), "container-insights-agent");
    });

    it("registers one association per cluster that has the add-on, tagged as the program's, with no role annotation in the chart", () => {
        const registered = associations(run);
        assert.deepEqual(registered.map((a) => a.clusterName).sort(), ["no-issuer", "with-agent"]);
        for (const association of registered) {
            assert.equal(association.region, "us-east-1");
            assert.equal(association.namespace, NAMESPACE);
            assert.equal(association.serviceAccount, SERVICE_ACCOUNT);
            assert.match(association.roleArn, /role\/nops-ccost-prod-pod-identity$/);
            assert.equal(association.tags[STACK_TAG_KEY], STACK_ID);
            assert.equal(association.tags[MANAGED_BY_TAG_KEY], "pulumi");
            assert.equal(
                association.tags[CLUSTER_ARN_TAG_KEY],
                `arn:aws:eks:us-east-1:${ACCOUNT_ID}:cluster/${association.clusterName}`,
            );
            assert.equal(
                association.disableSessionTags,
                undefined,
                "session tags stay on: the trust policy needs them",
            );
        }
        assert.deepEqual(values(run, "with-agent").containerInsights.serviceAccount, {
            name: SERVICE_ACCOUNT,
        });
        assert.equal(run.ofType(ADDON).length, 0);
        assert.equal(
            run
                .ofType("aws:iam/role:Role")
                .filter((r) => String(unwrap(r.inputs.path) ?? "").includes("container-insights")).length,
            0,
        );
    });

    it("needs no OIDC issuer or provider, and skips a cluster without the add-on, saying how to fix it", () => {
        assert.equal(status(run, "no-issuer").status, "installed");
        assert.equal(status(run, "no-issuer").identityMode, "podIdentity");
        assert.equal(status(run, "with-agent").roleArn, undefined);
        const skipped = status(run, "oidc-only");
        assert.equal(skipped.status, "skipped");
        assert.match(
            skipped.reason!,
            /no eks-pod-identity-agent add-on \(install it, or set installPodIdentityAgent\)/,
        );
        assert.equal(
            run.invokes.filter((i) => i.token === "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider").length,
            0,
        );
    });

    it("tells the reconciler the mode and the role, and hands over exactly the clusters it registers", () => {
        const env = readEnvironment(variables(run));
        assert.equal(env.identityMode, "podIdentity");
        assert.equal(
            env.podIdentityRoleArn,
            podIdentityRoleArn({ accountId: ACCOUNT_ID, partition: "aws", stackName: "prod" }),
        );
        assert.deepEqual(
            handoverOf(invocationInput(run)),
            ["no-issuer", "with-agent"].map((n) => `arn:aws:eks:us-east-1:${ACCOUNT_ID}:cluster/${n}`),
        );
    });

    it("gives the reconciler exactly the Pod Identity statements, and keeps every deny (PassRole only for its role, only to Pod Identity)", () => {
        const scope: StackScope = {
            accountId: ACCOUNT_ID,
            partition: "aws",
            region: "us-east-1",
            stackName: "prod",
            stackId: "container-insights/prod",
            bucketName: `nops-container-cost-${ACCOUNT_ID}`,
            stateBucketName: STATE_BUCKET_NAME,
        };
        const reconciler = doc(
            run.ofType("aws:iam/rolePolicy:RolePolicy").find((r) => r.name === "reconciler")!.inputs.policy,
        );
        const tokenSecretArn = reconciler.Statement.find((s) => s.Sid === "ReadToken")!.Resource as string;
        const rules = roleRules(scope, "reconciler", {
            tokenSecretArn,
            associations: { stackId: STACK_ID },
            events: true,
        });
        assert.deepEqual(ruleViolations(reconciler, scope, rules, { passesPodIdentityRole: true }), []);
        assert.ok(!reconciler.Statement.some((s) => s.Action === "eks:DescribeAddon"), "only auto checks the add-on");
        const autoUpdate = doc(
            run.ofType("aws:iam/rolePolicy:RolePolicy").find((r) => r.name === "auto-update")!.inputs.policy,
        );
        assert.deepEqual(
            ruleViolations(autoUpdate, scope, roleRules(scope, "auto-update"), { identity: "auto-update" }),
            [],
            "the auto-update role keeps its deny on every PassRole",
        );
        assert.notDeepEqual(ruleViolations(reconciler, scope, rules), [], "the IRSA-only guards would not match");
        const widen = (changed: Partial<PolicyStatement>) => ({
            ...reconciler,
            Statement: reconciler.Statement.map((s) => (s.Sid === "PassPodIdentityRole" ? { ...s, ...changed } : s)),
        });
        for (const variant of [
            { Resource: "*" },
            { Condition: undefined },
            { Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } } },
        ]) {
            assert.notDeepEqual(
                ruleViolations(widen(variant), scope, rules, { passesPodIdentityRole: true }),
                [],
                JSON.stringify(variant),
            );
        }
        const dropped = {
            ...reconciler,
            Statement: reconciler.Statement.filter((s) => s.Sid !== "DenyPassRoleButPodIdentityRole"),
        };
        assert.notDeepEqual(ruleViolations(dropped, scope, rules, { passesPodIdentityRole: true }), []);
        for (const sid of [
            "CreateOwnPodIdentityAssociations",
            "TagOwnPodIdentityAssociations",
            "UpdateOwnPodIdentityAssociations",
            "DeleteOwnPodIdentityAssociations",
        ]) {
            const loosened = {
                ...reconciler,
                Statement: reconciler.Statement.map((s) => (s.Sid === sid ? { ...s, Condition: undefined } : s)),
            };
            assert.notDeepEqual(ruleViolations(loosened, scope, rules, { passesPodIdentityRole: true }), [], sid);
        }
    });

    it("makes each association wait for the reconciler's deploy-time run (the handover), and the chart for the association", async () => {
        const dependencies = new Map<string, string[]>();
        await runProgram(
            { ...baseConfig(), identityMode: "podIdentity" },
            {
                fleet: { "us-east-1": [{ name: "alpha", podIdentityAgent: true }] },
                transformation: (args) => {
                    if (args.type === ASSOCIATION || args.type === CHART) {
                        const deps = (args.opts.dependsOn ?? []) as pulumi.Resource[];
                        dependencies.set(
                            args.type,
                            deps.map((d) => (d as unknown as { __pulumiType: string }).__pulumiType),
                        );
                    }
                    return undefined;
                },
            },
        );
        assert.deepEqual(dependencies.get(ASSOCIATION), ["aws:lambda/invocation:Invocation"]);
        assert.deepEqual(dependencies.get(CHART), [
            "aws:lambda/invocation:Invocation",
            "container-insights:cluster:AgentPodIdentity",
        ]);
    });

    it("installs the add-on where it is missing when installPodIdentityAgent is on", async () => {
        const addonOptions: pulumi.CustomResourceOptions[] = [];
        const withAddon = await runProgram(
            { ...baseConfig(), identityMode: "podIdentity", installPodIdentityAgent: "true" },
            {
                fleet: FLEET,
                transformation: (args) => {
                    if (args.type === ADDON) {
                        addonOptions.push(args.opts as pulumi.CustomResourceOptions);
                    }
                    return undefined;
                },
            },
        );
        // A cluster-wide add-on other workloads may rely on: a destroy or a deselected cluster leaves it in place.
        assert.deepEqual(
            addonOptions.map((o) => o.retainOnDelete),
            [true, true],
        );
        const addons = withAddon.ofType(ADDON).map((r) => unwrap(r.inputs) as any);
        assert.deepEqual(addons.map((a) => [a.clusterName, a.addonName, a.region]).sort(), [
            ["neither", "eks-pod-identity-agent", "us-east-1"],
            ["oidc-only", "eks-pod-identity-agent", "us-east-1"],
        ]);
        assert.equal(associations(withAddon).length, 4);
        assert.equal(status(withAddon, "oidc-only").identityMode, "podIdentity");
    });
});

describe("identityMode auto in the program", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram({ ...baseConfig(), identityMode: "auto" }, { fleet: FLEET });
    });

    it("says per cluster which identity it got: Pod Identity where the add-on is, IRSA where the OIDC provider is, else skipped", () => {
        assert.deepEqual(
            statuses(run)
                .map((s) => [s.name, s.status, s.identityMode ?? "-"])
                .sort(),
            [
                ["neither", "skipped", "-"],
                ["no-issuer", "installed", "podIdentity"],
                ["oidc-only", "installed", "irsa"],
                ["with-agent", "installed", "podIdentity"],
            ],
        );
        assert.match(
            status(run, "neither").reason!,
            /neither the eks-pod-identity-agent add-on nor a registered IAM OIDC provider/,
        );
        assert.match(
            status(run, "oidc-only").roleArn!,
            /role\/container-insights\/prod\/nops-ccost-oidc-only_us-east-1$/,
        );
        assert.equal(
            values(run, "oidc-only").containerInsights.serviceAccount.annotations["eks.amazonaws.com/role-arn"],
            status(run, "oidc-only").roleArn,
        );
        assert.deepEqual(values(run, "with-agent").containerInsights.serviceAccount, {
            name: SERVICE_ACCOUNT,
        });
        assert.deepEqual(
            associations(run)
                .map((a) => a.clusterName)
                .sort(),
            ["no-issuer", "with-agent"],
        );
    });

    it("reuses the fleet pass's checks: one add-on lookup per cluster and one OIDC lookup per issuer, nothing twice", () => {
        const addonLookups = run.invokes.filter(
            (i) => i.token === "aws:eks/getAddon:getAddon" && i.inputs.addonName === "eks-pod-identity-agent",
        );
        assert.equal(addonLookups.length, 4);
        const oidc = run.invokes.filter((i) => i.token === "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider");
        assert.equal(oidc.length, 3, "the three clusters with an issuer");
        assert.equal(readEnvironment(variables(run)).identityMode, "auto");
    });

    it("keeps a cluster's identity from the last deploy when a check fails", async () => {
        const previous = { clusters: statuses(run) };
        const failing = await runProgram(
            { ...baseConfig(), identityMode: "auto" },
            {
                fleet: FLEET,
                previousOutputs: previous,
                call: (invoke) => {
                    if (
                        invoke.token === "aws:eks/getAddon:getAddon" &&
                        invoke.inputs.addonName === "eks-pod-identity-agent"
                    ) {
                        throw new Error("ThrottlingException: Rate exceeded");
                    }
                    return undefined;
                },
            },
        );
        assert.equal(status(failing, "with-agent").identityMode, "podIdentity");
        assert.match(status(failing, "with-agent").reason!, /keeps podIdentity from the last deploy/);
        assert.equal(status(failing, "oidc-only").identityMode, "irsa");
        assert.equal(status(failing, "neither").status, "skipped");
    });
});

describe("a deploy, then a scheduled run, against the stateful fake", () => {
    it("makes zero writes after the program's associations exist: the deploy-time run handed over, the schedule leaves them", async () => {
        const run = await runProgram(
            { ...baseConfig(), identityMode: "podIdentity" },
            {
                fleet: {
                    "us-east-1": [
                        { name: "alpha", podIdentityAgent: true },
                        { name: "beta", podIdentityAgent: true },
                    ],
                },
            },
        );
        const world = fakeWorld();
        try {
            world.account.addCluster("us-east-1", "alpha", { addons: ["eks-pod-identity-agent"] });
            world.account.addCluster("us-east-1", "beta", { addons: ["eks-pod-identity-agent"] });
            world.account.addCluster("us-east-1", "gamma", { addons: ["eks-pod-identity-agent"] }); // appeared after discovery
            const env = { ...readEnvironment(variables(run)), boundaryPolicyArn: BOUNDARY_ARN };
            // Between deploys, a scheduled run had made alpha's association.
            await reconcile(
                { ...env, clusters: { include: ["alpha"], exclude: [], tags: {} } },
                world.gateway(),
                recordingLog(),
            );
            assert.equal(world.account.associationsOf("us-east-1", "alpha").length, 1);

            const deploy = await reconcile(
                { ...env, handover: handoverOf(invocationInput(run)) },
                world.gateway(),
                recordingLog(),
            );
            assert.equal(deploy.counts.failed, 0);
            assert.equal(world.account.associationsOf("us-east-1", "alpha").length, 0, "handed over");
            assert.equal(
                world.account.associationsOf("us-east-1", "gamma").length,
                1,
                "the reconciler's: the program did not discover it",
            );
            // Then Pulumi creates the program's associations, as registered.
            for (const a of associations(run)) {
                await world.account.handle(
                    "CreatePodIdentityAssociation",
                    { ...a, roleArn: env.podIdentityRoleArn },
                    a.region,
                );
            }
            const before = world.account.calls.length;
            const scheduled = await reconcile(env, world.gateway(), recordingLog());
            assert.equal(scheduled.writes, 0);
            assert.deepEqual(
                world.account.calls.slice(before).filter((c) => /^(Create|Update|Delete|Put|Tag)/.test(c.operation)),
                [],
            );
            assert.deepEqual(
                scheduled.results
                    .filter((r) => r.associationId)
                    .map((r) => [r.cluster, r.outcome])
                    .sort(),
                [
                    ["alpha", "unchanged"],
                    ["beta", "unchanged"],
                    ["gamma", "unchanged"],
                ],
            );
        } finally {
            world.restore();
        }
    });
});

describe("identityMode iamUser", () => {
    it("is what createIamUser true always meant", async () => {
        // One program run at a time: the mocks are process-wide.
        const byMode = await runProgram({ ...baseConfig(), identityMode: "iamUser" }, { fleet: FLEET });
        const byFlag = await runProgram({ ...baseConfig(), createIamUser: "true" }, { fleet: FLEET });
        for (const run of [byMode, byFlag]) {
            assert.equal(run.ofType("aws:iam/user:User").length, 1);
            assert.equal(run.ofType("aws:lambda/function:Function").length, 0);
            assert.ok(
                statuses(run)
                    .filter((s) => s.status !== "skipped")
                    .every((s) => s.identityMode === "iamUser"),
            );
        }
    });
});
