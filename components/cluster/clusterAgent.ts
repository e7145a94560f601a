import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { posix } from "node:path";
import { AddonInstaller } from "../addons/contract";
import { CLUSTER_AGENT_TYPE } from "./agentNames";
import { ChartHardening, hardeningTransform } from "./hardening";
import { kubeconfig } from "./kubeconfig";
import { DiscoveredCluster } from "./types";
import { AgentValuesArgs, agentValues } from "./values";

export const AGENT_RELEASE_NAME = "nops-kubernetes-agent";

/** The chart values' parts (components/cluster/values.ts), and what the cluster's objects and add-ons need. */
export interface ClusterAgentArgs extends Omit<AgentValuesArgs, "clusterArn"> {
    cluster: DiscoveredCluster;
    namespace: string;
    /** How the chart's workloads are hardened as they render (components/cluster/hardening.ts). */
    hardening: ChartHardening;
    /** Role the deploying identity assumes for `aws eks get-token`. */
    assumeRoleArn?: string;
    /** What must exist before the agents start (the reconciler's deploy-time run, which creates their roles). */
    dependsOn?: pulumi.Resource[];
    /**
     * Wait for every rendered object to be ready (helm.v4.Chart's default). Only where the chart's Prometheus volume can
     * be provisioned: without a storage driver its PVC stays Pending and the wait times the whole `up` out.
     */
    awaitReadiness: boolean;
    /** The optional add-ons this cluster gets, decided by the program (components/addons/): children of this component. */
    addons?: AddonInstaller[];
}

/** GitOps mode's directory for one cluster, `<renderTo>/<region>/<cluster>`; undefined when the agent is applied. */
export function renderDirectory(
    renderTo: string | undefined,
    cluster: { region: string; name: string },
): string | undefined {
    return renderTo ? posix.join(renderTo, cluster.region, cluster.name) : undefined;
}

/** The agent in one cluster: its own Kubernetes provider, the namespace, the agent chart and the cluster's add-ons. */
export class ClusterAgent extends pulumi.ComponentResource {
    readonly chart: k8s.helm.v4.Chart;
    /** The add-ons' components, one per installed add-on. */
    readonly addons: pulumi.Resource[];

    constructor(name: string, args: ClusterAgentArgs, opts?: pulumi.ComponentResourceOptions) {
        super(CLUSTER_AGENT_TYPE, name, {}, opts);
        const { cluster } = args;
        const renderTo = renderDirectory(args.agent.renderTo, cluster);
        const provider = new k8s.Provider(
            name,
            renderTo
                ? // GitOps mode: the provider writes the manifests and never contacts the cluster.
                  { renderYamlToDirectory: renderTo }
                : {
                      kubeconfig: kubeconfig({ ...cluster, assumeRoleArn: args.assumeRoleArn }),
                      // A cluster deleted since the last deploy must not block `pulumi up`: its objects leave the state.
                      // On a refresh the provider cannot tell deleted from unreachable (expired credentials included), so
                      // such a refresh forgets the objects too; they stay in the cluster, and the next `up` adopts them.
                      deleteUnreachable: true,
                      // Adopt objects that already exist (an earlier `helm install` of the vendor's chart, or the case
                      // above) instead of failing with "already exists".
                      upsertExistingObjects: true,
                  },
            { parent: this },
        );
        const namespace = new k8s.core.v1.Namespace(
            name,
            { metadata: { name: args.namespace, labels: { "app.kubernetes.io/managed-by": "pulumi" } } },
            { parent: this, provider },
        );
        this.chart = new k8s.helm.v4.Chart(
            name,
            {
                name: AGENT_RELEASE_NAME,
                chart: args.agent.chart,
                version: args.agent.chartVersion,
                namespace: namespace.metadata.name,
                skipAwait: renderTo !== undefined || !args.awaitReadiness,
                values: agentValues({
                    clusterArn: cluster.arn,
                    bucketName: args.bucketName,
                    datadogApiKey: args.datadogApiKey,
                    karpenops: args.karpenops,
                    identity: args.identity,
                    agent: args.agent,
                    prometheus: args.prometheus,
                    imageTags: args.imageTags,
                }),
            },
            // The transform reaches each rendered object: the engine calls it for the chart's children.
            { parent: this, provider, dependsOn: args.dependsOn, transforms: [hardeningTransform(args.hardening)] },
        );
        this.addons = (args.addons ?? []).map((addon) => addon.install(name, { cluster, provider }, this));
        this.registerOutputs({});
    }
}
