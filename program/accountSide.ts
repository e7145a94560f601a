/**
 * The account side of an onboarding: the agents' bucket, the stack's state bucket (and the trail writing to it), the
 * platform's read policy and the agents' permissions boundary, after the ownership check of fixed-name resources.
 */
import { Settings } from "../config";
import { readPolicyName } from "../common/naming";
import { inspectExisting } from "../components/adoption/existingResources";
import { AgentBoundary } from "../components/iam/agentBoundary";
import { AGENT_USER_NAME } from "../components/iam/agentUser";
import { resolveBucketKey } from "../components/iam/bucketKey";
import { PlatformReadPolicy } from "../components/iam/platformReadPolicy";
import { StackScope } from "../components/iam/scope";
import { ManagementTrail, trailArn } from "../components/events/trail";
import { InsightsBucket } from "../components/storage/insightsBucket";
import { StateBucket } from "../components/storage/stateBucket";
import { chooseEvents } from "./events";
import { Account, ProgramOptions, resourceTags } from "./options";

export type AccountSide = Awaited<ReturnType<typeof createAccountSide>>;

/** Everything of the account that is not an identity: registered before the fleet is read. */
export async function createAccountSide(settings: Settings, options: ProgramOptions, account: Account) {
    const { accountId, partition, bucketName } = account;
    const region = settings.stackRegion;
    const childOptions = { parent: options.parent };
    const tags = resourceTags(settings);
    const kms = await resolveBucketKey(settings.kmsKeyId);
    // One environment per account: the bucket and the user have fixed names; another stack's tag on them stops here.
    const adoption = options.existing
        ? await inspectExisting(options.existing, {
              stackId: settings.stackId,
              bucketName,
              userName: settings.identityMode === "iamUser" ? AGENT_USER_NAME : undefined,
              adopt: settings.adopt,
          })
        : { user: false };
    const events = await chooseEvents(settings, options.trails, partition);

    const bucket = new InsightsBucket(
        "insights",
        {
            bucketName,
            partition,
            kmsKeyId: settings.kmsKeyId,
            lifecycleDays: settings.lifecycleDays > 0 ? settings.lifecycleDays : undefined,
            tags,
            retainOnDestroy: settings.retainBucket,
            adopt: adoption.bucket ? { bucketName, settings: adoption.bucket } : undefined,
        },
        childOptions,
    );
    // The reconciler's lease and deployment record, and the created trail's logs: never in the agents' bucket.
    const stateBucket =
        settings.identityMode === "iamUser"
            ? undefined
            : new StateBucket(
                  "state",
                  {
                      accountId,
                      partition,
                      kmsKeyId: settings.kmsKeyId,
                      tags,
                      // Only the trail's logs are worth keeping after a destroy.
                      retainOnDestroy: settings.retainBucket && events.createTrail,
                      trailArn: events.createTrail
                          ? trailArn({ partition, region, accountId, stackName: settings.stackName })
                          : undefined,
                  },
                  childOptions,
              );
    if (events.createTrail && stateBucket) {
        new ManagementTrail(
            "management-events",
            {
                stackName: settings.stackName,
                region,
                bucketName: stateBucket.bucketName,
                bucketPolicy: stateBucket.policy,
                tags,
            },
            childOptions,
        );
    }
    const readPolicy = new PlatformReadPolicy(
        "platform-read",
        {
            roleName: settings.roleName,
            bucketName: bucket.bucketName,
            partition,
            policyName: readPolicyName(settings.stackName),
            kms,
        },
        childOptions,
    );
    const boundary = new AgentBoundary(
        "agent-boundary",
        {
            stackName: settings.stackName,
            partition,
            bucketName: bucket.bucketName,
            queueArnPattern: settings.platform.queueArnPattern,
            kms,
            tags,
        },
        childOptions,
    );
    const scope: StackScope = {
        accountId,
        partition,
        region,
        stackName: settings.stackName,
        stackId: settings.stackId,
        bucketName,
    };
    return { kms, adoption, events, bucket, stateBucket, readPolicy, boundary, scope };
}
