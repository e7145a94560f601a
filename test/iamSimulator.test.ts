/**
 * test/iamSimulator.ts hands iam-simulate only the identity statements that can name the request's service (the rest
 * cannot change a decision, and weighing them was most of the permission tests' time). These tests check the
 * statements it keeps, and that iam-simulate decides alike with every statement and with those.
 */
import { strict as assert } from "node:assert";
import { PolicyDocument, PolicyStatement, policy } from "../common/documents";
import { splitPolicy } from "../scripts/permissions";
import { ACCOUNT_ID } from "./harness";
import { asked, keptResourceTypes, libraryResourceTypes } from "./iamResourceTypes";
import { libraryReadings, operationOf, operatorRead, READINGS } from "./iamConditionOperators";
import { forService, simulate, simulateGenerated } from "./iamSimulator";
import { asIamBuildsIt, probeRequests } from "./policyProbes";
import { DOCUMENT_CONFIGS, deployerDocuments } from "./renderedDocuments";

const statement = (Action: string | string[], extra: Partial<PolicyStatement> = {}): PolicyStatement => ({
    Effect: "Allow",
    Action,
    Resource: "*",
    ...extra,
});

describe("iam-simulate behind test/iamSimulator.ts: the statements it is given", () => {
    const own = statement("s3:GetObject");
    const upperCase = statement(["IAM:GetRole", "S3:PutObject"]);
    const everything = statement("*");
    const notAction = { Effect: "Deny", NotAction: "s3:GetObject", Resource: "*" } as unknown as PolicyStatement;
    const other = statement(["iam:PassRole", "lambda:InvokeFunction"]);
    const document = policy(own, upperCase, everything, notAction, other);

    it('keeps the statements with one of the service\'s actions (any case), "*", or NotAction', () => {
        assert.deepEqual(forService(document, "s3").Statement, [own, upperCase, everything, notAction]);
        assert.deepEqual(forService(document, "iam").Statement, [upperCase, everything, notAction, other]);
        assert.deepEqual(forService(document, "eks").Statement, [everything, notAction]);
    });

    it("passes a document whole when it holds every statement, and an invalid one whole (iam-simulate reports it)", () => {
        const mine = policy(own, statement("s3:PutObject"));
        assert.equal(forService(mine, "s3"), mine);
        const invalid = policy(statement("s3:GetObject", { Principal: "*" }), other);
        assert.equal(forService(invalid, "iam"), invalid);
    });

    it("takes a single statement written as an object, as IAM does", () => {
        const single = { Version: "2012-10-17", Statement: other } as unknown as PolicyDocument;
        assert.equal(forService(single, "iam"), single);
        assert.deepEqual(forService(single, "s3").Statement, []);
    });
});

describe("iam-simulate behind test/iamSimulator.ts: the same decisions with every statement", () => {
    for (const [name, config] of Object.entries(DOCUMENT_CONFIGS).slice(0, 2)) {
        it(`decides every probe of the deployer's policy alike, whole and split (${name})`, async function () {
            this.timeout(120_000);
            const seen = { Allow: 0, ExplicitDeny: 0, ImplicitDeny: 0, NotApplicable: 0 };
            const whole = deployerDocuments(name, config).find((d) =>
                d.label.endsWith("deployer policy with --account"),
            )!;
            const parts = splitPolicy(whole.document);
            assert.ok(parts.length > 1, "the split gives several documents");
            for (const probe of await probeRequests(whole.document, { accountId: ACCOUNT_ID, actions: "ends" })) {
                const request = await asIamBuildsIt(probe);
                if (!request) {
                    continue;
                }
                for (const identity of [whole.document, parts]) {
                    const filtered = await simulateGenerated({ identity }, request);
                    const every = await simulateGenerated({ identity }, request, { everyStatement: true });
                    assert.equal(
                        filtered,
                        every,
                        `${request.action} on ${request.resource} ${JSON.stringify(request.context)}`,
                    );
                    seen[filtered]++;
                }
            }
            assert.ok(seen.Allow > 100, JSON.stringify(seen));
            assert.ok(seen.ExplicitDeny > 0 && seen.ImplicitDeny > 0, JSON.stringify(seen));
        });
    }
});

describe("iam-simulate behind test/iamSimulator.ts: an action's resource types on an ARN, kept per process", () => {
    const CASES: Array<[string, string]> = [
        ["s3:GetObject", "arn:aws:s3:::bucket/key"],
        ["s3:ListBucket", "arn:aws:s3:::bucket"],
        ["iam:PassRole", `arn:aws:iam::${ACCOUNT_ID}:role/container-insights/prod/x`],
        ["eks:DescribeCluster", `arn:aws:eks:us-east-1:${ACCOUNT_ID}:cluster/alpha`],
        ["kms:Decrypt", `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/1234`],
        ["s3:GetObject", `arn:aws:iam::${ACCOUNT_ID}:role/not-an-object`],
        ["lambda:UpdateFunctionCode", `arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:*`],
    ];

    it("answers as iam-simulate's own function does, twice over, a fresh array each time", async () => {
        for (const [fullAction, resource] of CASES) {
            const [service, action] = fullAction.split(":");
            const own = await libraryResourceTypes(service, action, resource);
            const first = await keptResourceTypes(service, action, resource);
            const second = await keptResourceTypes(service, action, resource);
            assert.deepEqual(first, own, `${fullAction} on ${resource}`);
            assert.deepEqual(second, own, `${fullAction} on ${resource}`);
            assert.notEqual(first, second);
        }
        await assert.rejects(libraryResourceTypes("eks", "ListClusters", "*"), /does not have any resource types/);
        await assert.rejects(keptResourceTypes("eks", "ListClusters", "*"), /does not have any resource types/);
    });

    it("is what iam-simulate calls", async () => {
        const resource = `arn:aws:sqs:eu-north-1:${ACCOUNT_ID}:only-this-test`;
        assert.equal(asked("sqs:SendMessage", resource), false);
        const document = policy(statement("sqs:SendMessage", { Resource: resource }));
        assert.equal(
            await simulate({ identity: document }, { action: "sqs:SendMessage", resource, context: {} }),
            "Allow",
        );
        assert.equal(asked("sqs:SendMessage", resource), true);
    });
});

describe("iam-simulate behind test/iamSimulator.ts: condition operators read once", () => {
    const OPERATORS = [
        "StringEquals",
        "stringequals",
        "StringLikeIfExists",
        "ArnLikeIFEXISTS",
        "ForAnyValue:StringLike",
        "forallvalues:StringEqualsIfExists",
        "ForAnyValue:ArnNotLikeIfExists",
        "Bool",
        "Null",
        "NumericLessThanEquals",
        "IfExists",
        "Unknown:StringEquals",
    ];

    it("answers as iam-policy's own readings do, twice over, and throws each time where they throw", () => {
        for (const op of OPERATORS) {
            for (const name of READINGS) {
                const library = (() => {
                    try {
                        return { value: libraryReadings[name].call(operationOf(op)) };
                    } catch (error) {
                        return { error: (error as Error).message };
                    }
                })();
                for (let time = 0; time < 2; time++) {
                    const operation = operationOf(op);
                    if ("error" in library) {
                        assert.throws(() => operation[name](), { message: library.error }, `${name} of ${op}`);
                    } else {
                        assert.equal(operation[name](), library.value, `${name} of ${op}`);
                    }
                }
            }
        }
    });

    it("is what iam-simulate calls", async () => {
        const op = "sTRINGeQUALSiFeXISTS";
        assert.equal(operatorRead(op), false);
        const document = policy(
            statement("s3:GetObject", { Condition: { [op]: { "aws:PrincipalAccount": ACCOUNT_ID } } }),
        );
        const request = { action: "s3:GetObject", resource: "arn:aws:s3:::b/k", context: {} };
        assert.equal(await simulate({ identity: document }, request), "Allow", "IfExists with the key absent");
        assert.equal(operatorRead(op), true);
        for (const name of READINGS) {
            assert.notEqual(operationOf(op)[name], libraryReadings[name], name);
        }
    });
});
