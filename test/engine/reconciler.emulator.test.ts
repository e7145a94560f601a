/**
 * The reconciler's real code, end to end, against the AWS emulator instead of the suite's fake account: the Lambda
 * entry points (lambda/reconciler/handler.ts, with the clients they make themselves) run in a child process whose
 * environment is the emulator's plus the function's CI_* variables, as the stand-in AWS provider runs the bundle.
 * Each answer comes from moto or the EKS fake through the SDK's own deserializers.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { Server, createServer } from "node:http";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as eks from "@aws-sdk/client-eks";
import {
    CreateOpenIDConnectProviderCommand,
    CreatePolicyCommand,
    CreateRoleCommand,
    DeleteRolePolicyCommand,
    GetRoleCommand,
    GetRolePolicyCommand,
    IAMClient,
    ListRoleTagsCommand,
    ListRolesCommand,
} from "@aws-sdk/client-iam";
import { CreateBucketCommand, HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import {
    AGENT_POLICY_NAME,
    STACK_TAG_KEY,
    agentBoundaryPolicyArn,
    bucketNameFor,
    clusterRoleName,
    clusterRolePath,
    podIdentityRoleArn,
    stackRoleNames,
    stateBucketPrefix,
} from "../../common/naming";
import { MANAGED_BY_TAG_KEY } from "../../common/identity";
import { Emulator, findMotoServer, startEmulator } from "../../engine/emulator";
import { CLUSTER_SERVICE_ROLE, clientConfig, seedFleet } from "../../engine/emulator/seed";
import { environmentVariables } from "../../lambda/reconciler/environment";
import type { RunSummary } from "../../lambda/reconciler/handler";

const ROOT = join(__dirname, "..", "..");
const ACCOUNT = "111122223333";
const STACK = "prod";
const STACK_ID = "container-insights/prod";
const THUMBPRINT = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280";
/** The stack's state bucket (lease, deployment record): its own, apart from the agents' bucket. */
const STATE_BUCKET = `${stateBucketPrefix(ACCOUNT)}engine`;

/** A platform API that records the onboarding confirmations it receives. */
async function platformApi(): Promise<{ url: string; received: string[]; server: Server }> {
    const received: string[] = [];
    const server = createServer((request, response) => {
        let body = "";
        request.on("data", (chunk) => (body += chunk));
        request.on("end", () => {
            received.push(body);
            response.writeHead(200, { "content-type": "application/json" });
            response.end("{}");
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

/** What the stack creates before its reconciler runs: boundary, buckets, token secret, the Pod Identity role. */
async function stackResources(emulator: Emulator, mode: "irsa" | "podIdentity", apiUrl: string) {
    const env = emulator.env;
    const iam = new IAMClient(clientConfig(env, "us-east-1", "IAM"));
    const boundaryArn = agentBoundaryPolicyArn({ accountId: ACCOUNT, partition: "aws", stackName: STACK });
    await iam.send(
        new CreatePolicyCommand({
            PolicyName: boundaryArn.slice(boundaryArn.lastIndexOf("/") + 1),
            Path: boundaryArn.slice(
                boundaryArn.indexOf(":policy") + ":policy".length,
                boundaryArn.lastIndexOf("/") + 1,
            ),
            PolicyDocument: JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:ListBucket"], Resource: "*" },
                ],
            }),
        }),
    );
    const podIdentityRole = podIdentityRoleArn({ accountId: ACCOUNT, partition: "aws", stackName: STACK });
    if (mode === "podIdentity") {
        await iam.send(
            new CreateRoleCommand({
                RoleName: stackRoleNames(STACK).podIdentity,
                AssumeRolePolicyDocument: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Principal: { Service: "pods.eks.amazonaws.com" },
                            Action: ["sts:AssumeRole", "sts:TagSession"],
                        },
                    ],
                }),
            }),
        );
    }
    iam.destroy();
    const s3 = new S3Client(clientConfig(env, "us-east-1"));
    for (const bucket of [bucketNameFor(ACCOUNT), STATE_BUCKET]) {
        await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    }
    s3.destroy();
    const secrets = new SecretsManagerClient(clientConfig(env, "us-east-1"));
    const { ARN } = await secrets.send(
        new CreateSecretCommand({ Name: "container-insights/prod/token", SecretString: "t0ken" }),
    );
    secrets.destroy();
    return environmentVariables({
        stackId: STACK_ID,
        stackName: STACK,
        regions: ["us-east-1", "eu-west-1"],
        bucketName: bucketNameFor(ACCOUNT),
        stateBucketName: STATE_BUCKET,
        queueArnPattern: "arn:aws:sqs:us-west-2:202279780353:nops-k8s-*",
        namespace: "nops",
        serviceAccount: "nops-container-insights",
        boundaryPolicyArn: boundaryArn,
        clusters: { include: [], exclude: [], tags: {} },
        identityMode: mode,
        podIdentityRoleArn: mode === "podIdentity" ? podIdentityRole : undefined,
        apiUrl,
        tokenSecretArn: ARN!,
        version: "0.0.0-engine",
    });
}

/** One invocation of a Lambda entry point in a child process; its summary, or the error it failed with. */
async function invoke(
    handler: "creationHandler" | "managementHandler",
    event: unknown,
    env: Record<string, string>,
): Promise<RunSummary> {
    const resultFile = join(mkdtempSync(join(tmpdir(), "reconciler-run-")), "result.json");
    const script = [
        `const { writeFileSync } = require("node:fs");`,
        `const handlers = require("./lambda/reconciler/handler");`,
        `const context = { awsRequestId: "engine-tier", functionName: "reconciler", getRemainingTimeInMillis: () => 300000 };`,
        `handlers[process.env.ENGINE_HANDLER](JSON.parse(process.env.ENGINE_EVENT), context).then(`,
        `  (summary) => writeFileSync(process.env.ENGINE_RESULT, JSON.stringify({ summary })),`,
        `  (error) => writeFileSync(process.env.ENGINE_RESULT, JSON.stringify({ error: error.name + ": " + error.message })));`,
    ].join("\n");
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
        cwd: ROOT,
        env: {
            ...process.env,
            ...env,
            ENGINE_HANDLER: handler,
            ENGINE_EVENT: JSON.stringify(event),
            ENGINE_RESULT: resultFile,
            NODE_NO_WARNINGS: "1",
        },
        stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const code = await new Promise((resolve) => child.on("close", resolve));
    let result: { summary?: RunSummary; error?: string };
    try {
        result = JSON.parse(readFileSync(resultFile, "utf8"));
    } catch {
        assert.fail(`the ${handler} process (exit ${code}) wrote no result:\n${output}`);
    }
    assert.ok(result.summary, `${handler} failed: ${result.error}\n${output}`);
    return result.summary;
}

const outcomes = (summary: RunSummary) =>
    Object.fromEntries(
        summary.results.map((r) => [r.cluster ?? r.roleName, `${r.outcome}${r.reason ? `: ${r.reason}` : ""}`]),
    );

describe("the reconciler against the AWS emulator", function () {
    let emulator: Emulator;
    let iam: IAMClient;
    let api: Awaited<ReturnType<typeof platformApi>>;
    let env: Record<string, string>;

    before(function () {
        if (!findMotoServer()) {
            console.log("    reconciler emulator tests skipped: moto_server not found (run `npm run engine:setup`)");
            this.skip();
        }
    });

    async function start(mode: "irsa" | "podIdentity") {
        emulator = await startEmulator({ accountId: ACCOUNT });
        iam = new IAMClient(clientConfig(emulator.env, "us-east-1", "IAM"));
        api = await platformApi();
        env = { ...emulator.env, ...(await stackResources(emulator, mode, api.url)) };
    }

    async function stop() {
        iam?.destroy();
        api?.server.close();
        await emulator?.stop();
    }

    describe("identityMode irsa", () => {
        before(async function () {
            if (!findMotoServer()) {
                this.skip();
            }
            await start("irsa");
            await seedFleet(emulator.env, {
                clusters: [
                    { region: "us-east-1", name: "alpha", tags: { team: "a" } },
                    { region: "us-east-1", name: "no-provider", oidcProvider: false },
                    { region: "eu-west-1", name: "gamma" },
                ],
            });
        });
        after(stop);

        const role = async (cluster: string, region: string) =>
            (await iam.send(new GetRoleCommand({ RoleName: clusterRoleName(cluster, region) }))).Role!;

        it("creates a role per cluster with a registered OIDC provider at deploy, and confirms the onboarding", async () => {
            const summary = await invoke("creationHandler", { tf: { action: "create" } }, env);
            const result = outcomes(summary);
            assert.equal(result.alpha, "created");
            assert.equal(result.gamma, "created");
            assert.match(result["no-provider"], /^skipped: OIDC provider .* is not registered/);

            const alpha = await role("alpha", "us-east-1");
            assert.equal(alpha.Path, clusterRolePath(STACK));
            assert.equal(alpha.PermissionsBoundary?.PermissionsBoundaryArn, env.CI_BOUNDARY_POLICY_ARN);
            const eksClient = new eks.EKSClient(clientConfig(emulator.env, "us-east-1", "EKS"));
            const issuer = (await eksClient.send(new eks.DescribeClusterCommand({ name: "alpha" }))).cluster!.identity!
                .oidc!.issuer!;
            eksClient.destroy();
            const trust = JSON.parse(decodeURIComponent(alpha.AssumeRolePolicyDocument!));
            assert.equal(
                trust.Statement[0].Principal.Federated,
                `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer.replace("https://", "")}`,
            );
            const tags = (await iam.send(new ListRoleTagsCommand({ RoleName: alpha.RoleName }))).Tags!;
            assert.ok(tags.some((t) => t.Key === STACK_TAG_KEY && t.Value === STACK_ID));
            const policy = await iam.send(
                new GetRolePolicyCommand({ RoleName: alpha.RoleName, PolicyName: AGENT_POLICY_NAME }),
            );
            assert.ok(JSON.parse(decodeURIComponent(policy.PolicyDocument!)).Statement.length > 0);

            assert.equal(summary.confirmation?.sent, true);
            assert.deepEqual(JSON.parse(api.received[0]).cluster_arns.sort(), [
                `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/gamma`,
                `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/alpha`,
            ]);
        });

        it("changes nothing on the next scheduled run", async () => {
            const summary = await invoke("managementHandler", {}, env);
            assert.deepEqual(summary.counts, {
                created: 0,
                updated: 0,
                unchanged: 2,
                deleted: 0,
                skipped: 1,
                failed: 0,
                deferred: 0,
            });
        });

        it("puts back an inline policy removed by hand", async () => {
            await iam.send(
                new DeleteRolePolicyCommand({
                    RoleName: clusterRoleName("alpha", "us-east-1"),
                    PolicyName: AGENT_POLICY_NAME,
                }),
            );
            const summary = await invoke("managementHandler", {}, env);
            assert.equal(outcomes(summary).alpha, "updated");
            await iam.send(
                new GetRolePolicyCommand({
                    RoleName: clusterRoleName("alpha", "us-east-1"),
                    PolicyName: AGENT_POLICY_NAME,
                }),
            );
        });

        it("skips a cluster whose role name is taken by a role outside the stack's path", async () => {
            const eksClient = new eks.EKSClient(clientConfig(emulator.env, "us-east-1", "EKS"));
            const { cluster } = await eksClient.send(
                new eks.CreateClusterCommand({
                    name: "taken",
                    roleArn: `arn:aws:iam::${ACCOUNT}:role/${CLUSTER_SERVICE_ROLE}`,
                    resourcesVpcConfig: {},
                }),
            );
            eksClient.destroy();
            await iam.send(
                new CreateOpenIDConnectProviderCommand({
                    Url: cluster!.identity!.oidc!.issuer!,
                    ClientIDList: ["sts.amazonaws.com"],
                    ThumbprintList: [THUMBPRINT],
                }),
            );
            await iam.send(
                new CreateRoleCommand({
                    RoleName: clusterRoleName("taken", "us-east-1"),
                    AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [] }),
                }),
            );
            const summary = await invoke("managementHandler", {}, env);
            assert.match(outcomes(summary).taken, /^skipped: role name is taken by a role this stack does not own/);
        });

        it("moves a recreated cluster's trust to its new issuer", async () => {
            const eksClient = new eks.EKSClient(clientConfig(emulator.env, "us-east-1", "EKS"));
            await eksClient.send(new eks.DeleteClusterCommand({ name: "alpha" }));
            const { cluster } = await eksClient.send(
                new eks.CreateClusterCommand({
                    name: "alpha",
                    roleArn: `arn:aws:iam::${ACCOUNT}:role/${CLUSTER_SERVICE_ROLE}`,
                    resourcesVpcConfig: {},
                }),
            );
            eksClient.destroy();
            const issuer = cluster!.identity!.oidc!.issuer!;
            await iam.send(
                new CreateOpenIDConnectProviderCommand({
                    Url: issuer,
                    ClientIDList: ["sts.amazonaws.com"],
                    ThumbprintList: [THUMBPRINT],
                }),
            );
            const summary = await invoke("managementHandler", {}, env);
            const alpha = summary.results.find((r) => r.cluster === "alpha")!;
            assert.equal(alpha.outcome, "updated");
            assert.equal(alpha.newIssuer, true);
            const trust = JSON.parse(decodeURIComponent((await role("alpha", "us-east-1")).AssumeRolePolicyDocument!));
            assert.equal(
                trust.Statement[0].Principal.Federated,
                `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer.replace("https://", "")}`,
            );
        });

        it("deletes a deleted cluster's role, and at teardown every role it owns, keeping the agents' bucket", async () => {
            const eksClient = new eks.EKSClient(clientConfig(emulator.env, "eu-west-1", "EKS"));
            await eksClient.send(new eks.DeleteClusterCommand({ name: "gamma" }));
            eksClient.destroy();
            const scheduled = await invoke("managementHandler", {}, env);
            assert.match(outcomes(scheduled)[clusterRoleName("gamma", "eu-west-1")], /^deleted/);

            const teardown = await invoke("creationHandler", { tf: { action: "delete" } }, env);
            assert.equal(teardown.counts.failed, 0);
            const left = await iam.send(new ListRolesCommand({ PathPrefix: clusterRolePath(STACK) }));
            assert.deepEqual(left.Roles, []);
            const s3 = new S3Client(clientConfig(emulator.env, "us-east-1"));
            await s3.send(new HeadBucketCommand({ Bucket: bucketNameFor(ACCOUNT) }));
            s3.destroy();
        });
    });

    describe("identityMode podIdentity", () => {
        let eksClient: eks.EKSClient;

        before(async function () {
            if (!findMotoServer()) {
                this.skip();
            }
            await start("podIdentity");
            await seedFleet(emulator.env, {
                clusters: [
                    { region: "us-east-1", name: "alpha", addons: { "eks-pod-identity-agent": "ACTIVE" } },
                    { region: "us-east-1", name: "foreign", addons: { "eks-pod-identity-agent": "ACTIVE" } },
                ],
            });
            eksClient = new eks.EKSClient(clientConfig(emulator.env, "us-east-1", "EKS"));
            await eksClient.send(
                new eks.CreatePodIdentityAssociationCommand({
                    clusterName: "foreign",
                    namespace: "nops",
                    serviceAccount: "nops-container-insights",
                    roleArn: `arn:aws:iam::${ACCOUNT}:role/someone-else`,
                }),
            );
        });
        after(async () => {
            eksClient?.destroy();
            await stop();
        });

        const agentAssociation = async (clusterName: string) => {
            const { associations } = await eksClient.send(
                new eks.ListPodIdentityAssociationsCommand({
                    clusterName,
                    namespace: "nops",
                    serviceAccount: "nops-container-insights",
                }),
            );
            return associations![0]
                ? (
                      await eksClient.send(
                          new eks.DescribePodIdentityAssociationCommand({
                              clusterName,
                              associationId: associations![0].associationId,
                          }),
                      )
                  ).association
                : undefined;
        };

        it("creates the agent's association with the stack's role and tags, and leaves another's alone", async () => {
            const summary = await invoke("creationHandler", { tf: { action: "create" } }, env);
            assert.equal(outcomes(summary).alpha, "created");
            assert.match(outcomes(summary).foreign, /^skipped: association .* was not made by this stack/);
            const association = await agentAssociation("alpha");
            assert.equal(association?.roleArn, env.CI_POD_IDENTITY_ROLE_ARN);
            assert.equal(association?.tags?.[STACK_TAG_KEY], STACK_ID);
            assert.equal(association?.tags?.[MANAGED_BY_TAG_KEY], "reconciler");
            assert.equal((await agentAssociation("foreign"))?.roleArn, `arn:aws:iam::${ACCOUNT}:role/someone-else`);
        });

        it("changes nothing on the next scheduled run", async () => {
            const summary = await invoke("managementHandler", {}, env);
            assert.equal(outcomes(summary).alpha, "unchanged");
            assert.equal(summary.counts.created + summary.counts.updated + summary.counts.deleted, 0);
        });

        /** The Invocation's input after the handover deploy (the update says the input before it was `{}`). */
        const handedOver = { handover: [`arn:aws:eks:us-east-1:${ACCOUNT}:cluster/alpha`] };

        it("hands a cluster's association over to the program at deploy", async () => {
            const summary = await invoke(
                "creationHandler",
                { ...handedOver, tf: { action: "update", prev_input: {} } },
                env,
            );
            assert.match(outcomes(summary).alpha, /^deleted/);
            assert.equal(await agentAssociation("alpha"), undefined);
        });

        it("deletes its associations at teardown, and only its own", async () => {
            await invoke("managementHandler", {}, env);
            assert.ok(await agentAssociation("alpha"), "the scheduled run did not associate alpha again");
            await invoke("creationHandler", { ...handedOver, tf: { action: "delete" } }, env);
            assert.equal(await agentAssociation("alpha"), undefined);
            assert.ok(await agentAssociation("foreign"));
        });
    });
});
