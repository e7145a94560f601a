/**
 * The fake account's IAM evaluator decides the way IAM documents it, or refuses: the escalation and permission tests
 * are only as good as it is.
 */
import { strict as assert } from "node:assert";
import { PolicyStatement, policy } from "../common/documents";
import { evaluate } from "./fakes/iamPolicy";

const ALLOW_IAM: PolicyStatement = { Effect: "Allow", Action: "iam:*", Resource: "*" };
const request = (action: string, resource: string, context: Record<string, string | string[] | undefined> = {}) => ({
    action,
    resource,
    context,
});

describe("fake IAM policy evaluator", () => {
    it("applies NotAction: a Deny covers every action but the listed ones", () => {
        const doc = policy(ALLOW_IAM, {
            Effect: "Deny",
            NotAction: ["iam:GetRole"],
            Resource: "*",
        } as unknown as PolicyStatement);
        assert.equal(evaluate(doc, request("iam:CreateRole", "arn:aws:iam::1:role/x")), "ExplicitDeny");
        assert.equal(evaluate(doc, request("iam:GetRole", "arn:aws:iam::1:role/x")), "Allow");
        assert.equal(
            evaluate(doc, request("IAM:getrole", "arn:aws:iam::1:role/x")),
            "Allow",
            "actions match case-insensitively",
        );
    });

    it("applies NotResource: a Deny covers every resource but the listed ones", () => {
        const doc = policy(ALLOW_IAM, {
            Effect: "Deny",
            Action: "iam:*",
            NotResource: "arn:aws:iam::1:role/ok",
        } as unknown as PolicyStatement);
        assert.equal(evaluate(doc, request("iam:CreateRole", "arn:aws:iam::1:role/x")), "ExplicitDeny");
        assert.equal(evaluate(doc, request("iam:CreateRole", "arn:aws:iam::1:role/ok")), "Allow");
        const allowOnlyOthers = policy({
            Effect: "Allow",
            Action: "s3:GetObject",
            NotResource: "arn:aws:s3:::b/secret/*",
        } as unknown as PolicyStatement);
        assert.equal(evaluate(allowOnlyOthers, request("s3:GetObject", "arn:aws:s3:::b/secret/k")), "ImplicitDeny");
        assert.equal(evaluate(allowOnlyOthers, request("s3:GetObject", "arn:aws:s3:::b/public/k")), "Allow");
    });

    it("refuses what it cannot decide: Principal/NotPrincipal, both or neither of Action/NotAction, an unknown operator", () => {
        const refuses = (statement: unknown, pattern: RegExp) =>
            assert.throws(() => evaluate(policy(statement as PolicyStatement), request("iam:GetRole", "r")), pattern);
        refuses(
            { Effect: "Deny", NotPrincipal: { AWS: "arn:aws:iam::1:root" }, Action: "*", Resource: "*" },
            /no NotPrincipal/,
        );
        refuses({ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }, /no Principal/);
        refuses(
            { Effect: "Allow", Action: "*", NotAction: "iam:GetRole", Resource: "*" },
            /exactly one of Action and NotAction/,
        );
        refuses({ Effect: "Allow", Resource: "*" }, /exactly one of Action and NotAction/);
        refuses({ Effect: "Allow", Action: "*" }, /exactly one of Resource and NotResource/);
        refuses(
            {
                Effect: "Allow",
                Action: "*",
                Resource: "*",
                Condition: { DateGreaterThan: { "aws:CurrentTime": "2020" } },
            },
            /does not support condition operator/,
        );
    });

    it("matches condition key names case-insensitively, values as the operator says", () => {
        const doc = policy({
            Effect: "Deny",
            Action: "iam:CreateRole",
            Resource: "*",
            Condition: { StringEquals: { "iam:permissionsboundary": "b" } },
        });
        assert.equal(evaluate(doc, request("iam:CreateRole", "r", { "iam:PermissionsBoundary": "b" })), "ExplicitDeny");
        assert.equal(evaluate(doc, request("iam:CreateRole", "r", { "iam:PermissionsBoundary": "B" })), "ImplicitDeny");
    });

    it("...IfExists holds for a missing key and tests a present one", () => {
        const doc = policy({
            Effect: "Allow",
            Action: "iam:TagRole",
            Resource: "*",
            Condition: { StringEqualsIfExists: { "aws:RequestTag/owner": "me" } },
        });
        assert.equal(evaluate(doc, request("iam:TagRole", "r")), "Allow");
        assert.equal(evaluate(doc, request("iam:TagRole", "r", { "aws:RequestTag/owner": "me" })), "Allow");
        assert.equal(
            evaluate(doc, request("iam:TagRole", "r", { "aws:requesttag/owner": "someone-else" })),
            "ImplicitDeny",
        );
    });

    it("substitutes policy variables in the resource part and in condition values, never in an ARN's account field", () => {
        const caller = { "aws:PrincipalAccount": "111122223333", "aws:ResourceAccount": "111122223333" };
        const bucket = policy({
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: "arn:aws:s3:::bucket-${aws:PrincipalAccount}/*",
        });
        assert.equal(evaluate(bucket, request("s3:GetObject", "arn:aws:s3:::bucket-111122223333/k", caller)), "Allow");
        assert.equal(
            evaluate(bucket, request("s3:GetObject", "arn:aws:s3:::bucket-999922223333/k", caller)),
            "ImplicitDeny",
        );
        assert.equal(
            evaluate(bucket, request("s3:GetObject", "arn:aws:s3:::bucket-111122223333/k")),
            "ImplicitDeny",
            "key absent",
        );
        const accountField = policy({
            Effect: "Allow",
            Action: "iam:GetRole",
            Resource: "arn:aws:iam::${aws:PrincipalAccount}:role/x",
        });
        assert.equal(
            evaluate(accountField, request("iam:GetRole", "arn:aws:iam::111122223333:role/x", caller)),
            "ImplicitDeny",
        );
        const bound = policy({
            Effect: "Allow",
            Action: "iam:GetRole",
            Resource: "arn:aws:iam::*:role/x",
            Condition: { StringEquals: { "aws:ResourceAccount": "${aws:PrincipalAccount}" } },
        });
        assert.equal(evaluate(bound, request("iam:GetRole", "arn:aws:iam::111122223333:role/x", caller)), "Allow");
        assert.equal(
            evaluate(
                bound,
                request("iam:GetRole", "arn:aws:iam::999922223333:role/x", {
                    ...caller,
                    "aws:ResourceAccount": "999922223333",
                }),
            ),
            "ImplicitDeny",
        );
    });
});
