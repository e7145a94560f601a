/**
 * The fleet's accounts: the file form, and the organization form against moto's Organizations and STS in server
 * mode (answers and errors through the SDK's own deserializers); without moto_server it prints one line and skips.
 */
import { strict as assert } from "node:assert";
import {
    AWSOrganizationsNotInUseException,
    CreateAccountCommand,
    CreateOrganizationCommand,
    CreateOrganizationalUnitCommand,
    DescribeCreateAccountStatusCommand,
    ListRootsCommand,
    MoveAccountCommand,
    OrganizationsClient,
    ParentNotFoundException,
} from "@aws-sdk/client-organizations";
import { GetCallerIdentityCommand, STSClient, STSServiceException } from "@aws-sdk/client-sts";
import {
    AccountsFileError,
    accountSource,
    listOrganizationAccounts,
    parseAccountsFile,
} from "../../automation/fleet/accounts";
import {
    AssumeRoleError,
    accountEnv,
    callerAccount,
    memberRoleArn,
    roleNameFlag,
} from "../../automation/fleet/credentials";
import { MotoServer, startMoto } from "../../engine/emulator/moto";
import { motoMissing } from "../motoAvailable";
import { PINS } from "../../engine/paths";

describe("fleet accounts: --accounts", () => {
    it("organization, organization:<ou or root>, or a file; a bad OU id is named", () => {
        assert.deepEqual(accountSource("organization"), { kind: "organization" });
        assert.deepEqual(accountSource("organization:ou-ab12-cd34ef56"), {
            kind: "organization",
            parentId: "ou-ab12-cd34ef56",
        });
        assert.deepEqual(accountSource("organization:r-ab12"), { kind: "organization", parentId: "r-ab12" });
        assert.deepEqual(accountSource("accounts.yaml"), { kind: "file", path: "accounts.yaml" });
        assert.throws(() => accountSource("organization:team-a"), /"team-a" is not an organizational unit id/);
    });

    it("a file lists accounts with an optional name and regions", () => {
        const text = [
            "accounts:",
            '  - id: "012345678901"',
            "    name: team-a",
            '  - id: "111122223333"',
            "    regions: [eu-west-1]",
        ].join("\n");
        assert.deepEqual(parseAccountsFile("a.yaml", text), [
            { id: "012345678901", name: "team-a" },
            { id: "111122223333", regions: ["eu-west-1"] },
        ]);
    });

    it("names every problem of a file at once: unquoted id, bad id, bad region, unknown key, an account twice", () => {
        const text = [
            "accounts:",
            "  - id: 012345678901",
            '  - id: "1234"',
            '  - id: "111122223333"',
            "    regions: [eu-west]",
            "    region: us-east-1",
        ].join("\n");
        assert.throws(
            () => parseAccountsFile("a.yaml", text),
            (error: Error) => {
                assert.ok(error instanceof AccountsFileError);
                assert.match(error.message, /^a\.yaml: /);
                assert.match(error.message, /accounts\.0\.id: write the account id as a quoted string/);
                assert.match(error.message, /accounts\.1\.id: "1234" is not a 12-digit AWS account id/);
                assert.match(error.message, /accounts\.2\.regions\.0: "eu-west" is not an AWS region name/);
                assert.match(error.message, /accounts\.2: unknown key "region" \(allowed: id, name, regions\)/);
                return true;
            },
        );
        const twice = 'accounts:\n  - id: "111122223333"\n  - id: "111122223333"\n';
        assert.throws(() => parseAccountsFile("a.yaml", twice), /account 111122223333 listed twice/);
        assert.throws(() => parseAccountsFile("a.yaml", "accounts: [\n"), /a\.yaml: not YAML/);
    });

    it("a refused AssumeRole names the role and STS's error code (AccessDenied has no SDK class of its own)", async () => {
        const denied = new STSServiceException({
            name: "AccessDenied",
            $fault: "client",
            $metadata: { httpStatusCode: 403 },
            message: "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: sts:AssumeRole",
        });
        const sts = { send: async () => Promise.reject(denied) } as unknown as STSClient;
        await assert.rejects(
            accountEnv("111122223333", "123456789012", { sts, partition: "aws", roleName: "R", sessionName: "s" }),
            (error: unknown) => {
                assert.ok(error instanceof AssumeRoleError);
                assert.equal(error.cause, denied);
                assert.equal(
                    error.message,
                    "could not assume arn:aws:iam::111122223333:role/R: AccessDenied: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: sts:AssumeRole",
                );
                return true;
            },
        );
    });

    it("--role takes an IAM role name only", () => {
        assert.equal(roleNameFlag("OrganizationAccountAccessRole"), "OrganizationAccountAccessRole");
        assert.throws(() => roleNameFlag("path/Role"), /--role "path\/Role" is not an IAM role name/);
        assert.equal(memberRoleArn("aws-us-gov", "111122223333", "R"), "arn:aws-us-gov:iam::111122223333:role/R");
    });
});

describe("fleet accounts against moto (Organizations and STS, server mode)", function () {
    this.timeout(60_000);
    const MANAGEMENT = "123456789012";
    let moto: MotoServer | undefined;
    let organizations: OrganizationsClient;
    let sts: STSClient;
    let config: {
        region: string;
        endpoint: string;
        maxAttempts: number;
        credentials: { accessKeyId: string; secretAccessKey: string };
    };

    before(async function () {
        const why = motoMissing();
        if (why) {
            console.log(`    moto checks skipped: ${why} (npm run engine:setup installs moto ${PINS.moto})`);
            this.skip();
        }
        // No MOTO_ACCOUNT_ID: moto then picks each request's account from its access key, so an assumed role's
        // temporary key answers as the role's account (MOTO_ACCOUNT_ID would answer every request as that account).
        moto = await startMoto();
        config = {
            region: "us-east-1",
            endpoint: moto.endpoint,
            maxAttempts: 1,
            credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
        };
        organizations = new OrganizationsClient(config);
        sts = new STSClient(config);
    });

    after(async () => moto?.stop());

    it("without an organization moto lists no accounts (AWS: AWSOrganizationsNotInUseException); either way none", async () => {
        const listed = await listOrganizationAccounts(organizations).catch((error: unknown) => {
            assert.ok(error instanceof AWSOrganizationsNotInUseException);
            return [];
        });
        assert.deepEqual(listed, []);
    });

    it("lists every account of the organization, and one OU's accounts only", async () => {
        await organizations.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
        const created: string[] = [];
        for (const name of ["team-a", "team-b", "team-c"]) {
            const { CreateAccountStatus } = await organizations.send(
                new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }),
            );
            const status = await organizations.send(
                new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: CreateAccountStatus!.Id }),
            );
            created.push(status.CreateAccountStatus!.AccountId!);
        }
        const { Roots } = await organizations.send(new ListRootsCommand({}));
        const { OrganizationalUnit } = await organizations.send(
            new CreateOrganizationalUnitCommand({ ParentId: Roots![0].Id, Name: "workloads" }),
        );
        await organizations.send(
            new MoveAccountCommand({
                AccountId: created[1],
                SourceParentId: Roots![0].Id,
                DestinationParentId: OrganizationalUnit!.Id,
            }),
        );

        const all = await listOrganizationAccounts(organizations);
        assert.deepEqual(all.map((a) => a.id).sort(), [MANAGEMENT, ...created].sort());
        assert.ok(all.some((a) => a.id === created[0] && a.name === "team-a"));
        const ou = await listOrganizationAccounts(organizations, OrganizationalUnit!.Id);
        assert.deepEqual(ou, [{ id: created[1], name: "team-b" }]);
        const root = await listOrganizationAccounts(organizations, Roots![0].Id);
        assert.ok(!root.some((a) => a.id === created[1]), "ListAccountsForParent lists direct children only");
        await assert.rejects(
            listOrganizationAccounts(organizations, "ou-zzzz-zzzzzzzz"),
            (e: unknown) => e instanceof ParentNotFoundException,
        );
    });

    it("assumes --role in a member account; the caller's own account needs no role", async () => {
        const caller = await callerAccount(sts);
        assert.equal(caller, MANAGEMENT);
        const options = { sts, partition: "aws", roleName: "OrganizationAccountAccessRole", sessionName: "fleet-test" };
        assert.deepEqual(await accountEnv(MANAGEMENT, caller, options), {});
        const env = await accountEnv("111122223333", caller, options);
        assert.deepEqual(Object.keys(env).sort(), [
            "AWS_ACCESS_KEY_ID",
            "AWS_PROFILE",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
        ]);
        // Temporary credentials (STS's ASIA keys) of the member account, as GetCallerIdentity with them says.
        assert.match(env.AWS_ACCESS_KEY_ID, /^ASIA/);
        assert.equal(env.AWS_PROFILE, "");
        const member = new STSClient({
            ...config,
            credentials: {
                accessKeyId: env.AWS_ACCESS_KEY_ID,
                secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
                sessionToken: env.AWS_SESSION_TOKEN,
            },
        });
        const identity = await member.send(new GetCallerIdentityCommand({}));
        assert.equal(identity.Account, "111122223333");
        assert.equal(identity.Arn, "arn:aws:sts::111122223333:assumed-role/OrganizationAccountAccessRole/fleet-test");
        member.destroy();
    });
});
