/**
 * The program: an onboarding composed from validated settings, stage by stage (program/): the images pinned, the
 * account side, the fleet read, the identities of the identity mode, the events, then the agents and their add-ons.
 */
import * as aws from "@pulumi/aws";
import { Settings } from "./config";
import { bucketNameFor, partitionOf } from "./common/naming";
import { createAccountSide } from "./program/accountSide";
import { installFleetAgents } from "./program/agents";
import { createClusterPart } from "./program/clusterPart";
import { createEventPipeline } from "./program/events";
import { planFleetFor } from "./program/fleet";
import { createAutoUpdateRole, createIdentities } from "./program/identities";
import { pinnedImages } from "./program/images";
import { Account, ContainerInsights, ProgramOptions } from "./program/options";

export type { ContainerInsights, ProgramOptions, ProgramOutputs } from "./program/options";
export { resourceTags } from "./program/options";

/** Composes an onboarding from validated settings: the account side, then the agent in every selected cluster. */
export async function createContainerInsights(
    settings: Settings,
    options: ProgramOptions = {},
): Promise<ContainerInsights> {
    // Before anything is registered: an unpinned image stops the whole deploy, not just the in-cluster half.
    const images = pinnedImages(settings, options.imageLock);
    const account = await accountOf(settings);
    if (settings.fleet.part === "clusters") {
        return createClusterPart(settings, options, account, images);
    }
    const side = await createAccountSide(settings, options, account);
    // The fleet is read first: the reconciler's deploy-time run must know when the set of clusters changes, and
    // which clusters' Pod Identity associations the program registers (it hands those over).
    const planned = await planFleetFor(settings, account, options.parent);
    const identities = createIdentities(settings, options, account, side, planned);
    const events =
        identities.reconciler && side.events.enabled
            ? createEventPipeline(settings, options, account, identities.reconciler)
            : {};
    const autoUpdate = settings.autoUpdate ? createAutoUpdateRole(settings, options, side) : {};
    // An account stack of a fleet leaves the agents to its cluster stacks.
    const clusters =
        settings.fleet.part === "whole"
            ? await installFleetAgents(settings, planned, options, {
                  account,
                  images,
                  identity: identities.agentIdentity,
                  podIdentityRoleArn: identities.podIdentityRoleArn,
                  dependsOn: identities.reconciler ? [identities.reconciler.function.invocation] : [],
              })
            : [];
    return {
        outputs: {
            bucketName: side.bucket.bucketName,
            s3BucketSecureUrl: side.bucket.secureUrl,
            readPolicyName: side.readPolicy.policyName,
            clusters,
            ...identities.outputs,
            ...events,
            ...autoUpdate,
        },
        reconciler: identities.reconciler?.function,
    };
}

async function accountOf(settings: Settings): Promise<Account> {
    const { accountId } = await aws.getCallerIdentity();
    return { accountId, partition: partitionOf(settings.stackRegion), bucketName: bucketNameFor(accountId) };
}
