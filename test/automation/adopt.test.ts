import * as assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { adoptionPlan } from "../../automation/adopt";
import { main } from "../../automation/cli";
import { FakeAccount, awsError } from "../fakes/awsAccount";
import { mockAws } from "../fakes/sdkMocks";

const ACCOUNT = "111122223333";
const BUCKET = `nops-container-cost-${ACCOUNT}`;

/** The account after the vendor's CloudFormation onboarding: bucket, user, roles at path / for two clusters. */
function vendorAccount(): FakeAccount {
    const account = new FakeAccount({ accountId: ACCOUNT });
    account.putBucket(BUCKET, { policy: true, tags: { "aws:cloudformation:stack-name": "nops-container-cost" } });
    account.putUser("nops-container-cost-s3", { inlinePolicies: ["nops-s3"], accessKeys: 1 });
    account.putForeignRole("nops-ccost-alpha_us-east-1", "/");
    account.putForeignRole("nops-ccost-beta_eu-west-1", "/");
    account.putForeignRole("unrelated-role", "/");
    account.putForeignRole("nops-ccost-gamma_us-east-1", "/container-insights/prod/", {
        "container-insights:stack": "container-insights/prod",
    });
    return account;
}

async function adopt(account: FakeAccount, argv: string[] = ["adopt", "--env", "prod"], projectDir?: string) {
    const restore = mockAws(account);
    const out: string[] = [];
    const err: string[] = [];
    try {
        const code = await main(argv, {
            out: (l) => out.push(l),
            err: (l) => err.push(l),
            env: {},
            ...(projectDir ? { projectDir } : {}),
        } as Parameters<typeof main>[1]);
        return { code, out, err };
    } finally {
        restore();
    }
}

describe("container-insights adopt", () => {
    it("finds the vendor's leftovers with read-only calls and blocks while its roles still hold the names", async () => {
        const account = vendorAccount();
        const { code, out, err } = await adopt(account);
        assert.equal(code, 1);
        assert.match(
            out.join("\n"),
            /bucket nops-container-cost-111122223333: exists \(made by CloudFormation stack nops-container-cost\); the next up imports it as it is, with its encryption, public access block, ownership controls, bucket policy/,
        );
        assert.match(out.join("\n"), /IAM user nops-container-cost-s3: exists, and IRSA mode does not use it/);
        assert.match(
            err.join("\n"),
            /blocked: 2 vendor role\(s\) at path \/ still hold the per-cluster role names .*: nops-ccost-alpha_us-east-1, nops-ccost-beta_eu-west-1\./,
        );
        assert.ok(
            account.calls.every((c) => /^(Get|List|Head)/.test(c.operation)),
            account.calls.map((c) => c.operation).join(","),
        );
        assert.equal(account.role("nops-ccost-alpha_us-east-1")!.Path, "/");
    });

    it("prints the two-step import once the vendor stack is gone, and nothing to import when all is already the stack's", async () => {
        const account = vendorAccount();
        account.roles.delete("nops-ccost-alpha_us-east-1");
        account.roles.delete("nops-ccost-beta_eu-west-1");
        const { code, out, err } = await adopt(account);
        assert.deepEqual(err, []);
        assert.equal(code, 0);
        assert.deepEqual(out.slice(out.indexOf("next:")), [
            "next:",
            "  pulumi config set --stack prod container-insights:adopt true",
            "  npm run up -- prod          # imports",
            "  pulumi config set --stack prod container-insights:adopt false",
            "  npm run up -- prod          # applies the stack's settings and tags",
        ]);
        assert.match(
            out.join("\n"),
            /Kubernetes: the chart takes over release nops-kubernetes-agent in namespace nops in place/,
        );

        const done = new FakeAccount({ accountId: ACCOUNT });
        done.putBucket(BUCKET, { tags: { "container-insights:stack": "container-insights/prod" } });
        const again = await adopt(done);
        assert.equal(again.code, 0);
        assert.match(again.out.join("\n"), /already this stack's; nothing to do/);
        assert.deepEqual(again.out.slice(again.out.indexOf("next:")), ["next:", "  npm run up -- prod"]);
    });

    it("blocks on another environment's stack in the account (one environment per account)", async () => {
        const account = new FakeAccount({ accountId: ACCOUNT });
        account.putBucket(BUCKET, { tags: { "container-insights:stack": "container-insights/prod" } });
        const { code, err } = await adopt(account, ["adopt", "--env", "uat"]);
        assert.equal(code, 1);
        assert.match(
            err.join("\n"),
            /bucket nops-container-cost-111122223333 belongs to stack container-insights\/prod .*only one environment/,
        );
    });

    it("in IAM-user mode imports the user, and blocks while it has two access keys", () => {
        const findings = {
            accountId: ACCOUNT,
            vendorRoles: [],
            user: {
                name: "nops-container-cost-s3",
                tags: {},
                inlinePolicies: ["p"],
                attachedPolicies: [],
                accessKeys: 2,
            },
        };
        const plan = adoptionPlan(findings, { name: "prod", createIamUser: true });
        assert.match(
            plan.lines.join("\n"),
            /the next up imports it and gives it the stack's own policy and a new access key.*aws iam delete-user-policy --user-name nops-container-cost-s3 --policy-name p/,
        );
        assert.match(plan.blockers[0], /has 2 access keys, the most IAM allows/);
        assert.equal(
            adoptionPlan(
                { ...findings, user: { ...findings.user, accessKeys: 1 } },
                { name: "prod", createIamUser: true },
            ).blockers.length,
            0,
        );
    });

    it("treats identityMode iamUser exactly as createIamUser true (the stack file's spelling does not matter)", async () => {
        for (const line of ["container-insights:createIamUser: true", "container-insights:identityMode: iamUser"]) {
            const dir = mkdtempSync(join(tmpdir(), "adopt-"));
            copyFileSync(join(__dirname, "..", "..", "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
            mkdirSync(join(dir, "stacks"));
            writeFileSync(
                join(dir, "stacks", "Pulumi.prod.yaml"),
                `config:\n  aws:region: us-east-1\n  container-insights:environment: PROD\n  ${line}\n`,
            );
            const account = vendorAccount();
            account.roles.delete("nops-ccost-alpha_us-east-1");
            account.roles.delete("nops-ccost-beta_eu-west-1");
            const { code, out } = await adopt(account, ["adopt", "--env", "prod"], dir);
            assert.equal(code, 0, line);
            assert.match(out.join("\n"), /IAM user nops-container-cost-s3: exists .*the next up imports it/, line);
        }
    });

    it("reports AWS's own error in one line with exit 1 (no stack trace)", async () => {
        const account = vendorAccount();
        account.faults.push((operation) =>
            operation === "ListRoles"
                ? awsError("AccessDenied", "User is not authorized to perform: iam:ListRoles", 403)
                : undefined,
        );
        const { code, err } = await adopt(account);
        assert.equal(code, 1);
        assert.deepEqual(err, [
            "container-insights: adopt failed: AccessDenied: User is not authorized to perform: iam:ListRoles",
        ]);
    });

    it("without AWS credentials says what to do in one line, exit 1 (the SDK's own provider chain finds none)", async () => {
        const saved = { ...process.env };
        for (const name of Object.keys(process.env).filter((n) => n.startsWith("AWS_"))) {
            delete process.env[name];
        }
        const none = join(mkdtempSync(join(tmpdir(), "no-aws-")), "absent");
        Object.assign(process.env, {
            AWS_SHARED_CREDENTIALS_FILE: none,
            AWS_CONFIG_FILE: none,
            AWS_EC2_METADATA_DISABLED: "true",
        });
        const err: string[] = [];
        try {
            const code = await main(["adopt", "--env", "prod", "--region", "us-east-1"], {
                out: () => undefined,
                err: (line) => err.push(line),
                env: {},
            });
            assert.equal(code, 1);
        } finally {
            for (const name of Object.keys(process.env).filter((n) => !(n in saved))) {
                delete process.env[name];
            }
            Object.assign(process.env, saved);
        }
        assert.equal(err.length, 1, err.join("\n"));
        assert.match(
            err[0],
            /^container-insights: adopt reads the AWS account and found no AWS credentials \(.+\): sign in \(aws sso login, environment variables, an instance role\) or set AWS_PROFILE; nothing was changed$/,
        );
    });

    it("is bad usage (exit 2) without --env, before it reads the account", async () => {
        // Through the real entry point (npx container-insights) in test/automation/cli.test.ts.
        const account = vendorAccount();
        const { code, out, err } = await adopt(account, ["adopt"]);
        assert.equal(code, 2, err.join("\n"));
        assert.deepEqual(out, []);
        assert.match(
            err.join("\n"),
            /--env is required \(prod or uat\)\nusage: npx container-insights adopt --env <prod\|uat>/,
        );
        assert.deepEqual(account.calls, [], "no AWS call");
    });
});
