import * as assert from "node:assert/strict";
import { tlsVerdict } from "../../policies/aws/tlsStatement";
import { secretVariableProblem } from "../../policies/aws/lambdaEnvironment";
import { UNKNOWN, UNKNOWN_STRING } from "../../policies/lib/unknown";
import { CheckResult } from "../../policies/offline/types";
import { checkFixtures, checkStack, of, ResourceSpec, urnOf } from "./check";

const BUCKET = "aws:s3/bucket:Bucket";
const SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const POLICY = "aws:s3/bucketPolicy:BucketPolicy";

const TLS_STATEMENT = {
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: ["arn:aws:s3:::data", "arn:aws:s3:::data/*"],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
};
const doc = (...statements: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const ALL_FLAGS = {
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
};

/** A bucket with every setting right; tests replace one piece. */
function bucketStack(
    overrides: {
        sse?: ResourceSpec | null;
        pab?: ResourceSpec | null;
        policy?: ResourceSpec | null;
        bucket?: Record<string, unknown>;
    } = {},
): ResourceSpec[] {
    const pick = (value: ResourceSpec | null | undefined, fallback: ResourceSpec) =>
        value === null ? [] : [value ?? fallback];
    return [
        { type: BUCKET, name: "data", props: { bucket: "data", id: "data", ...overrides.bucket } },
        ...pick(overrides.sse, {
            type: SSE,
            name: "data",
            props: { bucket: "data", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
        }),
        ...pick(overrides.pab, { type: PAB, name: "data", props: { bucket: "data", ...ALL_FLAGS } }),
        ...pick(overrides.policy, {
            type: POLICY,
            name: "data",
            props: { bucket: "data", policy: doc(TLS_STATEMENT) },
        }),
    ];
}

const levels = async (policy: string, specs: ResourceSpec[]) => of(await checkStack(specs), policy).map((v) => v.level);

describe("policy s3-bucket-tls-only", () => {
    const verdict = (statements: unknown[], partition = "aws") => tlsVerdict(doc(...statements), "data", partition);
    const BUCKET_ARN = "arn:aws:s3:::data";

    it("passes the AWS Config statement, and every spelling IAM evaluates the same way", () => {
        const variants: Record<string, unknown[]> = {
            "the AWS Config statement": [TLS_STATEMENT],
            'Principal {"AWS": "*"}, a list of one action, a JSON false': [
                {
                    ...TLS_STATEMENT,
                    Principal: { AWS: ["*"] },
                    Action: ["s3:*"],
                    Condition: { Bool: { "aws:SecureTransport": false } },
                },
            ],
            "Action * with BoolIfExists": [
                { ...TLS_STATEMENT, Action: "*", Condition: { BoolIfExists: { "aws:SecureTransport": "false" } } },
            ],
            "one prefix pattern, operator and key in other cases": [
                {
                    ...TLS_STATEMENT,
                    Resource: "arn:aws:s3:::data*",
                    Condition: { bool: { "aws:securetransport": ["false"] } },
                },
            ],
            "Resource *": [{ ...TLS_STATEMENT, Resource: "*" }],
            'both values ["false", "true"]': [
                { ...TLS_STATEMENT, Condition: { Bool: { "aws:SecureTransport": ["false", "true"] } } },
            ],
            "action patterns s3:?* and S3:*": [
                { ...TLS_STATEMENT, Action: "s3:?*" },
                { ...TLS_STATEMENT, Action: "S3:*", Resource: `${BUCKET_ARN}/*` },
            ],
            "a NotAction of another service": [{ ...TLS_STATEMENT, Action: undefined, NotAction: ["iam:*", "kms:*"] }],
            "a NotResource of another bucket": [
                { ...TLS_STATEMENT, Resource: undefined, NotResource: ["arn:aws:s3:::other", "arn:aws:s3:::other/*"] },
            ],
            "the bucket and its objects in two statements": [
                { ...TLS_STATEMENT, Resource: BUCKET_ARN },
                { ...TLS_STATEMENT, Resource: `${BUCKET_ARN}/*` },
            ],
            "objects split by key pattern across statements": [
                { ...TLS_STATEMENT, Resource: [BUCKET_ARN, `${BUCKET_ARN}/a*`] },
                { ...TLS_STATEMENT, Resource: `${BUCKET_ARN}/?*`, Action: "s3:*" },
            ],
            "redundant extra conditions": [
                {
                    ...TLS_STATEMENT,
                    Condition: {
                        Bool: { "aws:SecureTransport": "false" },
                        Null: { "aws:SecureTransport": "false" },
                        StringLikeIfExists: { "aws:UserAgent": "*" },
                        "ForAllValues:StringLike": { "aws:TagKeys": "*" },
                    },
                },
            ],
            "a deny of everything, TLS or not": [{ ...TLS_STATEMENT, Condition: undefined }],
            "an arn:*: partition pattern": [{ ...TLS_STATEMENT, Resource: ["arn:*:s3:::data", "arn:*:s3:::data/*"] }],
        };
        for (const [name, statements] of Object.entries(variants)) {
            assert.deepEqual(verdict(statements), { kind: "enforced" }, name);
        }
    });

    it("fails every statement set that lets some request without TLS through, naming that request", () => {
        const missing: Record<string, [unknown[], RegExp]> = {
            "an Allow on true": [
                [{ ...TLS_STATEMENT, Effect: "Allow", Condition: { Bool: { "aws:SecureTransport": "true" } } }],
                /^s3:\w+ on arn:aws:s3:::data(\/x)? without TLS is denied by no statement$/,
            ],
            "only the bucket ARN": [
                [{ ...TLS_STATEMENT, Resource: BUCKET_ARN }],
                /^s3:GetObject on arn:aws:s3:::data\/x without TLS is denied by no statement$/,
            ],
            "only the objects": [
                [{ ...TLS_STATEMENT, Resource: `${BUCKET_ARN}/*` }],
                /^s3:ListBucket on arn:aws:s3:::data without TLS is denied by no statement$/,
            ],
            "a ? where * was meant": [
                [{ ...TLS_STATEMENT, Resource: [BUCKET_ARN, `${BUCKET_ARN}/?`] }],
                /^s3:GetObject on arn:aws:s3:::data\/xx without TLS is denied by no statement$/,
            ],
            "ARNs of another partition": [
                [{ ...TLS_STATEMENT, Resource: ["arn:aws-cn:s3:::data", "arn:aws-cn:s3:::data/*"] }],
                /^s3:ListBucket on arn:aws:s3:::data without TLS is denied by no statement$/,
            ],
            "another bucket": [
                [{ ...TLS_STATEMENT, Resource: ["arn:aws:s3:::other", "arn:aws:s3:::other/*"] }],
                /on arn:aws:s3:::data without TLS is denied by no statement$/,
            ],
            "one action": [
                [{ ...TLS_STATEMENT, Action: "s3:GetObject" }],
                /^s3:ListBucket on arn:aws:s3:::data without TLS is denied by no statement$/,
            ],
            "a NotAction that exempts GetObject": [
                [{ ...TLS_STATEMENT, Action: undefined, NotAction: "s3:GetObject*" }],
                /^s3:GetObject on arn:aws:s3:::data\/x without TLS is denied by no statement$/,
            ],
            "a NotResource that exempts a prefix": [
                [{ ...TLS_STATEMENT, Resource: undefined, NotResource: "arn:aws:s3:::data/public/*" }],
                /^s3:GetObject on arn:aws:s3:::data\/public\/ without TLS is denied by no statement$/,
            ],
            "condition true": [
                [{ ...TLS_STATEMENT, Condition: { Bool: { "aws:SecureTransport": "true" } } }],
                /is denied by no statement$/,
            ],
            "a named principal": [
                [{ ...TLS_STATEMENT, Principal: { AWS: "arn:aws:iam::123456789012:root" } }],
                /denied only by statements that do not cover every such request \(statement 1: it applies only to the principals its Principal \{"AWS":"arn:aws:iam::123456789012:root"\} allows\)$/,
            ],
            NotPrincipal: [
                [{ ...TLS_STATEMENT, Principal: undefined, NotPrincipal: { AWS: "arn:aws:iam::123456789012:root" } }],
                /statement 1: it applies only to the principals its NotPrincipal .* allows/,
            ],
            StringEquals: [
                [{ ...TLS_STATEMENT, Condition: { StringEquals: { "aws:SecureTransport": "false" } } }],
                /its condition StringEquals aws:SecureTransport \["false"\] is not credited: aws:SecureTransport is compared with Bool/,
            ],
            "a narrowing extra condition": [
                [
                    {
                        ...TLS_STATEMENT,
                        Sid: "Http",
                        Condition: {
                            Bool: { "aws:SecureTransport": "false" },
                            IpAddress: { "aws:SourceIp": "10.0.0.0/8" },
                        },
                    },
                ],
                /\(statement 1 \("Http"\): its condition IpAddress aws:SourceIp \["10.0.0.0\/8"\] does not hold for every request without TLS \(not when the key is absent\)\)$/,
            ],
        };
        for (const [name, [statements, reason]] of Object.entries(missing)) {
            const result = verdict(statements);
            assert.equal(result.kind, "missing", name);
            assert.match((result as { reason: string }).reason, reason, name);
        }
    });

    it("holds a bucket in aws-cn to its own partition's ARNs", () => {
        const cn = { ...TLS_STATEMENT, Resource: ["arn:aws-cn:s3:::data", "arn:aws-cn:s3:::data/*"] };
        assert.deepEqual(verdict([cn], "aws-cn"), { kind: "enforced" });
        assert.equal(verdict([TLS_STATEMENT], "aws-cn").kind, "missing");
    });

    it("judges a bucket by its ARN's partition, and waits in preview while the ARN is unknown unless every partition is covered", async () => {
        const inCn = bucketStack({ bucket: { arn: "arn:aws-cn:s3:::data" } });
        const [violation] = of(await checkStack(inCn, undefined, { preview: false }), "s3-bucket-tls-only");
        assert.equal(violation.level, "mandatory");
        assert.match(
            violation.message,
            /: s3:ListBucket on arn:aws-cn:s3:::data without TLS is denied by no statement\. /,
        );
        assert.match(violation.message, /Resource arn:aws-cn:s3:::data and arn:aws-cn:s3:::data\/\*/);
        const newBucket = { arn: UNKNOWN_STRING };
        assert.deepEqual(await levels("s3-bucket-tls-only", bucketStack({ bucket: newBucket })), ["advisory"]);
        const anyPartition = {
            type: POLICY,
            name: "data",
            props: {
                bucket: "data",
                policy: doc({ ...TLS_STATEMENT, Resource: ["arn:*:s3:::data", "arn:*:s3:::data/*"] }),
            },
        };
        assert.deepEqual(
            await levels("s3-bucket-tls-only", bucketStack({ bucket: newBucket, policy: anyPartition })),
            [],
        );
    });

    it("fails a bucket with no policy, or a policy with only an Allow on true", async () => {
        assert.deepEqual(await levels("s3-bucket-tls-only", bucketStack({ policy: null })), ["mandatory"]);
        const allowOnTrue = {
            type: POLICY,
            name: "data",
            props: {
                bucket: "data",
                policy: doc({
                    ...TLS_STATEMENT,
                    Effect: "Allow",
                    Condition: { Bool: { "aws:SecureTransport": "true" } },
                }),
            },
        };
        const [violation] = of(await checkStack(bucketStack({ policy: allowOnTrue })), "s3-bucket-tls-only");
        assert.equal(violation.resource, urnOf(BUCKET, "data"));
        assert.match(violation.message, /^bucket data does not deny every request made without TLS: s3:\w+ on arn:aws/);
        assert.match(
            violation.message,
            /Effect Deny, Principal "\*", Action s3:\*, Resource arn:aws:s3:::data and arn:aws:s3:::data\/\*/,
        );
    });

    it("does not count a policy that targets another bucket", async () => {
        const other = {
            type: POLICY,
            name: "other",
            props: {
                bucket: "other",
                policy: doc({ ...TLS_STATEMENT, Resource: ["arn:aws:s3:::other", "arn:aws:s3:::other/*"] }),
            },
        };
        assert.deepEqual(await levels("s3-bucket-tls-only", bucketStack({ policy: other })), ["mandatory"]);
    });

    it("accepts the legacy inline bucket policy, as an object", async () => {
        assert.deepEqual(
            await levels(
                "s3-bucket-tls-only",
                bucketStack({ policy: null, bucket: { policy: { Statement: [TLS_STATEMENT] } } }),
            ),
            [],
        );
    });

    it("reports a policy document unknown during preview as such", async () => {
        const unknownDoc = { type: POLICY, name: "data", props: { bucket: "data", policy: UNKNOWN_STRING } };
        const result = of(await checkStack(bucketStack({ policy: unknownDoc })), "s3-bucket-tls-only");
        assert.deepEqual(
            result.map((v) => v.level),
            ["advisory"],
        );
        assert.match(result[0].message, /bucket policy of bucket data is unknown during preview/);
    });
});

describe("policy s3-bucket-encrypted", () => {
    it("passes a bucket encrypted through a separate configuration or inline", async () => {
        assert.deepEqual(await levels("s3-bucket-encrypted", bucketStack()), []);
        const inline = {
            serverSideEncryptionConfiguration: {
                rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } },
            },
        };
        assert.deepEqual(await levels("s3-bucket-encrypted", bucketStack({ sse: null, bucket: inline })), []);
    });

    it("fails a bucket with no encryption, or whose configuration targets another bucket", async () => {
        assert.deepEqual(await levels("s3-bucket-encrypted", bucketStack({ sse: null })), ["mandatory"]);
        const elsewhere = {
            type: SSE,
            name: "other",
            props: { bucket: "other", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
        };
        assert.deepEqual(await levels("s3-bucket-encrypted", bucketStack({ sse: elsewhere })), ["mandatory"]);
    });

    it("correlates by property dependency while the bucket name is unknown (preview of a new bucket)", async () => {
        const specs = bucketStack({ bucket: { bucket: UNKNOWN_STRING, id: UNKNOWN_STRING } });
        specs[1] = {
            ...specs[1],
            props: { ...specs[1].props, bucket: UNKNOWN_STRING },
            propertyDependencies: { bucket: [urnOf(BUCKET, "data")] },
        };
        assert.deepEqual(await levels("s3-bucket-encrypted", specs), []);
        delete specs[1].propertyDependencies;
        assert.deepEqual(
            await levels("s3-bucket-encrypted", specs),
            ["advisory"],
            "an unknown target is reported as unknown, not as a violation",
        );
    });
});

describe("policy s3-bucket-public-access-blocked", () => {
    it("needs all four flags on the bucket's block, or an account-wide block", async () => {
        assert.deepEqual(await levels("s3-bucket-public-access-blocked", bucketStack()), []);
        assert.deepEqual(await levels("s3-bucket-public-access-blocked", bucketStack({ pab: null })), ["mandatory"]);
        const leaky = {
            type: PAB,
            name: "data",
            props: { bucket: "data", ...ALL_FLAGS, restrictPublicBuckets: false },
        };
        assert.deepEqual(await levels("s3-bucket-public-access-blocked", bucketStack({ pab: leaky })), ["mandatory"]);
        const account = {
            type: "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
            name: "account",
            props: ALL_FLAGS,
        };
        assert.deepEqual(await levels("s3-bucket-public-access-blocked", [...bucketStack({ pab: null }), account]), []);
    });
});

describe("policies sqs-queue-encrypted and sns-topic-encrypted", () => {
    it("pass SSE-SQS (explicit or AWS's default) or a KMS key, and fail SSE switched off and plain topics", async () => {
        const result = await checkStack([
            { type: "aws:sqs/queue:Queue", name: "sse", props: { sqsManagedSseEnabled: true } },
            { type: "aws:sqs/queue:Queue", name: "default", props: {} },
            {
                type: "aws:sqs/queue:Queue",
                name: "off-with-kms",
                props: { sqsManagedSseEnabled: false, kmsMasterKeyId: "alias/aws/sqs" },
            },
            { type: "aws:sqs/queue:Queue", name: "kms", props: { kmsMasterKeyId: "alias/aws/sqs" } },
            { type: "aws:sqs/queue:Queue", name: "plain", props: { sqsManagedSseEnabled: false } },
            { type: "aws:sns/topic:Topic", name: "kms", props: { kmsMasterKeyId: "alias/aws/sns" } },
            { type: "aws:sns/topic:Topic", name: "plain", props: {} },
            { type: "aws:secretsmanager/secret:Secret", name: "default-key", props: {} },
        ]);
        assert.deepEqual(
            result.violations.map((v) => `${v.policy} ${v.resource.split("::").pop()}`),
            ["sqs-queue-encrypted plain", "sns-topic-encrypted plain"],
        );
    });
});

describe("policy lambda-no-literal-secrets", () => {
    it("tells secret-looking names and credential-shaped values from well-formed references", () => {
        const kind = (name: string, value: unknown) => secretVariableProblem(name, value)?.kind;
        const cases: [string, unknown, string | undefined][] = [
            ["API_TOKEN", "tok-123", "literal"],
            ["db_password", "hunter2", "literal"],
            ["DB_PASS", "hunter2", "literal"],
            ["MYSQL_PWD", "hunter2", "literal"],
            ["dbPasswd", "hunter2", "literal"],
            ["GOOGLE_CREDENTIALS", "{}", "literal"],
            ["SIGNING_PRIVATE_KEY", "k", "literal"],
            ["NOPS_API_KEY", "k", "literal"],
            ["GITHUB_TOKEN_ID", "t-1", "literal"],
            ["AWS_SECRET_ACCESS_KEY", "abc", "literal"],
            ["TOKEN_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:t-AbCdEf", undefined],
            ["TOKEN_PARAMETER_ARN", "arn:aws:ssm:eu-west-1:123456789012:parameter/ci/token", undefined],
            ["TOKEN_SECRET_ARN", "arn:aws:secretsmanager:", "literal"],
            ["TOKEN_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:", "literal"],
            ["TOKEN_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:t hunter2", "literal"],
            ["TOKEN_SECRET_ARN", "tok-123", "literal"],
            ["TOKEN_SECRET_ARN", UNKNOWN, "unknown"],
            ["API_TOKEN", UNKNOWN, "unknown"],
            ["API_TOKEN", UNKNOWN_STRING, "literal"],
            ["API_TOKEN", "", undefined],
            ["PLATFORM_API_URL", "https://app.nops.io", undefined],
            ["DATABASE_URL", "postgres://app:hunter2@db:5432/app", "literal"],
            ["NOTES", "ghp_" + "a".repeat(36), "literal"],
            ["NOTES", "xoxp-1234567890-abc", "literal"],
            ["NOTES", "sk_live_" + "a".repeat(24), "literal"],
            ["NOTES", "AKIAABCDEFGHIJKLMNOP", "literal"],
            ["NOTES", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n-----END OPENSSH PRIVATE KEY-----", "literal"],
            ["BUCKET_NAME", "data", undefined],
            ["PASSENGER_COUNT", "3", undefined],
            ["BYPASS_CACHE", "true", undefined],
        ];
        for (const [name, value, expected] of cases) {
            assert.equal(kind(name, value), expected, `${name}=${String(value)}`);
        }
    });

    it("fails a function carrying a token literally, naming the variable but not its value", async () => {
        const result = of(
            await checkStack([
                {
                    type: "aws:lambda/function:Function",
                    name: "fn",
                    props: { environment: { variables: { NOPS_TOKEN: "tok-SECRET", CI_STACK_NAME: "prod" } } },
                },
            ]),
            "lambda-no-literal-secrets",
        );
        assert.equal(result.length, 1);
        assert.match(result[0].message, /NOPS_TOKEN is named like a secret/);
        assert.doesNotMatch(result[0].message, /tok-SECRET/);
    });
});

describe("AWS twins (stack exports)", () => {
    const policyNames = [
        "s3-bucket-encrypted",
        "s3-bucket-tls-only",
        "s3-bucket-public-access-blocked",
        "sqs-queue-encrypted",
        "lambda-no-literal-secrets",
    ];
    const verdicts = (result: CheckResult) =>
        result.violations
            .filter((v) => policyNames.includes(v.policy))
            .map((v) => `${v.level} ${v.policy} ${v.resource.split("::").pop()}`);

    it('passes the good twin: settings by name, id or ARN, ["false","true"] conditions, aws-native and v7 BucketV2 shapes, default SSE-SQS, ARN references', async () => {
        assert.deepEqual(verdicts(await checkFixtures(["aws-good.json"])), []);
    });

    it("fails the bad twin on each bypass: dependency-only targets, duplicates, no Deny with unknown names, bare aws-native buckets, SSE off, literal secrets", async () => {
        const result = await checkFixtures(["aws-bad.json"]);
        assert.deepEqual(verdicts(result).sort(), [
            ...Array(11).fill("mandatory lambda-no-literal-secrets fn"),
            "mandatory s3-bucket-encrypted dependency-only",
            "mandatory s3-bucket-encrypted native",
            "mandatory s3-bucket-encrypted twice",
            "mandatory s3-bucket-public-access-blocked native",
            "mandatory s3-bucket-public-access-blocked twice",
            "mandatory s3-bucket-tls-only native",
            "mandatory s3-bucket-tls-only preview",
            "mandatory s3-bucket-tls-only twice",
            "mandatory sqs-queue-encrypted plain",
        ]);
        assert.ok(
            result.violations.every((v) => !/hunter2|s3cr3t|ghp_a|AKIAABCD|BEGIN RSA/.test(v.message)),
            "no secret value is printed",
        );
    });
});

describe("review twins: two writers of one S3 setting, unknown markers as text, aws-native types, glued secret names, URLs with passwords", () => {
    const variable = (message: string) => /environment variable (\S+)/.exec(message)?.[1];
    const verdict = (v: CheckResult["violations"][number]) =>
        [v.level, v.policy, v.resource.split("::").pop(), variable(v.message)].filter(Boolean).join(" ");

    it("passes the good twin with no note at all: read-back settings, one block per account, a literal marker in a known policy, pointers to secrets", async () => {
        assert.deepEqual((await checkFixtures(["review-aws-good.json"])).violations.map(verdict), []);
    });

    it("fails the bad twin on each bypass, as mandatory violations", async () => {
        assert.deepEqual((await checkFixtures(["review-aws-bad.json"])).violations.map(verdict).sort(), [
            "mandatory lambda-no-literal-secrets glued-fn DBPASS2",
            "mandatory lambda-no-literal-secrets glued-fn DB_PASSWORD2",
            "mandatory lambda-no-literal-secrets glued-fn GITHUBTOKEN",
            "mandatory lambda-no-literal-secrets glued-fn MARKER_TOKEN",
            "mandatory lambda-no-literal-secrets glued-fn MYSQL_PWD",
            "mandatory lambda-no-literal-secrets glued-fn OPENAI_APIKEY",
            "mandatory lambda-no-literal-secrets glued-fn PASSWORD_FILE",
            "mandatory lambda-no-literal-secrets glued-fn PGPASSWORD",
            "mandatory lambda-no-literal-secrets glued-fn TOKEN_URL",
            "mandatory lambda-no-literal-secrets glued-fn dbPassword",
            "mandatory lambda-no-literal-secrets native-fn DB_PASSWORD",
            "mandatory lambda-no-literal-secrets url-fn DATABASE_URL",
            "mandatory lambda-no-literal-secrets url-fn DSN",
            "mandatory lambda-no-literal-secrets url-fn EMPTY_USER",
            "mandatory lambda-no-literal-secrets url-fn SPACED",
            "mandatory s3-bucket-encrypted native-writers",
            "mandatory s3-bucket-public-access-blocked account-1",
            "mandatory s3-bucket-public-access-blocked native-writers",
            "mandatory s3-bucket-tls-only marker",
            "mandatory s3-bucket-tls-only writers",
            "mandatory sns-topic-encrypted native-topic",
        ]);
    });

    it("in preview only the engine's whole-value unknowns count: a marker inside a known document is text", async () => {
        const marked = doc({
            Effect: "Allow",
            Principal: "*",
            Action: "s3:GetObject",
            Resource: "arn:aws:s3:::data/*",
            Condition: { StringNotEquals: { "aws:UserAgent": UNKNOWN_STRING } },
        });
        const policy = { type: POLICY, name: "data", props: { bucket: "data", policy: marked } };
        assert.deepEqual(await levels("s3-bucket-tls-only", bucketStack({ policy })), ["mandatory"]);
        const fn = {
            type: "aws:lambda/function:Function",
            name: "fn",
            props: { environment: { variables: { API_TOKEN: UNKNOWN_STRING } } },
        };
        assert.deepEqual(
            of(await checkStack([fn]), "lambda-no-literal-secrets").map((v) => v.level),
            ["advisory"],
            "a whole value the engine does not know",
        );
        assert.deepEqual(
            of(await checkStack([fn], undefined, { preview: false }), "lambda-no-literal-secrets").map((v) => v.level),
            ["mandatory"],
            "the same text in an export",
        );
    });

    it("two account blocks for different accounts are one writer each; an identical inline and separate setting is no conflict", async () => {
        const account = (name: string, extra: Record<string, unknown>) => ({
            type: "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
            name,
            props: { ...ALL_FLAGS, ...extra },
        });
        assert.deepEqual(
            await levels("s3-bucket-public-access-blocked", [
                ...bucketStack(),
                account("a", { accountId: "111111111111" }),
                account("b", { accountId: "222222222222" }),
            ]),
            [],
        );
        assert.deepEqual(
            await levels("s3-bucket-public-access-blocked", [
                ...bucketStack(),
                account("a", {}),
                account("b", { restrictPublicBuckets: false }),
            ]),
            ["mandatory"],
        );
        assert.deepEqual(
            await levels(
                "s3-bucket-tls-only",
                bucketStack({
                    bucket: { policy: JSON.stringify({ Statement: [TLS_STATEMENT], Version: "2012-10-17" }) },
                }),
            ),
            [],
        );
        const differing = {
            serverSideEncryptionConfiguration: {
                rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } },
            },
        };
        assert.deepEqual(await levels("s3-bucket-encrypted", bucketStack({ bucket: differing })), ["mandatory"]);
    });
});
