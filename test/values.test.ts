/**
 * The chart values the program renders, held key by key to the vendor's documented table for chart 0.0.67
 * (components/cluster/vendorChart.ts, which cites the doc): documented defaults by default, each config key moving
 * exactly its chart key, and nothing set that the table does not list or the code does not explain.
 */
import { strict as assert } from "node:assert";
import { CONFIG_KEYS } from "../config";
import { CHART_IMAGES } from "../images/catalog";
import { DOCUMENTED_VALUES, UNDOCUMENTED_VALUES, VENDOR_DOC } from "../components/cluster/vendorChart";
import { ProgramRun, baseConfig, runProgram, unwrap } from "./harness";
import { fakeLocked, testImageLock } from "./fakes/imageLock";

const CHART = "kubernetes:helm.sh/v4:Chart";
const FLEET = { "us-east-1": [{ name: "prod-a" }] };
const KARPENOPS = {
    karpenopsApiKey: "kops-SECRET-000",
    "agent.karpenops": "true",
    "agent.karpenopsClusterIds": '{"prod-a":"D/M7Yj"}',
};

const valuesOf = (run: ProgramRun) => unwrap(run.one(CHART).inputs.values) as Record<string, unknown>;

function at(values: unknown, key: string): unknown {
    return key
        .split(".")
        .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], values);
}

/** Every leaf's dotted path (maps walked, lists and scalars are leaves). */
function leaves(value: unknown, path = ""): string[] {
    if (typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length > 0) {
        return Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
    }
    return [path];
}

/** A tag as rendered, `<tag>@<digest>`, split; the digest must be the lock's. */
function tagOf(rendered: unknown, repository: string): string {
    const [tag, digest] = String(rendered).split("@");
    assert.equal(digest, fakeLocked(repository, tag).digest, `${repository}:${tag} pinned by the lock's digest`);
    return tag;
}

describe(`chart values held to the vendor's table (${VENDOR_DOC})`, () => {
    let defaults: Record<string, unknown>;
    let values: Record<string, unknown>;
    before(async () => {
        defaults = valuesOf(await runProgram(baseConfig(), { fleet: FLEET }));
        values = valuesOf(await runProgram({ ...baseConfig(), ...KARPENOPS }, { fleet: FLEET }));
    });

    it("sets every documented key the program owns to its documented default, and leaves the chart's own to the chart", () => {
        for (const row of DOCUMENTED_VALUES) {
            const rendered = at(defaults, row.key);
            if (row.setter.by === "chart") {
                assert.equal(rendered, undefined, `${row.key} is left to the chart (${row.setter.why})`);
                assert.equal(at(values, row.key), undefined, row.key);
                continue;
            }
            if (row.documented === null) {
                assert.notEqual(at(values, row.key), undefined, `${row.key} is set (KarpenOps on)`);
                continue;
            }
            const image = CHART_IMAGES.find((i) => row.key.startsWith(`${i.at}.`) && /\.(imageTag|tag)$/.test(row.key));
            const shown = image ? tagOf(rendered, image.repository) : rendered;
            assert.deepEqual(shown, row.ours ?? row.documented, row.key);
        }
    });

    it("sets the required keys from config and the cluster", () => {
        assert.equal(at(values, "datadog.apiKey"), "dd-SECRET-789");
        assert.equal(at(values, "karpenops.apiKey"), "kops-SECRET-000");
        assert.equal(at(values, "karpenops.clusterId"), "D/M7Yj");
        assert.equal(
            at(values, "containerInsights.env_variables.APP_NOPS_K8S_AGENT_CLUSTER_ARN"),
            "arn:aws:eks:us-east-1:111122223333:cluster/prod-a",
        );
        assert.equal(
            at(values, "containerInsights.env_variables.APP_AWS_S3_BUCKET"),
            "nops-container-cost-111122223333",
        );
    });

    it("sets nothing the table does not list, except the keys the code explains", () => {
        const documented = DOCUMENTED_VALUES.map((row) => row.key);
        const explained = UNDOCUMENTED_VALUES.map((row) => row.key);
        const covered = (leaf: string) =>
            [...documented, ...explained].some((key) => leaf === key || leaf.startsWith(`${key}.`));
        assert.deepEqual(
            leaves(values).filter((leaf) => !covered(leaf)),
            [],
        );
    });

    it("exposes each config-set key with the documented default", () => {
        for (const row of DOCUMENTED_VALUES.filter((r) => r.setter.by === "config")) {
            const spec = CONFIG_KEYS.find((s) => s.key === (row.setter as { key: string }).key);
            assert.ok(spec, `${row.key}: config key ${(row.setter as { key: string }).key} exists`);
            if (typeof row.documented === "string" && spec.key.startsWith("images.")) {
                assert.equal(spec.default, row.documented, `${spec.key} defaults to the documented tag`);
            } else if (typeof row.documented === "boolean") {
                assert.equal(spec.default, row.documented, `${spec.key} defaults to the documented ${row.key}`);
            }
        }
    });

    it("moves exactly its chart keys when a config key changes", async () => {
        const changes: Record<string, { value: string; keys: string[] }> = {
            "agent.containerInsights": { value: "false", keys: ["containerInsights.enabled"] },
            "agent.debug": { value: "true", keys: ["containerInsights.debug"] },
            "agent.opencostLogLevel": { value: "debug", keys: ["opencost.loglevel"] },
            "agent.ipv6": { value: "true", keys: ["prometheus.ipv6_enabled"] },
            "prometheus.storageClass": { value: "gp3", keys: ["prometheus.server.persistentVolume.storageClass"] },
            "prometheus.size": {
                value: "medium",
                keys: ["prometheus.server.resources.requests.memory", "prometheus.server.resources.limits.memory"],
            },
            "prometheus.nodeSelector": {
                value: '{"karpenter.sh/capacity-type":"on-demand"}',
                keys: ["prometheus.server.nodeSelector.karpenter.sh/capacity-type"],
            },
            "images.karpenops": { value: "1.23.6", keys: ["karpenops.image.tag"] },
            "images.opencost": { value: "1.112.0", keys: ["opencost.opencost.exporter.image.tag"] },
        };
        const lock = testImageLock({ karpenops: "1.23.6", opencost: "1.112.0" });
        const base = leaves(values).map((leaf) => [leaf, JSON.stringify(at(values, leaf))]);
        for (const [key, change] of Object.entries(changes)) {
            const changed = valuesOf(
                await runProgram(
                    { ...baseConfig(), ...KARPENOPS, [key]: change.value },
                    { fleet: FLEET, imageLock: lock },
                ),
            );
            const moved = [...new Set([...leaves(changed), ...base.map(([leaf]) => leaf)])]
                .filter((leaf) => JSON.stringify(at(changed, leaf)) !== base.find(([l]) => l === leaf)?.[1])
                .map((leaf) =>
                    leaf.startsWith("prometheus.server.nodeSelector")
                        ? "prometheus.server.nodeSelector.karpenter.sh/capacity-type"
                        : leaf,
                );
            assert.deepEqual(moved.sort(), [...change.keys].sort(), key);
        }
    });
});

describe("the KarpenOps warning's own command", () => {
    it("sets the id it asks for, as the Pulumi CLI stores it, and KarpenOps comes on", async () => {
        const { ConfigMap } = await import("../config/pulumiConfigReplay");
        const { applyConfigSetLines, configForProgram, parseConfigSetLine } = await import("./cliReplay");
        const { karpenopsFor } = await import("../components/cluster/values");
        const { parseConfig } = await import("../config");
        const cluster = {
            name: "prod-a",
            region: "us-east-1",
            arn: "arn:aws:eks:us-east-1:111122223333:cluster/prod-a",
        };
        const lines = [
            "pulumi config set container-insights:roleName R",
            "pulumi config set --secret container-insights:token t",
            "pulumi config set --secret container-insights:externalId ext-id",
            "pulumi config set --secret container-insights:datadogApiKey d",
            "pulumi config set --secret container-insights:karpenopsApiKey k",
            "pulumi config set --path container-insights:agent.karpenops true",
            "pulumi config set aws:region us-east-1",
        ].map((l) => parseConfigSetLine(l));
        const config = new ConfigMap();
        applyConfigSetLines(config, lines);
        const before = parseConfig(rawOf(configForProgram(config, { validate: true }).config), {
            awsRegion: "us-east-1",
        });
        const warning = karpenopsFor(cluster, before.agent, true).warning!;
        const command = /\((pulumi config set --path .*) <id from the platform>\)$/.exec(warning)![1];
        applyConfigSetLines(config, [parseConfigSetLine(`${command} D/M7Yj`)]);
        const after = parseConfig(rawOf(configForProgram(config, { validate: true }).config), {
            awsRegion: "us-east-1",
        });
        assert.deepEqual(after.agent.karpenopsClusterIds, { "prod-a": "D/M7Yj" });
        assert.deepEqual(karpenopsFor(cluster, after.agent, true), { clusterId: "D/M7Yj" });
    });
});

function rawOf(config: Record<string, string>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(config)
            .filter(([k]) => k.startsWith("container-insights:"))
            .map(([k, v]) => [k.slice("container-insights:".length), v]),
    );
}
