/**
 * A whole stack's exported state shaped as the real engine writes it for the program (test/engine/fleet.test.ts
 * migrates a real one): the root stack, the default AWS provider, the reconciler's Invocation, and per cluster an
 * AgentPodIdentity (its association on the default provider, after the Invocation) and a ClusterAgent (its own
 * Kubernetes provider as a child, the namespace, the chart after the Invocation and its rendered children).
 */
import { Deployment, StateResource } from "../../automation/fleet/migrate/deployment";

export const PROJECT = "container-insights";
export const CIPHERTEXT = {
    "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
    ciphertext: "v1:abc",
};
export const SECRETS_PROVIDERS = { type: "passphrase", state: { salt: "v1:source-salt" } };

export const urn = (stack: string, type: string, name: string) => `urn:pulumi:${stack}::${PROJECT}::${type}::${name}`;

export function wholeStack(
    stack = "prod",
    clusters: { region: string; name: string }[] = [
        { region: "us-east-1", name: "prod-a" },
        { region: "eu-west-1", name: "prod-eu" },
    ],
    options: { under?: string } = {},
): Deployment {
    const root = urn(stack, "pulumi:pulumi:Stack", `${PROJECT}-${stack}`);
    const awsProvider = urn(stack, "pulumi:providers:aws", "default_7_48_0");
    const top = options.under ? `${options.under}$` : "";
    const topParent = options.under ? urn(stack, options.under, "insights") : root;
    const invocation = urn(stack, `${top}aws:lambda/invocation:Invocation`, "reconcile");
    const resources: StateResource[] = [
        { urn: root, custom: false, type: "pulumi:pulumi:Stack", outputs: { bucketName: "b" } },
        { urn: awsProvider, custom: true, id: "aws-id", type: "pulumi:providers:aws", parent: root },
        ...(options.under ? [{ urn: topParent, custom: false, type: options.under, parent: root }] : []),
        {
            urn: invocation,
            custom: true,
            id: "inv",
            type: "aws:lambda/invocation:Invocation",
            parent: topParent,
            provider: `${awsProvider}::aws-id`,
        },
    ];
    for (const cluster of clusters) {
        const name = `${cluster.region}-${cluster.name}`;
        const identity = urn(stack, `${top}container-insights:cluster:AgentPodIdentity`, name);
        const association = urn(
            stack,
            `${top}container-insights:cluster:AgentPodIdentity$aws:eks/podIdentityAssociation:PodIdentityAssociation`,
            name,
        );
        const agent = urn(stack, `${top}container-insights:cluster:ClusterAgent`, name);
        const agentType = `${top}container-insights:cluster:ClusterAgent`;
        const k8sProvider = urn(stack, `${agentType}$pulumi:providers:kubernetes`, name);
        const namespace = urn(stack, `${agentType}$kubernetes:core/v1:Namespace`, name);
        const chart = urn(stack, `${agentType}$kubernetes:helm.sh/v4:Chart`, name);
        const configMap = urn(
            stack,
            `${agentType}$kubernetes:helm.sh/v4:Chart$kubernetes:core/v1:ConfigMap`,
            `${name}:nops/config`,
        );
        resources.push(
            { urn: identity, custom: false, type: "container-insights:cluster:AgentPodIdentity", parent: topParent },
            {
                urn: association,
                custom: true,
                id: `a-${name}`,
                type: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
                parent: identity,
                provider: `${awsProvider}::aws-id`,
                dependencies: [invocation],
                inputs: { region: cluster.region },
            },
            { urn: agent, custom: false, type: "container-insights:cluster:ClusterAgent", parent: topParent },
            {
                urn: k8sProvider,
                custom: true,
                id: `k-${name}`,
                type: "pulumi:providers:kubernetes",
                parent: agent,
                inputs: { renderYamlToDirectory: `rendered/${cluster.region}/${cluster.name}` },
            },
            {
                urn: namespace,
                custom: true,
                id: "nops",
                type: "kubernetes:core/v1:Namespace",
                parent: agent,
                provider: `${k8sProvider}::k-${name}`,
            },
            {
                urn: chart,
                custom: false,
                type: "kubernetes:helm.sh/v4:Chart",
                parent: agent,
                dependencies: [invocation, association],
                propertyDependencies: { values: [invocation] },
                outputs: {
                    resources: [
                        { "5cf8f73096256a8f31e491e813e4eb8e": "5cf8f73096256a8f31e491e813e4eb8e", urn: configMap },
                    ],
                },
                inputs: { values: CIPHERTEXT },
            },
            {
                urn: configMap,
                custom: true,
                id: "nops/config",
                type: "kubernetes:core/v1:ConfigMap",
                parent: chart,
                provider: `${k8sProvider}::k-${name}`,
                dependencies: [namespace],
            },
        );
    }
    return {
        version: 3,
        deployment: {
            manifest: { time: "2026-12-07T00:00:00Z", magic: "m", version: "v3.276.0" },
            secrets_providers: SECRETS_PROVIDERS,
            resources,
        },
    };
}
