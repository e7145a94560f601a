/**
 * Scenarios 3b-3f of the engine tier: the real program deployed with `pulumi up` on the real CLI, in each identity
 * mode, against the AWS emulator; a second `up` changes nothing; a reconciler code or settings change is an update,
 * never a replacement of the Invocation or a role; a region whose EKS calls are denied keeps its clusters' agents
 * (irsa); destroy tears the roles down and keeps the bucket. One deploy per mode serves all of its `it`s.
 */
import * as assert from "node:assert/strict";
import { appendFileSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { denyEksRegion } from "../../engine/emulator/seed";
import { DeployedStack, Mode, RENDER_DIR, SECRETS, STACK } from "./stack";
import { requireEngine } from "./workspace";

const EXPECTED_OUTPUTS: Record<Mode, string[]> = {
    irsa: ["reconcilerRoleArn", "reconcilerLastRun", "eventBusName", "reconcilerQueueUrl", "watchQueueUrl"],
    podIdentity: ["reconcilerRoleArn", "reconcilerLastRun", "podIdentityRoleArn", "eventBusName"],
    iamUser: ["iamUserName", "iamUserAccessKeyId", "iamUserSecretAccessKey", "iamUserCredentialsSecretArn"],
};

/** The URNs of the stack's resources whose names carry `text` (a cluster's agent resources carry the cluster's name). */
function urnsNaming(state: string, text: string): string[] {
    const resources: Array<{ urn: string }> = JSON.parse(state).checkpoint?.latest?.resources ?? [];
    return resources
        .map((r) => r.urn)
        .filter((urn) => urn.includes(text))
        .sort();
}

/** The steps of `pulumi preview --json` that would replace or delete a resource. */
function destructiveSteps(previewJson: string): string[] {
    const steps: Array<{ op: string; urn: string }> = JSON.parse(previewJson).steps ?? [];
    return steps
        .filter((step) => ["replace", "create-replacement", "delete-replaced", "delete"].includes(step.op))
        .map((step) => `${step.op} ${step.urn}`);
}

for (const mode of ["irsa", "podIdentity", "iamUser"] as const) {
    describe(`engine tier: the program in ${mode} mode`, function () {
        let stack: DeployedStack;

        before(async function () {
            requireEngine(this);
            stack = await DeployedStack.create(mode);
        });

        after(async () => stack?.dispose());

        it("deploys with `pulumi up`", async () => {
            const up = await stack.up();
            assert.equal(up.status, 0, `pulumi up failed:\n${up.stdout}\n${up.stderr}`);
        });

        it("has the outputs the docs list for the mode", async () => {
            const outputs = await stack.outputs();
            assert.match(String(outputs.bucketName), /^nops-container-cost-\d{12}$/);
            assert.equal(outputs.s3BucketSecureUrl, `https://${outputs.bucketName}.s3.amazonaws.com`);
            assert.ok(outputs.crossAccountRoleArn, "autoUpdate is on: crossAccountRoleArn");
            for (const key of EXPECTED_OUTPUTS[mode]) {
                assert.ok(outputs[key] !== undefined && outputs[key] !== null, `output ${key} is missing`);
            }
            const clusters = outputs.clusters as Array<{ name: string; status: string; renderedTo?: string }>;
            assert.deepEqual(clusters.map((c) => `${c.name}:${c.status}`).sort(), [
                "prod-a:installed",
                "prod-eu:installed",
            ]);
            for (const cluster of clusters) {
                const dir = join(stack.workspace.dir, cluster.renderedTo!);
                assert.ok(existsSync(dir) && readdirSync(dir).length > 0, `nothing rendered in ${cluster.renderedTo}`);
            }
        });

        it("keeps every secret out of the state file in plaintext", async () => {
            const state = stack.state();
            const outputs = await stack.outputs();
            assert.ok(state.includes('"ciphertext"'), "the state holds no encrypted secret: nothing was deployed");
            const secrets = [SECRETS.externalId, SECRETS.datadogApiKey, ...(mode === "iamUser" ? [] : [SECRETS.token])];
            if (mode === "iamUser") {
                secrets.push(String(outputs.iamUserSecretAccessKey));
            }
            for (const secret of secrets) {
                assert.ok(
                    !state.includes(secret),
                    `a secret is stored in plaintext in the state (${secret.slice(0, 12)}…)`,
                );
            }
        });

        it("changes nothing on a second `up --expect-no-changes`", async () => {
            const again = await stack.up("--expect-no-changes");
            assert.equal(again.status, 0, `the second up was not a no-op:\n${again.stdout}\n${again.stderr}`);
        });

        if (mode !== "iamUser") {
            it("updates in place on a reconciler code change and a settings change: no replacement, roles untouched", async () => {
                const before = await stack.clusterRoles();
                assert.ok(before.length > 0 || mode === "podIdentity", "the reconciler made no per-cluster role");
                appendFileSync(
                    join(stack.workspace.dir, "lambda", "reconciler", "handler.ts"),
                    '\nexport const ENGINE_TIER_BUILD = "second";\n',
                );
                await stack.workspace.pulumi([
                    "config",
                    "set",
                    "--stack",
                    STACK,
                    "--path",
                    "container-insights:clusters.exclude",
                    "nothing-*",
                ]);
                const preview = await stack.workspace.pulumi(["preview", "--json", "--stack", STACK]);
                assert.deepEqual(destructiveSteps(preview.stdout), []);
                const up = await stack.up();
                assert.equal(up.status, 0, `${up.stdout}\n${up.stderr}`);
                const after = await stack.clusterRoles();
                assert.deepEqual(
                    after.map((r) => `${r.RoleName} ${r.RoleId} ${r.CreateDate?.toISOString()}`).sort(),
                    before.map((r) => `${r.RoleName} ${r.RoleId} ${r.CreateDate?.toISOString()}`).sort(),
                );
            });
        }

        if (mode === "irsa") {
            it("keeps an unreadable region's clusters and their agent resources on the next up (the stack's StackReference to itself)", async () => {
                const agentBefore = urnsNaming(stack.state(), "prod-eu");
                assert.ok(agentBefore.length > 0, "prod-eu has no agent resources to keep");
                const rolesBefore = await stack.clusterRoles();
                await denyEksRegion(stack.emulator.env, "eu-west-1");
                try {
                    const preview = await stack.workspace.pulumi(["preview", "--json", "--stack", STACK]);
                    assert.deepEqual(destructiveSteps(preview.stdout), []);
                    const up = await stack.up();
                    assert.equal(up.status, 0, `${up.stdout}\n${up.stderr}`);
                    assert.match(
                        up.stdout,
                        /region eu-west-1: the EKS clusters could not be listed \(.*AccessDeniedException/,
                    );
                } finally {
                    await denyEksRegion(stack.emulator.env, "eu-west-1", false);
                }
                const clusters = (await stack.outputs()).clusters as Array<{ name: string; status: string }>;
                assert.deepEqual(clusters.map((c) => `${c.name}:${c.status}`).sort(), [
                    "prod-a:installed",
                    "prod-eu:kept",
                ]);
                assert.deepEqual(urnsNaming(stack.state(), "prod-eu"), agentBefore);
                assert.deepEqual(
                    (await stack.clusterRoles()).map((r) => `${r.RoleName} ${r.RoleId}`).sort(),
                    rolesBefore.map((r) => `${r.RoleName} ${r.RoleId}`).sort(),
                );
            });
        }

        it("destroys: per-cluster roles gone, the bucket retained", async () => {
            const outputs = await stack.outputs();
            const destroy = await stack.workspace.pulumi(["destroy", "--yes", "--stack", STACK]);
            assert.equal(destroy.status, 0);
            assert.deepEqual(await stack.clusterRoles(), []);
            assert.ok(
                await stack.bucketExists(String(outputs.bucketName)),
                "the bucket was deleted despite retainBucket",
            );
            assert.ok(existsSync(join(stack.workspace.dir, RENDER_DIR)));
        });
    });
}
