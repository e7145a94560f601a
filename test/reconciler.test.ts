import { strict as assert } from "node:assert";
import { decodePolicy } from "../lambda/reconciler/documents";
import { AGENT_POLICY_NAME } from "../lambda/reconciler/gateway";
import { reconcile, teardown } from "../lambda/reconciler/reconcile";
import { environmentVariables, readEnvironment } from "../lambda/reconciler/environment";
import { ReconcileResult } from "../lambda/reconciler/types";
import { STACK_TAG_KEY, clusterRoleName } from "../common/naming";
import { awsError, serviceOf } from "./fakes/awsAccount";
import { BOUNDARY_ARN, STATE_BUCKET, fakeWorld, recordingLog, settingsFor } from "./reconciler.helpers";

const byCluster = (result: ReconcileResult, name: string) => result.results.find((r) => r.cluster === name)!;

describe("reconciler", () => {
    let world: ReturnType<typeof fakeWorld>;
    beforeEach(() => {
        world = fakeWorld();
    });
    afterEach(() => world.restore());

    const run = (regions: string[], log = recordingLog()) => reconcile(settingsFor(regions), world.gateway(), log);

    it("creates one IRSA role per active cluster across several regions", async () => {
        world.account.addCluster("us-east-1", "alpha");
        world.account.addCluster("us-east-1", "beta");
        world.account.addCluster("eu-west-1", "gamma");
        world.account.addCluster("ap-south-1", "other"); // not an included region
        const result = await run(["us-east-1", "eu-west-1"]);

        assert.equal(result.counts.created, 3);
        assert.deepEqual(Object.keys(result.regions).sort(), ["eu-west-1", "us-east-1"]);
        const role = world.account.role("nops-ccost-gamma_eu-west-1")!;
        assert.equal(role.Path, "/container-insights/prod/");
        const issuer = world.account.issuerOf("eu-west-1", "gamma")!.replace("https://", "");
        assert.deepEqual(JSON.parse(role.trust).Statement, [
            {
                Effect: "Allow",
                Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${issuer}` },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${issuer}:sub`]: "system:serviceaccount:nops:nops-container-insights",
                        [`${issuer}:aud`]: "sts.amazonaws.com",
                    },
                },
            },
        ]);
        const permissions = JSON.parse(role.inline.get(AGENT_POLICY_NAME)!);
        assert.deepEqual(permissions.Statement[0].Resource, [
            "arn:aws:s3:::nops-container-cost-111122223333",
            "arn:aws:s3:::nops-container-cost-111122223333/*",
        ]);
        assert.deepEqual(permissions.Statement[1].Action, [
            "sqs:SendMessage",
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
        ]);
        assert.equal(permissions.Statement[1].Resource, "arn:aws:sqs:us-west-2:202279780353:nops-k8s-*");
        assert.deepEqual(role.tags, {
            [STACK_TAG_KEY]: "container-insights/prod",
            "container-insights:cluster-arn": "arn:aws:eks:eu-west-1:111122223333:cluster/gamma",
            "container-insights:region": "eu-west-1",
        });
        assert.equal(world.account.role("nops-ccost-other_ap-south-1"), undefined);
    });

    it("uses the configured namespace and service account in the trust policy", async () => {
        world.account.addCluster("us-east-1", "alpha");
        await reconcile(
            settingsFor(["us-east-1"], { namespace: "insights", serviceAccount: "agent" }),
            world.gateway(),
            recordingLog(),
        );
        const trust = JSON.parse(world.account.role("nops-ccost-alpha_us-east-1")!.trust);
        assert.ok(
            Object.values(trust.Statement[0].Condition.StringEquals).includes("system:serviceaccount:insights:agent"),
        );
    });

    it("handles an account with no clusters", async () => {
        const result = await run(["us-east-1", "eu-west-1"]);
        assert.deepEqual(result.results, []);
        assert.equal(result.writes, 0);
    });

    it("pages through 250 clusters in one region", async () => {
        for (let i = 0; i < 250; i++) {
            world.account.addCluster("us-east-1", `c${String(i).padStart(3, "0")}`);
        }
        const result = await run(["us-east-1"]);
        assert.equal(result.counts.created, 250);
        assert.equal(world.account.roles.size, 250);
        assert.equal(world.account.calls.filter((c) => c.operation === "ListClusters").length, 3);
    });

    it("gives 100-character cluster names distinct roles within IAM's 64 characters", async () => {
        const long1 = `${"a".repeat(95)}-0001`;
        const long2 = `${"a".repeat(95)}-0002`;
        world.account.addCluster("ap-southeast-2", long1);
        world.account.addCluster("ap-southeast-2", long2);
        const result = await run(["ap-southeast-2"]);
        assert.equal(result.counts.created, 2, JSON.stringify(result.results));
        const names = result.results.map((r) => r.roleName);
        assert.notEqual(names[0], names[1]);
        for (const name of names) {
            assert.ok(name!.length <= 64, name);
            assert.ok(name!.endsWith("_ap-southeast-2"), name);
        }
    });

    it("skips a cluster whose OIDC provider is not registered, and goes on with the others", async () => {
        world.account.addCluster("us-east-1", "alpha");
        world.account.addCluster("us-east-1", "no-provider", { provider: false });
        world.account.addCluster("us-east-1", "no-issuer", { oidc: false });
        world.account.addCluster("us-east-1", "creating", { status: "CREATING" });
        const log = recordingLog();
        const result = await run(["us-east-1"], log);
        assert.equal(byCluster(result, "alpha").outcome, "created");
        assert.equal(byCluster(result, "no-provider").outcome, "skipped");
        assert.match(byCluster(result, "no-provider").reason!, /OIDC provider .* is not registered/);
        assert.match(byCluster(result, "no-issuer").reason!, /no OIDC issuer/);
        assert.match(byCluster(result, "creating").reason!, /CREATING/);
        assert.ok(log.lines.some((l) => l.level === "warn" && JSON.stringify(l.extra).includes("no-provider")));
    });

    it("updates the trust policy of a recreated cluster", async () => {
        world.account.addCluster("us-east-1", "alpha");
        await run(["us-east-1"]);
        world.account.recreateCluster("us-east-1", "alpha");
        const writesBefore = world.account.writeCount();
        const result = await run(["us-east-1"]);
        assert.equal(byCluster(result, "alpha").outcome, "updated");
        const newIssuer = world.account.issuerOf("us-east-1", "alpha")!.replace("https://", "");
        assert.ok(world.account.role("nops-ccost-alpha_us-east-1")!.trust.includes(newIssuer));
        const writes = world.account.calls.slice(-20).filter((c) => c.operation === "UpdateAssumeRolePolicy");
        assert.equal(writes.length, 1);
        assert.equal(world.account.writeCount() - writesBefore, 1);
    });

    it("announces a cluster recreated under the same name (its trust moved to the new issuer), not a policy repair", async () => {
        world.account.addCluster("us-east-1", "alpha");
        world.account.addCluster("us-east-1", "beta", { status: "UPDATING" });
        const first = await run(["us-east-1"]);
        assert.deepEqual(
            first.changes!.ready.map((c) => c.cluster.name).sort(),
            ["alpha", "beta"],
            "an UPDATING cluster serves the API: announced",
        );
        world.account.recreateCluster("us-east-1", "alpha");
        world.account
            .role("nops-ccost-beta_us-east-1")!
            .inline.set(AGENT_POLICY_NAME, '{"Version":"2012-10-17","Statement":[]}');
        const result = await run(["us-east-1"]);
        assert.equal(byCluster(result, "alpha").outcome, "updated");
        assert.equal(byCluster(result, "beta").outcome, "updated");
        assert.deepEqual(
            result.changes!.ready.map((c) => c.cluster.name),
            ["alpha"],
            "only the new cluster identity is announced",
        );
    });

    it("restores an inline policy edited out of band", async () => {
        world.account.addCluster("us-east-1", "alpha");
        await run(["us-east-1"]);
        world.account
            .role("nops-ccost-alpha_us-east-1")!
            .inline.set(
                AGENT_POLICY_NAME,
                '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}',
            );
        const result = await run(["us-east-1"]);
        assert.equal(byCluster(result, "alpha").outcome, "updated");
        const restored = JSON.parse(world.account.role("nops-ccost-alpha_us-east-1")!.inline.get(AGENT_POLICY_NAME)!);
        assert.ok(
            !restored.Statement.some(
                (s: { Effect: string; Action: unknown }) => s.Effect === "Allow" && s.Action === "s3:*",
            ),
        );
    });

    it("makes zero IAM writes when nothing changed", async () => {
        world.account.addCluster("us-east-1", "alpha");
        world.account.addCluster("eu-west-1", "beta");
        await run(["us-east-1", "eu-west-1"]);
        const before = world.account.writeCount();
        const second = await run(["us-east-1", "eu-west-1"]);
        assert.equal(world.account.writeCount(), before);
        assert.equal(second.writes, 0);
        assert.equal(second.counts.unchanged, 2);
    });

    it("removes orphaned roles, inline policies first", async () => {
        world.account.addCluster("us-east-1", "alpha");
        world.account.addCluster("us-east-1", "gone");
        await run(["us-east-1"]);
        world.account.removeCluster("us-east-1", "gone");
        const result = await run(["us-east-1"]);
        assert.equal(world.account.role("nops-ccost-gone_us-east-1"), undefined);
        assert.ok(world.account.role("nops-ccost-alpha_us-east-1"));
        const deleted = result.results.find((r) => r.outcome === "deleted")!;
        assert.equal(deleted.roleName, "nops-ccost-gone_us-east-1");
        const ops = world.account.calls.map((c) => c.operation);
        assert.ok(ops.lastIndexOf("DeleteRolePolicy") < ops.lastIndexOf("DeleteRole"));
    });

    it("removes the roles of a region that is no longer included", async () => {
        world.account.addCluster("us-east-1", "alpha");
        world.account.addCluster("eu-west-1", "beta");
        await run(["us-east-1", "eu-west-1"]);
        await run(["us-east-1"]);
        assert.equal(world.account.role("nops-ccost-beta_eu-west-1"), undefined);
        assert.ok(world.account.role("nops-ccost-alpha_us-east-1"));
    });

    it("never touches roles this stack does not own, however alike their names", async () => {
        world.account.putForeignRole("nops-ccost-gone_us-east-1", "/");
        world.account.putForeignRole("nops-ccost-old_us-east-1", "/container-insights/prod-2/", {
            [STACK_TAG_KEY]: "container-insights/prod-2",
        });
        world.account.putForeignRole("nops-ccost-planted_us-east-1", "/container-insights/prod/", {
            [STACK_TAG_KEY]: "someone/else",
        });
        world.account.addCluster("us-east-1", "alpha");
        const result = await run(["us-east-1"]);
        await teardown(settingsFor(["us-east-1"]), world.gateway(), recordingLog());
        assert.ok(world.account.role("nops-ccost-gone_us-east-1"));
        assert.ok(world.account.role("nops-ccost-old_us-east-1"));
        assert.ok(world.account.role("nops-ccost-planted_us-east-1"));
        assert.match(result.results.find((r) => r.roleName === "nops-ccost-planted_us-east-1")!.reason!, /left alone/);
        const touched = world.account.calls
            .filter((c) => /Delete|Put|Update/.test(c.operation))
            .map((c) => c.input.RoleName);
        assert.ok(!touched.includes("nops-ccost-gone_us-east-1") && !touched.includes("nops-ccost-old_us-east-1"));
    });

    it("completes a half-created role (CreateRole done, PutRolePolicy never happened) instead of failing every run", async () => {
        world.account.addCluster("us-east-1", "alpha");
        world.account.faults.push((operation) =>
            operation === "PutRolePolicy" ? awsError("ServiceFailure", "interrupted", 500) : undefined,
        );
        const interrupted = await run(["us-east-1"]);
        assert.equal(byCluster(interrupted, "alpha").outcome, "failed");
        assert.equal(world.account.role("nops-ccost-alpha_us-east-1")!.inline.size, 0, "the role has no policy yet");
        world.account.faults = [];
        const next = await run(["us-east-1"]);
        assert.equal(byCluster(next, "alpha").outcome, "updated", JSON.stringify(next.results));
        assert.ok(world.account.role("nops-ccost-alpha_us-east-1")!.inline.has(AGENT_POLICY_NAME));
    });

    it("ends as skipped, not failed, when another role outside the stack's path has the name (EntityAlreadyExists)", async () => {
        world.account.putForeignRole("nops-ccost-alpha_us-east-1", "/other/");
        world.account.addCluster("us-east-1", "alpha");
        const result = await run(["us-east-1"]);
        assert.equal(result.counts.failed, 0, JSON.stringify(result.results));
        assert.equal(byCluster(result, "alpha").outcome, "skipped");
        assert.match(byCluster(result, "alpha").reason!, /\(path \/other\/\)/);
    });

    it("skips a cluster whose role name is held by someone else's role", async () => {
        world.account.putForeignRole("nops-ccost-alpha_us-east-1", "/");
        world.account.addCluster("us-east-1", "alpha");
        const result = await run(["us-east-1"]);
        assert.equal(byCluster(result, "alpha").outcome, "skipped");
        assert.match(byCluster(result, "alpha").reason!, /taken by a role this stack does not own/);
        assert.equal(world.account.role("nops-ccost-alpha_us-east-1")!.Path, "/");
    });

    it("rides out a throttling storm", async () => {
        for (let i = 0; i < 30; i++) {
            world.account.addCluster("us-east-1", `c${i}`);
        }
        let n = 0;
        // Each service's own throttling codes: IAM's Throttling and "Rate exceeded" LimitExceeded, EKS's.
        const codes: Record<string, [string, string]> = {
            iam: ["Throttling", "LimitExceeded"],
            eks: ["ThrottlingException", "ThrottlingException"],
        };
        world.account.faults.push((operation) =>
            ++n % 2 === 0 && codes[serviceOf(operation)]
                ? awsError(codes[serviceOf(operation)][n % 4 === 0 ? 0 : 1], "Rate exceeded")
                : undefined,
        );
        const result = await run(["us-east-1"]);
        assert.equal(result.counts.created, 30, JSON.stringify(result.results.filter((r) => r.outcome !== "created")));
        assert.ok(world.clock.now() > 0, "backed off");
    });

    it("reports one failing cluster and carries on with the rest", async () => {
        for (const name of ["a", "b", "broken", "c"]) {
            world.account.addCluster("us-east-1", name);
        }
        world.account.faults.push((operation, input) =>
            operation === "CreateRole" && input.RoleName.includes("broken")
                ? awsError("AccessDenied", "not allowed", 403)
                : undefined,
        );
        world.account.faults.push((operation, input) =>
            operation === "DescribeCluster" && input.name === "c"
                ? awsError("ValidationError", "bad request")
                : undefined,
        );
        const log = recordingLog();
        const result = await run(["us-east-1"], log);
        assert.equal(result.counts.created, 2);
        assert.equal(byCluster(result, "broken").outcome, "failed");
        assert.match(byCluster(result, "broken").reason!, /AccessDenied/);
        assert.equal(byCluster(result, "c").outcome, "failed");
        assert.match(byCluster(result, "c").reason!, /ValidationError/);
        assert.ok(log.lines.some((l) => l.level === "error" && JSON.stringify(l.extra).includes("broken")));
    });

    it("defers, never fails, a cluster throttled until the run's deadline, and the next run picks it up", async () => {
        for (const name of ["a", "b", "c"]) {
            world.account.addCluster("us-east-1", name);
        }
        let storm = true;
        world.account.faults.push((operation, input) =>
            storm && operation === "DescribeCluster" && input.name === "c"
                ? awsError("Throttling", "Rate exceeded")
                : undefined,
        );
        const log = recordingLog();
        const result = await run(["us-east-1"], log);
        assert.equal(result.counts.created, 2);
        assert.equal(result.counts.failed, 0);
        assert.equal(byCluster(result, "c").outcome, "deferred");
        assert.match(
            byCluster(result, "c").reason!,
            /DeadlineReached: .*time ran out while throttled \(Throttling: Rate exceeded\)/,
        );
        assert.ok(result.throttled > 10, "retried for as long as the deadline allowed");
        assert.ok(world.account.role("nops-ccost-c_us-east-1") === undefined);
        storm = false;
        const next = await run(["us-east-1"], log);
        assert.equal(byCluster(next, "c").outcome, "created");
        assert.equal(next.counts.deferred, 0);
    });

    it("deletes nothing in a region whose clusters could not be listed", async () => {
        world.account.addCluster("us-east-1", "alpha");
        world.account.addCluster("eu-west-1", "beta");
        await run(["us-east-1", "eu-west-1"]);
        world.account.removeCluster("eu-west-1", "beta");
        world.account.faults.push((operation) =>
            operation === "ListClusters" ? awsError("AccessDenied", "denied", 403) : undefined,
        );
        const result = await run(["us-east-1", "eu-west-1"]);
        assert.match(result.regions["eu-west-1"].error!, /AccessDenied/);
        assert.ok(world.account.role("nops-ccost-beta_eu-west-1"));
        assert.ok(world.account.role("nops-ccost-alpha_us-east-1"));
    });

    it("removes exactly this stack's roles on stack deletion, in every region", async () => {
        world.account.addCluster("us-east-1", "alpha");
        world.account.addCluster("eu-west-1", "beta");
        await run(["us-east-1", "eu-west-1"]);
        world.account.putForeignRole("nops-ccost-vendor_us-east-1", "/");
        const result = await teardown(settingsFor(["us-east-1"]), world.gateway(), recordingLog());
        assert.equal(result.counts.deleted, 2);
        assert.deepEqual(
            [...world.account.roles.values()].map((r) => r.RoleName),
            ["nops-ccost-vendor_us-east-1"],
        );
    });

    it("converges when another run created the same role a moment earlier", async () => {
        world.account.addCluster("us-east-1", "alpha");
        let first = true;
        world.account.faults.push((operation, input) => {
            if (operation === "CreateRole" && first) {
                first = false;
                // IAM's operations take effect at once: the role exists before the fault answers.
                void world.account.direct("CreateRole", {
                    ...input,
                    AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}',
                });
                return awsError("EntityAlreadyExists", "exists", 409);
            }
            return undefined;
        });
        const result = await run(["us-east-1"]);
        assert.equal(byCluster(result, "alpha").outcome, "updated");
        const role = world.account.role("nops-ccost-alpha_us-east-1")!;
        assert.ok(role.trust.includes("AssumeRoleWithWebIdentity"));
        assert.ok(role.inline.has(AGENT_POLICY_NAME));
    });

    it("creates every role with the stack's permissions boundary, which only GetRole reports", async () => {
        world.account.addCluster("us-east-1", "alpha");
        await run(["us-east-1"]);
        assert.equal(world.account.role("nops-ccost-alpha_us-east-1")!.boundary, BOUNDARY_ARN);
        const create = world.account.calls.find((c) => c.operation === "CreateRole")!;
        assert.equal(create.input.PermissionsBoundary, BOUNDARY_ARN);
        const listed = (await world.account.direct("ListRoles", { PathPrefix: "/container-insights/prod/" }))
            .Roles[0] as Record<string, unknown>;
        assert.equal(listed.PermissionsBoundary, undefined);
        assert.equal(
            (await world.account.direct("GetRole", { RoleName: "nops-ccost-alpha_us-east-1" })).Role.PermissionsBoundary
                .PermissionsBoundaryArn,
            BOUNDARY_ARN,
        );
    });

    it("puts back a boundary removed out of band before any other write to the role, and stays quiet afterwards", async () => {
        world.account.addCluster("us-east-1", "alpha");
        await run(["us-east-1"]);
        const role = world.account.role("nops-ccost-alpha_us-east-1")!;
        role.boundary = undefined;
        role.inline.set(
            AGENT_POLICY_NAME,
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
        );
        const before = world.account.calls.length;
        const result = await run(["us-east-1"]);
        assert.equal(byCluster(result, "alpha").outcome, "updated");
        assert.equal(role.boundary, BOUNDARY_ARN);
        const writes = world.account.calls
            .slice(before)
            .filter((c) => /^(Put|Update|Delete|Create)/.test(c.operation))
            .map((c) => c.operation);
        assert.deepEqual(writes, ["PutRolePermissionsBoundary", "PutRolePolicy"]);
        const third = await run(["us-east-1"]);
        assert.equal(third.writes, 0);
    });

    it("reads which roles carry the boundary with one paginated ListEntitiesForPolicy per run, never GetRole per role", async () => {
        for (let i = 0; i < 150; i++) {
            world.account.addCluster("us-east-1", `c${String(i).padStart(3, "0")}`);
        }
        await run(["us-east-1"]);
        // Another boundary on one role: it is missing from the boundary's entities, so it gets the stack's back.
        world.account.managedPolicies.add("arn:aws:iam::111122223333:policy/other");
        world.account.role("nops-ccost-c042_us-east-1")!.boundary = "arn:aws:iam::111122223333:policy/other";
        const before = world.account.calls.length;
        const result = await run(["us-east-1"]);
        const calls = world.account.calls.slice(before);
        const listings = calls.filter((c) => c.operation === "ListEntitiesForPolicy");
        assert.ok(listings.length >= 1);
        for (const listing of listings) {
            assert.deepEqual(
                {
                    PolicyArn: listing.input.PolicyArn,
                    PolicyUsageFilter: listing.input.PolicyUsageFilter,
                    EntityFilter: listing.input.EntityFilter,
                },
                { PolicyArn: BOUNDARY_ARN, PolicyUsageFilter: "PermissionsBoundary", EntityFilter: "Role" },
            );
        }
        assert.equal(calls.filter((c) => c.operation === "GetRole").length, 0);
        assert.equal(calls.filter((c) => c.operation === "GetCallerIdentity").length, 0);
        assert.deepEqual(
            calls.filter((c) => c.operation === "PutRolePermissionsBoundary").map((c) => c.input.RoleName),
            ["nops-ccost-c042_us-east-1"],
        );
        assert.equal(result.counts.updated, 1);
    });

    it("follows ListEntitiesForPolicy's markers: a role on a later page still counts as bounded", async () => {
        for (let i = 0; i < 5; i++) {
            world.account.addCluster("us-east-1", `c${i}`);
        }
        await run(["us-east-1"]);
        const pages = await world.account.direct("ListEntitiesForPolicy", {
            PolicyArn: BOUNDARY_ARN,
            PolicyUsageFilter: "PermissionsBoundary",
            MaxItems: 2,
        });
        assert.equal(pages.IsTruncated, true);
        world.account.faults.push((operation, input) => {
            if (operation === "ListEntitiesForPolicy") {
                input.MaxItems = 2;
            }
            return undefined;
        });
        const steady = await run(["us-east-1"]);
        assert.equal(steady.writes, 0);
        assert.equal(world.account.calls.filter((c) => c.operation === "ListEntitiesForPolicy").length >= 4, true);
    });

    it("gives the boundary back to a legacy role before deleting it as an orphan", async () => {
        world.account.putForeignRole("nops-ccost-old_us-east-1", "/container-insights/prod/", {
            [STACK_TAG_KEY]: "container-insights/prod",
        });
        const before = world.account.calls.length;
        const result = await run(["us-east-1"]);
        assert.equal(result.counts.deleted, 1);
        const ops = world.account.calls
            .slice(before)
            .map((c) => c.operation)
            .filter((o) => /^(Put|Delete)/.test(o));
        assert.deepEqual(ops, ["PutRolePermissionsBoundary", "DeleteRolePolicy", "DeleteRole"]);
    });

    describe("cluster selection", () => {
        const filters = { include: ["prod-*"], exclude: ["prod-sandbox*"], tags: { insights: "on" } };
        const select = (regions: string[]) =>
            reconcile(settingsFor(regions, { clusters: filters }), world.gateway(), recordingLog());

        it("gives a cluster the selection leaves out no role and no onboarded outcome, and says why", async () => {
            world.account.addCluster("us-east-1", "prod-a", { tags: { insights: "on" } });
            world.account.addCluster("us-east-1", "prod-b", { tags: { insights: "off" } });
            world.account.addCluster("us-east-1", "prod-sandbox-1", { tags: { insights: "on" } });
            world.account.addCluster("us-east-1", "dev-a", { tags: { insights: "on" } });
            const result = await select(["us-east-1"]);
            assert.equal(byCluster(result, "prod-a").outcome, "created");
            for (const name of ["prod-b", "prod-sandbox-1", "dev-a"]) {
                assert.equal(byCluster(result, name).outcome, "skipped", name);
                assert.equal(world.account.role(clusterRoleName(name, "us-east-1")), undefined, name);
            }
            assert.match(byCluster(result, "prod-b").reason!, /tag insights is "off", clusters.tags wants "on"/);
            assert.match(
                byCluster(result, "prod-sandbox-1").reason!,
                /excluded by clusters.exclude pattern prod-sandbox\*/,
            );
            assert.match(byCluster(result, "dev-a").reason!, /matches no clusters.include pattern/);
        });

        it("removes the role of a cluster that was selected and no longer is", async () => {
            world.account.addCluster("us-east-1", "prod-a", { tags: { insights: "on" } });
            world.account.addCluster("us-east-1", "prod-b", { tags: { insights: "on" } });
            await run(["us-east-1"]);
            assert.ok(world.account.role("nops-ccost-prod-b_us-east-1"));
            world.account.clusters.get("us-east-1")!.get("prod-b")!.tags = { insights: "off" };
            const result = await select(["us-east-1"]);
            assert.equal(world.account.role("nops-ccost-prod-b_us-east-1"), undefined);
            assert.equal(
                result.results.find((r) => r.roleName === "nops-ccost-prod-b_us-east-1" && r.outcome === "deleted")!
                    .outcome,
                "deleted",
            );
            assert.ok(world.account.role("nops-ccost-prod-a_us-east-1"));
        });

        it("keeps the role of a selected cluster that is skipped for its state", async () => {
            world.account.addCluster("us-east-1", "prod-a", { tags: { insights: "on" } });
            await select(["us-east-1"]);
            world.account.clusters.get("us-east-1")!.get("prod-a")!.status = "FAILED";
            const result = await select(["us-east-1"]);
            assert.equal(byCluster(result, "prod-a").outcome, "skipped");
            assert.ok(world.account.role("nops-ccost-prod-a_us-east-1"));
        });
    });

    it("gives an UPDATING cluster its role, as the program gives it the agent; not a CREATING or PENDING one", async () => {
        world.account.addCluster("us-east-1", "upgrading", { status: "UPDATING" });
        world.account.addCluster("us-east-1", "creating", { status: "CREATING" });
        world.account.addCluster("us-east-1", "pending", { status: "PENDING" });
        const result = await reconcile(settingsFor(["us-east-1"]), world.gateway(), recordingLog());
        assert.ok(world.account.role("nops-ccost-upgrading_us-east-1"));
        assert.equal(result.counts.created, 1);
        assert.equal(result.counts.skipped, 2);
    });

    it("lets the agents use the bucket's KMS key through S3 when there is one", async () => {
        const keyArn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        world.account.addCluster("us-east-1", "alpha");
        await reconcile(settingsFor(["us-east-1"], { kmsKeyArn: keyArn }), world.gateway(), recordingLog());
        const statements = JSON.parse(
            world.account.role("nops-ccost-alpha_us-east-1")!.inline.get(AGENT_POLICY_NAME)!,
        ).Statement;
        assert.deepEqual(statements[2], {
            Sid: "BucketKey",
            Effect: "Allow",
            Action: ["kms:GenerateDataKey", "kms:Decrypt"],
            Resource: keyArn,
            Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } },
        });
    });

    it("reads back from its environment exactly what the program put there", () => {
        const env = {
            ...settingsFor(["us-east-1", "eu-west-1"], {
                clusters: { include: ["prod-*"], exclude: [], tags: { insights: "on" } },
            }),
            stateBucketName: STATE_BUCKET,
            apiUrl: "https://app.nops.io",
            tokenSecretArn: "arn:aws:secretsmanager:us-east-1:111122223333:secret:t",
            version: "1.0.0",
        };
        const variables = environmentVariables(env);
        assert.equal(variables.CI_KMS_KEY_ARN, undefined, "no key, no variable");
        assert.deepEqual(readEnvironment({ ...variables, AWS_REGION: "eu-west-1" }), {
            ...env,
            kmsKeyArn: undefined,
            podIdentityRoleArn: undefined,
            eventBusName: undefined,
            environment: undefined,
            homeRegion: "eu-west-1",
        });
        const evented = { ...env, eventBusName: "container-insights-prod", environment: "PROD" };
        assert.deepEqual(readEnvironment({ ...environmentVariables(evented), AWS_REGION: "eu-west-1" }), {
            ...evented,
            kmsKeyArn: undefined,
            podIdentityRoleArn: undefined,
            homeRegion: "eu-west-1",
        });
        const keyed = { ...env, kmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/k" };
        assert.equal(readEnvironment(environmentVariables(keyed)).kmsKeyArn, keyed.kmsKeyArn);
        const { CI_BOUNDARY_POLICY_ARN: _boundary, ...withoutBoundary } = variables;
        assert.throws(() => readEnvironment(withoutBoundary), /missing environment variables: CI_BOUNDARY_POLICY_ARN/);
        assert.throws(
            () => readEnvironment({ ...variables, CI_CLUSTER_FILTERS: '{"include":"prod-*"}' }),
            /CI_CLUSTER_FILTERS must be/,
        );
    });

    it("reads IAM's URL-encoded documents (no false drift)", () => {
        const encoded = encodeURIComponent(
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}',
        );
        assert.deepEqual(decodePolicy(encoded), {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "s3:GetObject" }],
        });
        assert.equal(clusterRoleName("alpha", "us-east-1"), "nops-ccost-alpha_us-east-1");
    });
});
