/**
 * How a cluster's agent components are typed and named: the stack program registers them with these, and
 * `fleet migrate` (automation/fleet/migrate/) finds them in a stack's state by the same two, so that neither can change
 * without the other. The CLI loads it without the Pulumi SDK.
 */
import { AWS_REGION_PATTERN } from "../../config/keys";

export const CLUSTER_AGENT_TYPE = "container-insights:cluster:ClusterAgent";
export const AGENT_POD_IDENTITY_TYPE = "container-insights:cluster:AgentPodIdentity";

/** The component types that hold everything of one cluster's agent (their descendants included). */
export const AGENT_COMPONENT_TYPES: readonly string[] = [CLUSTER_AGENT_TYPE, AGENT_POD_IDENTITY_TYPE];

/** A cluster's agent components' name: `<region>-<cluster>`. */
export function agentComponentName(cluster: { region: string; name: string }): string {
    return `${cluster.region}-${cluster.name}`;
}

const NAME_PATTERN = new RegExp(`^(${AWS_REGION_PATTERN.slice(1, -1)})-(.+)$`);

/** The cluster an agent component's name stands for; undefined when the name does not start with a region. */
export function clusterOfAgentName(name: string): { region: string; name: string } | undefined {
    const match = NAME_PATTERN.exec(name);
    return match ? { region: match[1], name: match[match.length - 1] } : undefined;
}
