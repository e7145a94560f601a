import { loadSettings } from "./config";
import { createContainerInsights } from "./program";

const settings = loadSettings();
const { outputs } = createContainerInsights(settings);

export const bucketName = outputs.bucketName;
export const s3BucketSecureUrl = outputs.s3BucketSecureUrl;
export const readPolicyName = outputs.readPolicyName;
export const iamUserName = outputs.iamUserName;
export const iamUserAccessKeyId = outputs.iamUserAccessKeyId;
export const iamUserSecretAccessKey = outputs.iamUserSecretAccessKey;
export const iamUserCredentialsSecretArn = outputs.iamUserCredentialsSecretArn;
export const crossAccountRoleArn = outputs.crossAccountRoleArn;
export const reconcilerRoleArn = outputs.reconcilerRoleArn;
export const reconcilerLastRun = outputs.reconcilerLastRun;
