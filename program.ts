import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Settings } from "./config";
import { STACK_TAG_KEY, bucketNameFor, partitionOf } from "./common/naming";
import { InsightsBucket } from "./components/storage/insightsBucket";
import { PlatformReadPolicy } from "./components/iam/platformReadPolicy";
import { AgentUser } from "./components/iam/agentUser";
import { AutoUpdateRole } from "./components/iam/autoUpdateRole";
import { ReconcilerRole } from "./components/iam/reconcilerRole";
import { StackScope } from "./components/iam/scope";
import { PlatformToken } from "./components/secrets/platformToken";
import { RoleReconciler } from "./components/reconciler/roleReconciler";
import { version } from "./package.json";

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

/** Composes the account side of an onboarding from validated settings. */
export function createContainerInsights(settings: Settings): ContainerInsights {
    const stackRegion = settings.stackRegion;
    const tags = resourceTags(settings);
    const identity = aws.getCallerIdentityOutput();
    const partition = pulumi.output(partitionOf(stackRegion));
    const bucketName = identity.accountId.apply(bucketNameFor);

    const bucket = new InsightsBucket("insights", {
        bucketName,
        partition,
        kmsKeyId: settings.kmsKeyId,
        lifecycleDays: settings.lifecycleDays,
        tags,
    });

    const readPolicy = new PlatformReadPolicy("platform-read", {
        roleName: settings.roleName,
        bucketName: bucket.bucketName,
        partition,
        policyName: `nops-container-cost-read-${settings.stackName}`,
    });

    const scope: pulumi.Output<StackScope> = pulumi
        .all([identity.accountId, bucket.bucketName])
        .apply(([accountId, bucketName]) => ({
            accountId,
            partition: partitionOf(stackRegion),
            region: stackRegion,
            stackName: settings.stackName,
            bucketName,
        }));

    let reconciler: RoleReconciler | undefined;
    const outputs: ProgramOutputs = {
        bucketName: bucket.bucketName,
        s3BucketSecureUrl: bucket.secureUrl,
        readPolicyName: readPolicy.policyName,
    };

    if (settings.createIamUser) {
        const user = new AgentUser("agent-user", { bucketName: bucket.bucketName, partition, tags });
        outputs.iamUserName = user.userName;
        outputs.iamUserAccessKeyId = user.accessKeyId;
        outputs.iamUserSecretAccessKey = user.secretAccessKey;
        outputs.iamUserCredentialsSecretArn = user.credentialsSecretArn;
    } else {
        const token = new PlatformToken("platform-token", { token: settings.token, tags });
        const reconcilerRole = new ReconcilerRole("reconciler", { scope, tokenSecretArn: token.secretArn, tags });
        outputs.reconcilerRoleArn = reconcilerRole.roleArn;
        reconciler = new RoleReconciler("reconciler", {
            stackName: settings.stackName,
            environment: pulumi.all([bucket.bucketName, token.secretArn]).apply(([bucketName, tokenSecretArn]) => ({
                stackId: settings.stackId,
                stackName: settings.stackName,
                regions: settings.regions,
                bucketName,
                queueArnPattern: settings.platform.queueArnPattern,
                namespace: settings.agentNamespace,
                serviceAccount: settings.agentServiceAccount,
                apiUrl: settings.platform.apiUrl,
                tokenSecretArn,
                version,
            })),
            roleArn: reconcilerRole.roleArn,
            ready: [reconcilerRole.policy],
            logRetentionDays: settings.logRetentionDays,
            tags,
        });
        outputs.reconcilerLastRun = reconciler.lastRun;
    }

    if (settings.autoUpdate) {
        const autoUpdate = new AutoUpdateRole("auto-update", {
            scope,
            platformAccountId: settings.platform.accountId,
            externalId: settings.externalId!,
            tags,
        });
        outputs.crossAccountRoleArn = autoUpdate.roleArn;
    }
    return { outputs, reconciler };
}
