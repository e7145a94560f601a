import * as assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../automation/cli";
import { clusterRoleArn, clusterRoleName } from "../../common/naming";
import { AGENT_POLICY_NAME } from "../../lambda/reconciler/gateway";
import { reconcile } from "../../lambda/reconciler/reconcile";
import { fakeWorld, recordingLog, settingsFor } from "../reconciler.helpers";
import { runThroughPipe } from "../pipe";

const NOW = Date.parse("2026-11-22T16:00:00Z");
const MANAGEMENT_LOGS = "/aws/lambda/nops-ccost-prod-role-management";
const CREATION_LOGS = "/aws/lambda/nops-ccost-prod-role-creation";

function finished(trigger: string, outcome: string, extra: Record<string, unknown> = {}): string {
    return JSON.stringify({
        level: outcome === "succeeded" ? "INFO" : "ERROR",
        message: "reconcile finished",
        timestamp: "x",
        trigger,
        outcome,
        counts: { created: 0, unchanged: 2 },
        ...extra,
    });
}

describe("container-insights status", () => {
    let world: ReturnType<typeof fakeWorld>;
    let outputs: Record<string, unknown>;

    beforeEach(async () => {
        world = fakeWorld();
        const alpha = world.account.addCluster("us-east-1", "alpha");
        const beta = world.account.addCluster("us-east-1", "beta");
        world.account.addCluster("us-east-1", "sandbox");
        const deployRun = await reconcile(settingsFor(["us-east-1"]), world.gateway(), recordingLog());
        const role = (name: string) =>
            clusterRoleArn({
                accountId: "111122223333",
                partition: "aws",
                stackName: "prod",
                roleName: clusterRoleName(name, "us-east-1"),
            });
        outputs = {
            bucketName: "nops-container-cost-111122223333",
            reconcilerRoleArn: "arn:aws:iam::111122223333:role/nops-ccost-prod-reconciler",
            reconcilerLastRun: JSON.stringify(deployRun),
            clusters: [
                { name: "alpha", region: "us-east-1", arn: alpha, roleArn: role("alpha"), status: "installed" },
                { name: "beta", region: "us-east-1", arn: beta, roleArn: role("beta"), status: "installed" },
                {
                    name: "sandbox",
                    region: "us-east-1",
                    arn: "arn:aws:eks:us-east-1:111122223333:cluster/sandbox",
                    status: "skipped",
                    reason: "matches clusters.exclude pattern sandbox*",
                },
            ],
        };
        world.account.logEvents.set(CREATION_LOGS, []);
        world.account.putLogEvent(MANAGEMENT_LOGS, NOW - 3 * 3600_000, finished("schedule", "succeeded"));
        world.account.putLogEvent(MANAGEMENT_LOGS, NOW - 1 * 3600_000, finished("schedule", "succeeded"));
        world.account.putLogEvent(
            MANAGEMENT_LOGS,
            NOW - 1 * 3600_000 + 5,
            JSON.stringify({ level: "INFO", message: "role created" }),
        );
    });
    afterEach(() => world.restore());

    async function status(extra: string[] = []) {
        const out: string[] = [];
        const err: string[] = [];
        const code = await main(["status", "--env", "prod", ...extra], {
            out: (l) => out.push(l),
            err: (l) => err.push(l),
            env: {},
            outputs: async () => outputs,
            now: () => NOW,
        });
        return { code, out, err };
    }

    it("prints one line per cluster: mode, role and policy in step, agent, last reconcile; exit 0 when all is well", async () => {
        const { code, out, err } = await status();
        assert.deepEqual(err, []);
        assert.equal(code, 0, out.join("\n"));
        assert.equal(out[0], "stack prod: 3 cluster(s); last reconcile: 2026-11-22T15:00:00.000Z (schedule) succeeded");
        assert.equal(
            out[1],
            "us-east-1/alpha  mode=irsa  role=present  policy=in-step  agent=installed  last-reconcile=2026-11-22T15:00:00.000Z schedule succeeded  OK",
        );
        assert.match(out[2], /^us-east-1\/beta .* OK$/);
        assert.match(
            out[3],
            /^us-east-1\/sandbox  mode=irsa  -  policy=-  agent=skipped \(matches clusters.exclude pattern sandbox\*\) .* OK$/,
        );
    });

    it("flags a drifted policy, a missing role, a gone cluster and a failed last run; exit 1", async () => {
        const alphaRole = clusterRoleName("alpha", "us-east-1");
        await world.account.handle("PutRolePolicy", {
            RoleName: alphaRole,
            PolicyName: AGENT_POLICY_NAME,
            PolicyDocument: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }],
            }),
        });
        const betaRole = clusterRoleName("beta", "us-east-1");
        await world.account.handle("DeleteRolePolicy", { RoleName: betaRole, PolicyName: AGENT_POLICY_NAME });
        await world.account.handle("DeleteRole", { RoleName: betaRole });
        world.account.putLogEvent(
            CREATION_LOGS,
            NOW - 60_000,
            finished("deploy", "failed", { error: "ReconcileFailed: no region could be read" }),
        );
        const { code, out } = await status();
        assert.equal(code, 1);
        assert.match(out[0], /last reconcile: 2026-11-22T15:59:00.000Z \(deploy\) failed$/);
        assert.match(
            out[1],
            /alpha .*role=present  policy=drifted \(permissions\) .*ATTENTION: role nops-ccost-alpha_us-east-1 drifted: permissions .*; last reconcile failed: ReconcileFailed: no region could be read$/,
        );
        assert.match(out[2], /beta .*role=missing .*ATTENTION: role nops-ccost-beta_us-east-1 does not exist/);
        world.account.removeCluster("us-east-1", "alpha");
        const gone = await status(["--json"]);
        const report = JSON.parse(gone.out[0]);
        assert.equal(report.clusters[0].healthy, false);
        assert.match(report.clusters[0].problems[0], /the cluster no longer exists/);
    });

    it("sees a recreated cluster's trust policy out of step (new OIDC issuer)", async () => {
        world.account.recreateCluster("us-east-1", "alpha");
        const { code, out } = await status();
        assert.equal(code, 1);
        assert.match(out[1], /policy=drifted \(trust\)/);
    });

    it("reports the IAM user in IAM-user mode, and makes only read calls", async () => {
        outputs = {
            ...outputs,
            iamUserName: "nops-container-cost-s3",
            clusters: (outputs.clusters as object[]).map((c) => ({ ...c, roleArn: undefined })),
        };
        world.account.putUser("nops-container-cost-s3");
        world.account.calls.length = 0;
        const { code, out } = await status();
        assert.equal(code, 0, out.join("\n"));
        assert.match(out[1], /^us-east-1\/alpha  mode=iamUser  user=nops-container-cost-s3=present/);
        const operations = new Set(world.account.calls.map((c) => c.operation));
        assert.ok(
            [...operations].every((op) => /^(Get|List|Describe|Filter|Head)/.test(op)),
            [...operations].join(","),
        );
    });

    it("reports a missing IAM user as missing (IAM's NoSuchEntity), not as a failed status", async () => {
        outputs = {
            ...outputs,
            iamUserName: "nops-container-cost-s3",
            clusters: (outputs.clusters as object[]).map((c) => ({ ...c, roleArn: undefined })),
        };
        const { code, out } = await status();
        assert.equal(code, 1, out.join("\n"));
        assert.match(out[1], /user=nops-container-cost-s3=missing/);
    });

    it("names a cluster's own identity mode from the clusters output (Pod Identity: the stack's one role)", async () => {
        world.account.putForeignRole("nops-ccost-prod-pod-identity", "/container-insights/prod/");
        const clusters = outputs.clusters as Array<Record<string, unknown>>;
        outputs = {
            ...outputs,
            podIdentityRoleArn: "arn:aws:iam::111122223333:role/container-insights/prod/nops-ccost-prod-pod-identity",
            clusters: [{ ...clusters[0], roleArn: undefined, identityMode: "podIdentity" }, clusters[1]],
        };
        const { code, out } = await status();
        assert.equal(code, 0, out.join("\n"));
        assert.match(
            out[1],
            /^us-east-1\/alpha  mode=podIdentity  role=present  policy=not compared \(Pod Identity\)  agent=installed .* OK$/,
        );
        assert.match(out[2], /^us-east-1\/beta  mode=irsa  role=present  policy=in-step/);
        world.account.roles.delete("nops-ccost-prod-pod-identity");
        const missing = await status();
        assert.equal(missing.code, 1);
        assert.match(missing.out[1], /role=missing .*ATTENTION: role nops-ccost-prod-pod-identity does not exist/);
    });

    it("says so when the stack was never deployed, and refuses a bad --env with exit 2", async () => {
        outputs = {};
        const { code, err } = await status();
        assert.equal(code, 1);
        assert.match(err[0], /stack prod has no outputs: it has not been deployed \(npm run up -- prod\)/);
        const out: string[] = [];
        assert.equal(
            await main(["status", "--env", "production"], {
                out: (l) => out.push(l),
                err: (l) => out.push(l),
                env: {},
            }),
            2,
        );
    });

    it("with --json prints one JSON object on stdout on failures too: never deployed, a failing read, bad usage", async () => {
        outputs = {};
        const never = await status(["--json"]);
        assert.equal(never.code, 1);
        assert.deepEqual(JSON.parse(never.out.join("\n")), {
            stack: "prod",
            error: "stack prod has no outputs: it has not been deployed (npm run up -- prod)",
        });
        assert.match(never.err[0], /^container-insights: stack prod has no outputs/);
        const lines: string[] = [];
        const io = { out: (l: string) => lines.push(l), err: () => undefined, env: {} };
        const denied = await main(["status", "--env", "uat", "--json"], {
            ...io,
            outputs: async () => {
                throw new Error("User is not authorized to perform: s3:GetObject");
            },
        });
        assert.equal(denied, 1);
        assert.deepEqual(JSON.parse(lines.pop()!), {
            stack: "uat",
            error: "User is not authorized to perform: s3:GetObject",
        });
        assert.equal(await main(["status", "--json", "--env", "production"], io), 2);
        assert.equal(JSON.parse(lines.pop()!).stack, null);
    });

    it("with --json keeps stdout JSON when run as the real CLI through a pipe (no stack on an empty backend)", async function () {
        this.timeout(60000);
        const backend = mkdtempSync(join(tmpdir(), "status-json-"));
        const { code, stdout, stderr } = await runThroughPipe(
            ["cli/container-insights.js", "status", "--env", "prod", "--json"],
            {
                env: { ...process.env, PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: "test" },
            },
        );
        assert.equal(code, 1, stderr);
        const report = JSON.parse(stdout.toString("utf8"));
        assert.equal(report.stack, "prod");
        assert.equal(typeof report.error, "string");
        assert.match(stderr, /^container-insights: /m);
    });
});
