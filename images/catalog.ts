/**
 * Every container image of the agent chart, in one table: where its repository and tag go in the chart's values,
 * and the documented default of each. The program sets every one explicitly (components/cluster/values.ts), the
 * lock (images/lock.ts) pins each by digest, and config/keys/agent.ts exposes each tag as `images.<component>`.
 *
 * Source: nops-io/nops-docs, pages/Integrations_and_Agents/Agents/Configure-nOps-Kubernetes-Agent-on-EKS.md at
 * 9c4347ff999d4a38f3d9b269e16ab05afd40c424 (the revision for chart 0.0.67), "Optional Parameters" table; dataFetcher
 * and heartbeat from the same page at 196249e (chart 0.1.x), which documents them first.
 */

import { AddonImage } from "./addonImage";

/** How the chart's values spell an image: the key names differ between the vendor's own and its subcharts. */
export type ImageValueShape =
    /** `<at>.repository` (full reference without tag) and `<at>.imageTag` */
    | "repository+imageTag"
    /** `<at>.image.repository` (full) and `<at>.image.tag` */
    | "image.repository+tag"
    /** `<at>.image.registry`, `<at>.image.repository` (path only) and `<at>.image.tag` */
    | "image.registry+repository+tag";

export interface ChartImage {
    /** The `images.<component>` config key's field name. */
    component: string;
    /** Dotted values path of the object holding the image keys, e.g. `prometheus.server`. */
    at: string;
    shape: ImageValueShape;
    /** Full repository, registry included: public.ecr.aws/nops/karpenops. */
    repository: string;
    /** The documented default tag. */
    tag: string;
    /** Where the keys come from: the 0.0.67 table, or a later revision of the same page. */
    documentedFor: "0.0.67" | "0.1.x";
    /** Said beside the `images.<component>` key in docs/configuration.md. */
    note?: string;
}

export const CHART_IMAGES: readonly ChartImage[] = [
    {
        component: "autoUpdater",
        at: "autoUpdater",
        shape: "repository+imageTag",
        repository: "public.ecr.aws/nops/alpine/k8s",
        tag: "1.30.4",
        documentedFor: "0.0.67",
        note: "the updater itself is off",
    },
    {
        component: "datadog",
        at: "datadog",
        shape: "repository+imageTag",
        repository: "public.ecr.aws/nops/datadog/agent",
        tag: "7.56.0",
        documentedFor: "0.0.67",
    },
    {
        component: "containerInsights",
        at: "containerInsights",
        shape: "repository+imageTag",
        repository: "public.ecr.aws/nops/container-insights-agent",
        tag: "2.0.1",
        documentedFor: "0.0.67",
    },
    {
        component: "opencost",
        at: "opencost.opencost.exporter",
        shape: "image.registry+repository+tag",
        repository: "public.ecr.aws/nops/opencost",
        tag: "1.111.0",
        documentedFor: "0.0.67",
    },
    {
        component: "karpenops",
        at: "karpenops",
        shape: "image.repository+tag",
        repository: "public.ecr.aws/nops/karpenops",
        tag: "1.23.2",
        documentedFor: "0.0.67",
    },
    {
        component: "dcgmExporter",
        at: "dcgmExporter",
        shape: "image.repository+tag",
        repository: "public.ecr.aws/nops/nvidia/dcgm-exporter",
        tag: "3.3.6-3.4.2-ubuntu22.04",
        documentedFor: "0.0.67",
    },
    {
        component: "busybox",
        at: "prometheus.deleteLogFile",
        shape: "repository+imageTag",
        repository: "public.ecr.aws/docker/library/busybox",
        tag: "1.36.1",
        documentedFor: "0.0.67",
    },
    {
        component: "configReloader",
        at: "prometheus.configmapReload.prometheus",
        shape: "image.repository+tag",
        repository: "public.ecr.aws/nops/prom/config-reloader",
        tag: "v0.76.0",
        documentedFor: "0.0.67",
    },
    {
        component: "kubeStateMetrics",
        at: "prometheus.kubeStateMetrics",
        shape: "image.registry+repository+tag",
        repository: "public.ecr.aws/nops/kube-state-metrics",
        tag: "2.13.0",
        documentedFor: "0.0.67",
    },
    {
        component: "nodeExporter",
        at: "prometheus.nodeExporter",
        shape: "image.registry+repository+tag",
        repository: "public.ecr.aws/nops/prom/node-exporter",
        tag: "v1.8.2",
        documentedFor: "0.0.67",
    },
    {
        component: "prometheus",
        at: "prometheus.server",
        shape: "image.repository+tag",
        repository: "public.ecr.aws/nops/prom/prometheus",
        tag: "v2.54.0",
        documentedFor: "0.0.67",
    },
    {
        component: "dataFetcher",
        at: "dataFetcher",
        shape: "image.repository+tag",
        repository: "public.ecr.aws/nops/k8s-data-fetcher-agent",
        tag: "0.1.2",
        documentedFor: "0.1.x",
    },
    {
        component: "heartbeat",
        at: "heartbeat",
        shape: "image.repository+tag",
        repository: "public.ecr.aws/nops/k8s-heartbeat-agent",
        tag: "0.1.4",
        documentedFor: "0.1.x",
    },
];

export { AddonImage };

/** An image tag as OCI distribution allows it. */
export const TAG_PATTERN = "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$";

/** `repository:tag`, the key an image has in the lock and in messages. */
export const imageKey = (repository: string, tag: string) => `${repository}:${tag}`;

/** Splits a full repository into the registry host and the path inside it. */
export function splitRepository(repository: string): { registry: string; path: string } {
    const slash = repository.indexOf("/");
    return { registry: repository.slice(0, slash), path: repository.slice(slash + 1) };
}

/** The chart value that holds an image's tag (`datadog.imageTag`, `prometheus.server.image.tag`). */
export function imageTagValue(image: ChartImage): string {
    return image.shape === "repository+imageTag" ? `${image.at}.imageTag` : `${image.at}.image.tag`;
}

/**
 * The values that set one image, as a nested object under its `at` path. `tag` may carry `@sha256:...`: every shape
 * renders `<repository>:<tag>`, so the digest lands after the tag and the reference stays valid (tag plus digest).
 */
export function imageValues(image: ChartImage, tag: string): Record<string, unknown> {
    let leaf: Record<string, unknown>;
    switch (image.shape) {
        case "repository+imageTag":
            leaf = { repository: image.repository, imageTag: tag };
            break;
        case "image.repository+tag":
            leaf = { image: { repository: image.repository, tag } };
            break;
        case "image.registry+repository+tag": {
            const { registry, path } = splitRepository(image.repository);
            leaf = { image: { registry, repository: path, tag } };
            break;
        }
    }
    return image.at.split(".").reduceRight<Record<string, unknown>>((inner, key) => ({ [key]: inner }), leaf);
}
