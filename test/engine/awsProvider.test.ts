/**
 * The stand-in AWS provider behind the real Pulumi CLI and Node.js language host, against moto: a small program
 * (an IAM role with an inline policy, a Lambda function and a CRUD-scoped aws.lambda.Invocation of it) goes through
 * create, a no-change update, previews of in-place and ForceNew changes, a Check failure, an update of the
 * Invocation's input and destroy. The function records each `tf` payload it receives in a bucket the test seeds.
 */
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { promisify } from "node:util";
import { CloudWatchLogsClient, CreateLogGroupCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
    AttachInternetGatewayCommand,
    CreateInternetGatewayCommand,
    CreateRouteCommand,
    CreateVpcCommand,
    DescribeRouteTablesCommand,
    EC2Client,
} from "@aws-sdk/client-ec2";
import { GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { installAwsStandIn } from "../../engine/aws-provider/install";
import { Emulator, findMotoServer, startEmulator } from "../../engine/emulator";
import { clientConfig, seedFleet } from "../../engine/emulator/seed";
import { engineEnv } from "../../engine/env";
import { ROOT, enginePaths, findOnPath } from "../../engine/paths";

/** The CLI and language host from the tier's bin or PATH, and moto from the tier's venv. */
function tool(name: string): string | undefined {
    const own = join(enginePaths().bin, name);
    return existsSync(own) ? own : findOnPath(name);
}

function missingPieces(): string | undefined {
    const missing = [
        tool("pulumi") ? undefined : "the Pulumi CLI",
        tool("pulumi-language-nodejs") ? undefined : "the Node.js language host",
        findMotoServer() ? undefined : "moto",
    ].filter(Boolean);
    return missing.length > 0 ? `${missing.join(", ")} not built: run \`npm run engine:setup\`` : undefined;
}

const RECORDS = "standin-records";
const run = promisify(execFile);

/**
 * What the program's data sources read: a cluster with its OIDC provider and an add-on, a KMS key with an alias, a
 * tagged log group, and a VPC whose route table routes to an internet gateway. Returns the VPC's id.
 */
async function seedLookups(env: Record<string, string>): Promise<string> {
    await seedFleet(env, {
        clusters: [{ region: "us-east-1", name: "standin-cluster", addons: { "aws-ebs-csi-driver": "ACTIVE" } }],
    });
    const config = clientConfig(env, "us-east-1");
    const kms = new KMSClient(config);
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: "stand-in lookups" }));
    await kms.send(new CreateAliasCommand({ AliasName: "alias/standin", TargetKeyId: KeyMetadata!.KeyId }));
    const logs = new CloudWatchLogsClient(config);
    await logs.send(new CreateLogGroupCommand({ logGroupName: "/standin/tagged", tags: { team: "standin" } }));
    const ec2 = new EC2Client(config);
    const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: "10.8.0.0/16" }));
    const { InternetGateway } = await ec2.send(new CreateInternetGatewayCommand({}));
    await ec2.send(
        new AttachInternetGatewayCommand({ VpcId: Vpc!.VpcId, InternetGatewayId: InternetGateway!.InternetGatewayId }),
    );
    const { RouteTables } = await ec2.send(
        new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [Vpc!.VpcId!] }] }),
    );
    await ec2.send(
        new CreateRouteCommand({
            RouteTableId: RouteTables![0].RouteTableId,
            DestinationCidrBlock: "0.0.0.0/0",
            GatewayId: InternetGateway!.InternetGatewayId,
        }),
    );
    [kms, logs, ec2].forEach((client) => client.destroy());
    return Vpc!.VpcId!;
}

const TRUST = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
};

/** Records the payload it is invoked with under actions/ in the bucket RECORDS names, and returns it. */
const FUNCTION_CODE = `
const { S3Client, PutObjectCommand } = require("@aws-sdk/client-s3");
exports.handler = async (event) => {
    const key = "actions/" + Date.now() + "-" + event.tf.action + ".json";
    await new S3Client({}).send(new PutObjectCommand({ Bucket: process.env.RECORDS, Key: key, Body: JSON.stringify(event) }));
    return event;
};`;

const PROGRAM = `
const aws = require("@pulumi/aws");
const pulumi = require("@pulumi/pulumi");
const config = new pulumi.Config();
const role = new aws.iam.Role("fn", {
    name: config.get("roleName") || "standin-fn",
    path: config.get("rolePath") || "/",
    description: config.get("description") || "first",
    assumeRolePolicy: ${JSON.stringify(JSON.stringify(TRUST))},
});
const policy = new aws.iam.RolePolicy("fn", {
    role: role.name,
    policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::${RECORDS}/*" }] }),
});
const logs = new aws.cloudwatch.LogGroup("fn", { name: "/aws/lambda/standin-fn", retentionInDays: 7 });
const fn = new aws.lambda.Function("fn", {
    name: "standin-fn",
    role: role.arn,
    runtime: "nodejs22.x",
    handler: "index.handler",
    timeout: 60,
    environment: { variables: { RECORDS: "${RECORDS}" } },
    code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(${JSON.stringify(FUNCTION_CODE)}) }),
}, { dependsOn: [logs, policy] });
const invocation = new aws.lambda.Invocation("run", {
    functionName: fn.name,
    input: config.get("input") || '{"n":1}',
    lifecycleScope: "CRUD",
});
exports.roleArn = role.arn;
exports.result = invocation.result;

// Every data source the program calls, answered from the emulator; a missing add-on as the provider words it.
exports.lookups = (async () => {
    const region = "us-east-1";
    const { accountId } = await aws.getCallerIdentity();
    const clusters = await aws.eks.getClusters({ region });
    const cluster = await aws.eks.getCluster({ name: "standin-cluster", region });
    const issuer = cluster.identities[0].oidcs[0].issuer;
    const oidc = await aws.iam.getOpenIdConnectProvider({
        arn: "arn:aws:iam::" + accountId + ":oidc-provider/" + issuer.replace("https://", ""),
    });
    const addon = await aws.eks.getAddon({ clusterName: "standin-cluster", addonName: "aws-ebs-csi-driver", region });
    const missingAddon = await aws.eks
        .getAddon({ clusterName: "standin-cluster", addonName: "eks-pod-identity-agent", region })
        .then(() => "found", (error) => error.message);
    const key = await aws.kms.getKey({ keyId: "alias/standin" });
    const groups = await aws.cloudwatch.getLogGroups({ region, logGroupNamePrefix: "/standin/" });
    const group = await aws.cloudwatch.getLogGroup({ region, name: "/standin/tagged" });
    const tables = await aws.ec2.getRouteTables({ region, filters: [{ name: "vpc-id", values: [config.require("vpcId")] }] });
    const routes = await Promise.all(tables.ids.map((id) => aws.ec2.getRouteTable({ region, routeTableId: id }).then((t) => t.routes)));
    return {
        accountId,
        clusters: clusters.names,
        cluster: { arn: cluster.arn, status: cluster.status, issuer },
        oidcUrl: oidc.url,
        addon: addon.addonName,
        missingAddon,
        keyArn: key.arn,
        logGroups: groups.logGroupNames,
        logGroupTags: group.tags,
        gateways: routes.flat().map((r) => r.gatewayId).filter(Boolean),
    };
})();
`;

describe("stand-in AWS provider on the real Pulumi engine", function () {
    this.timeout(600_000);
    const missing = missingPieces();
    let emulator: Emulator | undefined;
    let dir: string;
    let env: NodeJS.ProcessEnv;
    let s3: S3Client;
    let iam: IAMClient;
    let vpcId: string;

    const pulumi = async (args: string[], options: { fail?: boolean } = {}) => {
        try {
            const { stdout, stderr } = await run(tool("pulumi")!, [...args, "--non-interactive"], {
                cwd: join(dir, "program"),
                env,
                maxBuffer: 64 * 1024 * 1024,
            });
            if (options.fail) {
                assert.fail(`pulumi ${args.join(" ")} succeeded, expected it to fail:\n${stdout}`);
            }
            return { stdout, stderr };
        } catch (error) {
            const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
            if (options.fail) {
                return { stdout, stderr };
            }
            throw new Error(`pulumi ${args.join(" ")} failed:\n${stdout}\n${stderr}`);
        }
    };

    /** The steps of `pulumi preview --json`: operation and replace reasons by resource name. */
    const previewSteps = async () => {
        const { stdout } = await pulumi(["preview", "--json"]);
        const steps = (JSON.parse(stdout) as { steps: Array<{ op: string; urn: string; replaceReasons?: string[] }> })
            .steps;
        return Object.fromEntries(
            steps.map((s) => [s.urn.split("::").slice(-2).join("::"), { op: s.op, replaceReasons: s.replaceReasons }]),
        );
    };

    /** The tf.action of every payload the function recorded, oldest first. */
    const recordedActions = async () => {
        const listed = await s3.send(new ListObjectsV2Command({ Bucket: RECORDS, Prefix: "actions/" }));
        const keys = (listed.Contents ?? []).map((o) => o.Key!).sort();
        return Promise.all(
            keys.map(async (Key) => {
                const body = await (
                    await s3.send(new GetObjectCommand({ Bucket: RECORDS, Key }))
                ).Body!.transformToString();
                return (JSON.parse(body) as { tf: { action: string; prev_input: unknown } }).tf;
            }),
        );
    };

    before(async function () {
        if (missing) {
            process.stdout.write(`      engine tier skipped: ${missing}\n`);
            this.skip();
        }
        emulator = await startEmulator();
        dir = mkdtempSync(join(tmpdir(), "aws-standin-"));
        for (const sub of ["home", "state", "program"]) {
            mkdirSync(join(dir, sub));
        }
        installAwsStandIn(join(dir, "home"));
        const program = join(dir, "program");
        symlinkSync(join(ROOT, "node_modules"), join(program, "node_modules"));
        writeFileSync(join(program, "Pulumi.yaml"), "name: standin\nruntime: nodejs\n");
        writeFileSync(join(program, "package.json"), JSON.stringify({ name: "standin", main: "index.js" }));
        writeFileSync(join(program, "index.js"), PROGRAM);
        const aws = emulator.env;
        env = {
            ...engineEnv({ stateDir: join(dir, "state"), passphrase: "stand-in", aws }),
            // The tier's tools first, and a plugin home of the test's own, where the stand-in is installed.
            PATH: [dirname(tool("pulumi")!), process.env.PATH ?? ""].join(delimiter),
            PULUMI_HOME: join(dir, "home"),
        };
        s3 = new S3Client(clientConfig(aws, aws.AWS_REGION));
        iam = new IAMClient(clientConfig(aws, aws.AWS_REGION));
        await s3.send(new CreateBucketCommand({ Bucket: RECORDS }));
        vpcId = await seedLookups(aws);
        await pulumi(["stack", "init", "dev"]);
        await pulumi(["config", "set", "aws:region", "us-east-1"]);
        await pulumi(["config", "set", "vpcId", vpcId]);
    });

    after(async () => {
        await emulator?.stop();
        if (dir) {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("creates the role in the emulator and runs the Invocation with tf.action create", async () => {
        await pulumi(["up", "--yes"]);
        const { Role } = await iam.send(new GetRoleCommand({ RoleName: "standin-fn" }));
        assert.equal(Role?.Description, "first");
        const { stdout } = await pulumi(["stack", "output", "result"]);
        assert.deepEqual(JSON.parse(stdout).tf, { action: "create", prev_input: null });
        assert.deepEqual(await recordedActions(), [{ action: "create", prev_input: null }]);
    });

    it("answers the program's data sources from the emulator, a missing add-on with the provider's error text", async () => {
        const { stdout } = await pulumi(["stack", "output", "lookups", "--json"]);
        const lookups = JSON.parse(stdout);
        assert.equal(lookups.accountId, emulator!.accountId);
        assert.deepEqual(lookups.clusters, ["standin-cluster"]);
        assert.equal(lookups.cluster.status, "ACTIVE");
        assert.equal(lookups.oidcUrl, lookups.cluster.issuer.replace("https://", ""));
        assert.equal(lookups.addon, "aws-ebs-csi-driver");
        assert.equal(
            lookups.missingAddon,
            "invocation of aws:eks/getAddon:getAddon returned an error: reading EKS Add-On (standin-cluster:eks-pod-identity-agent): couldn't find resource",
        );
        assert.match(lookups.keyArn, /^arn:aws:kms:us-east-1:\d{12}:key\//);
        assert.deepEqual(lookups.logGroups, ["/standin/tagged"]);
        assert.deepEqual(lookups.logGroupTags, { team: "standin" });
        assert.deepEqual(lookups.gateways, [lookups.gateways[0]]);
        assert.match(lookups.gateways[0], /^igw-/);
    });

    it("finds nothing to change on a second up (--expect-no-changes)", async () => {
        await pulumi(["up", "--yes", "--expect-no-changes"]);
    });

    it("previews an in-place change as an update and a ForceNew change (the role's path) as a replace", async () => {
        await pulumi(["config", "set", "description", "second"]);
        assert.deepEqual((await previewSteps())["aws:iam/role:Role::fn"], { op: "update", replaceReasons: undefined });
        await pulumi(["config", "set", "rolePath", "/standin/"]);
        assert.deepEqual((await previewSteps())["aws:iam/role:Role::fn"], { op: "replace", replaceReasons: ["path"] });
        await pulumi(["config", "rm", "description"]);
        await pulumi(["config", "rm", "rolePath"]);
    });

    it("fails the preview on a 65-character role name with a Check failure naming the property", async () => {
        await pulumi(["config", "set", "roleName", "r".repeat(65)]);
        const { stdout, stderr } = await pulumi(["preview"], { fail: true });
        assert.match(stdout + stderr, /name must be 1-64 characters, not 65/);
        await pulumi(["config", "rm", "roleName"]);
    });

    it("runs the function with tf.action update and the previous input when the input changes, and delete on destroy", async () => {
        await pulumi(["config", "set", "input", '{"n":2}']);
        await pulumi(["up", "--yes"]);
        await pulumi(["destroy", "--yes"]);
        const actions = await recordedActions();
        assert.deepEqual(actions.slice(1), [
            { action: "update", prev_input: { n: 1 } },
            { action: "delete", prev_input: { n: 2 } },
        ]);
    });
});
