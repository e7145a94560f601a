/** Points every SDK v3 client the reconciler uses at a FakeAccount, through aws-sdk-client-mock. */
import { DescribeClusterCommand, EKSClient, ListClustersCommand } from "@aws-sdk/client-eks";
import * as iam from "@aws-sdk/client-iam";
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { FakeAccount } from "./awsAccount";

const IAM_COMMANDS = {
    ListOpenIDConnectProviders: iam.ListOpenIDConnectProvidersCommand,
    ListRoles: iam.ListRolesCommand,
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
};

/** Installs the mocks; call the returned function to restore the real clients. */
export function mockAws(account: FakeAccount): () => void {
    const eks = mockClient(EKSClient);
    const regionOf = async (getClient: () => any) => (await getClient().config.region()) as string;
    eks.on(ListClustersCommand).callsFake(async (input, getClient) => account.handle("ListClusters", input, await regionOf(getClient)));
    eks.on(DescribeClusterCommand).callsFake(async (input, getClient) =>
        account.handle("DescribeCluster", input, await regionOf(getClient)),
    );
    const iamMock = mockClient(iam.IAMClient);
    for (const [operation, command] of Object.entries(IAM_COMMANDS)) {
        iamMock.on(command as any).callsFake((input: Record<string, any>) => account.handle(operation, input));
    }
    const sts = mockClient(STSClient);
    sts.on(GetCallerIdentityCommand).callsFake((input) => account.handle("GetCallerIdentity", input));
    const secrets = mockClient(SecretsManagerClient);
    secrets.on(GetSecretValueCommand).callsFake((input) => account.handle("GetSecretValue", input));
    const s3 = mockClient(S3Client);
    s3.on(PutObjectCommand).callsFake((input) => account.handle("PutObject", input));
    s3.on(GetObjectCommand).callsFake((input) => account.handle("GetObject", input));
    s3.on(DeleteObjectCommand).callsFake((input) => account.handle("DeleteObject", input));
    return () => {
        s3.restore();
        eks.restore();
        iamMock.restore();
        sts.restore();
        secrets.restore();
    };
}
