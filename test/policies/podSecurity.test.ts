import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { ResourceValidationPolicy } from "@pulumi/policy";
import { DEFAULT_EXCEPTIONS, PodSecurityException } from "../../policies/kubernetes/exceptions";
import { CONTROLS, RULES } from "../../policies/kubernetes/controls";
import { effectiveConfig } from "../../policies/offline/policyConfig";
import { policies } from "../../policies/policies";
import { UNKNOWN_STRING } from "../../policies/lib/unknown";
import {
    baseConfig,
    checkFixtures,
    checkHardenedChart,
    checkStack,
    effectiveConfigOf,
    fixture,
    of,
    PSS_POLICY,
    ruleHits,
    urnOf,
} from "./check";

const withExceptions = (exceptions: PodSecurityException[]) => ({ ...baseConfig(), [PSS_POLICY]: { exceptions } });

/** `<resource> <rule>` per violation, without the container: which object broke which control. */
const objectRules = (hits: string[]) =>
    [
        ...new Set(
            hits.map((h) => {
                const [resource, , rule] = h.split(" ");
                return `${resource} ${rule}`;
            }),
        ),
    ].sort();

describe("policy k8s-pod-security-restricted: every control of the restricted profile", () => {
    it("passes the good twin: restricted settings, YAML 1.1 false values, allowed volume types, safe sysctls, SELinux, AppArmor", async () => {
        assert.deepEqual(ruleHits(await checkFixtures(["pss-good.yaml"])), []);
    });

    it("fails each object of the bad twin on exactly the controls it names", async () => {
        const documents = parseAllDocuments(readFileSync(fixture("pss-bad.yaml"), "utf8")).map((d) => d.toJS());
        const expected = documents
            .flatMap((d) =>
                String(d.metadata.annotations["policy-test/expect"])
                    .split(",")
                    .map((rule) => `Pod/shop/${d.metadata.name} ${rule}`),
            )
            .sort();
        assert.deepEqual(objectRules(ruleHits(await checkFixtures(["pss-bad.yaml"]))), expected);
        const covered = new Set(expected.map((e) => e.split(" ")[1]));
        assert.deepEqual(
            RULES.filter((rule) => !covered.has(rule)),
            [],
            "every control has a bad twin",
        );
    });

    it("names the Pod Security Standards control in every finding", async () => {
        const found = of(await checkFixtures(["pss-bad.yaml"]), PSS_POLICY);
        for (const violation of found) {
            const rule = /\[(\w+)\]$/.exec(violation.message)![1] as keyof typeof CONTROLS;
            assert.ok(
                violation.message.includes(`Pod Security Standards ${CONTROLS[rule].profile} "${CONTROLS[rule].pss}"`),
                violation.message,
            );
        }
        assert.match(
            found.find((v) => v.resource === "Pod/shop/host-pid-yes")!.message,
            /pod \(spec\) sets hostPID: true \(Pod Security Standards baseline "Host Namespaces"\)/,
        );
    });

    it("says when a container's false overrides the pod's true", async () => {
        const [hit] = of(await checkFixtures(["pss-bad.yaml"]), PSS_POLICY).filter(
            (v) => v.resource === "Pod/shop/non-root-overridden",
        );
        assert.match(hit.message, /runAsNonRoot: false, overriding the pod's true/);
    });

    it("checks initContainers and ephemeralContainers like containers", async () => {
        const pod = (list: string) => ({
            type: "kubernetes:core/v1:Pod",
            name: list,
            props: {
                metadata: { name: list, namespace: "shop" },
                spec: {
                    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                    containers: [
                        {
                            name: "app",
                            image: "public.ecr.aws/nops/a:1",
                            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                        },
                    ],
                    [list]: [
                        {
                            name: "extra",
                            image: "public.ecr.aws/nops/a:1",
                            securityContext: {
                                privileged: true,
                                allowPrivilegeEscalation: false,
                                capabilities: { drop: ["ALL"] },
                            },
                        },
                    ],
                },
            },
        });
        const hits = ruleHits(await checkStack([pod("initContainers"), pod("ephemeralContainers")]));
        assert.deepEqual(hits, [
            `${urnOf("kubernetes:core/v1:Pod", "ephemeralContainers")} extra privileged`,
            `${urnOf("kubernetes:core/v1:Pod", "initContainers")} extra privileged`,
        ]);
    });

    it("reports a securityContext unknown during preview as such, and still checks the other containers", async () => {
        const pod = {
            metadata: { name: "p", namespace: "shop" },
            spec: {
                securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                containers: [
                    { name: "later", image: "public.ecr.aws/nops/a:1", securityContext: UNKNOWN_STRING },
                    {
                        name: "now",
                        image: "public.ecr.aws/nops/a:1",
                        securityContext: {
                            privileged: true,
                            allowPrivilegeEscalation: false,
                            capabilities: { drop: ["ALL"] },
                        },
                    },
                ],
            },
        };
        const result = of(await checkStack([{ type: "kubernetes:core/v1:Pod", name: "p", props: pod }]), PSS_POLICY);
        assert.deepEqual(
            result.filter((v) => v.level === "mandatory").map((v) => /container (\S+)/.exec(v.message)?.[1]),
            ["now"],
        );
        const [advisory] = result.filter((v) => v.level === "advisory");
        assert.match(advisory.message, /not fully checked: .*container later.*unknown/);
    });

    it("reports an unknown pod spec without crashing", async () => {
        const result = of(
            await checkStack([
                {
                    type: "kubernetes:apps/v1:Deployment",
                    name: "d",
                    props: { metadata: { name: "d" }, spec: { template: UNKNOWN_STRING } },
                },
            ]),
            PSS_POLICY,
        );
        assert.deepEqual(
            result.map((v) => v.level),
            ["advisory"],
        );
    });
});

describe("policy k8s-pod-security-restricted: where pod specs hide", () => {
    it("finds pod specs by shape (PodTemplate, ReplicationController, Rollout, Knative Service, ScaledJob, lists) and ignores kinds without one", async () => {
        assert.deepEqual(ruleHits(await checkFixtures(["podspecs-good.yaml"])), []);
        assert.deepEqual(objectRules(ruleHits(await checkFixtures(["podspecs-bad.yaml"]))), [
            "Deployment/shop/listed privileged",
            "PodTemplate/shop/tpl privileged",
            "ReplicationController/shop/rc privileged",
            "Rollout/shop/rollout privileged",
            "ScaledJob/shop/scaled privileged",
            "Service/shop/knative privileged",
            "Widget/shop/widget privileged",
        ]);
    });

    it("checks server-side apply patches (kubernetes:*:*Patch), which carry the fields they set", async () => {
        const patch = (type: string, spec: Record<string, unknown>) => ({
            type,
            name: "p",
            props: { metadata: { name: "agent", namespace: "shop" }, spec },
        });
        const result = await checkStack([
            patch("kubernetes:apps/v1:DaemonSetPatch", { template: { spec: { hostNetwork: true } } }),
            patch("kubernetes:apps/v1:DeploymentPatch", { replicas: 3 }),
        ]);
        const found = of(result, PSS_POLICY);
        assert.equal(found.length, 1);
        assert.match(
            found[0].message,
            /^DaemonSetPatch shop\/agent, pod \(spec\.template\.spec\) sets hostNetwork: true/,
        );
    });

    it("checks patches and custom resources in a stack export too", async () => {
        assert.deepEqual(ruleHits(await checkFixtures(["podspecs-good-export.json"])), []);
        const hits = ruleHits(await checkFixtures(["podspecs-bad-export.json"]))
            .map((h) => h.replace(/^urn:\S+::/, ""))
            .sort();
        assert.deepEqual(hits, [
            "agent-patch pod hostNamespaces",
            "canary app runAsUser",
            "rollout-patch pod hostNamespaces",
            "rollout-patch pod seccomp",
            "runner app privileged",
            "web-patch app privileged",
        ]);
    });

    it("finds Pods nested in list resources", async () => {
        const pod = {
            kind: "Pod",
            metadata: { name: "p" },
            spec: {
                containers: [{ name: "x", image: "public.ecr.aws/nops/a:1", securityContext: { privileged: true } }],
            },
        };
        const found = of(
            await checkStack([{ type: "kubernetes:core/v1:PodList", name: "l", props: { items: [pod] } }]),
            PSS_POLICY,
        );
        assert.ok(found.some((v) => /container x \(items\[0\]\.spec\.containers\[0\]\) is privileged/.test(v.message)));
    });

    it("does not look inside Helm charts, ConfigGroups or Kustomizations (their objects are registered and checked one by one)", async () => {
        const values = { template: { spec: { containers: [{ name: "x", image: "public.ecr.aws/nops/a:1" }] } } };
        const components = [
            "kubernetes:helm.sh/v2:Chart",
            "kubernetes:helm.sh/v3:Chart",
            "kubernetes:helm.sh/v4:Chart",
            "kubernetes:helm.sh/v3:Release",
            "kubernetes:yaml:ConfigFile",
            "kubernetes:yaml:ConfigGroup",
            "kubernetes:yaml/v2:ConfigFile",
            "kubernetes:yaml/v2:ConfigGroup",
            "kubernetes:kustomize:Directory",
            "kubernetes:kustomize/v2:Directory",
        ];
        const result = await checkStack(
            components.map((type, i) => ({ type, name: `c${i}`, props: { values, objs: [values] } })),
        );
        assert.deepEqual(of(result, PSS_POLICY), []);
    });

    it("skips those by exact type token only: a custom resource of API group helm.sh, yaml or kustomize is checked", async () => {
        const values = { template: { spec: { containers: [{ name: "x", image: "public.ecr.aws/nops/a:1" }] } } };
        const types = [
            "kubernetes:helm.sh/v1:Runner",
            "kubernetes:helm.sh/v3:ChartRelease",
            "kubernetes:yaml/v1:Thing",
            "kubernetes:kustomize/v1:Job",
        ];
        const result = await checkStack(
            types.map((type, i) => ({ type, name: `r${i}`, props: { metadata: { name: `r${i}` }, spec: values } })),
        );
        assert.deepEqual([...new Set(of(result, PSS_POLICY).map((v) => v.resource.split("::")[2]))], types);
    });

    it("checks a patch of any kind on the pod-level fields it sets, without containers", async () => {
        const result = await checkStack([
            {
                type: "kubernetes:example.com/v1:WidgetPatch",
                name: "w",
                props: { metadata: { name: "w" }, spec: { template: { spec: { hostPID: true } } } },
            },
            {
                type: "kubernetes:example.com/v1:WidgetPatch",
                name: "a",
                props: {
                    metadata: { name: "a" },
                    spec: {
                        template: {
                            metadata: {
                                annotations: { "container.apparmor.security.beta.kubernetes.io/x": "unconfined" },
                            },
                        },
                    },
                },
            },
            {
                type: "kubernetes:example.com/v1:WidgetPatch",
                name: "ok",
                props: { metadata: { name: "ok" }, spec: { template: { spec: { hostPID: false } } } },
            },
        ]);
        assert.deepEqual(
            of(result, PSS_POLICY).map((v) => /\[(\w+)\]$/.exec(v.message)![1] + " " + v.resource.split("::").pop()),
            ["hostNamespaces w", "appArmor a"],
        );
    });
});

describe("policy k8s-pod-security-restricted: exceptions", () => {
    it("passes the vendor's agent chart (approximated) as the program hardens it, with the default exceptions", async () => {
        assert.deepEqual(ruleHits(await checkHardenedChart()), []);
    });

    it("no longer waives the chart as the vendor ships it: every unhardened component but the host agents fails", async () => {
        const hits = objectRules(ruleHits(await checkFixtures(["agent-chart.yaml"])));
        for (const workload of [
            "CronJob/nops/nops-container-insights",
            "Deployment/nops/nops-opencost",
            "Deployment/nops/nops-karpenops",
            "CronJob/nops/nops-log-cleaner",
            "Deployment/nops/nops-prometheus-server",
        ]) {
            assert.ok(hits.includes(`${workload} seccomp`), `${workload} passes unhardened`);
        }
        assert.ok(!hits.some((h) => h.startsWith("DaemonSet/nops/nops-datadog")), "the Datadog agent is waived");
    });

    it("waives only what the hardened chart needs: without exceptions every default is needed, and each waived control is used", async () => {
        const bare = ruleHits(await checkFixtures(["agent-chart.yaml"], withExceptions([])));
        assert.ok(
            !bare.some((h) => h.startsWith("Deployment/nops/nops-kube-state-metrics")),
            "kube-state-metrics is restricted as shipped",
        );
        assert.ok((await checkHardenedChart(undefined, withExceptions([]))).violations.length > 0);
        for (const [index, exception] of DEFAULT_EXCEPTIONS.entries()) {
            for (const rule of exception.rules) {
                const reduced = DEFAULT_EXCEPTIONS.map((e, i) =>
                    i === index ? { ...e, rules: e.rules.filter((r) => r !== rule) } : e,
                ).filter((e) => e.rules.length > 0);
                const hits = ruleHits(await checkHardenedChart(undefined, withExceptions(reduced)));
                assert.ok(
                    hits.some((h) => h.endsWith(` ${rule}`)),
                    `${exception.selector.image} waives ${rule} that nothing in the hardened chart needs`,
                );
            }
            if (exception.runsAsRoot) {
                const reduced = DEFAULT_EXCEPTIONS.map((e, i) => (i === index ? { ...e, runsAsRoot: false } : e));
                const hits = ruleHits(await checkHardenedChart(undefined, withExceptions(reduced)));
                assert.ok(
                    hits.some((h) => h.endsWith(" runAsUser")),
                    `${exception.selector.image} expects root that the chart does not ask for`,
                );
            }
        }
    });

    it("waives an explicit runAsNonRoot: false or runAsUser: 0 only under an exception that expects root", async () => {
        const deployment = (securityContext: Record<string, unknown>) => ({
            type: "kubernetes:apps/v1:Deployment",
            name: "d",
            props: {
                metadata: { name: "d", namespace: "nops" },
                spec: {
                    template: {
                        spec: {
                            securityContext: { seccompProfile: { type: "RuntimeDefault" } },
                            containers: [
                                {
                                    name: "app",
                                    image: "public.ecr.aws/nops/opencost:1.111.0",
                                    securityContext: {
                                        allowPrivilegeEscalation: false,
                                        capabilities: { drop: ["ALL"] },
                                        ...securityContext,
                                    },
                                },
                            ],
                        },
                    },
                },
            },
        });
        const waiveUser: PodSecurityException = {
            selector: { namespace: "nops", image: "public.ecr.aws/nops/opencost" },
            rules: ["runAsNonRoot", "runAsUser"],
            reason: "the image's own non-root user decides",
        };
        const unset = await checkStack([deployment({})], withExceptions([waiveUser]));
        assert.deepEqual(ruleHits(unset), [], "an unset user is waived");
        for (const explicit of [{ runAsNonRoot: false }, { runAsUser: 0 }]) {
            const hits = ruleHits(await checkStack([deployment(explicit)], withExceptions([waiveUser])));
            assert.equal(hits.length, 1, JSON.stringify(explicit));
            const root = ruleHits(
                await checkStack([deployment(explicit)], withExceptions([{ ...waiveUser, runsAsRoot: true }])),
            );
            assert.deepEqual(root, [], JSON.stringify(explicit));
        }
    });

    it("does not waive the same chart in another namespace", async () => {
        const text = readFileSync(fixture("agent-chart.yaml"), "utf8").replaceAll(
            "namespace: nops",
            "namespace: default",
        );
        const { parseInput } = await import("../../policies/offline/inputs");
        const { checkResources } = await import("../../policies/offline/engine");
        const result = await checkResources(
            [parseInput(text, "elsewhere.yaml")],
            policies,
            effectiveConfigOf(baseConfig()),
        );
        const hits = ruleHits(result);
        assert.ok(hits.some((h) => h === "DaemonSet/default/nops-datadog agent privileged"));
        assert.ok(hits.some((h) => h === "DaemonSet/default/nops-dcgm-exporter exporter runAsUser"));
    });

    it("waives only the controls an exception names: a Datadog agent with a hostPort still fails", async () => {
        const daemonSet = {
            apiVersion: "apps/v1",
            kind: "DaemonSet",
            metadata: { name: "dd", namespace: "nops" },
            spec: {
                template: {
                    spec: {
                        containers: [
                            {
                                name: "agent",
                                image: "public.ecr.aws/nops/datadog/agent:7",
                                ports: [{ containerPort: 8126, hostPort: 8126 }],
                            },
                        ],
                    },
                },
            },
        };
        const hits = ruleHits(
            await checkStack([{ type: "kubernetes:apps/v1:DaemonSet", name: "dd", props: daemonSet }]),
        );
        assert.deepEqual(
            hits.map((h) => h.split(" ").pop()),
            ["hostPorts"],
        );
    });

    it("waives a pod-level control only when the exception selects every container of the pod", async () => {
        const pod = (images: string[]) => ({
            type: "kubernetes:apps/v1:DaemonSet",
            name: "ne",
            props: {
                metadata: { name: "ne", namespace: "nops" },
                spec: {
                    template: {
                        spec: {
                            hostPID: true,
                            securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                            containers: images.map((image, i) => ({
                                name: `c${i}`,
                                image,
                                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                            })),
                        },
                    },
                },
            },
        });
        assert.deepEqual(ruleHits(await checkStack([pod(["public.ecr.aws/nops/prom/node-exporter:v1.8.2"])])), []);
        const sidecar = ruleHits(
            await checkStack([pod(["public.ecr.aws/nops/prom/node-exporter:v1.8.2", "public.ecr.aws/nops/miner:1"])]),
        );
        assert.deepEqual(
            sidecar.map((h) => h.split(" ").pop()),
            ["hostNamespaces"],
            "a sidecar does not borrow the node exporter's waiver",
        );
    });

    it("applies configured exceptions by workload and container glob, replacing the defaults", async () => {
        const config = withExceptions([
            {
                selector: { namespace: "shop", workload: "host-*" },
                rules: ["hostNamespaces"],
                reason: "legacy node agent, migration tracked in OPS-1",
            },
        ]);
        const hits = objectRules(ruleHits(await checkFixtures(["pss-bad.yaml", "agent-chart.yaml"], config)));
        assert.ok(!hits.includes("Pod/shop/host-network hostNamespaces"));
        assert.ok(
            hits.includes("Pod/shop/host-path hostPathVolumes"),
            "other controls of a selected workload are not waived",
        );
        assert.ok(
            hits.some((h) => h.startsWith("DaemonSet/nops/nops-dcgm-exporter")),
            "configured exceptions replace the defaults",
        );
    });

    it("rejects an exception without a reason or naming an unknown control, in the config file and as the engine hands it over", async () => {
        const config = { [PSS_POLICY]: { exceptions: [{ selector: { namespace: "shop" }, rules: ["privileged"] }] } };
        assert.throws(
            () => effectiveConfig(config, policies, "policy.json"),
            /policy\.json: k8s-pod-security-restricted\.exceptions\.0 must have required property 'reason'/,
        );
        const unknownControl = {
            [PSS_POLICY]: {
                exceptions: [{ selector: { namespace: "shop" }, rules: ["root"], reason: "because we must" }],
            },
        };
        assert.throws(
            () => effectiveConfig(unknownControl, policies, "policy.json"),
            /exceptions\.0\.rules\.0 must be equal to one of the allowed values/,
        );
        // The policy object validates its config with ajv against the same schema, before any resource is checked.
        const policy = policies.find((p) => p.name === PSS_POLICY) as ResourceValidationPolicy;
        const [validate] = [policy.validateResource ?? []].flat();
        const args = {
            type: "kubernetes:core/v1:Pod",
            urn: "u",
            name: "p",
            props: {},
            getConfig: () => ({ exceptions: [{ selector: { namespace: "x" }, rules: ["privileged"] }] }),
        };
        await assert.rejects(
            async () => validate(args as never, () => undefined),
            /k8s-pod-security-restricted: invalid config: config\/exceptions\/0 must have required property 'reason'/,
        );
    });

    it("keeps every default exception in the agent's namespace, on one image, with a reason", () => {
        assert.ok(
            DEFAULT_EXCEPTIONS.every(
                (e) =>
                    e.selector.namespace === "nops" &&
                    e.selector.image?.startsWith("public.ecr.aws/") &&
                    !e.selector.image.includes("*") &&
                    e.reason.length > 40,
            ),
        );
    });
});

describe("policy k8s-pod-security-restricted: Pod Security Standards versions", () => {
    const container = { name: "app", image: "public.ecr.aws/nops/app:1" };
    const hardened = {
        ...container,
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
    };
    const restrictedPod = (name: string, spec: Record<string, unknown>) => ({
        type: "kubernetes:core/v1:Pod",
        name,
        props: {
            metadata: { name, namespace: "shop" },
            spec: {
                securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                containers: [hardened],
                ...spec,
            },
        },
    });
    const withSysctl = (name: string) =>
        restrictedPod(name, {
            securityContext: {
                runAsNonRoot: true,
                seccompProfile: { type: "RuntimeDefault" },
                sysctls: [{ name, value: "1" }],
            },
        });
    const pods = [
        withSysctl("net.ipv4.tcp_rmem"),
        withSysctl("net.ipv4.tcp_slow_start_after_idle"),
        restrictedPod("probe-host", {
            containers: [{ ...hardened, startupProbe: { tcpSocket: { host: "10.0.0.1", port: 22 } } }],
        }),
        restrictedPod("engine-type", {
            containers: [
                {
                    ...hardened,
                    securityContext: { ...hardened.securityContext, seLinuxOptions: { type: "container_engine_t" } },
                },
            ],
        }),
        restrictedPod("user-namespace-root", {
            hostUsers: false,
            securityContext: { runAsUser: 0, seccompProfile: { type: "RuntimeDefault" } },
        }),
        restrictedPod("windows", {
            os: { name: "windows" },
            securityContext: { runAsNonRoot: true },
            containers: [container],
        }),
    ];
    /** `pod rule` for each violation, at a version (or the default when undefined). */
    const failures = async (version?: string) =>
        ruleHits(
            await checkStack(pods, { ...baseConfig(), [PSS_POLICY]: version === undefined ? {} : { version } }),
        ).map((hit) => `${hit.split("::").pop()!.split(" ")[0]} ${hit.split(" ").pop()}`);

    it("defaults to latest: the newest sysctls, host probes, container_engine_t, root in a user namespace, Windows pods", async () => {
        assert.deepEqual(await failures(), ["probe-host hostProbes"]);
        assert.deepEqual(await failures("latest"), ["probe-host hostProbes"]);
        assert.deepEqual(await failures("v1.37"), ["probe-host hostProbes"]);
    });

    it("judges a pinned version by that version's rules", async () => {
        assert.deepEqual(await failures("v1.35"), [
            "net.ipv4.tcp_slow_start_after_idle sysctls",
            "probe-host hostProbes",
        ]);
        assert.deepEqual(await failures("v1.34"), [
            "net.ipv4.tcp_slow_start_after_idle sysctls",
            "probe-host hostProbes",
            "user-namespace-root runAsNonRoot",
            "user-namespace-root runAsUser",
        ]);
        assert.deepEqual(await failures("v1.30"), [
            "engine-type seLinux",
            "net.ipv4.tcp_rmem sysctls",
            "net.ipv4.tcp_slow_start_after_idle sysctls",
            "user-namespace-root runAsNonRoot",
            "user-namespace-root runAsUser",
        ]);
        assert.deepEqual(await failures("v1.25"), await failures("v1.30"));
    });

    it("rejects a version it does not know, naming the allowed ones, in the config file and as the engine hands it over", async () => {
        const allowed = `latest, ${Array.from({ length: 13 }, (_, i) => `v1.${25 + i}`).join(", ")}`;
        for (const version of ["v1.24", "1.30", "v1.38"]) {
            assert.throws(
                () => effectiveConfig({ [PSS_POLICY]: { version } }, policies, "policy.json"),
                (error: Error) =>
                    error.message.includes(
                        `k8s-pod-security-restricted.version must be equal to one of the allowed values (allowed: ${allowed})`,
                    ),
            );
        }
        const policy = policies.find((p) => p.name === PSS_POLICY) as ResourceValidationPolicy;
        const [validate] = [policy.validateResource ?? []].flat();
        const args = {
            type: "kubernetes:core/v1:Pod",
            urn: "u",
            name: "p",
            props: {},
            getConfig: () => ({ version: "v1.24" }),
        };
        await assert.rejects(
            async () => validate(args as never, () => undefined),
            new RegExp(
                `k8s-pod-security-restricted: invalid config: config/version must be equal to one of the allowed values \\(allowed: ${allowed}\\)`,
            ),
        );
    });

    it("reports a Windows-exempt control as unknown, not as a violation, while spec.os is unknown in preview", async () => {
        const result = of(
            await checkStack([
                restrictedPod("later", {
                    os: UNKNOWN_STRING,
                    securityContext: { runAsNonRoot: true },
                    containers: [container],
                }),
            ]),
            PSS_POLICY,
        );
        assert.deepEqual(
            result.map((v) => v.level),
            ["advisory"],
        );
        assert.match(result[0].message, /spec\.os\.name is unknown \(it decides whether the control applies\)/);
    });
});
