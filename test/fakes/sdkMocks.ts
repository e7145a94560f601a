/** Points every SDK v3 client the reconciler uses at a FakeAccount, through aws-sdk-client-mock. */
import * as eksSdk from "@aws-sdk/client-eks";
import { EKSClient, ListClustersCommand } from "@aws-sdk/client-eks";
import * as iam from "@aws-sdk/client-iam";
import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import * as s3 from "@aws-sdk/client-s3";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { DescribeRuleCommand, EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { ChangeMessageVisibilityCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { FakeAccount } from "./awsAccount";

const EKS_COMMANDS = {
    DescribeCluster: eksSdk.DescribeClusterCommand,
    DescribeAddon: eksSdk.DescribeAddonCommand,
    ListPodIdentityAssociations: eksSdk.ListPodIdentityAssociationsCommand,
    DescribePodIdentityAssociation: eksSdk.DescribePodIdentityAssociationCommand,
    CreatePodIdentityAssociation: eksSdk.CreatePodIdentityAssociationCommand,
    UpdatePodIdentityAssociation: eksSdk.UpdatePodIdentityAssociationCommand,
    DeletePodIdentityAssociation: eksSdk.DeletePodIdentityAssociationCommand,
};

const IAM_COMMANDS = {
    ListOpenIDConnectProviders: iam.ListOpenIDConnectProvidersCommand,
    ListRoles: iam.ListRolesCommand,
    ListEntitiesForPolicy: iam.ListEntitiesForPolicyCommand,
    GetRole: iam.GetRoleCommand,
    CreateRole: iam.CreateRoleCommand,
    UpdateAssumeRolePolicy: iam.UpdateAssumeRolePolicyCommand,
    PutRolePolicy: iam.PutRolePolicyCommand,
    GetRolePolicy: iam.GetRolePolicyCommand,
    ListRolePolicies: iam.ListRolePoliciesCommand,
    ListAttachedRolePolicies: iam.ListAttachedRolePoliciesCommand,
    ListRoleTags: iam.ListRoleTagsCommand,
    DeleteRolePolicy: iam.DeleteRolePolicyCommand,
    DetachRolePolicy: iam.DetachRolePolicyCommand,
    DeleteRole: iam.DeleteRoleCommand,
    TagRole: iam.TagRoleCommand,
    PutRolePermissionsBoundary: iam.PutRolePermissionsBoundaryCommand,
    DeleteRolePermissionsBoundary: iam.DeleteRolePermissionsBoundaryCommand,
    AttachRolePolicy: iam.AttachRolePolicyCommand,
    GetUser: iam.GetUserCommand,
    ListUserPolicies: iam.ListUserPoliciesCommand,
    ListAttachedUserPolicies: iam.ListAttachedUserPoliciesCommand,
    ListAccessKeys: iam.ListAccessKeysCommand,
};

/** The reconciler's lease objects, and what adopt and status read from S3. */
const S3_COMMANDS = {
    PutObject: s3.PutObjectCommand,
    GetObject: s3.GetObjectCommand,
    DeleteObject: s3.DeleteObjectCommand,
    HeadBucket: s3.HeadBucketCommand,
    GetBucketTagging: s3.GetBucketTaggingCommand,
    GetBucketEncryption: s3.GetBucketEncryptionCommand,
    GetPublicAccessBlock: s3.GetPublicAccessBlockCommand,
    GetBucketOwnershipControls: s3.GetBucketOwnershipControlsCommand,
    GetBucketPolicy: s3.GetBucketPolicyCommand,
    GetBucketLifecycleConfiguration: s3.GetBucketLifecycleConfigurationCommand,
};

/** Installs the mocks; call the returned function to restore the real clients. */
export function mockAws(account: FakeAccount): () => void {
    const eks = mockClient(EKSClient);
    const regionOf = async (getClient: () => any) => (await getClient().config.region()) as string;
    eks.on(ListClustersCommand).callsFake(async (input, getClient) =>
        account.handle("ListClusters", input, await regionOf(getClient)),
    );
    for (const [operation, command] of Object.entries(EKS_COMMANDS)) {
        eks.on(command as any).callsFake(async (input: Record<string, any>, getClient: () => any) =>
            account.handle(operation, input, await regionOf(getClient)),
        );
    }
    const iamMock = mockClient(iam.IAMClient);
    for (const [operation, command] of Object.entries(IAM_COMMANDS)) {
        iamMock.on(command as any).callsFake((input: Record<string, any>) => account.handle(operation, input));
    }
    const sts = mockClient(STSClient);
    sts.on(GetCallerIdentityCommand).callsFake((input) => account.handle("GetCallerIdentity", input));
    const secrets = mockClient(SecretsManagerClient);
    secrets.on(GetSecretValueCommand).callsFake((input) => account.handle("GetSecretValue", input));
    const s3Mock = mockClient(s3.S3Client);
    for (const [operation, command] of Object.entries(S3_COMMANDS)) {
        s3Mock.on(command as any).callsFake((input: Record<string, any>) => account.handle(operation, input));
    }
    const logs = mockClient(CloudWatchLogsClient);
    logs.on(FilterLogEventsCommand).callsFake((input) => account.handle("FilterLogEvents", input));
    const events = mockClient(EventBridgeClient);
    events
        .on(PutEventsCommand)
        .callsFake(async (input, getClient) => account.handle("PutEvents", input, await regionOf(getClient)));
    events
        .on(DescribeRuleCommand)
        .callsFake(async (input, getClient) => account.handle("DescribeRule", input, await regionOf(getClient)));
    const sqs = mockClient(SQSClient);
    sqs.on(ChangeMessageVisibilityCommand).callsFake(async (input, getClient) =>
        account.handle("ChangeMessageVisibility", input, await regionOf(getClient)),
    );
    return () => {
        events.restore();
        sqs.restore();
        s3Mock.restore();
        logs.restore();
        eks.restore();
        iamMock.restore();
        sts.restore();
        secrets.restore();
    };
}
