/**
 * The events stage: whether EKS and IAM events reach the reconciler (every mode but the IAM user, which has no
 * reconciler), what the account's trails leave out, and the pipeline from the regions' buses to the reconciler.
 */
import * as pulumi from "@pulumi/pulumi";
import { Settings } from "../config";
import { iamEventRegion } from "../components/events/patterns";
import { ReconcileEvents } from "../components/events/reconcileEvents";
import { TrailLookup, trailCoverage } from "../components/events/trailCheck";
import { RECONCILER_TIMEOUT_S, RoleReconciler } from "../components/reconciler/roleReconciler";
import { Account, ProgramOptions, ProgramOutputs, resourceTags } from "./options";

export interface EventsChoice {
    enabled: boolean;
    /** The stack creates its own multi-region management-events trail. */
    createTrail: boolean;
}

/** Whether events are on, warning where the account's trails would not deliver them. */
export async function chooseEvents(
    settings: Settings,
    trails: TrailLookup | undefined,
    partition: string,
): Promise<EventsChoice> {
    // Events need the reconciler, which every mode but the IAM user has.
    const enabled = settings.events.enabled && settings.identityMode !== "iamUser";
    const createTrail = enabled && settings.events.createTrail;
    if (enabled && !createTrail && trails) {
        await warnWithoutTrail(trails, settings.regions, iamEventRegion(partition));
    }
    if (createTrail && settings.kmsKeyId) {
        pulumi.log.warn(
            `events.createTrail: the trail writes to the stack's state bucket, whose default encryption is the KMS key ${settings.kmsKeyId}; its key policy must let cloudtrail.amazonaws.com use it (kms:GenerateDataKey*) or the trail cannot deliver`,
        );
    }
    return { enabled, createTrail };
}

/** The rules, buses and queues that start the reconciler on EKS and IAM events; its outputs. */
export function createEventPipeline(
    settings: Settings,
    options: ProgramOptions,
    account: Account,
    reconciler: { function: RoleReconciler; ready: pulumi.Resource[] },
): Pick<ProgramOutputs, "eventBusName" | "reconcilerQueueUrl" | "watchQueueUrl" | "watchQueueArn"> {
    const pipeline = new ReconcileEvents(
        "events",
        {
            stackName: settings.stackName,
            accountId: account.accountId,
            partition: account.partition,
            homeRegion: settings.stackRegion,
            regions: settings.regions,
            functionName: reconciler.function.managementFunction.name,
            functionTimeoutSeconds: RECONCILER_TIMEOUT_S,
            ready: reconciler.ready,
            tags: resourceTags(settings),
        },
        { parent: options.parent },
    );
    return {
        eventBusName: pipeline.busName,
        reconcilerQueueUrl: pipeline.reconcilerQueueUrl,
        watchQueueUrl: pipeline.watchQueueUrl,
        watchQueueArn: pipeline.watchQueueArn,
    };
}

/**
 * Warns per region where no trail would deliver the EKS events (and when IAM's would not reach us-east-1): those
 * clusters are onboarded by the 2-hourly run only. A failed lookup warns too; it never stops the deploy.
 */
async function warnWithoutTrail(lookup: TrailLookup, regions: string[], iamRegion: string): Promise<void> {
    const coverage = await trailCoverage(lookup, regions, iamRegion);
    for (const region of coverage.uncovered) {
        const why = coverage.errors[region]
            ? `the trails could not be read (${coverage.errors[region]})`
            : coverage.unreadable[region]
              ? `no readable CloudTrail trail logs its management write events, and could not read trail ${coverage.unreadable[region].join("; trail ")}`
              : "no CloudTrail trail logs its management write events";
        pulumi.log.warn(
            `region ${region}: ${why}, so EventBridge receives no EKS events there; its new clusters wait for the 2-hourly run. ` +
                "Turn logging on in a multi-region trail, or set events.createTrail to true",
        );
    }
    if (!coverage.iam && !coverage.uncovered.includes(iamRegion)) {
        pulumi.log.warn(
            `${iamRegion}: no trail logs global service events (IAM) there, so a new OIDC provider is noticed by the 2-hourly run only; ` +
                "a multi-region trail with global service events (or events.createTrail) delivers them",
        );
    }
}
