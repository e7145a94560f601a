/**
 * The Kubernetes objects of Container Insights for EKS Fargate, as plain data: upstream's manifest
 * (aws-observability/aws-otel-collector, deployment-template/eks/otel-fargate-container-insights.yaml at v0.49.0) with
 * the collector's configuration built by fargateCollectorConfig.ts. Deviations, each for a stated reason:
 * - The ClusterRole and its binding are named for this program, not `adotcol-admin-role`: other ADOT manifests use
 *   that name with other rules, and adopting it would change or, on destroy, delete someone else's grant.
 * - The pod runs as the image's own non-root user (uid 4317, `aoc`) with the restricted Pod Security settings, so it
 *   passes the project's pack without an exception; upstream sets only fsGroup.
 * - The image is pinned (tag and digest), pulled IfNotPresent; upstream uses `latest` with Always.
 * - A checksum of the configuration on the pod template rolls the collector when its configuration changes.
 * - The Fargate profile is named `container-insights-adot`, not the reference setup's `fargate-container-insights`
 *   (eksctl's step): a cluster set up by hand has a profile of that name, and creating ours would fail on it. The pod
 *   names our profile (label eks.amazonaws.com/fargate-profile) so EKS never schedules it through the other one.
 */
import { createHash } from "node:crypto";
import { fargateCollectorYaml } from "./collectorConfig";

export const FARGATE_NAMESPACE = "fargate-container-insights";
export const FARGATE_PROFILE_NAME = "container-insights-adot";
export const COLLECTOR_SERVICE_ACCOUNT = "adot-collector";
export const COLLECTOR_NAME = "adot-collector";
export const COLLECTOR_SERVICE = "adot-collector-service";
export const COLLECTOR_CONFIG_MAP = "adot-collector-config";
/** The ConfigMap key, and the file it becomes under /conf. */
export const COLLECTOR_CONFIG_KEY = "adot-collector-config";
export const COLLECTOR_CONFIG_FILE = "adot-collector-config.yaml";
export const COLLECTOR_CLUSTER_ROLE = "container-insights-adot-collector";
/** The `aoc` user of the aws-otel-collector image (cmd/awscollector/Dockerfile, USER_UID). */
export const COLLECTOR_UID = 4317;

/** What the collector reads from the API server: upstream's ClusterRole, no more. */
export const COLLECTOR_RULES = [
    {
        apiGroups: [""],
        resources: ["nodes", "nodes/proxy", "nodes/metrics", "services", "endpoints", "pods", "pods/proxy"],
        verbs: ["get", "list", "watch"],
    },
    { nonResourceURLs: ["/metrics/cadvisor"], verbs: ["get", "list", "watch"] },
];

const LABELS = { app: "aws-adot", component: COLLECTOR_NAME };
const MANAGED = { "app.kubernetes.io/managed-by": "pulumi" };

export interface FargateManifestArgs {
    clusterName: string;
    region: string;
    /** The collector's IRSA role. */
    roleArn: string;
    /** Full image reference, pinned: `<repository>:<tag>@sha256:...` (or the bare tag when unpinned images are allowed). */
    image: string;
}

export function fargateManifests(args: FargateManifestArgs) {
    const config = fargateCollectorYaml({ clusterName: args.clusterName, region: args.region });
    const meta = (name: string, labels: Record<string, string> = LABELS) => ({
        name,
        namespace: FARGATE_NAMESPACE,
        labels: { ...labels, ...MANAGED },
    });
    return {
        namespace: { metadata: { name: FARGATE_NAMESPACE, labels: MANAGED } },
        serviceAccount: {
            metadata: {
                ...meta(COLLECTOR_SERVICE_ACCOUNT),
                annotations: { "eks.amazonaws.com/role-arn": args.roleArn },
            },
        },
        clusterRole: { metadata: { name: COLLECTOR_CLUSTER_ROLE, labels: MANAGED }, rules: COLLECTOR_RULES },
        clusterRoleBinding: {
            metadata: { name: COLLECTOR_CLUSTER_ROLE, labels: MANAGED },
            subjects: [{ kind: "ServiceAccount", name: COLLECTOR_SERVICE_ACCOUNT, namespace: FARGATE_NAMESPACE }],
            roleRef: { kind: "ClusterRole", name: COLLECTOR_CLUSTER_ROLE, apiGroup: "rbac.authorization.k8s.io" },
        },
        configMap: {
            metadata: meta(COLLECTOR_CONFIG_MAP, { app: "aws-adot", component: "adot-collector-config" }),
            data: { [COLLECTOR_CONFIG_KEY]: config },
        },
        service: {
            metadata: meta(COLLECTOR_SERVICE),
            // The StatefulSet's governing service; 8888 is the collector's own telemetry port.
            spec: {
                ports: [{ name: "metrics", port: 8888 }],
                selector: { component: COLLECTOR_NAME },
                type: "ClusterIP",
            },
        },
        statefulSet: {
            metadata: meta(COLLECTOR_NAME),
            spec: {
                // One collector scrapes every node through the API server; a second would publish everything twice.
                replicas: 1,
                selector: { matchLabels: LABELS },
                serviceName: COLLECTOR_SERVICE,
                template: {
                    metadata: {
                        // Not in the selector (immutable): only which Fargate profile schedules the pod.
                        labels: { ...LABELS, "eks.amazonaws.com/fargate-profile": FARGATE_PROFILE_NAME },
                        annotations: { "checksum/config": createHash("sha256").update(config).digest("hex") },
                    },
                    spec: {
                        serviceAccountName: COLLECTOR_SERVICE_ACCOUNT,
                        securityContext: {
                            runAsNonRoot: true,
                            runAsUser: COLLECTOR_UID,
                            runAsGroup: COLLECTOR_UID,
                            fsGroup: COLLECTOR_UID,
                            seccompProfile: { type: "RuntimeDefault" },
                        },
                        containers: [
                            {
                                name: COLLECTOR_NAME,
                                image: args.image,
                                imagePullPolicy: "IfNotPresent",
                                command: ["/awscollector", `--config=/conf/${COLLECTOR_CONFIG_FILE}`],
                                // The resourcedetection processor's env detector turns this into the ClusterName dimension.
                                env: [{ name: "OTEL_RESOURCE_ATTRIBUTES", value: `ClusterName=${args.clusterName}` }],
                                resources: {
                                    limits: { cpu: "1", memory: "2Gi" },
                                    requests: { cpu: "1", memory: "2Gi" },
                                },
                                securityContext: {
                                    allowPrivilegeEscalation: false,
                                    capabilities: { drop: ["ALL"] },
                                    runAsNonRoot: true,
                                },
                                volumeMounts: [{ name: "adot-collector-config-volume", mountPath: "/conf" }],
                            },
                        ],
                        volumes: [
                            {
                                name: "adot-collector-config-volume",
                                configMap: {
                                    name: COLLECTOR_CONFIG_MAP,
                                    items: [{ key: COLLECTOR_CONFIG_KEY, path: COLLECTOR_CONFIG_FILE }],
                                },
                            },
                        ],
                    },
                },
            },
        },
    };
}

export type FargateManifests = ReturnType<typeof fargateManifests>;
