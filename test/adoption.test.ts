import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { sdkLookup } from "../components/adoption/existingResources";
import { parseConfig } from "../config";
import { deployerPolicy } from "../components/permissions/deployerPolicy";
import { simulateIdentity } from "./iamSimulator";
import { FakeAccount, awsError } from "./fakes/awsAccount";
import { mockAws } from "./fakes/sdkMocks";
import { ACCOUNT_ID, baseConfig, runProgram } from "./harness";

const BUCKET = `nops-container-cost-${ACCOUNT_ID}`;
const USER = "nops-container-cost-s3";
const BUCKET_SETTINGS = [
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketPolicy:BucketPolicy",
];

/** What the program imports (a StackReference is read, by its id, not imported). */
const imported = (resources: Array<{ type: string; importId?: string }>) =>
    resources.filter((r) => r.importId !== undefined && r.type !== "pulumi:pulumi:StackReference");

/** Runs the program with its existing-resource lookups answered by a fake account through the real SDK clients. */
async function runAgainst(account: FakeAccount, config: Record<string, string>, stack = "prod") {
    const restore = mockAws(account);
    const options = new Map<string, pulumi.CustomResourceOptions>();
    try {
        const run = await runProgram(config, {
            stack,
            deps: { existing: sdkLookup("us-east-1") },
            transformation: (args) => {
                options.set(`${args.type}::${args.name}`, args.opts as pulumi.CustomResourceOptions);
                return undefined;
            },
        });
        return { run, options: (type: string, name: string) => options.get(`${type}::${name}`)! };
    } finally {
        restore();
    }
}

describe("one environment per account", () => {
    it("stops when the bucket carries another stack's ownership tag, naming it, before registering anything", async () => {
        const account = new FakeAccount({ accountId: ACCOUNT_ID });
        account.putBucket(BUCKET, { tags: { "container-insights:stack": "container-insights/uat" } });
        await assert.rejects(runAgainst(account, baseConfig(), "prod"), (e: unknown) => {
            assert.ok(pulumi.RunError.isInstance(e), String(e));
            assert.match(
                (e as Error).message,
                new RegExp(
                    `^bucket ${BUCKET} belongs to stack container-insights/uat .*not to container-insights/prod`,
                ),
            );
            assert.match((e as Error).message, /only one environment \(PROD or UAT\) can be onboarded per account/);
            return true;
        });
        assert.deepEqual(
            account.calls.map((c) => c.operation).filter((op) => op.startsWith("Put") || op.startsWith("Create")),
            [],
        );
    });

    it("stops in IAM-user mode when the user belongs to another stack; its own tag or no bucket at all is fine", async () => {
        const account = new FakeAccount({ accountId: ACCOUNT_ID });
        account.putBucket(BUCKET, { tags: { "container-insights:stack": "container-insights/prod" } });
        account.putUser(USER, { tags: { "container-insights:stack": "container-insights/uat" } });
        for (const spelling of [{ createIamUser: "true" }, { identityMode: "iamUser" }] as Record<string, string>[]) {
            await assert.rejects(
                runAgainst(account, { ...baseConfig(), ...spelling }),
                /IAM user nops-container-cost-s3 belongs to stack container-insights\/uat/,
                JSON.stringify(spelling),
            );
        }
        // IRSA mode makes no user: the same account is fine for it.
        const { run } = await runAgainst(account, baseConfig());
        assert.equal(run.one("aws:s3/bucket:Bucket", "insights").importId, undefined);
        const empty = new FakeAccount({ accountId: ACCOUNT_ID });
        assert.ok((await runAgainst(empty, baseConfig())).run.one("aws:s3/bucket:Bucket", "insights"));
    });
});

describe("a first IAM-user onboarding", () => {
    it("reads a missing user (IAM's NoSuchEntity) as absent and creates it, importing nothing", async () => {
        const account = new FakeAccount({ accountId: ACCOUNT_ID });
        const { run } = await runAgainst(account, { ...baseConfig(), identityMode: "iamUser" });
        const user = run.one("aws:iam/user:User");
        assert.equal(user.importId, undefined);
        assert.ok(
            account.calls.some((c) => c.operation === "GetUser"),
            "the user was looked up",
        );
    });
});

describe("adopt: importing what the vendor's CloudFormation left", () => {
    function vendorAccount(): FakeAccount {
        const account = new FakeAccount({ accountId: ACCOUNT_ID });
        // The vendor's bucket: no tags of ours (CloudFormation's aws:* tags are not user tags), TLS-only policy, no lifecycle.
        account.putBucket(BUCKET, { policy: true, lifecycle: false });
        account.putUser(USER, { inlinePolicies: ["nops-container-cost-s3-policy"], accessKeys: 1 });
        return account;
    }

    it("imports the bucket and each setting that exists, ignoring the inputs an import would otherwise fail on", async () => {
        const { run, options } = await runAgainst(vendorAccount(), {
            ...baseConfig(),
            adopt: "true",
            lifecycleDays: "30",
        });
        const bucket = run.one("aws:s3/bucket:Bucket", "insights");
        assert.equal(bucket.importId, BUCKET);
        assert.deepEqual(options("aws:s3/bucket:Bucket", "insights").ignoreChanges, ["tags", "forceDestroy"]);
        for (const type of BUCKET_SETTINGS) {
            assert.equal(run.one(type, "insights").importId, BUCKET, type);
            assert.equal(run.one(type, "state").importId, undefined, `${type}: the state bucket is always new`);
            assert.ok((options(type, "insights").ignoreChanges ?? []).length > 0, type);
        }
        // The vendor's bucket has no lifecycle rule: the stack's is created, not imported.
        assert.equal(
            run.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "insights").importId,
            undefined,
        );
        assert.equal(
            options("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "insights").ignoreChanges,
            undefined,
        );
        // Retention applies to imported resources as to created ones.
        assert.equal(options("aws:s3/bucket:Bucket", "insights").retainOnDelete, true);
    });

    it("imports the IAM user in IAM-user mode; its access key and inline policy are the stack's own, created", async () => {
        const { run, options } = await runAgainst(vendorAccount(), {
            ...baseConfig(),
            adopt: "true",
            createIamUser: "true",
        });
        assert.equal(run.one("aws:iam/user:User").importId, USER);
        assert.deepEqual(options("aws:iam/user:User", "agent-user").ignoreChanges, [
            "tags",
            "path",
            "forceDestroy",
            "permissionsBoundary",
        ]);
        assert.equal(run.one("aws:iam/userPolicy:UserPolicy").importId, undefined);
        assert.equal(run.one("aws:iam/accessKey:AccessKey").importId, undefined);
    });

    it("imports nothing without adopt; with adopt, also a bucket this stack's earlier incarnation kept (its own tag)", async () => {
        const without = await runAgainst(vendorAccount(), baseConfig());
        assert.deepEqual(imported(without.run.resources), []);
        assert.equal(without.options("aws:s3/bucket:Bucket", "insights").ignoreChanges, undefined);

        // Destroyed with retainBucket, then deployed again: the tag is this stack's, the state no longer has it.
        const kept = new FakeAccount({ accountId: ACCOUNT_ID });
        kept.putBucket(BUCKET, { policy: true, tags: { "container-insights:stack": "container-insights/prod" } });
        const after = await runAgainst(kept, { ...baseConfig(), adopt: "true" });
        assert.equal(after.run.one("aws:s3/bucket:Bucket", "insights").importId, BUCKET);
    });

    it("reports a bucket it may not read (another account's name) as a RunError that names it", async () => {
        const account = new FakeAccount({ accountId: ACCOUNT_ID });
        account.faults.push((operation) =>
            operation === "HeadBucket" ? awsError("AccessDenied", "Access Denied", 403) : undefined,
        );
        await assert.rejects(runAgainst(account, baseConfig()), (e: unknown) => {
            assert.ok(pulumi.RunError.isInstance(e));
            assert.match(
                (e as Error).message,
                new RegExp(
                    `reading the existing bucket ${BUCKET} failed: Error: bucket ${BUCKET} exists but this identity may not read it`,
                ),
            );
            return true;
        });
    });

    it("reads only: HeadBucket, the bucket's tags and settings, GetUser and its lists", async () => {
        const account = vendorAccount();
        await runAgainst(account, { ...baseConfig(), adopt: "true", createIamUser: "true" });
        assert.deepEqual([...new Set(account.calls.map((c) => c.operation))].sort(), [
            "GetBucketEncryption",
            "GetBucketLifecycleConfiguration",
            "GetBucketOwnershipControls",
            "GetBucketPolicy",
            "GetBucketTagging",
            "GetPublicAccessBlock",
            "GetUser",
            "HeadBucket",
            "ListAccessKeys",
            "ListAttachedUserPolicies",
            "ListUserPolicies",
        ]);
    });
});

describe("the deploying identity may make the program's own reads", () => {
    /** The IAM action and resource each read is authorized as (Service Authorization Reference: S3, IAM). */
    const READS: Record<string, { action: string; resource: "bucket" | "user" }> = {
        HeadBucket: { action: "s3:ListBucket", resource: "bucket" },
        GetBucketTagging: { action: "s3:GetBucketTagging", resource: "bucket" },
        GetBucketEncryption: { action: "s3:GetEncryptionConfiguration", resource: "bucket" },
        GetPublicAccessBlock: { action: "s3:GetBucketPublicAccessBlock", resource: "bucket" },
        GetBucketOwnershipControls: { action: "s3:GetBucketOwnershipControls", resource: "bucket" },
        GetBucketPolicy: { action: "s3:GetBucketPolicy", resource: "bucket" },
        GetBucketLifecycleConfiguration: { action: "s3:GetLifecycleConfiguration", resource: "bucket" },
        GetUser: { action: "iam:GetUser", resource: "user" },
        ListUserPolicies: { action: "iam:ListUserPolicies", resource: "user" },
        ListAttachedUserPolicies: { action: "iam:ListAttachedUserPolicies", resource: "user" },
        ListAccessKeys: { action: "iam:ListAccessKeys", resource: "user" },
    };

    for (const mode of ["IRSA", "IAM-user"] as const) {
        it(`allows every read the program made, on its resource, in ${mode} mode (npm run permissions)`, async () => {
            const config = {
                ...baseConfig(),
                adopt: "true",
                ...(mode === "IAM-user" ? { createIamUser: "true" } : {}),
            };
            const account = new FakeAccount({ accountId: ACCOUNT_ID });
            account.putBucket(BUCKET);
            account.putUser(USER);
            await runAgainst(account, config);
            const parsed = parseConfig(config, { awsRegion: "us-east-1", stackName: "prod" });
            const policy = deployerPolicy({
                stackName: "prod",
                stackRegion: "us-east-1",
                accountId: ACCOUNT_ID,
                config: parsed,
            });
            const made = [...new Set(account.calls.map((c) => c.operation))];
            assert.ok(made.length >= (mode === "IRSA" ? 7 : 11), made.join(","));
            for (const operation of made) {
                const read = READS[operation];
                assert.ok(read, `no IAM action known for ${operation}`);
                const resource =
                    read.resource === "bucket" ? `arn:aws:s3:::${BUCKET}` : `arn:aws:iam::${ACCOUNT_ID}:user/${USER}`;
                assert.equal(
                    await simulateIdentity(policy, { action: read.action, resource, context: {} }),
                    "Allow",
                    `${operation}: ${read.action} on ${resource}`,
                );
            }
        });
    }
});
