/** Every policy of the pack, in one list: index.ts registers them, the offline check and the tests run them. */
import { Policies } from "@pulumi/policy";
import { lambdaNoLiteralSecrets } from "./aws/lambdaEnvironment";
import { snsTopicEncrypted, sqsQueueEncrypted } from "./aws/messagingEncryption";
import { s3BucketEncrypted } from "./aws/s3Encryption";
import { s3BucketPublicAccessBlocked } from "./aws/s3PublicAccessBlock";
import { s3BucketTlsOnly } from "./aws/s3TlsOnly";
import { helmReleaseVisibleValues } from "./helm/release";
import {
    ecrImageAllowedRegistry,
    ecrImageDigestPinned,
    ecrImageSignatureWaived,
    ecrImageSigned,
} from "./images/ecrImages";
import { k8sPodSecurityRestricted } from "./kubernetes/podSecurityRestricted";

export const POLICY_PACK_NAME = "container-insights";

export const policies: Policies = [
    s3BucketEncrypted,
    s3BucketTlsOnly,
    s3BucketPublicAccessBlocked,
    sqsQueueEncrypted,
    snsTopicEncrypted,
    lambdaNoLiteralSecrets,
    k8sPodSecurityRestricted,
    ecrImageAllowedRegistry,
    ecrImageDigestPinned,
    ecrImageSigned,
    // After ecr-image-signed: it reports the waivers ecr-image-signed records for the same resource.
    ecrImageSignatureWaived,
    helmReleaseVisibleValues,
];
