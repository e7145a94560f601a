/** Fargate Container Insights, piece by piece: IAM documents, manifests, detection and the per-cluster decision. */
import { strict as assert } from "node:assert";
import { parse } from "yaml";
import { Check } from "../components/cluster/checks";
import { AgentPlan } from "../components/cluster/fleet";
import { ClusterStatus, DiscoveredCluster } from "../components/cluster/types";
import { collectorLogsPolicy, fargatePodExecutionTrust } from "../components/addons/fargateInsights/documents";
import { COLLECTOR_RULES, fargateManifests } from "../components/addons/fargateInsights/manifests";
import {
    FargateDecision,
    FargateLookups,
    inAddonScope,
    planFargateInsights,
} from "../components/addons/fargateInsights/plan";
import { FargateInsightsOptions } from "../components/addons/fargateInsights/plan";
import { firstOtherProfile } from "../components/addons/fargateInsights/profiles";
import { routesToInternetGateway } from "../components/addons/fargateInsights/privateSubnets";
import { addonRoleArnPattern, addonRoleName, addonRolePath, clusterRolePath } from "../common/naming";
import { simulateIdentity } from "./iamSimulator";

const SCOPE = { partition: "aws", accountId: "111122223333", region: "eu-west-1" };
const GROUP = "/aws/containerinsights/shop/performance";

describe("Fargate Container Insights: IAM", () => {
    it("the pod execution role trusts only the Fargate pods service, for this cluster's Fargate profiles", () => {
        assert.deepEqual(fargatePodExecutionTrust({ ...SCOPE, clusterName: "shop" }), {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Service: "eks-fargate-pods.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: {
                        ArnLike: { "aws:SourceArn": "arn:aws:eks:eu-west-1:111122223333:fargateprofile/shop/*" },
                    },
                },
            ],
        });
    });

    it("the collector may write its EMF events to the cluster's performance group and nowhere else", async () => {
        const document = collectorLogsPolicy(SCOPE, GROUP);
        const group = `arn:aws:logs:eu-west-1:111122223333:log-group:${GROUP}`;
        const allowed = async (action: string, resource: string) =>
            (await simulateIdentity(document, { action, resource, context: {} })) === "Allow";
        assert.ok(await allowed("logs:PutLogEvents", `${group}:log-stream:adot-collector-0`));
        // CreateLogStream is authorized on the new stream (Service Authorization Reference).
        assert.ok(await allowed("logs:CreateLogStream", `${group}:log-stream:adot-collector-0`));
        for (const action of ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:DeleteLogGroup"]) {
            assert.ok(!(await allowed(action, group)), action);
        }
        for (const action of ["logs:DescribeLogGroups", "cloudwatch:PutMetricData"]) {
            assert.ok(!(await allowed(action, "*")), action); // no resource-level permissions
        }
        assert.ok(
            !(await allowed(
                "logs:PutLogEvents",
                "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/containerinsights/other/performance:log-stream:x",
            )),
        );
        assert.ok(
            !(await allowed(
                "logs:PutLogEvents",
                `arn:aws:logs:us-east-1:111122223333:log-group:${GROUP}:log-stream:x`,
            )),
            "other region",
        );
        assert.ok(
            !(await allowed(
                "logs:PutLogEvents",
                "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/containerinsights/shop/performance-other:log-stream:x",
            )),
        );
        assert.deepEqual([document.Statement[0].Action].flat().sort(), ["logs:CreateLogStream", "logs:PutLogEvents"]);
    });

    it("names the add-on roles within IAM's 64 characters, per cluster and region, outside the reconciler's path", () => {
        const long = "a-very-long-cluster-name-that-goes-on-and-on-and-on-beyond-the-limit";
        for (const purpose of ["fargate-pods", "adot-collector"]) {
            const name = addonRoleName(purpose, long, "eu-west-1");
            assert.ok(name.length <= 64, name);
            assert.match(name, new RegExp(`^${purpose}-a-very-long`));
            assert.notEqual(name, addonRoleName(purpose, long, "us-east-1"), "same cluster name in another region");
            assert.match(
                addonRoleArnPattern({ ...SCOPE, stackName: "prod", purpose }),
                new RegExp(`:role/container-insights-addons/prod/${purpose}-\\*$`),
            );
        }
        assert.equal(addonRoleName("adot-collector", "shop", "eu-west-1").length, "adot-collector-shop-".length + 8);
        assert.ok(
            !addonRolePath("prod").startsWith(clusterRolePath("prod")),
            "the reconciler takes every role under its path for its own",
        );
    });
});

describe("Fargate Container Insights: the Kubernetes objects", () => {
    const manifests = fargateManifests({
        clusterName: "shop",
        region: "eu-west-1",
        roleArn: "arn:aws:iam::111122223333:role/container-insights-addons/prod/adot-collector-shop-12345678",
        image: "public.ecr.aws/aws-observability/aws-otel-collector:v0.49.0@sha256:" + "a".repeat(64),
    });
    const pod = manifests.statefulSet.spec.template.spec;

    it("grants exactly upstream's ClusterRole rules, bound to the collector's service account", () => {
        assert.deepEqual(manifests.clusterRole.rules, [
            {
                apiGroups: [""],
                resources: ["nodes", "nodes/proxy", "nodes/metrics", "services", "endpoints", "pods", "pods/proxy"],
                verbs: ["get", "list", "watch"],
            },
            { nonResourceURLs: ["/metrics/cadvisor"], verbs: ["get", "list", "watch"] },
        ]);
        assert.equal(manifests.clusterRole.rules, COLLECTOR_RULES);
        assert.deepEqual(manifests.clusterRoleBinding.subjects, [
            { kind: "ServiceAccount", name: "adot-collector", namespace: "fargate-container-insights" },
        ]);
        assert.deepEqual(manifests.clusterRoleBinding.roleRef, {
            kind: "ClusterRole",
            name: manifests.clusterRole.metadata.name,
            apiGroup: "rbac.authorization.k8s.io",
        });
        assert.notEqual(
            manifests.clusterRole.metadata.name,
            "adotcol-admin-role",
            "not the name other ADOT manifests use",
        );
    });

    it("annotates the service account with the collector's IRSA role", () => {
        assert.equal(manifests.serviceAccount.metadata.name, "adot-collector");
        assert.equal(manifests.serviceAccount.metadata.namespace, "fargate-container-insights");
        assert.deepEqual(manifests.serviceAccount.metadata.annotations, {
            "eks.amazonaws.com/role-arn":
                "arn:aws:iam::111122223333:role/container-insights-addons/prod/adot-collector-shop-12345678",
        });
    });

    it("runs one collector as the image's non-root user, with the configuration mounted where its command reads it", () => {
        assert.equal(manifests.statefulSet.spec.replicas, 1);
        assert.equal(manifests.statefulSet.spec.serviceName, manifests.service.metadata.name);
        assert.equal(pod.serviceAccountName, "adot-collector");
        const [container] = pod.containers;
        assert.equal(pod.containers.length, 1);
        assert.match(
            container.image,
            /^public\.ecr\.aws\/aws-observability\/aws-otel-collector:v0\.49\.0@sha256:[0-9a-f]{64}$/,
        );
        assert.deepEqual(container.command, ["/awscollector", "--config=/conf/adot-collector-config.yaml"]);
        assert.deepEqual(container.env, [{ name: "OTEL_RESOURCE_ATTRIBUTES", value: "ClusterName=shop" }]);
        assert.deepEqual(container.volumeMounts, [{ name: "adot-collector-config-volume", mountPath: "/conf" }]);
        assert.deepEqual(pod.volumes, [
            {
                name: "adot-collector-config-volume",
                configMap: {
                    name: "adot-collector-config",
                    items: [{ key: "adot-collector-config", path: "adot-collector-config.yaml" }],
                },
            },
        ]);
        assert.equal(parse(manifests.configMap.data["adot-collector-config"]).exporters.awsemf.log_group_name, GROUP);
        assert.deepEqual(pod.securityContext, {
            runAsNonRoot: true,
            runAsUser: 4317,
            runAsGroup: 4317,
            fsGroup: 4317,
            seccompProfile: { type: "RuntimeDefault" },
        });
        assert.deepEqual(container.securityContext, {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
            runAsNonRoot: true,
        });
    });

    it("rolls the collector when its configuration changes", () => {
        const other = fargateManifests({ clusterName: "shop", region: "us-east-1", roleArn: "r", image: "i" });
        const checksum = (m: typeof manifests) => m.statefulSet.spec.template.metadata.annotations["checksum/config"];
        assert.match(checksum(manifests), /^[0-9a-f]{64}$/);
        assert.notEqual(checksum(other), checksum(manifests));
    });
});

describe("Fargate Container Insights: lookups", () => {
    async function* pages(...lists: string[][]) {
        for (const list of lists) {
            yield { fargateProfileNames: list };
        }
    }

    it("a cluster runs Fargate when it has a profile other than the add-on's own, on any page", async () => {
        assert.equal(await firstOtherProfile(pages([])), undefined);
        assert.equal(
            await firstOtherProfile(pages(["container-insights-adot"])),
            undefined,
            "its own profile does not count",
        );
        assert.equal(await firstOtherProfile(pages(["container-insights-adot"], [], ["apps"])), "apps");
        assert.equal(
            await firstOtherProfile(pages(["fargate-container-insights"])),
            "fargate-container-insights",
            "a hand-made reference setup's profile is another one",
        );
        let read = 0;
        async function* counting() {
            for (const list of [["apps"], ["more"]]) {
                read++;
                yield { fargateProfileNames: list };
            }
        }
        assert.equal(await firstOtherProfile(counting()), "apps");
        assert.equal(read, 1, "stops at the first page with one");
    });

    it("a subnet is public when its route table sends traffic straight to an internet gateway", () => {
        assert.ok(routesToInternetGateway([{ gatewayId: "" }, { gatewayId: "igw-0abc" }]));
        assert.ok(!routesToInternetGateway([{ gatewayId: "" }]), "NAT gateway route");
        assert.ok(!routesToInternetGateway([{ gatewayId: "vgw-0abc" }]), "VPN gateway");
        assert.ok(!routesToInternetGateway([]));
    });
});

const OPTIONS: FargateInsightsOptions = {
    enabled: true,
    include: [],
    exclude: [],
    alwaysInclude: [],
    logRetentionDays: 30,
};
const ISSUER = (name: string) => `https://oidc.eks.eu-west-1.amazonaws.com/id/${name.toUpperCase()}`;

function agent(name: string, extra: Partial<DiscoveredCluster> = {}, previous?: ClusterStatus): AgentPlan {
    return {
        cluster: {
            name,
            region: "eu-west-1",
            arn: `arn:aws:eks:eu-west-1:111122223333:cluster/${name}`,
            status: "ACTIVE",
            endpoint: "https://x",
            certificateAuthority: "ca",
            oidcIssuer: ISSUER(name),
            tags: {},
            vpcId: `vpc-${name}`,
            subnetIds: [`subnet-${name}-b`, `subnet-${name}-a`, `subnet-${name}-pub`],
            ...extra,
        },
        status: extra.status === "UNKNOWN" ? "kept" : "installed",
        previous,
    };
}

function lookups(
    overrides: Partial<FargateLookups> & { profile?: Record<string, string | Error> } = {},
): FargateLookups {
    return {
        profiles: async (cluster) => {
            const answer = overrides.profile?.[cluster.name] ?? "apps";
            if (answer instanceof Error) {
                throw answer;
            }
            return answer === "" ? undefined : answer;
        },
        oidcProvider: async () => ({ found: true }),
        subnets: async ({ subnetIds }) => ({
            privateSubnetIds: subnetIds.filter((s) => !s.endsWith("-pub")),
            publicSubnetIds: subnetIds.filter((s) => s.endsWith("-pub")),
        }),
        logGroup: async () => "absent",
        ...overrides,
    } as FargateLookups;
}

const plan = (
    agents: AgentPlan[],
    options: Partial<FargateInsightsOptions> = {},
    l = lookups(),
    oidcChecks = new Map<string, Check>(),
) => planFargateInsights({ options: { ...OPTIONS, ...options }, agents, oidcChecks, lookups: l });
const decision = (decisions: Map<string, FargateDecision>, name: string) => decisions.get(`eu-west-1/${name}`);
const previousWith = (
    name: string,
    record?: { subnetIds: string[]; oidcIssuer: string; existingLogGroup?: boolean },
): ClusterStatus => ({
    name,
    region: "eu-west-1",
    arn: "a",
    status: "installed",
    ...(record ? { fargateInsights: { status: "installed", ...record } } : {}),
});

describe("Fargate Container Insights: which clusters get it", () => {
    it("does nothing while addons.fargateInsights.enabled is false", async () => {
        assert.equal((await plan([agent("shop")], { enabled: false })).size, 0);
    });

    it("installs where a Fargate profile exists, with the private subnets (sorted) and the cluster's issuer", async () => {
        const decisions = await plan([agent("shop"), agent("batch")], {}, lookups({ profile: { batch: "" } }));
        assert.deepEqual(decision(decisions, "shop"), {
            status: "installed",
            record: { subnetIds: ["subnet-shop-a", "subnet-shop-b"], oidcIssuer: ISSUER("shop") },
        });
        assert.deepEqual(decision(decisions, "batch"), {
            status: "skipped",
            reason: "the cluster has no Fargate profile (addons.fargateInsights.alwaysInclude installs it anyway)",
            warn: false,
        });
    });

    it("applies include, exclude (which wins) and alwaysInclude (no profile needed) within the agent's clusters", async () => {
        assert.ok(inAddonScope("shop", { include: [], exclude: [], alwaysInclude: [] }));
        assert.ok(!inAddonScope("shop", { include: ["batch-*"], exclude: [], alwaysInclude: [] }));
        assert.ok(inAddonScope("shop", { include: ["batch-*"], exclude: [], alwaysInclude: ["sh*"] }));
        assert.ok(!inAddonScope("shop", { include: [], exclude: ["sh*"], alwaysInclude: ["shop"] }));
        const decisions = await plan(
            [agent("shop"), agent("batch-1"), agent("batch-2")],
            { include: ["batch-*"], exclude: ["batch-2"], alwaysInclude: ["batch-1"] },
            lookups({ profile: { "batch-1": "" } }),
        );
        assert.deepEqual([...decisions.keys()], ["eu-west-1/batch-1"]);
        assert.equal(decision(decisions, "batch-1")!.status, "installed", "opted in by glob without a profile");
    });

    it("needs IRSA even with Pod Identity: skips with the eksctl command when the OIDC provider is missing", async () => {
        const decisions = await plan(
            [agent("shop"), agent("bare", { oidcIssuer: undefined })],
            {},
            lookups({ oidcProvider: async () => ({ found: false }) }),
        );
        const skipped = decision(decisions, "shop") as { status: string; reason: string; warn: boolean };
        assert.equal(skipped.status, "skipped");
        assert.equal(skipped.warn, true);
        assert.match(
            skipped.reason,
            /IAM OIDC provider for https:\/\/oidc\.eks\.eu-west-1\.amazonaws\.com\/id\/SHOP is not registered/,
        );
        assert.match(skipped.reason, /EKS Pod Identity does not support Fargate pods/);
        assert.match(
            skipped.reason,
            /eksctl utils associate-iam-oidc-provider --cluster shop --region eu-west-1 --approve/,
        );
        assert.match((decision(decisions, "bare") as { reason: string }).reason, /no OIDC issuer/);
    });

    it("uses the fleet's own OIDC checks before asking again", async () => {
        let asked = 0;
        const checks = new Map<string, Check>([[ISSUER("shop"), { found: true }]]);
        const decisions = await plan(
            [agent("shop")],
            {},
            lookups({ oidcProvider: async () => (asked++, { found: false }) }),
            checks,
        );
        assert.equal(decision(decisions, "shop")!.status, "installed");
        assert.equal(asked, 0);
    });

    it("skips, with the public subnets named, a cluster none of whose subnets is private", async () => {
        const l = lookups({ subnets: async ({ subnetIds }) => ({ privateSubnetIds: [], publicSubnetIds: subnetIds }) });
        const skipped = decision(await plan([agent("shop")], {}, l), "shop") as { reason: string; warn: boolean };
        assert.match(
            skipped.reason,
            /none of the cluster's subnets is private .*subnet-shop-b, subnet-shop-a, subnet-shop-pub.*private subnets only/,
        );
        assert.equal(skipped.warn, true);
    });

    it("uses an existing performance log group that is not the stack's without managing it, and manages its own", async () => {
        const owners: Record<string, "absent" | "ours" | "foreign"> = { shop: "foreign", cart: "ours", blog: "absent" };
        const asked: string[] = [];
        const l = lookups({
            logGroup: async ({ region, name }) => {
                asked.push(`${region} ${name}`);
                return owners[name.split("/")[3]];
            },
        });
        const decisions = await plan([agent("shop"), agent("cart"), agent("blog")], {}, l);
        assert.equal((decision(decisions, "shop") as any).record.existingLogGroup, true);
        assert.equal((decision(decisions, "cart") as any).record.existingLogGroup, undefined);
        assert.equal((decision(decisions, "blog") as any).record.existingLogGroup, undefined);
        assert.ok(asked.includes("eu-west-1 /aws/containerinsights/shop/performance"), asked.join());
        const kept = decision(
            await plan(
                [
                    agent(
                        "shop",
                        {},
                        previousWith("shop", {
                            subnetIds: ["subnet-old"],
                            oidcIssuer: ISSUER("shop"),
                            existingLogGroup: true,
                        }),
                    ),
                ],
                {},
                lookups({ profile: { shop: new Error("Throttling") } }),
            ),
            "shop",
        ) as any;
        assert.equal(kept.record.existingLogGroup, true, "a kept cluster keeps not managing it");
    });

    describe("when something cannot be read now", () => {
        const record = { subnetIds: ["subnet-old-a"], oidcIssuer: ISSUER("shop") };
        const failures: Array<
            [string, Partial<FargateLookups> & { profile?: Record<string, string | Error> }, RegExp]
        > = [
            [
                "profiles",
                { profile: { shop: new Error("AccessDeniedException: eks:ListFargateProfiles") } },
                /Fargate profiles could not be listed \(AccessDeniedException: eks:ListFargateProfiles\)/,
            ],
            [
                "OIDC provider",
                { oidcProvider: async () => ({ error: "Throttling" }) },
                /IAM OIDC provider could not be checked \(Throttling\)/,
            ],
            [
                "route tables",
                { subnets: async () => ({ error: "UnauthorizedOperation" }) },
                /route tables could not be read \(UnauthorizedOperation\)/,
            ],
            [
                "log group",
                { logGroup: async () => ({ error: "AccessDeniedException" }) },
                /performance log group could not be looked up \(AccessDeniedException\)/,
            ],
        ];
        for (const [what, failing, reason] of failures) {
            it(`${what}: keeps what the last deploy installed, else waits with a warning`, async () => {
                const kept = decision(
                    await plan([agent("shop", {}, previousWith("shop", record))], {}, lookups(failing)),
                    "shop",
                ) as any;
                assert.equal(kept.status, "kept");
                assert.deepEqual(kept.record, record);
                assert.match(kept.reason, reason);
                const waits = decision(
                    await plan([agent("shop", {}, previousWith("shop"))], {}, lookups(failing)),
                    "shop",
                ) as any;
                assert.equal(waits.status, "skipped");
                assert.equal(waits.warn, true);
                assert.match(waits.reason, reason);
            });
        }

        it("a cluster kept from the last deploy (unreadable or FAILED) keeps its add-on as recorded, and reads nothing", async () => {
            const none = lookups({
                profiles: undefined,
                oidcProvider: async () => assert.fail("asked"),
                subnets: async () => assert.fail("asked"),
            });
            for (const status of ["UNKNOWN", "FAILED"]) {
                const kept = decision(
                    await plan([agent("shop", { status }, previousWith("shop", record))], {}, none),
                    "shop",
                ) as any;
                assert.deepEqual([kept.status, kept.record], ["kept", record], status);
                const nothing = decision(
                    await plan([agent("shop", { status }, previousWith("shop"))], {}, none),
                    "shop",
                ) as any;
                assert.deepEqual([nothing.status, nothing.warn], ["skipped", false], status);
            }
        });

        it("without a way to list Fargate profiles, only alwaysInclude clusters qualify", async () => {
            const decisions = await plan(
                [agent("shop"), agent("opted")],
                { alwaysInclude: ["opted"] },
                lookups({ profiles: undefined }),
            );
            assert.equal(decision(decisions, "opted")!.status, "installed");
            assert.match((decision(decisions, "shop") as any).reason, /Fargate profiles cannot be listed/);
        });
    });
});
