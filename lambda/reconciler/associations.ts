/**
 * The reconciler's half of EKS Pod Identity. Ownership is explicit in each association's tags:
 * - `container-insights:managed-by=pulumi`: the program registered it for a cluster it discovered; it is in the
 *   Pulumi state and the reconciler never writes it;
 * - `container-insights:managed-by=reconciler` (with the stack's tag): the reconciler made it for a cluster that
 *   appeared between deploys; only these are updated or deleted here, and the reconciler's IAM policy allows no other;
 * - anything else (another stack, made by hand): left alone, reported as skipped.
 * At a deploy the program registers every discovered cluster's association; the deploy-time run first hands over
 * (deletes its own association on those clusters) and creates none there.
 */
import { AssociationOwner, MANAGED_BY_TAG_KEY, associationTags } from "../../common/identity";
import { STACK_TAG_KEY } from "../../common/naming";
import { Gateway } from "./gateway";
import { ResourceInUseException } from "@aws-sdk/client-eks";
import { ActualAssociation, ClusterFacts, ClusterResult, ReconcilerSettings } from "./types";

export type AssociationStep =
    /** The cluster should have an association with the stack's Pod Identity role. */
    | { kind: "associate"; cluster: ClusterFacts }
    /** The cluster should not have the reconciler's association (deselected, IRSA now, or handed over to the program). */
    | { kind: "dissociate"; cluster: ClusterFacts; reason: string };

export function ownerOf(association: ActualAssociation, stackId: string): AssociationOwner | "foreign" {
    if (association.tags[STACK_TAG_KEY] !== stackId) {
        return "foreign";
    }
    const owner = association.tags[MANAGED_BY_TAG_KEY];
    return owner === "pulumi" || owner === "reconciler" ? owner : "foreign";
}

type Write = <T>(call: () => Promise<T>) => Promise<T>;

/** Carries out one association step; undefined when there was nothing to do or say. */
export async function executeAssociation(
    step: AssociationStep,
    settings: ReconcilerSettings,
    gateway: Gateway,
    write: Write,
): Promise<ClusterResult | undefined> {
    const { cluster } = step;
    const base = { cluster: cluster.name, region: cluster.region, clusterArn: cluster.arn };
    const actual = await gateway.association(cluster.region, cluster.name, settings.namespace, settings.serviceAccount);
    if (step.kind === "dissociate") {
        if (!actual || ownerOf(actual, settings.stackId) !== "reconciler") {
            return undefined;
        }
        await write(() => gateway.deleteAssociation(cluster.region, cluster.name, actual.associationId));
        return { ...base, associationId: actual.associationId, outcome: "deleted", reason: step.reason };
    }
    const roleArn = settings.podIdentityRoleArn!;
    if (!actual) {
        try {
            const associationId = await write(() =>
                gateway.createAssociation(cluster.region, {
                    clusterName: cluster.name,
                    namespace: settings.namespace,
                    serviceAccount: settings.serviceAccount,
                    roleArn,
                    tags: associationTags(settings.stackId, "reconciler", cluster.arn),
                }),
            );
            return { ...base, associationId, outcome: "created" };
        } catch (error) {
            if (!(error instanceof ResourceInUseException)) {
                throw error;
            }
            return {
                ...base,
                outcome: "skipped",
                reason: "an association for the agent's service account appeared meanwhile; the next run checks it",
            };
        }
    }
    const owner = ownerOf(actual, settings.stackId);
    const withId = { ...base, associationId: actual.associationId };
    if (owner === "foreign") {
        return {
            ...withId,
            outcome: "skipped",
            reason: `association ${actual.associationId} for ${settings.namespace}/${settings.serviceAccount} was not made by this stack; left alone`,
        };
    }
    if (owner === "pulumi" || actual.roleArn === roleArn) {
        return { ...withId, outcome: "unchanged" };
    }
    await write(() => gateway.updateAssociation(cluster.region, cluster.name, actual.associationId, roleArn));
    return { ...withId, outcome: "updated", reason: `role was ${actual.roleArn}` };
}

/** The steps for the Pod Identity side of a run. IRSA stacks look at associations only at deploy time (mode changes). */
export function associationSteps(
    settings: ReconcilerSettings,
    associations: ClusterFacts[],
    dropAssociations: Array<{ cluster: ClusterFacts; reason: string }>,
): AssociationStep[] {
    if (settings.identityMode === "irsa" && settings.handover === undefined) {
        return [];
    }
    return [
        ...associations.map((cluster): AssociationStep => ({ kind: "associate", cluster })),
        ...dropAssociations.map(({ cluster, reason }): AssociationStep => ({ kind: "dissociate", cluster, reason })),
    ];
}
