import { strict as assert } from "node:assert";
import { isAlias, parse, parseDocument, visit } from "yaml";
import {
    FARGATE_DIMENSION_SETS,
    FARGATE_POD_METRICS,
    FARGATE_PROCESSORS,
    fargateCollectorYaml,
} from "../components/addons/fargateInsights/collectorConfig";
import { performanceLogGroupName } from "../components/addons/fargateInsights/naming";

const YAML_TEXT = fargateCollectorYaml({ clusterName: "shop-prod", region: "eu-west-1" });
/** The configuration as the collector parses it from the ConfigMap. */
const config = parse(YAML_TEXT) as Record<string, any>;

/**
 * What the collector's config resolver (go.opentelemetry.io/collector/confmap, resolver.go) does to every string
 * before a component sees it: `$$` is an escaped `$`; an unescaped `${...}` is a variable to expand, which these
 * values must never contain.
 */
function resolveDollars(value: string): string {
    const unescaped = value.replace(/\$\$/g, "");
    assert.doesNotMatch(unescaped, /\$\{/, `an unescaped \${...} the collector would expand: ${value}`);
    return value.replace(/\$\$/g, "$");
}

/** Prometheus relabelling of one target (regex anchored, `${n}` groups, default separator and action replace). */
function relabel(labels: Record<string, string>, rules: Array<Record<string, any>>): Record<string, string> {
    const out = { ...labels };
    for (const rule of rules) {
        const regex = new RegExp(`^(?:${rule.regex ?? "(.*)"})$`);
        const action = rule.action ?? "replace";
        if (action === "labelmap") {
            for (const [name, value] of Object.entries(out)) {
                const m = regex.exec(name);
                if (m) {
                    out[m[1]] = value;
                }
            }
            continue;
        }
        assert.equal(action, "replace");
        const source = (rule.source_labels ?? []).map((l: string) => out[l] ?? "").join(";");
        const m = regex.exec(source);
        if (m) {
            const replacement = resolveDollars(rule.replacement ?? "$1");
            out[rule.target_label] = replacement.replace(/\$\{(\d+)\}|\$(\d+)/g, (_, a, b) => m[Number(a ?? b)] ?? "");
        }
    }
    return out;
}

const transformsOf = (processor: string) => config.processors[processor].transforms as Array<Record<string, any>>;
const renames = () => transformsOf("metricstransform/rename");
const renamed = (newName: string) => renames().filter((t) => t.new_name === newName);
/** Every metric name the pipeline produces before the exporter: renamed copies and generated metrics. */
const produced = () =>
    new Set([
        ...renames().map((t) => t.new_name as string),
        ...["metricsgeneration/1", "metricsgeneration/2"].flatMap((p) =>
            config.processors[p].rules.map((r: any) => r.name as string),
        ),
    ]);

describe("Fargate Container Insights: the ADOT collector configuration", () => {
    it("is plain YAML: no anchors or aliases, one document", () => {
        const document = parseDocument(YAML_TEXT);
        assert.deepEqual(document.errors, []);
        let aliases = 0;
        visit(document, { Alias: () => void aliases++ });
        assert.equal(aliases, 0);
        assert.ok(!isAlias(document.contents));
    });

    describe("receiver", () => {
        const scrape = () => config.receivers.prometheus.config.scrape_configs[0];

        it("is one Prometheus receiver scraping every minute with a 40s timeout", () => {
            assert.deepEqual(Object.keys(config.receivers), ["prometheus"]);
            assert.deepEqual(config.receivers.prometheus.config.global, {
                scrape_interval: "1m",
                scrape_timeout: "40s",
            });
            assert.equal(config.receivers.prometheus.config.scrape_configs.length, 1);
        });

        it("discovers nodes (kubernetes_sd role node) and authenticates to the API server with the service account's token and CA", () => {
            const job = scrape();
            assert.equal(job.job_name, "kubelets-cadvisor-metrics");
            assert.equal(job.sample_limit, 10000);
            assert.equal(job.scheme, "https");
            assert.deepEqual(job.kubernetes_sd_configs, [{ role: "node" }]);
            assert.deepEqual(job.tls_config, { ca_file: "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt" });
            assert.equal(job.bearer_token_file, "/var/run/secrets/kubernetes.io/serviceaccount/token");
        });

        it("relabels: node labels mapped, address the API server, path the node proxy's cAdvisor endpoint", () => {
            const rules = scrape().relabel_configs;
            assert.equal(rules.length, 3);
            assert.deepEqual(rules[0], { action: "labelmap", regex: "__meta_kubernetes_node_label_(.+)" });
            assert.deepEqual(rules[1], { target_label: "__address__", replacement: "kubernetes.default.svc:443" });
            assert.deepEqual(rules[2], {
                source_labels: ["__meta_kubernetes_node_name"],
                regex: "(.+)",
                target_label: "__metrics_path__",
                replacement: "/api/v1/nodes/$${1}/proxy/metrics/cadvisor",
            });
        });

        it("scrapes /api/v1/nodes/<node>/proxy/metrics/cadvisor on kubernetes.default.svc:443 once the collector has resolved its $$ escapes", () => {
            const node = "fargate-ip-10-0-12-34.eu-west-1.compute.internal";
            const target = relabel(
                {
                    __address__: "10.0.12.34:10250",
                    __metrics_path__: "/metrics",
                    __meta_kubernetes_node_name: node,
                    __meta_kubernetes_node_label_eks_amazonaws_com_compute_type: "fargate",
                },
                scrape().relabel_configs,
            );
            assert.equal(target.__address__, "kubernetes.default.svc:443");
            assert.equal(target.__metrics_path__, `/api/v1/nodes/${node}/proxy/metrics/cadvisor`);
            assert.equal(
                target.eks_amazonaws_com_compute_type,
                "fargate",
                "the label metricstransform/label_1 turns into LaunchType",
            );
        });

        it("derives the rkt and systemd names from the cgroup id (metric relabelling as upstream)", () => {
            const rules = scrape().metric_relabel_configs;
            assert.deepEqual(
                rules.map((r: any) => [r.action, r.source_labels, r.target_label, r.replacement]),
                [
                    ["replace", ["id"], "rkt_container_name", "$${2}-$${1}"],
                    ["replace", ["id"], "systemd_service_name", "$${1}"],
                ],
            );
            assert.equal(relabel({ id: "/system.slice/containerd.service" }, rules).systemd_service_name, "containerd");
            assert.equal(rules[0].regex, "^/machine\\.slice/machine-rkt\\\\x2d([^\\\\]+)\\\\.+/([^/]+)\\.service$");
        });

        it("contains no string the collector would expand as a variable", () => {
            const strings: string[] = [];
            visit(parseDocument(YAML_TEXT), {
                Scalar: (_, node) => void (typeof node.value === "string" && strings.push(node.value)),
            });
            assert.ok(strings.length > 100);
            strings.forEach(resolveDollars);
        });
    });

    describe("processors", () => {
        it("are exactly upstream's, in upstream's pipeline order", () => {
            assert.deepEqual(Object.keys(config.processors).sort(), [...FARGATE_PROCESSORS].sort());
            assert.deepEqual(config.service.pipelines, {
                metrics: {
                    receivers: ["prometheus"],
                    processors: [
                        "metricstransform/label_1",
                        "resourcedetection",
                        "metricstransform/rename",
                        "filter",
                        "cumulativetodelta",
                        "deltatorate",
                        "metricsgeneration/1",
                        "metricsgeneration/2",
                        "metricstransform/label_2",
                        "batch",
                    ],
                    exporters: ["awsemf"],
                },
            });
            assert.deepEqual(config.service.extensions, ["health_check"]);
        });

        it("metricstransform/label_1 renames name, the hostname and the compute type on every metric", () => {
            assert.deepEqual(transformsOf("metricstransform/label_1"), [
                {
                    include: ".*",
                    match_type: "regexp",
                    action: "update",
                    operations: [
                        { action: "update_label", label: "name", new_label: "container_id" },
                        { action: "update_label", label: "kubernetes_io_hostname", new_label: "NodeName" },
                        { action: "update_label", label: "eks_amazonaws_com_compute_type", new_label: "LaunchType" },
                    ],
                },
            ]);
        });

        it("resourcedetection reads ClusterName from the environment; batch flushes every 60s", () => {
            assert.deepEqual(config.processors.resourcedetection, { detectors: ["env"] });
            assert.deepEqual(config.processors.batch, { timeout: "60s" });
        });

        it("metricstransform/rename inserts 17 container, 15 pod and 8 pod network metrics, each from Fargate series only", () => {
            const all = renames();
            assert.equal(all.length, 40);
            assert.equal(new Set(all.map((t) => t.new_name)).size, 40, "every new name once");
            for (const t of all) {
                assert.equal(t.action, "insert", t.new_name);
                assert.equal(t.match_type, "regexp", t.new_name);
                assert.equal(t.experimental_match_labels.LaunchType, "fargate", t.new_name);
            }
            assert.equal(all.filter((t) => t.new_name.startsWith("new_container_")).length, 17);
            assert.equal(all.filter((t) => t.new_name.startsWith("pod_network_")).length, 8);
            assert.equal(
                all.filter((t) => t.new_name.startsWith("pod_") && !t.new_name.startsWith("pod_network_")).length,
                15,
            );
        });

        it("tells containers (a container label), pods (no image or container label) and pod network (a pod label) apart", () => {
            assert.deepEqual(renamed("new_container_cpu_usage_seconds_total"), [
                {
                    include: "container_cpu_usage_seconds_total",
                    new_name: "new_container_cpu_usage_seconds_total",
                    action: "insert",
                    match_type: "regexp",
                    experimental_match_labels: { container: "\\S", LaunchType: "fargate" },
                },
            ]);
            assert.deepEqual(renamed("pod_cpu_limit_raw")[0], {
                include: "container_spec_cpu_quota",
                new_name: "pod_cpu_limit_raw",
                action: "insert",
                match_type: "regexp",
                experimental_match_labels: { image: "^$", container: "^$", pod: "\\S", LaunchType: "fargate" },
            });
            assert.deepEqual(renamed("pod_memory_working_set")[0].include, "container_memory_working_set_bytes");
            assert.deepEqual(renamed("pod_memory_limit")[0].include, "container_spec_memory_limit_bytes");
            assert.deepEqual(renamed("pod_network_rx_bytes")[0], {
                include: "container_network_receive_bytes_total",
                new_name: "pod_network_rx_bytes",
                action: "insert",
                match_type: "regexp",
                experimental_match_labels: { pod: "\\S", LaunchType: "fargate" },
            });
            assert.equal(renamed("pod_network_tx_bytes")[0].include, "container_network_transmit_bytes_total");
            assert.deepEqual(renamed("new_container_filesystem_usage")[0].include, "container_fs_usage_bytes");
            assert.deepEqual(renamed("pod_filesystem_usage"), [], "file systems are per container only");
        });

        it("splits container_memory_failures_total by failure type and scope", () => {
            const faults = renames().filter((t) => t.include === "container_memory_failures_total");
            assert.deepEqual(
                faults.map((t) => [
                    t.new_name,
                    t.experimental_match_labels.failure_type,
                    t.experimental_match_labels.scope,
                ]),
                [
                    ["new_container_memory_hierarchical_pgfault", "pgfault", "hierarchy"],
                    ["new_container_memory_hierarchical_pgmajfault", "pgmajfault", "hierarchy"],
                    ["new_container_memory_pgfault", "pgfault", "container"],
                    ["new_container_memory_pgmajfault", "pgmajfault", "container"],
                    ["pod_memory_hierarchical_pgfault", "pgfault", "hierarchy"],
                    ["pod_memory_hierarchical_pgmajfault", "pgmajfault", "hierarchy"],
                    ["pod_memory_pgfault", "pgfault", "container"],
                    ["pod_memory_pgmajfault", "pgmajfault", "container"],
                ],
            );
        });

        it("filter keeps only the renamed metrics", () => {
            assert.deepEqual(config.processors.filter, {
                metrics: { include: { match_type: "regexp", metric_names: ["new_container_.*", "pod_.*"] } },
            });
            for (const name of produced()) {
                assert.ok(/^(new_container_|pod_)/.test(name), name);
            }
        });

        it("turns the same 18 cumulative counters into deltas and then per-second rates, each one a renamed metric", () => {
            const deltas = config.processors.cumulativetodelta.include;
            assert.equal(deltas.match_type, "strict");
            assert.equal(deltas.metrics.length, 18);
            assert.deepEqual(config.processors.deltatorate.metrics, deltas.metrics);
            const names = new Set(renames().map((t) => t.new_name));
            for (const metric of deltas.metrics) {
                assert.ok(names.has(metric), metric);
            }
            for (const counter of ["pod_cpu_usage_seconds_total", "pod_network_rx_bytes", "pod_network_tx_bytes"]) {
                assert.ok(deltas.metrics.includes(counter), counter);
            }
            assert.ok(!deltas.metrics.includes("pod_memory_working_set"), "a gauge stays a gauge");
        });

        it("computes the *_utilization_over_pod_limit metrics: memory in the first pass, CPU from the first pass's millicores in the second", () => {
            assert.deepEqual(config.processors["metricsgeneration/1"].rules, [
                {
                    name: "pod_network_total_bytes",
                    unit: "Bytes/Second",
                    type: "calculate",
                    metric1: "pod_network_rx_bytes",
                    metric2: "pod_network_tx_bytes",
                    operation: "add",
                },
                {
                    name: "pod_memory_utilization_over_pod_limit",
                    unit: "Percent",
                    type: "calculate",
                    metric1: "pod_memory_working_set",
                    metric2: "pod_memory_limit",
                    operation: "percent",
                },
                {
                    name: "pod_cpu_usage_total",
                    unit: "Millicore",
                    type: "scale",
                    metric1: "pod_cpu_usage_seconds_total",
                    operation: "multiply",
                    scale_by: 1000,
                },
                {
                    name: "pod_cpu_limit",
                    unit: "Millicore",
                    type: "scale",
                    metric1: "pod_cpu_limit_raw",
                    operation: "divide",
                    scale_by: 100,
                },
            ]);
            assert.deepEqual(config.processors["metricsgeneration/2"].rules, [
                {
                    name: "pod_cpu_utilization_over_pod_limit",
                    type: "calculate",
                    unit: "Percent",
                    metric1: "pod_cpu_usage_total",
                    metric2: "pod_cpu_limit",
                    operation: "percent",
                },
            ]);
            // Every input exists by the time its pass runs: renamed metrics for pass 1, pass 1's outputs for pass 2.
            const renamedNames = new Set(renames().map((t) => t.new_name));
            for (const rule of config.processors["metricsgeneration/1"].rules) {
                for (const input of [rule.metric1, rule.metric2].filter(Boolean)) {
                    assert.ok(renamedNames.has(input), input);
                }
            }
            const first = new Set(config.processors["metricsgeneration/1"].rules.map((r: any) => r.name));
            for (const input of ["pod_cpu_usage_total", "pod_cpu_limit"]) {
                assert.ok(first.has(input), input);
            }
        });

        it("metricstransform/label_2 types pod and container metrics, renames namespace and pod, and drops the new_ prefix", () => {
            assert.deepEqual(transformsOf("metricstransform/label_2"), [
                {
                    include: "pod_.*",
                    match_type: "regexp",
                    action: "update",
                    operations: [{ action: "add_label", new_label: "Type", new_value: "Pod" }],
                },
                {
                    include: "new_container_.*",
                    match_type: "regexp",
                    action: "update",
                    operations: [{ action: "add_label", new_label: "Type", new_value: "Container" }],
                },
                {
                    include: ".*",
                    match_type: "regexp",
                    action: "update",
                    operations: [
                        { action: "update_label", label: "namespace", new_label: "Namespace" },
                        { action: "update_label", label: "pod", new_label: "PodName" },
                    ],
                },
                { include: "^new_container_(.*)$$", match_type: "regexp", action: "update", new_name: "container_$$1" },
            ]);
            const last = transformsOf("metricstransform/label_2")[3];
            const [pattern, replacement] = [resolveDollars(last.include), resolveDollars(last.new_name)];
            assert.equal("new_container_memory_rss".replace(new RegExp(pattern), replacement), "container_memory_rss");
        });
    });

    describe("awsemf exporter", () => {
        const emf = () => config.exporters.awsemf;

        it("writes to ContainerInsights through the cluster's performance log group, one stream per pod, in the cluster's region", () => {
            assert.deepEqual(Object.keys(config.exporters), ["awsemf"]);
            assert.equal(emf().namespace, "ContainerInsights");
            assert.equal(emf().log_group_name, "/aws/containerinsights/shop-prod/performance");
            assert.equal(emf().log_group_name, performanceLogGroupName("shop-prod"));
            assert.equal(emf().log_stream_name, "{PodName}");
            assert.equal(emf().region, "eu-west-1");
            assert.deepEqual(emf().resource_to_telemetry_conversion, { enabled: true });
            assert.equal(emf().eks_fargate_container_insights_enabled, true);
            assert.deepEqual(emf().parse_json_encoded_attr_values, ["kubernetes"]);
            assert.equal(emf().dimension_rollup_option, "NoDimensionRollup");
        });

        it("declares exactly the eight pod metrics of the guide, one by one", () => {
            assert.equal(emf().metric_declarations.length, 1);
            const selectors = emf().metric_declarations[0].metric_name_selectors;
            assert.deepEqual(selectors, [
                "pod_cpu_utilization_over_pod_limit",
                "pod_cpu_usage_total",
                "pod_cpu_limit",
                "pod_memory_utilization_over_pod_limit",
                "pod_memory_working_set",
                "pod_memory_limit",
                "pod_network_rx_bytes",
                "pod_network_tx_bytes",
            ]);
            assert.deepEqual(selectors, [...FARGATE_POD_METRICS]);
            for (const metric of selectors) {
                assert.ok(produced().has(metric), `${metric} is produced by the pipeline`);
            }
        });

        it("with exactly the guide's three dimension sets, one by one", () => {
            const dimensions = emf().metric_declarations[0].dimensions;
            assert.equal(dimensions.length, 3);
            assert.deepEqual(dimensions[0], ["ClusterName", "LaunchType"]);
            assert.deepEqual(dimensions[1], ["ClusterName", "Namespace", "LaunchType"]);
            assert.deepEqual(dimensions[2], ["ClusterName", "Namespace", "PodName", "LaunchType"]);
            assert.deepEqual(
                dimensions,
                FARGATE_DIMENSION_SETS.map((set) => [...set]),
            );
        });

        it("every dimension is a label the pipeline sets: LaunchType and Namespace/PodName by renames, ClusterName from the resource", () => {
            const newLabels = new Set(
                ["metricstransform/label_1", "metricstransform/label_2"].flatMap((p) =>
                    transformsOf(p).flatMap((t) => (t.operations ?? []).map((o: any) => o.new_label as string)),
                ),
            );
            for (const dimension of new Set(FARGATE_DIMENSION_SETS.flat())) {
                assert.ok(
                    newLabels.has(dimension) ||
                        (dimension === "ClusterName" && config.processors.resourcedetection.detectors.includes("env")),
                    dimension,
                );
            }
        });
    });

    it("differs between clusters only in the cluster's name and region", () => {
        const other = parse(fargateCollectorYaml({ clusterName: "other", region: "us-west-2" }));
        other.exporters.awsemf.log_group_name = emfField("log_group_name");
        other.exporters.awsemf.region = emfField("region");
        assert.deepEqual(other, config);
    });
});

const emfField = (key: string) => config.exporters.awsemf[key];
