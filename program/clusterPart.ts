/** A cluster stack of a fleet (fleet.part clusters): its own program, the agents of its regions only. */
import * as pulumi from "@pulumi/pulumi";
import { Settings } from "../config";
import { accountStackReference, clusterStackSettings } from "../components/fleet/accountStack";
import { installFleetAgents } from "./agents";
import { AgentIdentityOf, planFleetFor, roleIdentity } from "./fleet";
import { PinnedImages } from "./images";
import { Account, ContainerInsights, ProgramOptions } from "./options";
import { mayUsePodIdentity } from "../common/identity";

/**
 * A cluster stack of a fleet (fleet.part clusters): the agents of its regions (one group of their clusters), named
 * and tagged as its account stack's, reading that stack's outputs through a StackReference. The fleet command runs the
 * account stack first, so the reconciler's roles exist before the agents that name them.
 */
export async function createClusterPart(
    stackSettings: Settings,
    options: ProgramOptions,
    account: Account,
    images: PinnedImages,
): Promise<ContainerInsights> {
    const settings = clusterStackSettings(stackSettings);
    const accountStack = accountStackReference(settings.fleet.accountStack!, { parent: options.parent });
    const output = (name: string) => accountStack.requireOutput(name) as pulumi.Output<string>;
    const planned = await planFleetFor(settings, account, options.parent);
    const identity: AgentIdentityOf =
        settings.identityMode === "iamUser"
            ? () => ({
                  kind: "iamUser",
                  accessKeyId: output("iamUserAccessKeyId"),
                  secretAccessKey: pulumi.secret(output("iamUserSecretAccessKey")),
              })
            : roleIdentity(settings, account);
    const usesPodIdentity = mayUsePodIdentity(settings.identityMode);
    const clusters = await installFleetAgents(settings, planned, options, {
        account,
        images,
        identity,
        podIdentityRoleArn: usesPodIdentity ? output("podIdentityRoleArn") : undefined,
        dependsOn: [],
    });
    return {
        outputs: {
            bucketName: output("bucketName"),
            s3BucketSecureUrl: output("s3BucketSecureUrl"),
            readPolicyName: output("readPolicyName"),
            clusters,
        },
    };
}
