/**
 * Many accounts on the real engine (file backend, AWS emulator): `container-insights fleet up --accounts
 * organization:<ou> --role <name>` lists an OU's accounts with Organizations, assumes the role in each through STS,
 * and deploys each account's account stack and cluster stack under the documented names, in that account (moto maps
 * the role's temporary keys to the role's account). A member whose role does not exist fails alone; a re-run with
 * `--accounts <file.yaml>` once the role is there deploys only that account's stacks.
 */
import * as assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CreateRoleCommand, IAMClient, ListRolesCommand } from "@aws-sdk/client-iam";
import {
    CreateAccountCommand,
    CreateOrganizationCommand,
    CreateOrganizationalUnitCommand,
    DescribeCreateAccountStatusCommand,
    ListRootsCommand,
    MoveAccountCommand,
    OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { accountStackName, clusterStackName } from "../../automation/fleet/stacks";
import { FleetUpResult, stackRunner } from "../../automation/watch/runner";
import { bucketNameFor, clusterRolePath } from "../../common/naming";
import { accountEnvOf, clientConfig, seedFleet } from "../../engine/emulator/seed";
import { ENGINE_DIR } from "../../engine/paths";
import { runFleet } from "./fleetRun";
import { DeployedStack, FLEET, ROLE_NAME, STACK } from "./stack";
import { requireEngine } from "./workspace";

const REGION = "us-east-1";
const DEPLOY_ROLE = "FleetDeployRole";
const TEAMS = ["team-a", "team-b", "team-c"] as const;

/** Files of a directory tree (the checkout's stack files and journal, the file backend's state). */
function filesUnder(dir: string): string[] {
    return readdirSync(dir, { recursive: true, encoding: "utf8" })
        .map((f) => join(dir, f))
        .filter((f) => !f.includes("node_modules") && statSync(f).isFile());
}

describe("engine tier: a fleet over many accounts (--accounts, --role)", function () {
    let stack: DeployedStack;
    const ids: Record<string, string> = {};
    const envs: Record<string, Record<string, string>> = {};
    let ou: string;

    async function createDeployRole(team: string) {
        const iam = new IAMClient(clientConfig(envs[team], REGION, "IAM"));
        const trust = {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { AWS: `arn:aws:iam::${stack.emulator.accountId}:root` },
                    Action: "sts:AssumeRole",
                },
            ],
        };
        await iam.send(
            new CreateRoleCommand({ RoleName: DEPLOY_ROLE, AssumeRolePolicyDocument: JSON.stringify(trust) }),
        );
        iam.destroy();
    }

    before(async function () {
        requireEngine(this);
        // The template stack `prod` (the management account's own, one region); its clusters are not deployed here.
        stack = await DeployedStack.create("irsa", {
            ...FLEET,
            clusters: FLEET.clusters.filter((c) => c.region === REGION),
        });
        const organizations = new OrganizationsClient(clientConfig(stack.emulator.env, REGION));
        await organizations.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
        const { Roots } = await organizations.send(new ListRootsCommand({}));
        const { OrganizationalUnit } = await organizations.send(
            new CreateOrganizationalUnitCommand({ ParentId: Roots![0].Id, Name: "workloads" }),
        );
        ou = OrganizationalUnit!.Id!;
        for (const team of TEAMS) {
            const { CreateAccountStatus } = await organizations.send(
                new CreateAccountCommand({ AccountName: team, Email: `${team}@example.com` }),
            );
            const status = await organizations.send(
                new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: CreateAccountStatus!.Id }),
            );
            ids[team] = status.CreateAccountStatus!.AccountId!;
            await organizations.send(
                new MoveAccountCommand({ AccountId: ids[team], SourceParentId: Roots![0].Id, DestinationParentId: ou }),
            );
            envs[team] = await accountEnvOf(stack.emulator.env, ids[team]);
            await seedFleet(envs[team], {
                roleName: ROLE_NAME,
                clusters: [{ region: REGION, name: `${team}-1`, addons: { "eks-pod-identity-agent": "ACTIVE" } }],
            });
        }
        organizations.destroy();
        // team-c has no deploy role yet: assuming it fails.
        await createDeployRole("team-a");
        await createDeployRole("team-b");
    });

    after(async () => stack?.dispose());

    const names = (team: string) => {
        const account = accountStackName(STACK, ids[team]);
        return { account, cluster: clusterStackName(account, REGION) };
    };

    async function bucketsOf(env: Record<string, string>): Promise<string[]> {
        const s3 = new S3Client(clientConfig(env, REGION));
        const { Buckets } = await s3.send(new ListBucketsCommand({}));
        s3.destroy();
        return (Buckets ?? []).map((b) => b.Name!);
    }

    async function clusterRoles(env: Record<string, string>, accountStack: string): Promise<string[]> {
        const iam = new IAMClient(clientConfig(env, REGION, "IAM"));
        const { Roles } = await iam.send(new ListRolesCommand({ PathPrefix: clusterRolePath(accountStack) }));
        iam.destroy();
        return (Roles ?? []).map((r) => r.RoleName!);
    }

    function agentsOf(stackName: string): string[] {
        const state = JSON.parse(stack.workspace.stateFile("container-insights", stackName));
        return (state.checkpoint?.latest?.resources ?? [])
            .filter((r: { type: string }) => r.type === "container-insights:cluster:ClusterAgent")
            .map((r: { urn: string }) => r.urn.split("::").pop());
    }

    it("organization:<ou>: each member's account and cluster stacks deploy in that account; the one whose role is missing fails alone (exit 1)", async () => {
        const run = await runFleet(
            stack,
            "up",
            "--yes",
            "--accounts",
            `organization:${ou}`,
            "--role",
            DEPLOY_ROLE,
            "--concurrency",
            "2",
        );
        assert.equal(run.status, 1, run.stdout);
        assert.match(run.stdout, /fleet up: 6 stacks in 3 account\(s\), 2 at a time/);
        assert.match(run.stdout, /6 stacks in .*: 4 succeeded, 2 failed/, run.stdout);
        for (const team of ["team-a", "team-b"]) {
            const { account, cluster } = names(team);
            assert.match(run.stdout, new RegExp(`^${account} +succeeded`, "m"), run.stdout);
            assert.match(run.stdout, new RegExp(`^${cluster} +succeeded`, "m"), run.stdout);
            // In its own account: the bucket is named after the account the engine's credentials are in.
            const bucket = bucketNameFor(ids[team]);
            assert.ok((await bucketsOf(envs[team])).includes(bucket), `${bucket} in ${team}'s account`);
            assert.ok(
                !(await bucketsOf(stack.emulator.env)).includes(bucket),
                `${bucket} not in the management account`,
            );
            assert.deepEqual(agentsOf(account), [], "the account stack holds no agent");
            assert.deepEqual(agentsOf(cluster), [`${REGION}-${team}-1`]);
            const roles = await clusterRoles(envs[team], account);
            assert.equal(
                roles.length,
                1,
                `the reconciler's per-cluster role in ${team}'s account: ${roles.join(", ")}`,
            );
            assert.deepEqual(await clusterRoles(stack.emulator.env, account), []);
            assert.ok(existsSync(join(stack.workspace.dir, "rendered", REGION, `${team}-1`)));
        }
        const failed = names("team-c");
        const denied = new RegExp(
            `^${failed.account} +failed .*could not assume arn:aws:iam::${ids["team-c"]}:role/${DEPLOY_ROLE}: AccessDenied: .*not authorized to perform: sts:AssumeRole`,
            "m",
        );
        assert.match(run.stdout, denied, run.stdout);
        assert.match(
            run.stdout,
            new RegExp(`^${failed.cluster} +failed .*its account stack ${failed.account} failed`, "m"),
        );
        assert.deepEqual(await bucketsOf(envs["team-c"]), []);

        // The role's credentials went to the two members' engines, and nowhere else: not printed, not stored.
        assert.equal(run.assumed.length, 4, "one AssumeRole per stack run of team-a and team-b");
        const secrets = run.assumed.flatMap((e) => [e.AWS_SECRET_ACCESS_KEY, e.AWS_SESSION_TOKEN]);
        assert.ok(secrets.every((s) => s && s.length > 0));
        assert.ok(!secrets.some((s) => run.stdout.includes(s)), "no credential in the output");
        const stored = [
            ...filesUnder(stack.workspace.stateDir),
            ...filesUnder(join(stack.workspace.dir, "stacks")),
            join(stack.workspace.dir, "journal.json"),
        ];
        for (const file of stored) {
            const text = readFileSync(file, "utf8");
            assert.ok(!secrets.some((s) => text.includes(s)), `no credential in ${file}`);
        }
        assert.ok(
            !Object.values(process.env).some((v) => v && secrets.includes(v)),
            "none in this process's environment",
        );
    });

    it("--accounts <file.yaml>, once the role exists there: only the failed account's stacks deploy (resume), exit 0", async () => {
        await createDeployRole("team-c");
        const file = join(stack.workspace.dir, "accounts.yaml");
        writeFileSync(file, `accounts:\n${TEAMS.map((t) => `  - id: "${ids[t]}"\n    name: ${t}\n`).join("")}`);
        const run = await runFleet(
            stack,
            "up",
            "--yes",
            "--accounts",
            file,
            "--role",
            DEPLOY_ROLE,
            "--concurrency",
            "2",
        );
        assert.equal(run.status, 0, run.stdout);
        assert.match(run.stdout, /6 stacks in .*: 2 succeeded, 4 unchanged/, run.stdout);
        for (const team of ["team-a", "team-b"]) {
            assert.match(run.stdout, new RegExp(`^${names(team).account} +unchanged`, "m"));
            assert.match(run.stdout, new RegExp(`^${names(team).cluster} +unchanged`, "m"));
        }
        const { account, cluster } = names("team-c");
        assert.match(run.stdout, new RegExp(`^${account} +succeeded`, "m"));
        assert.match(run.stdout, new RegExp(`^${cluster} +succeeded`, "m"));
        assert.ok((await bucketsOf(envs["team-c"])).includes(bucketNameFor(ids["team-c"])));
        assert.deepEqual(agentsOf(cluster), [`${REGION}-team-c-1`]);
        assert.equal(run.assumed.length, 2, "roles assumed for team-c's two stacks only");
    });

    it("the watch service on team-a's account stack: an event for its cluster updates only that cluster stack (no change)", async () => {
        const { account, cluster } = names("team-a");
        const before = stack.workspace.stateFile("container-insights", account);
        const runner = stackRunner(
            { environment: "PROD", accountId: ids["team-a"] },
            {
                projectDir: stack.workspace.dir,
                pulumiHome: ENGINE_DIR,
                backend: "configured",
                envVars: { ...(stack.workspace.environment() as Record<string, string>), ...envs["team-a"] },
                policyPack: false,
            },
        );
        const result = await runner.up(new AbortController().signal, [
            {
                kind: "ready",
                stack: account,
                clusterName: "team-a-1",
                clusterArn: `arn:aws:eks:${REGION}:${ids["team-a"]}:cluster/team-a-1`,
                region: REGION,
            },
        ]);
        assert.deepEqual((result as FleetUpResult).stacks, [cluster]);
        const changed = Object.keys(result.changes).filter((op) => op !== "same" && op !== "read");
        assert.deepEqual(changed, [], JSON.stringify(result.changes));
        assert.equal(stack.workspace.stateFile("container-insights", account), before, "the account stack untouched");
    });
});
