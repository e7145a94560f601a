/** What the program takes besides the settings, and what it gives back: shared by its stages (program/). */
import * as pulumi from "@pulumi/pulumi";
import { Settings } from "../config";
import { STACK_TAG_KEY } from "../common/naming";
import { ExistingLookup } from "../components/adoption/existingResources";
import { AddonName, AddonReads, AddonStatusFields } from "../components/addons";
import { ClusterStatus } from "../components/cluster/types";
import { TrailLookup } from "../components/events/trailCheck";
import { RoleReconciler } from "../components/reconciler/roleReconciler";
import { ImageLock } from "../images/lock";

/** A cluster's line of the `clusters` output: the shared fields and the registered add-ons' own. */
export type ClusterLine = Omit<ClusterStatus, "addons"> &
    AddonStatusFields & {
        /** The optional add-ons installed there (`addons.*`), on every `installed` or `kept` cluster; none: `[]`. */
        addons?: AddonName[];
    };

export interface ProgramOutputs {
    bucketName: pulumi.Output<string>;
    s3BucketSecureUrl: pulumi.Output<string>;
    readPolicyName: pulumi.Output<string>;
    iamUserName?: pulumi.Output<string>;
    iamUserAccessKeyId?: pulumi.Output<string>;
    iamUserSecretAccessKey?: pulumi.Output<string>;
    iamUserCredentialsSecretArn?: pulumi.Output<string>;
    crossAccountRoleArn?: pulumi.Output<string>;
    reconcilerRoleArn?: pulumi.Output<string>;
    reconcilerLastRun?: pulumi.Output<string>;
    /** The stack's state bucket (the reconciler's lease and deployment record, the created trail's logs). */
    stateBucketName?: pulumi.Output<string>;
    /** identityMode podIdentity or auto: the one role every cluster's Pod Identity association names. */
    podIdentityRoleArn?: pulumi.Output<string>;
    /** Per cluster: name, region, ARN, role ARN and whether the agent was installed or why not. */
    clusters: ClusterLine[];
    /** events.enabled: the stack's home event bus, the reconciler queue, and the queue the watch service consumes. */
    eventBusName?: pulumi.Output<string>;
    reconcilerQueueUrl?: pulumi.Output<string>;
    watchQueueUrl?: pulumi.Output<string>;
    watchQueueArn?: pulumi.Output<string>;
}

export interface ContainerInsights {
    outputs: ProgramOutputs;
    /** The reconciler, in IRSA mode: in-cluster work waits for its deploy-time run. */
    reconciler?: RoleReconciler;
}

/** Tags every taggable resource carries: the user's, then the ownership tag (which the user cannot override). */
export function resourceTags(settings: Pick<Settings, "tags" | "stackId">): Record<string, string> {
    return { ...settings.tags, [STACK_TAG_KEY]: settings.stackId };
}

/** The program's reads and parent; the add-ons' reads (AddonReads) among them. */
export interface ProgramOptions extends AddonReads {
    /** The images lock; images/images.lock.json when absent (read only when the agent is installed). */
    imageLock?: ImageLock;
    /** The account's fixed-name resources (bucket, IAM user): ownership check and `adopt`. index.ts passes the SDK
     * lookups, tests a fake account's; skipped when absent. */
    existing?: ExistingLookup;
    /** The account's CloudTrail trails, for the events check (index.ts passes the SDK lookup); skipped when absent. */
    trails?: TrailLookup;
    /** The component everything is registered under (the ContainerInsights component); the stack when absent. */
    parent?: pulumi.Resource;
}

/** The account the stack deploys to, and the agents' bucket, whose name derives from it. */
export interface Account {
    accountId: string;
    partition: string;
    bucketName: string;
}
