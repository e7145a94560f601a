/**
 * The emulator keeps AWS accounts apart, as the fleet's many-account runs need (fleetAccounts.test.ts): without
 * MOTO_ACCOUNT_ID moto picks a request's account from its access key, and STS AssumeRole's temporary keys belong to
 * the role's account, so what is created with them lands there. The front refuses a role that does not exist, which
 * moto alone would hand out credentials for (engine/emulator/sts/assumeRole.ts). All through the real AWS SDK v3.
 */
import { strict as assert } from "node:assert";
import * as eks from "@aws-sdk/client-eks";
import { CreateRoleCommand, IAMClient, ListRolesCommand } from "@aws-sdk/client-iam";
import { CreateBucketCommand, ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, STSServiceException } from "@aws-sdk/client-sts";
import { Emulator, findMotoServer, startEmulator } from "../../engine/emulator";
import { accountEnvOf, clientConfig, seedFleet } from "../../engine/emulator/seed";

const MEMBER = "222233334444";
const DEPLOY_ROLE = "FleetDeployRole";

describe("AWS emulator: accounts kept apart (STS AssumeRole)", function () {
    this.timeout(120_000);
    let emulator: Emulator;
    let member: Record<string, string>;

    before(async function () {
        if (!findMotoServer()) {
            console.log("    emulator account checks skipped: moto_server not found (run `npm run engine:setup`)");
            this.skip();
        }
        emulator = await startEmulator();
        member = await accountEnvOf(emulator.env, MEMBER);
        const iam = new IAMClient(clientConfig(member, "us-east-1", "IAM"));
        await iam.send(
            new CreateRoleCommand({
                RoleName: DEPLOY_ROLE,
                AssumeRolePolicyDocument: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Principal: { AWS: `arn:aws:iam::${emulator.accountId}:root` },
                            Action: "sts:AssumeRole",
                        },
                    ],
                }),
            }),
        );
        iam.destroy();
    });

    after(async () => emulator?.stop());

    const sts = (env: Record<string, string>) => new STSClient(clientConfig(env, "us-east-1", "STS"));

    async function assume(roleName: string) {
        const { Credentials } = await sts(emulator.env).send(
            new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${MEMBER}:role/${roleName}`, RoleSessionName: "check" }),
        );
        return {
            ...emulator.env,
            AWS_ACCESS_KEY_ID: Credentials!.AccessKeyId!,
            AWS_SECRET_ACCESS_KEY: Credentials!.SecretAccessKey!,
            AWS_SESSION_TOKEN: Credentials!.SessionToken!,
        };
    }

    it("the role's credentials are the member account's: GetCallerIdentity names the assumed role there", async () => {
        const caller = await sts(emulator.env).send(new GetCallerIdentityCommand({}));
        assert.equal(caller.Account, emulator.accountId);
        const assumed = await sts(await assume(DEPLOY_ROLE)).send(new GetCallerIdentityCommand({}));
        assert.equal(assumed.Account, MEMBER);
        assert.equal(assumed.Arn, `arn:aws:sts::${MEMBER}:assumed-role/${DEPLOY_ROLE}/check`);
    });

    it("what the role's credentials create (IAM, S3, EKS and the EKS fake's add-ons) is the member account's only", async () => {
        const env = await assume(DEPLOY_ROLE);
        const seeded = await seedFleet(env, {
            roleName: "NopsIntegrationRole",
            clusters: [{ region: "us-east-1", name: "member-a", addons: { "eks-pod-identity-agent": "ACTIVE" } }],
        });
        assert.equal(seeded.clusters[0].arn, `arn:aws:eks:us-east-1:${MEMBER}:cluster/member-a`);
        assert.equal(seeded.roleArn, `arn:aws:iam::${MEMBER}:role/NopsIntegrationRole`);
        await new S3Client(clientConfig(env, "us-east-1")).send(
            new CreateBucketCommand({ Bucket: `bucket-${MEMBER}` }),
        );

        const roles = async (e: Record<string, string>) =>
            ((await new IAMClient(clientConfig(e, "us-east-1", "IAM")).send(new ListRolesCommand({}))).Roles ?? []).map(
                (r) => r.RoleName,
            );
        const buckets = async (e: Record<string, string>) =>
            ((await new S3Client(clientConfig(e, "us-east-1")).send(new ListBucketsCommand({}))).Buckets ?? []).map(
                (b) => b.Name,
            );
        const clusters = async (e: Record<string, string>) =>
            (await new eks.EKSClient(clientConfig(e, "us-east-1", "EKS")).send(new eks.ListClustersCommand({})))
                .clusters ?? [];
        assert.ok((await roles(env)).includes("NopsIntegrationRole"));
        assert.ok(!(await roles(emulator.env)).includes("NopsIntegrationRole"), "not in the caller's account");
        assert.deepEqual(await buckets(env), [`bucket-${MEMBER}`]);
        assert.ok(!(await buckets(emulator.env)).includes(`bucket-${MEMBER}`));
        assert.deepEqual(await clusters(env), ["member-a"]);
        assert.deepEqual(await clusters(emulator.env), []);
        const addons = (e: Record<string, string>) =>
            new eks.EKSClient(clientConfig(e, "us-east-1", "EKS")).send(
                new eks.ListAddonsCommand({ clusterName: "member-a" }),
            );
        assert.deepEqual((await addons(env)).addons, ["eks-pod-identity-agent"]);
        await assert.rejects(addons(emulator.env), eks.ResourceNotFoundException);
    });

    it("a role that does not exist cannot be assumed: 403 AccessDenied naming sts:AssumeRole and the role", async () => {
        const arn = `arn:aws:iam::${MEMBER}:role/OrganizationAccountAccessRole`;
        await assert.rejects(
            sts(emulator.env).send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: "check" })),
            (error: unknown) => {
                assert.ok(error instanceof STSServiceException, String(error));
                assert.equal(error.name, "AccessDenied");
                assert.equal(error.$metadata.httpStatusCode, 403);
                assert.equal(
                    error.message,
                    `User: arn:aws:sts::${emulator.accountId}:user/moto is not authorized to perform: sts:AssumeRole on resource: ${arn}`,
                );
                return true;
            },
        );
    });
});
