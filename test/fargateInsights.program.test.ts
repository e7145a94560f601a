/** Container Insights for EKS Fargate as the program installs it, under mocks. */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { serializeLock } from "../images/lock";
import { UNPINNED_WARNING } from "../images/pin";
import { DEFAULT_EXCEPTIONS } from "../policies/kubernetes/exceptions";
import { ClusterLine } from "../program/options";
import { policies } from "../policies/policies";
import { checkResources } from "../policies/offline/engine";
import { effectiveConfig } from "../policies/offline/policyConfig";
import { testImageLock, fakeDigest } from "./fakes/imageLock";
import {
    ACCOUNT_ID,
    Fleet,
    Invoke,
    ProgramRun,
    Registration,
    baseConfig,
    doc,
    invokeError,
    runProgram,
    unwrap,
} from "./harness";

const FARGATE = "container-insights:addons:FargateInsights";
const PROFILE = "aws:eks/fargateProfile:FargateProfile";
const ROLE = "aws:iam/role:Role";
const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
const IMAGE = "public.ecr.aws/aws-observability/aws-otel-collector";

const FLEET: Fleet = {
    "us-east-1": [
        { name: "shop", fargateProfiles: [["fp-default", "apps"]] },
        { name: "ec2-only" },
        {
            name: "public-only",
            fargateProfiles: [["apps"]],
            subnets: [
                { id: "subnet-pub1", public: true },
                { id: "subnet-pub2", routeTable: "main" },
            ],
            mainRouteTablePublic: true,
        },
    ],
    "eu-west-1": [
        {
            name: "implicit",
            fargateProfiles: [["fargate-container-insights"], ["batch"]],
            subnets: [
                { id: "subnet-main1", routeTable: "main" },
                { id: "subnet-own-pub", public: true },
            ],
        },
    ],
};
const ENABLED = {
    ...baseConfig(),
    includeRegions: "us-east-1,eu-west-1",
    "addons.fargateInsights.enabled": "true",
    "addons.fargateInsights.logRetentionDays": "90",
};
const ISSUER_HOST = (region: string, name: string) =>
    `oidc.eks.${region}.amazonaws.com/id/${Buffer.from(`${region}/${name}`).toString("hex").toUpperCase().slice(0, 32)}`;

const statuses = (run: ProgramRun) => run.outputs.clusters.value as ClusterLine[];
const statusOf = (run: ProgramRun, name: string) => statuses(run).find((s) => s.name === name)!;
const inputs = (r: Registration) => unwrap(r.inputs) as Record<string, any>;
const named = (run: ProgramRun, type: string, name: string) => {
    const found = run.ofType(type).filter((r) => r.name === name);
    assert.equal(found.length, 1, `${type} ${name}`);
    return found[0];
};

/** Resource options as the engine would get them (mocks do not show parent, provider or dependsOn), by `<type>::<name>`. */
function recordingOptions() {
    const options = new Map<string, pulumi.CustomResourceOptions>();
    const transformation: pulumi.ResourceTransformation = (args) => {
        options.set(`${args.type}::${args.name}`, args.opts);
        return undefined;
    };
    return { options, transformation };
}
const typeOf = (resource: unknown) => (resource as { __pulumiType: string }).__pulumiType;

describe("Container Insights for EKS Fargate in the program", () => {
    let run: ProgramRun;
    let options: Map<string, pulumi.CustomResourceOptions>;
    before(async () => {
        const recording = recordingOptions();
        options = recording.options;
        run = await runProgram(ENABLED, { fleet: FLEET, transformation: recording.transformation });
    });

    it("is installed where a Fargate profile other than its own exists and a subnet is private, as a child of the ClusterAgent", () => {
        assert.deepEqual(
            run
                .ofType(FARGATE)
                .map((r) => r.name)
                .sort(),
            ["eu-west-1-implicit-fargate-insights", "us-east-1-shop-fargate-insights"],
        );
        const parent = options.get(`${FARGATE}::us-east-1-shop-fargate-insights`)!.parent!;
        assert.equal(typeOf(parent), "container-insights:cluster:ClusterAgent");
        assert.equal((parent as unknown as { __name: string }).__name, "us-east-1-shop");
    });

    it("lists it in the clusters output: installed with its subnets and issuer, or skipped with the reason", () => {
        const shop = statusOf(run, "shop");
        assert.deepEqual(shop.addons, ["fargateInsights"]);
        assert.deepEqual(shop.fargateInsights, {
            status: "installed",
            subnetIds: [
                `subnet-${ISSUER_HOST("us-east-1", "shop").slice(-8).toLowerCase()}a`,
                `subnet-${ISSUER_HOST("us-east-1", "shop").slice(-8).toLowerCase()}b`,
            ],
            oidcIssuer: `https://${ISSUER_HOST("us-east-1", "shop")}`,
        });
        assert.deepEqual(statusOf(run, "ec2-only").addons, []);
        assert.equal(statusOf(run, "ec2-only").fargateInsights!.status, "skipped");
        assert.match(statusOf(run, "ec2-only").fargateInsights!.reason!, /no Fargate profile/);
        assert.match(
            statusOf(run, "public-only").fargateInsights!.reason!,
            /none of the cluster's subnets is private \(each routes to an internet gateway: subnet-pub1, subnet-pub2\)/,
        );
        assert.deepEqual(
            statusOf(run, "implicit").fargateInsights!.subnetIds,
            ["subnet-main1"],
            "the main route table decides for a subnet without its own",
        );
    });

    it("gives the namespace a Fargate profile on the cluster's private subnets, with its own pod execution role", () => {
        const profile = inputs(named(run, PROFILE, "us-east-1-shop-fargate-insights"));
        assert.equal(profile.clusterName, "shop");
        assert.equal(profile.region, "us-east-1");
        assert.equal(
            profile.fargateProfileName,
            "container-insights-adot",
            "not the hand-run reference setup's fargate-container-insights",
        );
        assert.deepEqual(profile.selectors, [{ namespace: "fargate-container-insights" }]);
        assert.deepEqual(profile.subnetIds, statusOf(run, "shop").fargateInsights!.subnetIds);
        assert.ok(!profile.subnetIds!.some((s: string) => s.endsWith("c")), "never the public subnet");
        const role = named(run, ROLE, "us-east-1-shop-fargate-insights-fargate-pods");
        assert.equal(profile.podExecutionRoleArn, role.state.arn);
        const profileOptions = options.get(`${PROFILE}::us-east-1-shop-fargate-insights`)!;
        assert.equal(profileOptions.deleteBeforeReplace, true, "immutable, with a fixed name");
        assert.deepEqual((profileOptions.dependsOn as pulumi.Resource[]).map(typeOf), [
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        ]);
        assert.equal(inputs(role).path, "/container-insights-addons/prod/");
        assert.match(inputs(role).name, /^fargate-pods-shop-[0-9a-f]{8}$/);
        assert.deepEqual(doc(role.inputs.assumeRolePolicy).Statement, [
            {
                Effect: "Allow",
                Principal: { Service: "eks-fargate-pods.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: {
                    ArnLike: { "aws:SourceArn": `arn:aws:eks:us-east-1:${ACCOUNT_ID}:fargateprofile/shop/*` },
                },
            },
        ]);
        const attachment = inputs(
            named(
                run,
                "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                "us-east-1-shop-fargate-insights-fargate-pods",
            ),
        );
        assert.deepEqual(attachment, {
            role: inputs(role).name,
            policyArn: "arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy",
        });
        assert.equal(
            run.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.name.includes("fargate-pods")).length,
            0,
            "no inline permissions beside the managed policy",
        );
    });

    it("creates the performance log group in the cluster's region with the configured retention", () => {
        const group = inputs(
            named(run, "aws:cloudwatch/logGroup:LogGroup", "eu-west-1-implicit-fargate-insights-performance"),
        );
        assert.deepEqual(
            [group.name, group.region, group.retentionInDays],
            ["/aws/containerinsights/implicit/performance", "eu-west-1", 90],
        );
        assert.equal(group.tags["container-insights:stack"], "container-insights/prod");
    });

    it("gives the collector an IRSA role that may only write that log group", () => {
        const role = named(run, ROLE, "us-east-1-shop-fargate-insights-collector");
        const host = ISSUER_HOST("us-east-1", "shop");
        assert.deepEqual(doc(role.inputs.assumeRolePolicy).Statement, [
            {
                Effect: "Allow",
                Principal: { Federated: `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/${host}` },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${host}:sub`]: "system:serviceaccount:fargate-container-insights:adot-collector",
                        [`${host}:aud`]: "sts.amazonaws.com",
                    },
                },
            },
        ]);
        const policy = named(run, "aws:iam/rolePolicy:RolePolicy", "us-east-1-shop-fargate-insights-collector");
        assert.equal(inputs(policy).role, inputs(role).name);
        const group = `arn:aws:logs:us-east-1:${ACCOUNT_ID}:log-group:/aws/containerinsights/shop/performance`;
        assert.deepEqual(doc(policy.inputs.policy).Statement, [
            {
                Sid: "PerformanceLogEvents",
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: [group, `${group}:*`],
            },
        ]);
        const account = inputs(
            named(run, "kubernetes:core/v1:ServiceAccount", "us-east-1-shop-fargate-insights-collector"),
        );
        assert.equal(
            account.metadata.annotations["eks.amazonaws.com/role-arn"],
            `arn:aws:iam::${ACCOUNT_ID}:role${inputs(role).path}${inputs(role).name}`,
        );
    });

    it("puts every collector role under one boundary that allows only writing performance log groups", () => {
        const boundaries = run
            .ofType("aws:iam/policy:Policy")
            .filter((p) => String(inputs(p).name).endsWith("-adot-collector-boundary"));
        assert.equal(boundaries.length, 1);
        const collectors = run.ofType(ROLE).filter((r) => r.name.endsWith("-fargate-insights-collector"));
        assert.ok(collectors.length >= 2);
        for (const role of collectors) {
            assert.equal(inputs(role).permissionsBoundary, boundaries[0].state.arn, role.name);
        }
        const groups = `arn:aws:logs:*:${ACCOUNT_ID}:log-group:/aws/containerinsights/*/performance`;
        assert.deepEqual(doc(boundaries[0].inputs.policy).Statement, [
            {
                Sid: "PerformanceLogEvents",
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: [groups, `${groups}:*`],
            },
        ]);
        const podRoles = run
            .ofType(ROLE)
            .filter(
                (r) => r.name.endsWith("-fargate-insights-pods") || String(inputs(r).name).startsWith("fargate-pods-"),
            );
        assert.ok(podRoles.length > 0);
        assert.ok(
            podRoles.every((r) => inputs(r).permissionsBoundary === undefined),
            "the managed Fargate policy alone is their ceiling",
        );
    });

    it("grants the collector exactly upstream's RBAC", () => {
        const role = inputs(
            named(
                run,
                "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
                "us-east-1-shop-fargate-insights-collector",
            ),
        );
        assert.deepEqual(role.rules, [
            {
                apiGroups: [""],
                resources: ["nodes", "nodes/proxy", "nodes/metrics", "services", "endpoints", "pods", "pods/proxy"],
                verbs: ["get", "list", "watch"],
            },
            { nonResourceURLs: ["/metrics/cadvisor"], verbs: ["get", "list", "watch"] },
        ]);
        const binding = inputs(
            named(
                run,
                "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
                "us-east-1-shop-fargate-insights-collector",
            ),
        );
        assert.deepEqual(binding.roleRef, {
            kind: "ClusterRole",
            name: role.metadata.name,
            apiGroup: "rbac.authorization.k8s.io",
        });
        assert.deepEqual(binding.subjects, [
            { kind: "ServiceAccount", name: "adot-collector", namespace: "fargate-container-insights" },
        ]);
        assert.equal(run.ofType("kubernetes:rbac.authorization.k8s.io/v1:Role").length, 0);
    });

    it("runs one pinned collector with its service account and the generated configuration, after the profile exists", () => {
        const set = inputs(named(run, STATEFUL_SET, "us-east-1-shop-fargate-insights-collector"));
        assert.equal(set.metadata.namespace, "fargate-container-insights");
        assert.equal(set.spec.replicas, 1);
        const pod = set.spec.template.spec;
        assert.equal(pod.serviceAccountName, "adot-collector");
        assert.equal(
            set.spec.template.metadata.labels["eks.amazonaws.com/fargate-profile"],
            "container-insights-adot",
            "scheduled through its own profile only",
        );
        assert.equal(pod.containers[0].image, `${IMAGE}:v0.49.0@${fakeDigest(`test manifest ${IMAGE}:v0.49.0`)}`);
        assert.deepEqual(pod.containers[0].volumeMounts, [
            { name: "adot-collector-config-volume", mountPath: "/conf" },
        ]);
        assert.equal(pod.volumes[0].configMap.name, "adot-collector-config");
        const configMap = inputs(
            named(run, "kubernetes:core/v1:ConfigMap", "us-east-1-shop-fargate-insights-collector"),
        );
        const config = parse(configMap.data["adot-collector-config"]);
        assert.equal(config.exporters.awsemf.log_group_name, "/aws/containerinsights/shop/performance");
        assert.equal(config.exporters.awsemf.region, "us-east-1");
        const after = (
            options.get(`${STATEFUL_SET}::us-east-1-shop-fargate-insights-collector`)!.dependsOn as pulumi.Resource[]
        ).map(typeOf);
        for (const type of [
            PROFILE,
            "aws:iam/rolePolicy:RolePolicy",
            "aws:cloudwatch/logGroup:LogGroup",
            "kubernetes:core/v1:ConfigMap",
            "kubernetes:core/v1:ServiceAccount",
        ]) {
            assert.ok(after.includes(type), `the collector waits for its ${type}`);
        }
    });

    it("puts every Kubernetes object through the cluster's own provider", () => {
        const k8sObjects = run.resources.filter(
            (r) => r.type.startsWith("kubernetes:") && r.name.startsWith("us-east-1-shop-fargate-insights"),
        );
        assert.deepEqual(k8sObjects.map((r) => r.type.split(":")[2]).sort(), [
            "ClusterRole",
            "ClusterRoleBinding",
            "ConfigMap",
            "Namespace",
            "Service",
            "ServiceAccount",
            "StatefulSet",
        ]);
        for (const object of k8sObjects) {
            const provider = options.get(`${object.type}::${object.name}`)!.provider!;
            assert.equal(typeOf(provider), "pulumi:providers:kubernetes", object.type);
            assert.equal((provider as unknown as { __name: string }).__name, "us-east-1-shop", object.type);
        }
    });

    it("passes the project's own policy pack as rendered, with the stacks' pack configs and no exception", async () => {
        const subjects = run.resources.map((r) => {
            const urn = `urn:pulumi:prod::container-insights::${r.type}::${r.name}`;
            return {
                id: urn,
                urn,
                type: r.type,
                name: r.name,
                props: unwrap({ ...r.state, id: r.id }) as Record<string, unknown>,
                propertyDependencies: {},
            };
        });
        // The stacks' signature evidence is the images lock; here the lock the run pinned from.
        const lockFile = join(mkdtempSync(join(tmpdir(), "fargate-pack-")), "images.lock.json");
        writeFileSync(lockFile, serializeLock(testImageLock()));
        for (const stack of ["prod", "uat"]) {
            const config = JSON.parse(readFileSync(join(__dirname, "..", "policies", `config.${stack}.json`), "utf8"));
            config["ecr-image-signed"].signedDigestsFile = lockFile;
            config["ecr-image-allowed-registry"] = {
                ...config["ecr-image-allowed-registry"],
                accountId: ACCOUNT_ID,
                region: "us-east-1",
            };
            const result = await checkResources(
                [{ source: "program", resources: subjects }],
                policies,
                effectiveConfig(config, policies),
            );
            assert.ok(result.checked > 40, `checked ${result.checked}`);
            assert.deepEqual(result.violations, [], stack);
        }
        const pss = await checkResources(
            [{ source: "program", resources: subjects }],
            policies,
            effectiveConfig({ "k8s-pod-security-restricted": { enforcementLevel: "mandatory" } }, policies),
        );
        assert.deepEqual(
            pss.violations.filter((v) => v.policy === "k8s-pod-security-restricted"),
            [],
            "restricted without a named exception",
        );
        assert.ok(!JSON.stringify(DEFAULT_EXCEPTIONS).includes("fargate-container-insights"));
    });

    it("asks EKS for Fargate profiles and EC2 for route tables only where the add-on's globs reach", async () => {
        const routeTables = (r: ProgramRun) =>
            r.invokes.filter((i) => i.token === "aws:ec2/getRouteTables:getRouteTables");
        assert.ok(routeTables(run).length >= 4);
        assert.ok(routeTables(run).every((i) => ["us-east-1", "eu-west-1"].includes(i.inputs.region as string)));
        const scoped = await runProgram({ ...ENABLED, "addons.fargateInsights.include": "shop" }, { fleet: FLEET });
        assert.deepEqual(
            [...new Set(routeTables(scoped).map((i) => JSON.stringify(i.inputs.filters)))].every((id) =>
                id.includes(ISSUER_HOST("us-east-1", "shop").slice(-8).toLowerCase()),
            ),
            true,
        );
        assert.deepEqual(
            scoped.ofType(FARGATE).map((r) => r.name),
            ["us-east-1-shop-fargate-insights"],
        );
        assert.equal(statusOf(scoped, "ec2-only").fargateInsights, undefined, "outside the add-on's globs: no entry");
        const off = await runProgram({ ...baseConfig(), includeRegions: "us-east-1,eu-west-1" }, { fleet: FLEET });
        assert.equal(off.ofType(FARGATE).length, 0);
        assert.equal(routeTables(off).length, 0);
        assert.equal(statusOf(off, "shop").fargateInsights, undefined);
    });
});

describe("Container Insights for EKS Fargate: identities and opt-in", () => {
    it("uses IRSA in podIdentity mode (Fargate pods cannot use Pod Identity), and skips a cluster without its OIDC provider", async () => {
        const fleet: Fleet = {
            "us-east-1": [
                { name: "shop", fargateProfiles: [["apps"]], podIdentityAgent: true },
                { name: "no-oidc", fargateProfiles: [["apps"]], oidcProvider: false, podIdentityAgent: true },
            ],
        };
        const run = await runProgram(
            { ...baseConfig(), identityMode: "podIdentity", "addons.fargateInsights.enabled": "true" },
            { fleet },
        );
        assert.deepEqual(
            run.ofType(FARGATE).map((r) => r.name),
            ["us-east-1-shop-fargate-insights"],
        );
        const account = inputs(
            named(run, "kubernetes:core/v1:ServiceAccount", "us-east-1-shop-fargate-insights-collector"),
        );
        assert.match(
            account.metadata.annotations["eks.amazonaws.com/role-arn"],
            /:role\/container-insights-addons\/prod\/adot-collector-shop-/,
        );
        assert.equal(
            run
                .ofType("aws:eks/podIdentityAssociation:PodIdentityAssociation")
                .filter((a) => inputs(a).namespace === "fargate-container-insights").length,
            0,
        );
        assert.ok(
            run.invokes.some((i) => i.token === "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider"),
            "the OIDC provider is checked even in podIdentity mode",
        );
        const skipped = statusOf(run, "no-oidc");
        assert.equal(skipped.status, "installed", "the agent itself uses Pod Identity");
        assert.match(
            skipped.fargateInsights!.reason!,
            /IAM OIDC provider .* is not registered.*EKS Pod Identity does not support Fargate pods.*eksctl utils associate-iam-oidc-provider --cluster no-oidc/,
        );
    });

    it("writes to an existing performance log group that is not the stack's without creating, changing or deleting it", async () => {
        const fleet: Fleet = {
            "us-east-1": [
                { name: "shared", fargateProfiles: [["apps"]], performanceLogGroup: "foreign" },
                { name: "own", fargateProfiles: [["apps"]], performanceLogGroup: "ours" },
            ],
        };
        const run = await runProgram({ ...baseConfig(), "addons.fargateInsights.enabled": "true" }, { fleet });
        const groups = run.ofType("aws:cloudwatch/logGroup:LogGroup").map((g) => inputs(g).name);
        assert.ok(!groups.includes("/aws/containerinsights/shared/performance"), "someone else's group is not managed");
        assert.ok(groups.includes("/aws/containerinsights/own/performance"), "the stack's own group stays managed");
        const policy = named(run, "aws:iam/rolePolicy:RolePolicy", "us-east-1-shared-fargate-insights-collector");
        assert.match(
            JSON.stringify(doc(policy.inputs.policy)),
            /log-group:\/aws\/containerinsights\/shared\/performance/,
            "the collector still writes to it",
        );
        assert.equal(statusOf(run, "shared").fargateInsights!.existingLogGroup, true);
        assert.equal(statusOf(run, "own").fargateInsights!.existingLogGroup, undefined);
        const told = run.warnings.filter((w) => w.includes("/aws/containerinsights/"));
        assert.equal(told.length, 1, run.warnings.join("\n"));
        assert.ok(told[0].startsWith("cluster shared (us-east-1): "), told[0]);
        assert.ok(told[0].includes("/aws/containerinsights/shared/performance"), told[0]);
        assert.ok(
            run.invokes.some(
                (i) =>
                    i.token === "aws:cloudwatch/getLogGroups:getLogGroups" &&
                    i.inputs.logGroupNamePrefix === "/aws/containerinsights/shared/performance",
            ),
        );
    });

    it("opts a cluster without a Fargate profile in by alwaysInclude", async () => {
        const fleet: Fleet = { "us-east-1": [{ name: "serverless-1" }, { name: "other" }] };
        const run = await runProgram(
            {
                ...baseConfig(),
                "addons.fargateInsights.enabled": "true",
                "addons.fargateInsights.alwaysInclude": "serverless-*",
            },
            { fleet },
        );
        assert.deepEqual(
            run.ofType(FARGATE).map((r) => r.name),
            ["us-east-1-serverless-1-fargate-insights"],
        );
    });

    it("keeps the add-on as the last deploy recorded it when the cluster cannot be read, and warns (not fails) when profiles cannot be listed", async () => {
        const fleet: Fleet = {
            "us-east-1": [{ name: "shop", fargateProfiles: "AccessDeniedException: eks:ListFargateProfiles" }],
        };
        const record = {
            status: "installed",
            subnetIds: ["subnet-old"],
            oidcIssuer: `https://${ISSUER_HOST("us-east-1", "shop")}`,
        };
        const previous = {
            clusters: [
                {
                    name: "shop",
                    region: "us-east-1",
                    arn: `arn:aws:eks:us-east-1:${ACCOUNT_ID}:cluster/shop`,
                    status: "installed",
                    endpoint: "https://e",
                    certificateAuthority: "Y2E=",
                    addons: ["fargateInsights"],
                    fargateInsights: record,
                },
            ],
        };
        const listingFails = await runProgram(
            { ...baseConfig(), "addons.fargateInsights.enabled": "true" },
            { fleet, previousOutputs: previous },
        );
        assert.deepEqual(inputs(named(listingFails, PROFILE, "us-east-1-shop-fargate-insights")).subnetIds, [
            "subnet-old",
        ]);
        assert.equal(statusOf(listingFails, "shop").fargateInsights!.status, "kept");
        assert.match(
            statusOf(listingFails, "shop").fargateInsights!.reason!,
            /could not be listed \(AccessDeniedException: eks:ListFargateProfiles\)/,
        );
        assert.deepEqual(
            listingFails.warnings.filter((w) => w.startsWith("cluster shop (us-east-1): ")),
            [`cluster shop (us-east-1): ${statusOf(listingFails, "shop").fargateInsights!.reason}`],
            "warns, naming the cluster and why",
        );

        const unreadable = (invoke: Invoke) => {
            if (invoke.token === "aws:eks/getCluster:getCluster") {
                throw invokeError("AccessDeniedException: not authorized");
            }
            return undefined;
        };
        const kept = await runProgram(
            { ...baseConfig(), "addons.fargateInsights.enabled": "true" },
            { fleet, previousOutputs: previous, call: unreadable },
        );
        assert.deepEqual(inputs(named(kept, PROFILE, "us-east-1-shop-fargate-insights")).subnetIds, ["subnet-old"]);
        assert.equal(kept.invokes.filter((i) => i.token.startsWith("aws:ec2/getRouteTable")).length, 0);
        assert.deepEqual(statusOf(kept, "shop").addons, ["fargateInsights"]);

        const firstTime = await runProgram({ ...baseConfig(), "addons.fargateInsights.enabled": "true" }, { fleet });
        assert.equal(firstTime.ofType(FARGATE).length, 0, "a cluster that never had it waits");
        assert.equal(statusOf(firstTime, "shop").status, "installed", "the agent is not held up");
        const waits = firstTime.warnings.filter((w) => w.startsWith("cluster shop (us-east-1): "));
        assert.equal(waits.length, 1, firstTime.warnings.join("\n"));
        assert.match(waits[0], /could not be listed \(AccessDeniedException: eks:ListFargateProfiles\)/);
    });

    it("refuses an unpinned collector image before registering anything, and installs it by tag only when allowed", async () => {
        const fleet: Fleet = { "us-east-1": [{ name: "shop", fargateProfiles: [["apps"]] }] };
        const chartOnly = testImageLock();
        chartOnly.images = chartOnly.images.filter((i) => i.repository !== IMAGE);
        chartOnly.digests = chartOnly.digests.filter((d) => !d.startsWith(IMAGE));
        await assert.rejects(
            runProgram({ ...baseConfig(), "addons.fargateInsights.enabled": "true" }, { fleet, imageLock: chartOnly }),
            /the fargateInsights add-on's image is not pinned by digest in images\/images\.lock\.json: public\.ecr\.aws\/aws-observability\/aws-otel-collector:v0\.49\.0/,
        );
        const byTag = await runProgram(
            { ...baseConfig(), "addons.fargateInsights.enabled": "true", "agent.allowUnpinnedImages": "true" },
            { fleet, imageLock: chartOnly },
        );
        assert.equal(inputs(byTag.one(STATEFUL_SET)).spec.template.spec.containers[0].image, `${IMAGE}:v0.49.0`);
        assert.ok(
            byTag.warnings.some((w) => w.startsWith(UNPINNED_WARNING) && w.includes(`${IMAGE}:v0.49.0`)),
            byTag.warnings.join("\n"),
        );
        const off = await runProgram(baseConfig(), { fleet, imageLock: chartOnly });
        assert.equal(off.ofType(FARGATE).length, 0, "the image is needed only when the add-on is on");
    });
});
