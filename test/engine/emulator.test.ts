/**
 * The engine tier's AWS emulator, checked through the real AWS SDK v3 clients: moto answers what it serves, the EKS
 * fake in front of it answers Pod Identity associations and add-ons in EKS's wire protocol (the SDK's own
 * deserializers turn its errors into the SDK's exception classes), and stopping leaves no process behind.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { CloudTrailClient, DescribeTrailsCommand } from "@aws-sdk/client-cloudtrail";
import * as eks from "@aws-sdk/client-eks";
import {
    AttachRolePolicyCommand,
    CreateAccessKeyCommand,
    CreatePolicyCommand,
    CreateRoleCommand,
    CreateUserCommand,
    GetRoleCommand,
    IAMClient,
    ListEntitiesForPolicyCommand,
    ListOpenIDConnectProvidersCommand,
    NoSuchEntityException,
    PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import {
    CreateBucketCommand,
    GetObjectCommand,
    NoSuchKey,
    PutBucketPolicyCommand,
    PutObjectCommand,
    S3Client,
    S3ServiceException,
} from "@aws-sdk/client-s3";
import { Emulator, findMotoServer, startEmulator } from "../../engine/emulator";
import { startMoto } from "../../engine/emulator/moto";
import { clientConfig, denyEksRegion, seedFleet, setAddonStatus } from "../../engine/emulator/seed";

const ROOT = join(__dirname, "..", "..");
const ACCOUNT = "111122223333";
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/agent`;

/** The thrown error of `call`, which must throw. */
async function thrown(call: () => Promise<unknown>): Promise<Error & Record<string, any>> {
    try {
        await call();
    } catch (error) {
        return error as Error & Record<string, any>;
    }
    assert.fail("expected the call to throw");
}

function gone(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return false;
    } catch (error) {
        return (error as NodeJS.ErrnoException).code === "ESRCH";
    }
}

async function waitUntil(condition: () => boolean, timeoutMs = 15_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!condition() && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return condition();
}

describe("AWS emulator (moto + the EKS fake)", function () {
    let emulator: Emulator;
    let client: eks.EKSClient;
    let iam: IAMClient;
    let s3: S3Client;
    /** moto's access log: the request lines it served. */
    const motoLog: string[] = [];

    before(async function () {
        if (!findMotoServer()) {
            console.log("    emulator tests skipped: moto_server not found (run `npm run engine:setup`)");
            this.skip();
        }
        emulator = await startEmulator({ accountId: ACCOUNT, log: (line) => motoLog.push(line) });
        client = new eks.EKSClient(clientConfig(emulator.env, "eu-west-1", "EKS"));
        iam = new IAMClient(clientConfig(emulator.env, "us-east-1", "IAM"));
        s3 = new S3Client(clientConfig(emulator.env, "us-east-1"));
        await client.send(new eks.CreateClusterCommand({ name: "alpha", roleArn: ROLE_ARN, resourcesVpcConfig: {} }));
    });

    after(async () => {
        [client, iam, s3].forEach((c) => c?.destroy());
        await emulator?.stop();
    });

    describe("EKS fake", () => {
        it("answers a missing cluster, association or add-on with the SDK's ResourceNotFoundException", async () => {
            const noCluster = await thrown(() =>
                client.send(new eks.ListPodIdentityAssociationsCommand({ clusterName: "absent" })),
            );
            assert.ok(noCluster instanceof eks.ResourceNotFoundException, String(noCluster));
            assert.equal(noCluster.clusterName, "absent");
            assert.equal(noCluster.$metadata.httpStatusCode, 404);

            const noAssociation = await thrown(() =>
                client.send(
                    new eks.DescribePodIdentityAssociationCommand({ clusterName: "alpha", associationId: "a-0" }),
                ),
            );
            assert.ok(noAssociation instanceof eks.ResourceNotFoundException, String(noAssociation));

            const noAddon = await thrown(() =>
                client.send(new eks.DescribeAddonCommand({ clusterName: "alpha", addonName: "aws-ebs-csi-driver" })),
            );
            assert.ok(noAddon instanceof eks.ResourceNotFoundException, String(noAddon));
            assert.equal(noAddon.addonName, "aws-ebs-csi-driver");
        });

        it("answers a second association for one service account, or a second add-on, with ResourceInUseException (409)", async () => {
            const args = { clusterName: "alpha", namespace: "dup", serviceAccount: "sa", roleArn: ROLE_ARN };
            await client.send(new eks.CreatePodIdentityAssociationCommand(args));
            const duplicate = await thrown(() => client.send(new eks.CreatePodIdentityAssociationCommand(args)));
            assert.ok(duplicate instanceof eks.ResourceInUseException, String(duplicate));
            assert.equal(duplicate.$metadata.httpStatusCode, 409);

            await client.send(new eks.CreateAddonCommand({ clusterName: "alpha", addonName: "dup-addon" }));
            const again = await thrown(() =>
                client.send(new eks.CreateAddonCommand({ clusterName: "alpha", addonName: "dup-addon" })),
            );
            assert.ok(again instanceof eks.ResourceInUseException, String(again));
        });

        it("answers invalid input with InvalidParameterException and unemulated input with InvalidRequestException", async () => {
            const invalid = [
                { clusterName: "alpha", namespace: "n", serviceAccount: "s", roleArn: "not-an-arn" },
                { clusterName: "alpha", namespace: "", serviceAccount: "s", roleArn: ROLE_ARN },
                {
                    clusterName: "alpha",
                    namespace: "n",
                    serviceAccount: "s",
                    roleArn: ROLE_ARN,
                    tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"])),
                },
                {
                    clusterName: "alpha",
                    namespace: "n",
                    serviceAccount: "s",
                    roleArn: ROLE_ARN,
                    tags: { "aws:x": "v" },
                },
            ];
            for (const args of invalid) {
                const error = await thrown(() => client.send(new eks.CreatePodIdentityAssociationCommand(args)));
                assert.ok(error instanceof eks.InvalidParameterException, `${JSON.stringify(args)}: ${error}`);
            }
            const badPage = await thrown(() =>
                client.send(new eks.ListPodIdentityAssociationsCommand({ clusterName: "alpha", maxResults: 101 })),
            );
            assert.ok(badPage instanceof eks.InvalidParameterException, String(badPage));

            const unemulated = await thrown(() =>
                client.send(
                    new eks.CreateAddonCommand({
                        clusterName: "alpha",
                        addonName: "aws-ebs-csi-driver",
                        podIdentityAssociations: [{ serviceAccount: "ebs-csi-controller-sa", roleArn: ROLE_ARN }],
                    }),
                ),
            );
            assert.ok(unemulated instanceof eks.InvalidRequestException, String(unemulated));
        });

        it("round-trips associations: create, list (filtered, in pages), describe, update, delete", async () => {
            const created = [];
            for (const serviceAccount of ["one", "two", "three"]) {
                const { association } = await client.send(
                    new eks.CreatePodIdentityAssociationCommand({
                        clusterName: "alpha",
                        namespace: "round",
                        serviceAccount,
                        roleArn: ROLE_ARN,
                        tags: { owner: serviceAccount },
                    }),
                );
                created.push(association!);
            }
            const first = created[0];
            assert.match(first.associationId!, /^a-[a-z0-9]{17}$/);
            assert.equal(
                first.associationArn,
                `arn:aws:eks:eu-west-1:${ACCOUNT}:podidentityassociation/alpha/${first.associationId}`,
            );
            assert.ok(first.createdAt instanceof Date);

            const ids: string[] = [];
            let nextToken: string | undefined;
            do {
                const pageResult = await client.send(
                    new eks.ListPodIdentityAssociationsCommand({
                        clusterName: "alpha",
                        namespace: "round",
                        maxResults: 2,
                        nextToken,
                    }),
                );
                assert.ok(pageResult.associations!.length <= 2);
                assert.ok(pageResult.associations!.every((a) => !("roleArn" in a) && !("tags" in a)));
                ids.push(...pageResult.associations!.map((a) => a.associationId!));
                nextToken = pageResult.nextToken;
            } while (nextToken);
            assert.deepEqual(ids.sort(), created.map((a) => a.associationId!).sort());

            const bySa = await client.send(
                new eks.ListPodIdentityAssociationsCommand({
                    clusterName: "alpha",
                    namespace: "round",
                    serviceAccount: "two",
                }),
            );
            assert.deepEqual(
                bySa.associations!.map((a) => a.associationId),
                [created[1].associationId],
            );

            const newRole = `arn:aws:iam::${ACCOUNT}:role/other`;
            await client.send(
                new eks.UpdatePodIdentityAssociationCommand({
                    clusterName: "alpha",
                    associationId: first.associationId,
                    roleArn: newRole,
                }),
            );
            const { association } = await client.send(
                new eks.DescribePodIdentityAssociationCommand({
                    clusterName: "alpha",
                    associationId: first.associationId,
                }),
            );
            assert.equal(association!.roleArn, newRole);
            assert.deepEqual(association!.tags, { owner: "one" });

            await client.send(
                new eks.DeletePodIdentityAssociationCommand({
                    clusterName: "alpha",
                    associationId: first.associationId,
                }),
            );
            const afterDelete = await thrown(() =>
                client.send(
                    new eks.DescribePodIdentityAssociationCommand({
                        clusterName: "alpha",
                        associationId: first.associationId,
                    }),
                ),
            );
            assert.ok(afterDelete instanceof eks.ResourceNotFoundException);
        });

        it("runs add-ons through their lifecycle: CREATING then ACTIVE, DELETING then gone; a seeded status stays", async () => {
            const { addon } = await client.send(
                new eks.CreateAddonCommand({ clusterName: "alpha", addonName: "eks-pod-identity-agent" }),
            );
            assert.equal(addon!.status, "CREATING");
            const described = await client.send(
                new eks.DescribeAddonCommand({ clusterName: "alpha", addonName: "eks-pod-identity-agent" }),
            );
            assert.equal(described.addon!.status, "ACTIVE");
            const listed = await client.send(new eks.ListAddonsCommand({ clusterName: "alpha" }));
            assert.ok(listed.addons!.includes("eks-pod-identity-agent"));

            for (const status of ["CREATING", "DELETE_FAILED", "ACTIVE"]) {
                await setAddonStatus(emulator.env, {
                    region: "eu-west-1",
                    clusterName: "alpha",
                    addonName: "eks-pod-identity-agent",
                    status,
                });
                for (let read = 0; read < 2; read++) {
                    const seeded = await client.send(
                        new eks.DescribeAddonCommand({ clusterName: "alpha", addonName: "eks-pod-identity-agent" }),
                    );
                    assert.equal(seeded.addon!.status, status);
                }
            }

            const deleted = await client.send(
                new eks.DeleteAddonCommand({ clusterName: "alpha", addonName: "eks-pod-identity-agent" }),
            );
            assert.equal(deleted.addon!.status, "DELETING");
            const afterDelete = await thrown(() =>
                client.send(
                    new eks.DescribeAddonCommand({ clusterName: "alpha", addonName: "eks-pod-identity-agent" }),
                ),
            );
            assert.ok(afterDelete instanceof eks.ResourceNotFoundException);
        });

        it("refuses to seed an unknown add-on status, naming the allowed ones", async () => {
            const error = await thrown(() =>
                setAddonStatus(emulator.env, {
                    region: "eu-west-1",
                    clusterName: "alpha",
                    addonName: "aws-ebs-csi-driver",
                    status: "RUNNING",
                }),
            );
            assert.match(error.message, /RUNNING.*ACTIVE/s);
        });

        it("gives each cluster its own OIDC issuer, where moto gives a region's clusters one, and a recreated cluster a new one", async () => {
            const names = ["issuer-a", "issuer-b"];
            const issuers = [];
            for (const name of names) {
                const { cluster } = await client.send(
                    new eks.CreateClusterCommand({ name, roleArn: ROLE_ARN, resourcesVpcConfig: {} }),
                );
                issuers.push(cluster!.identity!.oidc!.issuer!);
            }
            assert.notEqual(issuers[0], issuers[1]);
            issuers.forEach((issuer) =>
                assert.match(issuer, /^https:\/\/oidc\.eks\.eu-west-1\.amazonaws\.com\/id\/[0-9A-F]{32}$/),
            );
            const described = await client.send(new eks.DescribeClusterCommand({ name: "issuer-a" }));
            assert.equal(described.cluster!.identity!.oidc!.issuer, issuers[0]);

            const direct = new eks.EKSClient({
                ...clientConfig(emulator.env, "eu-west-1"),
                endpoint: emulator.endpoint,
            });
            const motoIssuers = await Promise.all(
                names.map(
                    async (name) =>
                        (await direct.send(new eks.DescribeClusterCommand({ name }))).cluster!.identity!.oidc!.issuer,
                ),
            );
            direct.destroy();
            assert.equal(
                motoIssuers[0],
                motoIssuers[1],
                "moto now gives clusters their own issuers: drop eks/issuer.ts",
            );

            await client.send(new eks.DeleteClusterCommand({ name: "issuer-a" }));
            const { cluster } = await client.send(
                new eks.CreateClusterCommand({ name: "issuer-a", roleArn: ROLE_ARN, resourcesVpcConfig: {} }),
            );
            assert.notEqual(cluster!.identity!.oidc!.issuer, issuers[0]);
        });

        it("forgets a deleted cluster's associations and add-ons, as EKS does", async () => {
            await client.send(
                new eks.CreateClusterCommand({ name: "doomed", roleArn: ROLE_ARN, resourcesVpcConfig: {} }),
            );
            await client.send(
                new eks.CreatePodIdentityAssociationCommand({
                    clusterName: "doomed",
                    namespace: "nops",
                    serviceAccount: "agent",
                    roleArn: ROLE_ARN,
                }),
            );
            await client.send(
                new eks.CreateAddonCommand({ clusterName: "doomed", addonName: "eks-pod-identity-agent" }),
            );
            await client.send(new eks.DeleteClusterCommand({ name: "doomed" }));
            await client.send(
                new eks.CreateClusterCommand({ name: "doomed", roleArn: ROLE_ARN, resourcesVpcConfig: {} }),
            );
            const { associations } = await client.send(
                new eks.ListPodIdentityAssociationsCommand({ clusterName: "doomed" }),
            );
            assert.deepEqual(associations, []);
            const { addons } = await client.send(new eks.ListAddonsCommand({ clusterName: "doomed" }));
            assert.deepEqual(addons, []);
        });

        it("denies one region's EKS calls with the SDK's AccessDeniedException (403) on demand, other regions and IAM unaffected", async () => {
            const elsewhere = new eks.EKSClient(clientConfig(emulator.env, "us-east-1", "EKS"));
            try {
                await denyEksRegion(emulator.env, "eu-west-1");
                for (const call of [
                    () => client.send(new eks.ListClustersCommand({})),
                    () => client.send(new eks.DescribeClusterCommand({ name: "alpha" })),
                    () => client.send(new eks.ListAddonsCommand({ clusterName: "alpha" })),
                ]) {
                    const denied = await thrown(call);
                    assert.ok(denied instanceof eks.AccessDeniedException, String(denied));
                    assert.equal(denied.$metadata.httpStatusCode, 403);
                    assert.match(denied.message, /eu-west-1/);
                }
                await elsewhere.send(new eks.ListClustersCommand({}));
                await iam.send(new ListOpenIDConnectProvidersCommand({}));

                await denyEksRegion(emulator.env, "eu-west-1", false);
                const { clusters } = await client.send(new eks.ListClustersCommand({}));
                assert.ok(clusters?.includes("alpha"), "the denial was not lifted");
            } finally {
                elsewhere.destroy();
                await denyEksRegion(emulator.env, "eu-west-1", false);
            }
        });

        it("refuses a denial seed without a region or a boolean, naming both", async () => {
            const response = await fetch(`${emulator.env.AWS_ENDPOINT_URL_EKS}/_emulator/denied-regions`, {
                method: "PUT",
                body: JSON.stringify({ region: "eu-west-1", denied: "yes" }),
            });
            assert.equal(response.status, 400);
            assert.match(await response.text(), /region \(a string\) and denied \(a boolean\)/);
        });

        it("keeps clusters apart by region", async () => {
            const elsewhere = new eks.EKSClient(clientConfig(emulator.env, "ap-south-1", "EKS"));
            const error = await thrown(() =>
                elsewhere.send(new eks.ListPodIdentityAssociationsCommand({ clusterName: "alpha" })),
            );
            elsewhere.destroy();
            assert.ok(error instanceof eks.ResourceNotFoundException, String(error));
        });
    });

    describe("moto behind the same env", () => {
        it("serves IAM with IAM's wire names as the SDK's classes and URL-encoded documents", async () => {
            const document = JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: "sts:AssumeRole" },
                ],
            });
            await iam.send(
                new CreateRoleCommand({ RoleName: "Encoded", Path: "/ci/", AssumeRolePolicyDocument: document }),
            );
            const { Role } = await iam.send(new GetRoleCommand({ RoleName: "Encoded" }));
            assert.equal(Role!.Arn, `arn:aws:iam::${ACCOUNT}:role/ci/Encoded`);
            assert.deepEqual(JSON.parse(decodeURIComponent(Role!.AssumeRolePolicyDocument!)), JSON.parse(document));
            const missing = await thrown(() => iam.send(new GetRoleCommand({ RoleName: "absent" })));
            assert.ok(missing instanceof NoSuchEntityException, String(missing));
            assert.equal(missing.name, "NoSuchEntityException");
        });

        it("lists the roles a policy bounds (ListEntitiesForPolicy PermissionsBoundary), which moto leaves out, in pages", async () => {
            const { Policy } = await iam.send(
                new CreatePolicyCommand({
                    PolicyName: "agent-boundary",
                    PolicyDocument: JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }],
                    }),
                }),
            );
            const trust = JSON.stringify({ Version: "2012-10-17", Statement: [] });
            for (const name of ["bounded-1", "bounded-2", "bounded-3"]) {
                await iam.send(
                    new CreateRoleCommand({
                        RoleName: name,
                        Path: "/stack/",
                        AssumeRolePolicyDocument: trust,
                        PermissionsBoundary: Policy!.Arn,
                    }),
                );
            }
            await iam.send(
                new CreateRoleCommand({ RoleName: "unbounded", Path: "/stack/", AssumeRolePolicyDocument: trust }),
            );
            await iam.send(new AttachRolePolicyCommand({ RoleName: "unbounded", PolicyArn: Policy!.Arn }));
            await iam.send(
                new CreateRoleCommand({
                    RoleName: "elsewhere",
                    Path: "/other/",
                    AssumeRolePolicyDocument: trust,
                    PermissionsBoundary: Policy!.Arn,
                }),
            );
            const ask = (client: IAMClient, Marker?: string, MaxItems = 2) =>
                client.send(
                    new ListEntitiesForPolicyCommand({
                        PolicyArn: Policy!.Arn,
                        EntityFilter: "Role",
                        PolicyUsageFilter: "PermissionsBoundary",
                        PathPrefix: "/stack/",
                        MaxItems,
                        Marker,
                    }),
                );
            const names: string[] = [];
            let marker: string | undefined;
            do {
                const page = await ask(iam, marker);
                names.push(...page.PolicyRoles!.map((r) => r.RoleName!));
                marker = page.IsTruncated ? page.Marker : undefined;
            } while (marker);
            assert.deepEqual(names.sort(), ["bounded-1", "bounded-2", "bounded-3"]);

            const direct = new IAMClient({ ...clientConfig(emulator.env, "us-east-1"), endpoint: emulator.endpoint });
            // moto applies MaxItems to the roles before it filters them: ask for one page of all.
            const fromMoto = await ask(direct, undefined, 100);
            direct.destroy();
            assert.deepEqual(
                fromMoto.PolicyRoles!.map((r) => r.RoleName),
                ["unbounded"],
                "moto now lists boundary usage: drop iam/boundaryUsage.ts",
            );

            const missing = await thrown(() =>
                iam.send(
                    new ListEntitiesForPolicyCommand({
                        PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/absent`,
                        PolicyUsageFilter: "PermissionsBoundary",
                    }),
                ),
            );
            assert.ok(missing instanceof NoSuchEntityException, String(missing));
        });

        it("serves S3 path-style on the IP endpoint, with conditional writes (412 PreconditionFailed)", async () => {
            await s3.send(new CreateBucketCommand({ Bucket: "path-style-bucket" }));
            await s3.send(
                new PutObjectCommand({ Bucket: "path-style-bucket", Key: "lease", Body: "1", IfNoneMatch: "*" }),
            );
            const again = await thrown(() =>
                s3.send(
                    new PutObjectCommand({ Bucket: "path-style-bucket", Key: "lease", Body: "2", IfNoneMatch: "*" }),
                ),
            );
            assert.ok(again instanceof S3ServiceException, String(again));
            assert.equal(again.name, "PreconditionFailed");
            assert.equal(again.$metadata.httpStatusCode, 412);
            const read = await s3.send(new GetObjectCommand({ Bucket: "path-style-bucket", Key: "lease" }));
            assert.equal(await read.Body!.transformToString(), "1");
            // werkzeug logs a request after answering it.
            assert.ok(
                await waitUntil(() => motoLog.some((line) => line.includes('"GET /path-style-bucket/lease'))),
                "moto saw no path-style GET",
            );
        });

        it("applies a TLS-only bucket policy as AWS does to an SDK's requests: the Deny on aws:SecureTransport false does not hold", async () => {
            const bucket = "tls-only-bucket";
            const statement = (extra: Record<string, unknown>) => ({
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
                ...extra,
            });
            await s3.send(new CreateBucketCommand({ Bucket: bucket }));
            const policy = (statements: unknown[]) =>
                s3.send(
                    new PutBucketPolicyCommand({
                        Bucket: bucket,
                        Policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }),
                    }),
                );
            await policy([statement({ Condition: { Bool: { "aws:SecureTransport": "false" } } })]);
            await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "lease", Body: "1", IfNoneMatch: "*" }));
            const read = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "lease" }));
            assert.equal(await read.Body!.transformToString(), "1");
            // The policy is still enforced: a Deny whose condition holds, or that has none, denies.
            await policy([statement({ Condition: { Bool: { "aws:SecureTransport": "true" } } })]);
            const denied = await thrown(() => s3.send(new GetObjectCommand({ Bucket: bucket, Key: "lease" })));
            assert.equal(denied.$metadata?.httpStatusCode, 403, String(denied));
        });

        it("routes CloudTrail's JSON target as the SDK sends it (moto's model has the old, longer prefix)", async () => {
            const cloudtrail = new CloudTrailClient(clientConfig(emulator.env, "us-east-1"));
            try {
                const { trailList } = await cloudtrail.send(new DescribeTrailsCommand({}));
                assert.deepEqual(trailList, []);
            } finally {
                cloudtrail.destroy();
            }
        });

        it("runs Lambda without Docker", async () => {
            const config = await (await fetch(`${emulator.endpoint}/moto-api/config`)).json();
            assert.equal(config.lambda.use_docker, false);
        });

        it("reaches a child process through `env`, over the parent's own AWS settings", async () => {
            const script = [
                `const sts = require("@aws-sdk/client-sts");`,
                `const eks = require("@aws-sdk/client-eks");`,
                `(async () => {`,
                `  const id = await new sts.STSClient({}).send(new sts.GetCallerIdentityCommand({}));`,
                `  let error = "none";`,
                `  try { await new eks.EKSClient({}).send(new eks.ListPodIdentityAssociationsCommand({ clusterName: "absent" })); }`,
                `  catch (e) { error = e instanceof eks.ResourceNotFoundException ? "ResourceNotFoundException" : String(e); }`,
                `  process.stdout.write(JSON.stringify({ account: id.Account, error }));`,
                `})();`,
            ].join("\n");
            const child = spawn(process.execPath, ["-e", script], {
                cwd: ROOT,
                env: {
                    ...process.env,
                    AWS_PROFILE: "a-profile-that-does-not-exist",
                    AWS_ENDPOINT_URL: "http://192.0.2.1:9",
                    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true",
                    NODE_NO_WARNINGS: "1",
                    ...emulator.env,
                },
                stdio: ["ignore", "pipe", "pipe"],
            });
            let out = "";
            let err = "";
            child.stdout.on("data", (chunk) => (out += chunk));
            child.stderr.on("data", (chunk) => (err += chunk));
            const code = await new Promise((resolve) => child.on("close", resolve));
            assert.equal(code, 0, err);
            assert.deepEqual(JSON.parse(out), { account: ACCOUNT, error: "ResourceNotFoundException" });
        });

        it("seeds a fleet: clusters with tags and their own issuers, OIDC providers, the integration role, add-ons", async () => {
            const fleet = await seedFleet(emulator.env, {
                roleName: "nops-integration",
                clusters: [
                    {
                        region: "us-east-1",
                        name: "prod-a",
                        tags: { team: "a" },
                        addons: { "eks-pod-identity-agent": "ACTIVE" },
                    },
                    {
                        region: "us-east-1",
                        name: "prod-b",
                        oidcProvider: false,
                        addons: { "aws-ebs-csi-driver": "DELETE_FAILED" },
                    },
                    { region: "eu-central-1", name: "prod-c" },
                ],
            });
            assert.equal(fleet.roleArn, `arn:aws:iam::${ACCOUNT}:role/nops-integration`);
            const [a, b, c] = fleet.clusters;
            assert.equal(a.arn, `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/prod-a`);
            assert.notEqual(a.issuer, b.issuer);
            assert.equal(b.oidcProviderArn, undefined);
            const providers = (
                await iam.send(new ListOpenIDConnectProvidersCommand({}))
            ).OpenIDConnectProviderList!.map((p) => p.Arn);
            for (const cluster of [a, c]) {
                assert.equal(
                    cluster.oidcProviderArn,
                    `arn:aws:iam::${ACCOUNT}:oidc-provider/${cluster.issuer.replace("https://", "")}`,
                );
                assert.ok(providers.includes(cluster.oidcProviderArn));
            }
            const east = new eks.EKSClient(clientConfig(emulator.env, "us-east-1", "EKS"));
            const described = await east.send(new eks.DescribeClusterCommand({ name: "prod-a" }));
            assert.deepEqual(described.cluster!.tags, { team: "a" });
            const csi = await east.send(
                new eks.DescribeAddonCommand({ clusterName: "prod-b", addonName: "aws-ebs-csi-driver" }),
            );
            assert.equal(csi.addon!.status, "DELETE_FAILED");
            east.destroy();
        });
    });

    describe("S3 GetObject of a missing key, with IAM enforced by moto", () => {
        it("moto answers NoSuchKey (404) with and without s3:ListBucket; S3 answers 403 AccessDenied without it", async () => {
            // Requests moto serves unauthorized: CreateBucket, then CreateUser, PutUserPolicy, CreateAccessKey per user.
            const users = {
                getter: ["s3:GetObject"],
                lister: ["s3:GetObject", "s3:ListBucket"],
                nobody: ["sqs:ListQueues"],
            };
            const moto = await startMoto({ iamEnforcementAfter: 1 + 3 * Object.keys(users).length });
            try {
                const setup = {
                    region: "us-east-1",
                    endpoint: moto.endpoint,
                    credentials: { accessKeyId: "AKIASETUP0000000000", secretAccessKey: "x" },
                };
                const admin = new IAMClient(setup);
                const bucketOwner = new S3Client(setup);
                await bucketOwner.send(new CreateBucketCommand({ Bucket: "enforced-bucket" }));
                const keys: Record<string, { accessKeyId: string; secretAccessKey: string }> = {};
                for (const [user, actions] of Object.entries(users)) {
                    await admin.send(new CreateUserCommand({ UserName: user }));
                    await admin.send(
                        new PutUserPolicyCommand({
                            UserName: user,
                            PolicyName: "read",
                            PolicyDocument: JSON.stringify({
                                Version: "2012-10-17",
                                Statement: [
                                    {
                                        Effect: "Allow",
                                        Action: actions,
                                        Resource: ["arn:aws:s3:::enforced-bucket", "arn:aws:s3:::enforced-bucket/*"],
                                    },
                                ],
                            }),
                        }),
                    );
                    const { AccessKey } = await admin.send(new CreateAccessKeyCommand({ UserName: user }));
                    keys[user] = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
                }
                // From here on moto authorizes every request.
                const answers: Record<string, string> = {};
                for (const [user, credentials] of Object.entries(keys)) {
                    const asUser = new S3Client({ ...setup, credentials });
                    const error = await thrown(() =>
                        asUser.send(new GetObjectCommand({ Bucket: "enforced-bucket", Key: "missing" })),
                    );
                    answers[user] = `${error.name} ${error.$metadata?.httpStatusCode}`;
                    assert.ok(user === "nobody" || error instanceof NoSuchKey, `${user}: ${error}`);
                    asUser.destroy();
                }
                [admin, bucketOwner].forEach((c) => c.destroy());
                assert.deepEqual(answers, {
                    getter: "NoSuchKey 404",
                    lister: "NoSuchKey 404",
                    nobody: "AccessDenied 403",
                });
            } finally {
                await moto.stop();
            }
        });
    });

    describe("stopping", () => {
        it("stop() ends moto's process and closes both endpoints", async () => {
            const own = await startEmulator();
            await own.stop();
            assert.ok(gone(own.pid), `moto (pid ${own.pid}) still runs`);
            for (const endpoint of [own.endpoint, own.eksEndpoint]) {
                await assert.rejects(fetch(`${endpoint}/moto-api/config`), `${endpoint} still answers`);
            }
        });

        it("moto ends with its parent even when the parent is killed outright (SIGKILL)", async () => {
            const parent = spawn(
                process.execPath,
                [
                    "-r",
                    "ts-node/register/transpile-only",
                    "-e",
                    `require("./engine/emulator").startEmulator().then((e) => console.log("pid " + e.pid));`,
                ],
                { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
            );
            const pid = await new Promise<number>((resolve, reject) => {
                let out = "";
                parent.stdout.on("data", (chunk) => {
                    out += chunk;
                    const match = /pid (\d+)/.exec(out);
                    if (match) {
                        resolve(Number(match[1]));
                    }
                });
                parent.on("exit", (code) => reject(new Error(`the parent exited (${code}) before moto listened`)));
            });
            assert.ok(!gone(pid));
            parent.kill("SIGKILL");
            assert.ok(await waitUntil(() => gone(pid)), `moto (pid ${pid}) outlived its parent`);
        });
    });
});
