import * as pulumi from "@pulumi/pulumi";
import { ClusterStatus } from "./types";

/**
 * This stack's fully qualified name as a StackReference takes it: `<organization>/<project>/<stack>` (a DIY backend's
 * organization is "organization"). Without an organization (an old CLI) the bare stack name means this project's stack.
 */
export function ownStackName(): string {
    let organization: string | undefined;
    try {
        organization = pulumi.getOrganization();
    } catch {
        organization = undefined;
    }
    return organization ? `${organization}/${pulumi.getProject()}/${pulumi.getStack()}` : pulumi.getStack();
}

const STATUSES = new Set(["installed", "kept", "skipped"]);

/** The `clusters` output of the last deploy, keeping only well-formed lines. */
export function parsePreviousClusters(value: unknown): ClusterStatus[] {
    if (!Array.isArray(value)) {
        return [];
    }
    return value.filter(
        (line): line is ClusterStatus =>
            typeof line === "object" &&
            line !== null &&
            typeof line.name === "string" &&
            typeof line.region === "string" &&
            typeof line.arn === "string" &&
            STATUSES.has(line.status),
    );
}

/**
 * Reads the `clusters` output this stack's last deploy left, through a StackReference to the stack itself: the engine
 * reads the stack's last checkpoint (empty on the first deploy), where the root stack resource keeps its previous
 * outputs until the deploy in progress registers new ones (pulumi/pulumi pkg/resource/deploy/builtins.go
 * readStackReference, SameStep keeps old outputs; tests/integration/stack_reference/nodejs/step2 reads its own stack
 * the same way).
 */
export async function previousClusters(opts?: pulumi.CustomResourceOptions): Promise<ClusterStatus[]> {
    const self = new pulumi.StackReference("last-deploy", { name: ownStackName() }, opts);
    const details = await self.getOutputDetails("clusters");
    return parsePreviousClusters(details.value ?? details.secretValue);
}
