import * as pulumi from "@pulumi/pulumi";
import { loadSettings } from "./config";
import { sdkLookup } from "./components/adoption/existingResources";
import { sdkFargateProfiles } from "./components/addons/fargateInsights/profiles";
import { createContainerInsights } from "./program";
import { sdkTrailLookup } from "./components/events/trailCheck";

const settings = loadSettings();
const awsProfile = new pulumi.Config("aws").get("profile");
const existing = sdkLookup(settings.stackRegion, awsProfile);
const program = createContainerInsights(settings, {
    existing,
    fargateProfiles: sdkFargateProfiles(awsProfile),
    trails: sdkTrailLookup(awsProfile),
}).then((result) => result.outputs);

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
