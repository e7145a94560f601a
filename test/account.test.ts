import { strict as assert } from "node:assert";
import { ConfigError } from "../config";
import { PolicyDocument, PolicyStatement, agentPermissions } from "../common/documents";
import { StackScope } from "../components/iam/scope";
import { RECONCILER_STATE_KEYS } from "../common/naming";
import { wildcardMatch } from "./fakes/iamPolicy";
import { simulateIdentity } from "./iamSimulator";
import {
    ACCOUNT_ID,
    ProgramRun,
    STATE_BUCKET_NAME,
    baseConfig,
    doc,
    lastRegistrations,
    plaintextStrings,
    runProgram,
    sharedRun,
    unwrap,
} from "./harness";
import { IAM_WRITE_PATTERN, StackIdentity, roleRules, ruleViolations } from "./roleRules";

const BUCKET = `nops-container-cost-${ACCOUNT_ID}`;
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
const TAGGABLE = ["aws:s3/bucket:Bucket", "aws:iam/role:Role", "aws:iam/user:User", "aws:secretsmanager/secret:Secret"];

function allStatements(run: ProgramRun) {
    const policies = run.resources.flatMap((r) =>
        ["policy", "assumeRolePolicy"].filter((key) => r.inputs[key] !== undefined).map((key) => ({ r, key })),
    );
    return policies.flatMap(({ r, key }) => doc(r.inputs[key]).Statement.map((s) => ({ resource: r, key, s })));
}

const asList = (value: unknown) => (Array.isArray(value) ? value : [value]);

describe("account side", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram({ ...baseConfig(), tags: '{"team":"platform"}' });
    });

    it("registers components with container-insights:<module>:<Type> tokens", () => {
        const components = run.resources.filter((r) => r.type.startsWith("container-insights:")).map((r) => r.type);
        assert.deepEqual(components.sort(), [
            "container-insights:events:HomeEventBus",
            "container-insights:events:ReconcileEvents",
            "container-insights:events:ReconcilerQueue",
            "container-insights:events:RegionForwarder",
            "container-insights:events:RuleQueue",
            "container-insights:events:RuleQueue",
            "container-insights:events:WatchQueue",
            "container-insights:iam:AgentBoundary",
            "container-insights:iam:AutoUpdateRole",
            "container-insights:iam:PlatformReadPolicy",
            "container-insights:iam:ReconcilerRole",
            "container-insights:reconciler:RoleReconciler",
            "container-insights:secrets:PlatformToken",
            "container-insights:storage:InsightsBucket",
            "container-insights:storage:StateBucket",
        ]);
    });

    describe("bucket", () => {
        it("is named after the account", () => {
            assert.equal(unwrap(run.one("aws:s3/bucket:Bucket", "insights").inputs.bucket), BUCKET);
            assert.equal(run.outputs.bucketName.value, BUCKET);
            assert.equal(run.outputs.s3BucketSecureUrl.value, `https://${BUCKET}.s3.amazonaws.com`);
        });

        it("is encrypted with AES256 by default", () => {
            const sse = unwrap(
                run.one(
                    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                    "insights",
                ).inputs,
            ) as any;
            assert.equal(sse.bucket, `insights-id`);
            assert.deepEqual(sse.rules[0].applyServerSideEncryptionByDefault, { sseAlgorithm: "AES256" });
        });

        it("blocks all public access and enforces bucket ownership", () => {
            const block = unwrap(
                run.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "insights").inputs,
            ) as any;
            for (const flag of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) {
                assert.equal(block[flag], true, flag);
            }
            const ownership = unwrap(
                run.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "insights").inputs,
            ) as any;
            assert.equal(ownership.rule.objectOwnership, "BucketOwnerEnforced");
        });

        it("denies every request that is not over TLS, on the bucket and its objects", () => {
            const statements = doc(run.one("aws:s3/bucketPolicy:BucketPolicy", "insights").inputs.policy).Statement;
            assert.equal(statements.length, 1);
            assert.deepEqual(statements[0], {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            });
        });

        it("has no lifecycle rule unless lifecycleDays is set", () => {
            assert.equal(run.ofType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").length, 0);
        });

        it("uses the KMS key and the lifecycle expiry when configured", async () => {
            const kms = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
            const custom = await runProgram({ ...baseConfig(), kmsKeyId: kms, lifecycleDays: "90" });
            const sse = unwrap(
                custom.one(
                    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                    "insights",
                ).inputs,
            ) as any;
            assert.deepEqual(sse.rules[0].applyServerSideEncryptionByDefault, {
                sseAlgorithm: "aws:kms",
                kmsMasterKeyId: kms,
            });
            assert.equal(sse.rules[0].bucketKeyEnabled, true);
            const lifecycle = unwrap(
                custom.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "insights").inputs,
            ) as any;
            assert.equal(lifecycle.rules[0].expiration.days, 90);
            assert.equal(lifecycle.rules[0].status, "Enabled");
        });
    });

    describe("with a KMS key", () => {
        const KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        const keyStatement = (actions: string[]) => ({
            Effect: "Allow",
            Action: actions,
            Resource: KEY_ARN,
            Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } },
        });
        const withoutSid = (statements: Array<Record<string, unknown>>) =>
            statements.map(({ Sid: _sid, ...rest }) => rest);
        const answerGetKey = (keyIds: string[]) => (invoke: { token: string; inputs: Record<string, unknown> }) => {
            if (invoke.token !== "aws:kms/getKey:getKey") {
                return undefined;
            }
            keyIds.push(invoke.inputs.keyId as string);
            return { id: "1234abcd-12ab-34cd-56ef-1234567890ab", keyId: invoke.inputs.keyId, arn: KEY_ARN };
        };

        it("lets agent roles, the agent user and the platform use exactly that key, and only through S3", async () => {
            const keyed = await runProgram({ ...baseConfig(), kmsKeyId: KEY_ARN });
            const read = keyed
                .ofType("aws:iam/rolePolicy:RolePolicy")
                .find((r) => r.inputs.role === "NopsIntegrationRole")!;
            assert.deepEqual(withoutSid(doc(read.inputs.policy).Statement.slice(3)), [keyStatement(["kms:Decrypt"])]);
            const boundary = doc(keyed.one("aws:iam/policy:Policy").inputs.policy).Statement;
            assert.deepEqual(withoutSid(boundary.filter((st) => String(st.Action).includes("kms"))), [
                keyStatement(["kms:GenerateDataKey", "kms:Decrypt"]),
            ]);
            const fn = keyed.ofType("aws:lambda/function:Function")[0];
            assert.equal((unwrap(fn.inputs.environment) as any).variables.CI_KMS_KEY_ARN, KEY_ARN);

            const user = await runProgram({ ...baseConfig(), kmsKeyId: KEY_ARN, createIamUser: "true" });
            const userStatements = doc(user.one("aws:iam/userPolicy:UserPolicy").inputs.policy).Statement;
            assert.deepEqual(withoutSid(userStatements.filter((st) => String(st.Action).includes("kms"))), [
                keyStatement(["kms:GenerateDataKey", "kms:Decrypt"]),
            ]);
            assert.equal(
                keyed.invokes.filter((i) => i.token === "aws:kms/getKey:getKey").length,
                0,
                "a key ARN needs no lookup",
            );
        });

        it("resolves an alias to its key ARN, since key use is never authorized against an alias", async () => {
            for (const alias of [
                "alias/insights",
                "arn:aws:kms:us-east-1:111122223333:alias/insights",
                "1234abcd-12ab-34cd-56ef-1234567890ab",
            ]) {
                const asked: string[] = [];
                const keyed = await runProgram({ ...baseConfig(), kmsKeyId: alias }, { call: answerGetKey(asked) });
                assert.deepEqual(asked, [alias]);
                const policies = keyed
                    .ofType("aws:iam/rolePolicy:RolePolicy")
                    .concat(keyed.ofType("aws:iam/policy:Policy"));
                const kmsResources = policies.flatMap((p) =>
                    doc(p.inputs.policy)
                        .Statement.filter((st) => String(st.Action).includes("kms:"))
                        .map((st) => st.Resource),
                );
                assert.deepEqual([...new Set(kmsResources)], [KEY_ARN], alias);
                const sse = unwrap(
                    keyed.one(
                        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                        "insights",
                    ).inputs,
                ) as any;
                assert.equal(
                    sse.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId,
                    alias,
                    "the bucket keeps what the user configured",
                );
            }
        });

        it("grants no KMS action without a key", () => {
            const kmsStatements = allStatements(run).filter(({ s }) =>
                asList(s.Action).some((a: string) => a.startsWith("kms:")),
            );
            assert.deepEqual(kmsStatements, []);
        });
    });

    it("attaches the read policy to the platform's integration role", () => {
        const rolePolicies = run
            .ofType("aws:iam/rolePolicy:RolePolicy")
            .filter((r) => r.inputs.role === "NopsIntegrationRole");
        assert.equal(rolePolicies.length, 1);
        assert.equal(rolePolicies[0].inputs.name, "nops-container-cost-read-prod");
        assert.deepEqual(doc(rolePolicies[0].inputs.policy).Statement, [
            {
                Sid: "ReadParquetFiles",
                Effect: "Allow",
                Action: ["s3:GetObject", "s3:ListBucket"],
                Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
            },
            { Sid: "DenyStackPrefix", Effect: "Deny", Action: "s3:*", Resource: `${BUCKET_ARN}/_container-insights/*` },
            {
                Sid: "DenyListingReservedPrefix",
                Effect: "Deny",
                Action: "s3:ListBucket",
                Resource: BUCKET_ARN,
                Condition: { StringLike: { "s3:prefix": "_container-insights*" } },
            },
        ]);
        assert.equal(run.outputs.readPolicyName.value, "nops-container-cost-read-prod");
    });

    describe("auto-update role", () => {
        const trustOf = (r: ProgramRun) =>
            r
                .ofType("aws:iam/role:Role")
                .map((role) => doc(role.inputs.assumeRolePolicy).Statement[0])
                .find((s) => s.Principal.AWS);

        it("is trusted by the PROD platform account with the external id", () => {
            assert.deepEqual(trustOf(run), {
                Effect: "Allow",
                Principal: { AWS: "arn:aws:iam::202279780353:root" },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "sts:ExternalId": "ext-id-SECRET-456" } },
            });
            assert.ok(run.outputs.crossAccountRoleArn.value);
        });

        it("is trusted by the UAT platform account in a UAT stack", async () => {
            const uat = await runProgram({ ...baseConfig(), environment: "UAT" }, { stack: "uat" });
            assert.equal(trustOf(uat)!.Principal.AWS, "arn:aws:iam::844856862745:root");
        });

        it("is absent when autoUpdate is off", async () => {
            const off = await runProgram({ ...baseConfig(), autoUpdate: "false" });
            assert.equal(off.ofType("container-insights:iam:AutoUpdateRole").length, 0);
            assert.equal(off.outputs.crossAccountRoleArn, undefined);
            assert.equal(trustOf(off), undefined);
        });
    });

    it("gives no agent identity the reconciler's own objects, and denies the legacy prefix: the boundary, the IAM user's and the Pod Identity role's policy", async () => {
        const userRun = await sharedRun({ ...baseConfig(), createIamUser: "true" });
        const podRun = await runProgram({ ...baseConfig(), identityMode: "podIdentity" });
        const podRole = podRun
            .ofType("aws:iam/role:Role")
            .find((r) => String(unwrap(r.inputs.name)).endsWith("-pod-identity"))!;
        const podPolicy = podRun.ofType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name === podRole.name)!;
        const documents = [
            doc(run.one("aws:iam/policy:Policy").inputs.policy),
            doc(userRun.one("aws:iam/userPolicy:UserPolicy").inputs.policy),
            doc(podPolicy.inputs.policy),
        ] as unknown as PolicyDocument[];
        for (const document of documents) {
            for (const key of Object.values(RECONCILER_STATE_KEYS)) {
                for (const action of ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"]) {
                    assert.notEqual(
                        await simulateIdentity(document, {
                            action,
                            resource: `arn:aws:s3:::${STATE_BUCKET_NAME}/${key}`,
                            context: {},
                        }),
                        "Allow",
                        `${action} ${key}`,
                    );
                    assert.equal(
                        await simulateIdentity(document, {
                            action,
                            resource: `${BUCKET_ARN}/_container-insights/${key}`,
                            context: {},
                        }),
                        "ExplicitDeny",
                        `${action} _container-insights/${key}`,
                    );
                }
            }
            assert.equal(
                await simulateIdentity(document, {
                    action: "s3:PutObject",
                    resource: `${BUCKET_ARN}/cluster=a/part-0.parquet`,
                    context: {},
                }),
                "Allow",
            );
        }
    });

    it("grants no IAM or S3 write action on every resource (*) in any policy", () => {
        for (const { resource, s } of allStatements(run)) {
            if (s.Effect !== "Allow" || !asList(s.Resource).includes("*")) {
                continue;
            }
            const writes = asList(s.Action).filter((a: string) => !/^(eks:(List|Describe)|iam:List)/.test(a));
            assert.deepEqual(writes, [], `${resource.name}: ${JSON.stringify(s)}`);
        }
    });

    describe("no privilege escalation: every statement of the reconciler's and the auto-update role's policies", () => {
        const scope: StackScope = {
            accountId: ACCOUNT_ID,
            partition: "aws",
            region: "us-east-1",
            stackName: "prod",
            stackId: "container-insights/prod",
            bucketName: BUCKET,
            stateBucketName: STATE_BUCKET_NAME,
        };
        const tokenSecretArn = () =>
            run.ofType("aws:secretsmanager/secret:Secret").find((r) => r.name === "platform-token")!.state
                .arn as string;
        const documents = () =>
            (["reconciler", "auto-update"] as const).map((name) => ({
                name,
                document: doc(
                    run.ofType("aws:iam/rolePolicy:RolePolicy").find((r) => r.name === name)!.inputs.policy,
                ) as unknown as PolicyDocument,
            }));
        const rules = (name: StackIdentity) =>
            roleRules(scope, name, {
                tokenSecretArn: tokenSecretArn(),
                associations: { stackId: "container-insights/prod" },
                events: true,
            });

        it("meets the rule: bounded role writes on the stack's path only, no code changes, no PassRole, every deny in place", () => {
            for (const { name, document } of documents()) {
                assert.deepEqual(ruleViolations(document, scope, rules(name), { identity: name }), [], name);
            }
        });

        it("gives the platform's auto-update role no IAM write at all, and the rule refuses any", async () => {
            const autoUpdate = documents().find((d) => d.name === "auto-update")!.document;
            const allowed = autoUpdate.Statement.filter((s) => s.Effect === "Allow").flatMap((s) => asList(s.Action));
            assert.deepEqual(
                allowed.filter((a: string) => IAM_WRITE_PATTERN.test(a) || a.includes("*")),
                [],
            );
            const roleArn = `arn:aws:iam::${ACCOUNT_ID}:role/container-insights/prod/nops-ccost-alpha_us-east-1`;
            for (const action of [
                "iam:CreateRole",
                "iam:UpdateAssumeRolePolicy",
                "iam:PutRolePolicy",
                "iam:TagRole",
                "iam:UntagRole",
                "iam:DeleteRole",
            ]) {
                // IAM carries the role's boundary in each of these calls but the tagging ones.
                const context = /tagrole$/i.test(action)
                    ? {}
                    : {
                          "iam:PermissionsBoundary": `arn:aws:iam::${ACCOUNT_ID}:policy/container-insights/prod/nops-ccost-prod-agent-boundary`,
                      };
                assert.notEqual(
                    await simulateIdentity(autoUpdate, { action, resource: roleArn, context }),
                    "Allow",
                    action,
                );
            }
            // Each write the reconciler may make, given to the auto-update role, breaks its rule.
            const reconciler = documents().find((d) => d.name === "reconciler")!.document;
            for (const statement of reconciler.Statement.filter(
                (s) => s.Effect === "Allow" && asList(s.Action).some((a: string) => IAM_WRITE_PATTERN.test(a)),
            )) {
                const widened = { Version: "2012-10-17" as const, Statement: [...autoUpdate.Statement, statement] };
                assert.notDeepEqual(
                    ruleViolations(widened, scope, rules("auto-update"), { identity: "auto-update" }),
                    [],
                    JSON.stringify(statement),
                );
            }
        });

        it("gives the platform no way to change the reconciler's code or pass a role", async () => {
            const autoUpdate = documents().find((d) => d.name === "auto-update")!.document;
            const allowed = autoUpdate.Statement.filter((s) => s.Effect === "Allow").flatMap((s) => asList(s.Action));
            const fn = `arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:nops-ccost-prod-role-creation`;
            const requests = [
                { action: "lambda:UpdateFunctionCode", resource: fn, context: {} },
                { action: "lambda:UpdateFunctionConfiguration", resource: fn, context: {} },
                {
                    action: "iam:PassRole",
                    resource: `arn:aws:iam::${ACCOUNT_ID}:role/nops-ccost-prod-reconciler`,
                    context: { "iam:PassedToService": "lambda.amazonaws.com" },
                },
            ];
            for (const request of requests) {
                assert.ok(!allowed.some((a: string) => wildcardMatch(a, request.action, true)), request.action);
                assert.equal(await simulateIdentity(autoUpdate, request), "ExplicitDeny", request.action);
            }
            const boundary = `arn:aws:iam::${ACCOUNT_ID}:policy/container-insights/prod/nops-ccost-prod-agent-boundary`;
            for (const action of ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy"]) {
                assert.equal(
                    await simulateIdentity(autoUpdate, { action, resource: boundary, context: {} }),
                    "ExplicitDeny",
                    action,
                );
            }
        });

        it("catches any widening of any statement (the rule is not vacuous)", () => {
            for (const { name, document } of documents()) {
                document.Statement.forEach((statement, index) => {
                    const variants: PolicyStatement[][] = [];
                    const replace = (changed: PolicyStatement | undefined) =>
                        document.Statement.flatMap((s, i) => (i !== index ? [s] : changed ? [changed] : []));
                    if (statement.Effect === "Deny") {
                        variants.push(replace(undefined));
                        variants.push(replace({ ...statement, Action: asList(statement.Action).slice(1) }));
                    } else {
                        variants.push(replace({ ...statement, Action: [...asList(statement.Action), "iam:PassRole"] }));
                        variants.push(
                            replace({ ...statement, Action: [...asList(statement.Action).slice(1), "iam:*"] }),
                        );
                        variants.push(
                            replace({
                                ...statement,
                                Action: [...asList(statement.Action), "lambda:UpdateFunctionCode"],
                            }),
                        );
                        if (!asList(statement.Resource).includes("*")) {
                            variants.push(replace({ ...statement, Resource: "*" }));
                            variants.push(
                                replace({
                                    ...statement,
                                    Resource: [...asList(statement.Resource), `arn:aws:iam::${ACCOUNT_ID}:role/*`],
                                }),
                            );
                        }
                        if (statement.Condition) {
                            variants.push(replace({ ...statement, Condition: undefined }));
                        }
                    }
                    for (const variant of variants) {
                        const widened = { Version: "2012-10-17" as const, Statement: variant };
                        assert.notDeepEqual(
                            ruleViolations(widened, scope, rules(name), { identity: name }),
                            [],
                            `${name}: widening ${JSON.stringify(statement)} went unnoticed`,
                        );
                    }
                });
            }
        });
    });

    it("runs the reconciler as a Lambda-only role that reads only its own token", () => {
        const policy = run.ofType("aws:iam/rolePolicy:RolePolicy").find((r) => r.name === "reconciler")!;
        const secretRead = doc(policy.inputs.policy).Statement.find(
            (s) => s.Action === "secretsmanager:GetSecretValue",
        )!;
        assert.match(secretRead.Resource, /^arn:aws:secretsmanager:.*platform-token/);
        const trust = doc(run.ofType("aws:iam/role:Role").find((r) => r.name === "reconciler")!.inputs.assumeRolePolicy)
            .Statement[0];
        assert.deepEqual(trust.Principal, { Service: "lambda.amazonaws.com" });
        assert.deepEqual(trust.Condition, { StringEquals: { "aws:SourceAccount": ACCOUNT_ID } });
    });

    it("keeps the token in Secrets Manager as a secret", () => {
        const version = run
            .ofType("aws:secretsmanager/secretVersion:SecretVersion")
            .find((r) => r.name === "platform-token")!;
        assert.ok(plaintextStrings(version.inputs.secretString).length === 0, "secretString must be a secret");
        assert.equal(unwrap(version.inputs.secretString), "tok-SECRET-123");
    });

    it("tags every taggable resource with the stack and the user's tags", () => {
        const taggable = run.resources.filter((r) => TAGGABLE.includes(r.type));
        assert.equal(taggable.length, 6, taggable.map((r) => r.name).join(", "));
        for (const r of taggable) {
            assert.deepEqual(
                unwrap(r.inputs.tags),
                { team: "platform", "container-insights:stack": "container-insights/prod" },
                r.name,
            );
        }
    });

    it("does not let a user tag override the ownership tag", async () => {
        const sneaky = await runProgram({ ...baseConfig(), tags: '{"container-insights:stack":"other/stack"}' });
        assert.equal(
            (unwrap(sneaky.one("aws:s3/bucket:Bucket", "insights").inputs.tags) as any)["container-insights:stack"],
            "container-insights/prod",
        );
    });

    describe("IAM-user mode", () => {
        let userRun: ProgramRun;
        before(async () => {
            userRun = await sharedRun({ ...baseConfig(), createIamUser: "true" });
        });

        it("creates the user with a write policy and an access key", () => {
            assert.equal(userRun.one("aws:iam/user:User").inputs.name, "nops-container-cost-s3");
            const statements = doc(userRun.one("aws:iam/userPolicy:UserPolicy").inputs.policy).Statement;
            assert.deepEqual(statements[0].Action, ["s3:PutObject", "s3:GetObject", "s3:ListBucket"]);
            assert.deepEqual(statements[0].Resource, [BUCKET_ARN, `${BUCKET_ARN}/*`]);
            assert.equal(userRun.ofType("aws:iam/accessKey:AccessKey").length, 1);
        });

        it("gives the user the same Data Fetcher queue permissions as the agent roles", () => {
            const user = doc(userRun.one("aws:iam/userPolicy:UserPolicy").inputs.policy).Statement;
            const roles = agentPermissions({
                partition: "aws",
                bucketName: BUCKET,
                queueArnPattern: "arn:aws:sqs:us-west-2:202279780353:nops-k8s-*",
            });
            assert.deepEqual(user, roles.Statement);
            assert.deepEqual(user.find((st) => st.Sid === "DataFetcherQueues")!.Action, [
                "sqs:SendMessage",
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
            ]);
            assert.equal(userRun.outputs.iamUserName.value, "nops-container-cost-s3");
        });

        it("keeps the key's secret in Secrets Manager and secret outputs only", () => {
            const version = userRun.one("aws:secretsmanager/secretVersion:SecretVersion");
            assert.deepEqual(plaintextStrings(version.inputs.secretString), []);
            assert.deepEqual(JSON.parse(unwrap(version.inputs.secretString) as string), {
                accessKeyId: "agent-user-id",
                secretAccessKey: "mock-secret-access-key",
            });
            assert.equal(userRun.outputs.iamUserSecretAccessKey.secret, true);
            assert.equal(userRun.outputs.iamUserAccessKeyId.secret, true);
            for (const [key, output] of Object.entries(userRun.outputs)) {
                if (!output.secret) {
                    assert.ok(!JSON.stringify(output.value).includes("mock-secret-access-key"), key);
                }
            }
        });

        it("creates no reconciler role or token secret (there is nothing to reconcile)", () => {
            assert.equal(userRun.ofType("container-insights:iam:ReconcilerRole").length, 0);
            assert.equal(userRun.ofType("container-insights:secrets:PlatformToken").length, 0);
        });

        it("is off by default", () => {
            assert.equal(run.ofType("aws:iam/user:User").length, 0);
            assert.equal(run.outputs.iamUserName, undefined);
        });
    });

    it("never shows the token or external id outside Pulumi secrets", async () => {
        const runs = [
            run,
            await sharedRun({ ...baseConfig(), createIamUser: "true" }),
            await runProgram({ ...baseConfig(), environment: "UAT" }),
        ];
        for (const r of runs) {
            for (const resource of r.resources) {
                const leaked = plaintextStrings(resource.inputs).filter((s) => s.includes("SECRET-"));
                assert.deepEqual(leaked, [], `${resource.type} ${resource.name}`);
            }
            for (const [key, output] of Object.entries(r.outputs)) {
                assert.ok(output.secret || !String(JSON.stringify(output.value)).includes("SECRET-"), key);
            }
        }
    });

    it("fails on bad config before registering any resource", async () => {
        await assert.rejects(runProgram({ ...baseConfig(), environment: "DEV" }), (error: unknown) => {
            assert.ok(error instanceof ConfigError);
            assert.match(error.message, /"DEV" is not allowed; allowed: PROD, UAT/);
            return true;
        });
        assert.deepEqual(lastRegistrations(), []);
    });
});
