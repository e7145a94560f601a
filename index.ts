/**
 * The stack program: the ContainerInsights component built from this stack's config, with the outputs the docs
 * list. Its direct children also answer to the URNs they had before the program used the component
 * (keepStackLevelUrns' aliases), so a stack deployed before then updates in place.
 */
import { ContainerInsights, StackConfig, keepStackLevelUrns } from "./components/containerInsights";

const program = new ContainerInsights("container-insights", new StackConfig(), {
    transforms: [keepStackLevelUrns],
}).result;

export const bucketName = program.then((o) => o.bucketName);
export const s3BucketSecureUrl = program.then((o) => o.s3BucketSecureUrl);
export const readPolicyName = program.then((o) => o.readPolicyName);
export const iamUserName = program.then((o) => o.iamUserName);
export const iamUserAccessKeyId = program.then((o) => o.iamUserAccessKeyId);
export const iamUserSecretAccessKey = program.then((o) => o.iamUserSecretAccessKey);
export const iamUserCredentialsSecretArn = program.then((o) => o.iamUserCredentialsSecretArn);
export const crossAccountRoleArn = program.then((o) => o.crossAccountRoleArn);
export const reconcilerRoleArn = program.then((o) => o.reconcilerRoleArn);
export const reconcilerLastRun = program.then((o) => o.reconcilerLastRun);
export const stateBucketName = program.then((o) => o.stateBucketName);
export const clusters = program.then((o) => o.clusters);
export const podIdentityRoleArn = program.then((o) => o.podIdentityRoleArn);
export const eventBusName = program.then((o) => o.eventBusName);
export const reconcilerQueueUrl = program.then((o) => o.reconcilerQueueUrl);
export const watchQueueUrl = program.then((o) => o.watchQueueUrl);
export const watchQueueArn = program.then((o) => o.watchQueueArn);
