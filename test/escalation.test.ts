/**
 * The roles this stack hands out cannot be turned into more access than an agent role has. The fake account enforces
 * each identity's real policy (as the program builds it) the way IAM does, with `iam:PermissionsBoundary`.
 */
import { strict as assert } from "node:assert";
import * as iam from "@aws-sdk/client-iam";
import { PolicyDocument, agentPermissions } from "../common/documents";
import { AGENT_POLICY_NAME } from "../lambda/reconciler/gateway";
import { reconcile, teardown } from "../lambda/reconciler/reconcile";
import { autoUpdatePermissions } from "../components/iam/autoUpdateRole";
import { reconcilerPermissions } from "../components/iam/reconcilerRole";
import { StackScope } from "../components/iam/scope";
import { RECONCILER_STATE_KEYS, STACK_TAG_KEY } from "../common/naming";
import { simulate, simulateIdentity } from "./iamSimulator";
import { BOUNDARY_ARN, STATE_BUCKET, fakeWorld, recordingLog, settingsFor } from "./reconciler.helpers";

const ACCOUNT = "111122223333";
const SCOPE: StackScope = {
    accountId: ACCOUNT,
    partition: "aws",
    region: "us-east-1",
    stackName: "prod",
    stackId: "container-insights/prod",
    bucketName: `nops-container-cost-${ACCOUNT}`,
    stateBucketName: STATE_BUCKET,
};
const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:platform-token-AbCdEf`;
const PATH = "/container-insights/prod/";
const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const ADMIN_DOCUMENT = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
});
const SELF_TRUST = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" }],
});

const IDENTITIES: Array<[string, PolicyDocument]> = [
    ["reconciler", reconcilerPermissions(SCOPE, SECRET_ARN)],
    ["auto-update role", autoUpdatePermissions(SCOPE)],
];
const WORLD_TRUST = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }],
});

const denied = async (call: Promise<unknown>) =>
    assert.rejects(call, (error: Error) => {
        assert.equal(error.name, "AccessDenied", error.message);
        return true;
    });

describe("no privilege escalation through the stack's roles", () => {
    let world: ReturnType<typeof fakeWorld>;
    beforeEach(() => {
        world = fakeWorld();
        world.account.managedPolicies.add(`arn:aws:iam::${ACCOUNT}:policy${PATH}other-boundary`);
    });
    afterEach(() => world.restore());

    it("the reconciler does its whole job under its own policy: create, repair, converge, remove, tear down", async () => {
        world.account.identity = reconcilerPermissions(SCOPE, SECRET_ARN);
        world.account.addCluster("us-east-1", "alpha");
        world.account.addCluster("us-east-1", "gone");
        world.account.addCluster("eu-west-1", "beta");
        const regions = ["us-east-1", "eu-west-1"];
        const first = await reconcile(settingsFor(regions), world.gateway(), recordingLog());
        assert.equal(first.counts.created, 3, JSON.stringify(first.results));

        world.account.role("nops-ccost-alpha_us-east-1")!.boundary = undefined; // removed out of band
        world.account.recreateCluster("eu-west-1", "beta");
        world.account.removeCluster("us-east-1", "gone");
        world.account.role("nops-ccost-gone_us-east-1")!.boundary = undefined;
        const second = await reconcile(settingsFor(regions), world.gateway(), recordingLog());
        assert.equal(second.counts.failed, 0, JSON.stringify(second.results));
        assert.deepEqual([second.counts.updated, second.counts.deleted], [2, 1]);
        assert.equal(world.account.role("nops-ccost-alpha_us-east-1")!.boundary, BOUNDARY_ARN);

        const gone = await teardown(settingsFor(regions), world.gateway(), recordingLog());
        assert.equal(gone.counts.deleted, 2, JSON.stringify(gone.results));
        assert.equal(world.account.roles.size, 0);
    });

    it("the reconciler skips a cluster whose role name another team's role holds, which it may not even read", async () => {
        world.account.identity = reconcilerPermissions(SCOPE, SECRET_ARN);
        world.account.putForeignRole("nops-ccost-alpha_us-east-1", "/");
        world.account.addCluster("us-east-1", "alpha");
        const result = await reconcile(settingsFor(["us-east-1"]), world.gateway(), recordingLog());
        const alpha = result.results.find((r) => r.cluster === "alpha")!;
        assert.equal(alpha.outcome, "skipped", JSON.stringify(alpha));
        assert.match(alpha.reason!, /taken by a role this stack does not own/);
        assert.equal(world.account.role("nops-ccost-alpha_us-east-1")!.Path, "/");
    });

    for (const [who, identity] of IDENTITIES) {
        describe(`the ${who}`, () => {
            const client = () => new iam.IAMClient({ region: "us-east-1", maxAttempts: 1 });
            const send = (command: any) => client().send(command);

            beforeEach(async () => {
                world.account.addCluster("us-east-1", "alpha");
                await reconcile(settingsFor(["us-east-1"]), world.gateway(), recordingLog());
                world.account.putForeignRole("nops-ccost-legacy_us-east-1", PATH, {
                    [STACK_TAG_KEY]: "container-insights/prod",
                });
                world.account.identity = identity;
            });

            it("cannot create a role without the stack's boundary, with another boundary, or outside its path", async () => {
                const create = (extra: Partial<iam.CreateRoleCommandInput>) =>
                    send(
                        new iam.CreateRoleCommand({
                            RoleName: "escalate",
                            Path: PATH,
                            AssumeRolePolicyDocument: SELF_TRUST,
                            ...extra,
                        }),
                    );
                await denied(create({}));
                await denied(create({ PermissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy${PATH}other-boundary` }));
                await denied(create({ PermissionsBoundary: BOUNDARY_ARN, Path: "/" }));
                await denied(create({ PermissionsBoundary: BOUNDARY_ARN, Tags: [{ Key: "team", Value: "admins" }] }));
                assert.equal(world.account.role("escalate"), undefined);
            });

            it("cannot write to a role that lacks the boundary", async () => {
                const RoleName = "nops-ccost-legacy_us-east-1";
                await denied(
                    send(new iam.PutRolePolicyCommand({ RoleName, PolicyName: "x", PolicyDocument: ADMIN_DOCUMENT })),
                );
                await denied(send(new iam.UpdateAssumeRolePolicyCommand({ RoleName, PolicyDocument: SELF_TRUST })));
                await denied(send(new iam.DeleteRolePolicyCommand({ RoleName, PolicyName: "foreign" })));
            });

            it("cannot remove, replace or sidestep the boundary of a bounded role", async () => {
                const RoleName = "nops-ccost-alpha_us-east-1";
                await denied(send(new iam.DeleteRolePermissionsBoundaryCommand({ RoleName })));
                await denied(
                    send(
                        new iam.PutRolePermissionsBoundaryCommand({
                            RoleName,
                            PermissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy${PATH}other-boundary`,
                        }),
                    ),
                );
                await denied(send(new iam.AttachRolePolicyCommand({ RoleName, PolicyArn: ADMIN })));
                await denied(send(new iam.TagRoleCommand({ RoleName, Tags: [{ Key: "team", Value: "admins" }] })));
                assert.equal(world.account.role(RoleName)!.boundary, BOUNDARY_ARN);
            });

            // The auto-update role may not write the policy at all (below).
            const reconcilerOnly = (title: string, body: () => Promise<void>) =>
                who === "reconciler" ? it(title, body) : undefined;
            reconcilerOnly(
                "gains nothing from an Action * policy on a bounded role: the boundary caps it at an agent's permissions",
                async () => {
                    const RoleName = "nops-ccost-alpha_us-east-1";
                    await send(
                        new iam.PutRolePolicyCommand({
                            RoleName,
                            PolicyName: AGENT_POLICY_NAME,
                            PolicyDocument: ADMIN_DOCUMENT,
                        }),
                    );
                    await send(new iam.UpdateAssumeRolePolicyCommand({ RoleName, PolicyDocument: SELF_TRUST }));
                    const role = world.account.role(RoleName)!;
                    const boundary = agentPermissions({
                        partition: "aws",
                        bucketName: SCOPE.bucketName,
                        queueArnPattern: settingsFor([]).queueArnPattern,
                    });
                    // What the role can do: its inline policy within its boundary.
                    const effective = async (action: string, resource: string) =>
                        (await simulate(
                            { identity: JSON.parse(role.inline.get(AGENT_POLICY_NAME)!), boundary },
                            { action, resource, context: {} },
                        )) === "Allow";
                    assert.equal(await effective("iam:CreateRole", `arn:aws:iam::${ACCOUNT}:role/admin`), false);
                    assert.equal(await effective("s3:DeleteBucket", `arn:aws:s3:::${SCOPE.bucketName}`), false);
                    assert.equal(await effective("s3:PutObject", `arn:aws:s3:::${SCOPE.bucketName}/x.parquet`), true);
                    assert.equal(
                        await effective("s3:PutObject", `arn:aws:s3:::${STATE_BUCKET}/${RECONCILER_STATE_KEYS.lease}`),
                        false,
                    );
                    assert.equal(
                        await effective("s3:PutObject", `arn:aws:s3:::${SCOPE.bucketName}/_container-insights/x`),
                        false,
                    );
                },
            );

            it("cannot hand a role to another stack or hide it from this one through the ownership tag", async () => {
                const RoleName = "nops-ccost-alpha_us-east-1";
                await denied(
                    send(new iam.TagRoleCommand({ RoleName, Tags: [{ Key: STACK_TAG_KEY, Value: "someone-else" }] })),
                );
                await denied(
                    send(
                        new iam.CreateRoleCommand({
                            RoleName: "nops-ccost-x_us-east-1",
                            Path: PATH,
                            AssumeRolePolicyDocument: SELF_TRUST,
                            PermissionsBoundary: BOUNDARY_ARN,
                            Tags: [{ Key: STACK_TAG_KEY, Value: "container-insights/other" }],
                        }),
                    ),
                );
                assert.equal(world.account.role(RoleName)!.tags[STACK_TAG_KEY], "container-insights/prod");
            });
        });
    }

    describe("the platform's auto-update role (trusted by the vendor's account)", () => {
        const send = (command: any) => new iam.IAMClient({ region: "us-east-1", maxAttempts: 1 }).send(command);
        beforeEach(async () => {
            world.account.addCluster("us-east-1", "alpha");
            await reconcile(settingsFor(["us-east-1"]), world.gateway(), recordingLog());
            world.account.identity = autoUpdatePermissions(SCOPE);
        });

        it("can plant no role, trust or tag: every IAM write is denied, even bounded ones on the stack's path", async () => {
            const RoleName = "nops-ccost-alpha_us-east-1";
            const agentDocument = JSON.stringify(
                agentPermissions({
                    partition: "aws",
                    bucketName: SCOPE.bucketName,
                    queueArnPattern: settingsFor([]).queueArnPattern,
                }),
            );
            for (const path of [PATH, `${PATH}sub/`]) {
                await denied(
                    send(
                        new iam.CreateRoleCommand({
                            RoleName: "planted",
                            Path: path,
                            AssumeRolePolicyDocument: WORLD_TRUST,
                            PermissionsBoundary: BOUNDARY_ARN,
                        }),
                    ),
                );
            }
            await denied(send(new iam.UpdateAssumeRolePolicyCommand({ RoleName, PolicyDocument: WORLD_TRUST })));
            await denied(
                send(
                    new iam.PutRolePolicyCommand({
                        RoleName,
                        PolicyName: AGENT_POLICY_NAME,
                        PolicyDocument: agentDocument,
                    }),
                ),
            );
            await denied(send(new iam.DeleteRolePolicyCommand({ RoleName, PolicyName: AGENT_POLICY_NAME })));
            await denied(
                send(new iam.TagRoleCommand({ RoleName, Tags: [{ Key: STACK_TAG_KEY, Value: "someone-else" }] })),
            );
            await denied(
                send(new iam.PutRolePermissionsBoundaryCommand({ RoleName, PermissionsBoundary: BOUNDARY_ARN })),
            );
            await denied(send(new iam.DeleteRoleCommand({ RoleName })));
            assert.equal(world.account.role("planted"), undefined);
            assert.equal(world.account.role(RoleName)!.tags[STACK_TAG_KEY], "container-insights/prod");
        });

        it("still runs the management function and reads what it did", async () => {
            const decide = (action: string, resource: string) =>
                simulateIdentity(autoUpdatePermissions(SCOPE), { action, resource, context: {} });
            assert.equal(
                await decide(
                    "lambda:InvokeFunction",
                    `arn:aws:lambda:us-east-1:${ACCOUNT}:function:nops-ccost-prod-role-management`,
                ),
                "Allow",
            );
            assert.equal(
                await decide("iam:GetRole", `arn:aws:iam::${ACCOUNT}:role${PATH}nops-ccost-alpha_us-east-1`),
                "Allow",
            );
            const role = (await send(
                new iam.GetRoleCommand({ RoleName: "nops-ccost-alpha_us-east-1" }),
            )) as iam.GetRoleCommandOutput;
            assert.equal(role.Role!.PermissionsBoundary!.PermissionsBoundaryArn, BOUNDARY_ARN);
        });
    });
});
