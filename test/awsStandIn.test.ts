/**
 * The stand-in AWS provider's pure parts (engine/aws-provider): Check's rules and autonaming, Diff's replacements
 * from the ForceNew table, the Invocation payload. The engine tier runs it behind the real CLI
 * (test/engine/awsProvider.test.ts).
 */
import * as assert from "node:assert/strict";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { checkInputs, DEFAULTS_KEY } from "../engine/aws-provider/check/check";
import { diffResource } from "../engine/aws-provider/diff";
import { REPLACEMENTS } from "../engine/aws-provider/forceNew";
import { typeOfUrn } from "../engine/aws-provider/provider";
import { RESOURCE_TYPES } from "../engine/aws-provider/resources";
import { invocationPayload } from "../engine/aws-provider/resources/invocation";
import { secret } from "../engine/aws-provider/values";

const urn = (type: string, name = "res") => `urn:pulumi:dev::proj::container-insights:iam:X$${type}::${name}`;
const ROLE = "aws:iam/role:Role";
const TRUST = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

function check(type: string, news: Record<string, unknown>, olds: Record<string, unknown> = {}) {
    return checkInputs(urn(type), RESOURCE_TYPES[type], olds, news);
}

function diff(type: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    const spec = RESOURCE_TYPES[type];
    return diffResource(type, { computed: spec.computed, autoName: spec.autoName?.property }, olds, news, "us-east-1");
}

describe("stand-in AWS provider", () => {
    describe("the ForceNew table", () => {
        it("has one row, citing a terraform-provider-aws schema file, for every resource type the stand-in implements", () => {
            assert.deepEqual(Object.keys(REPLACEMENTS).sort(), Object.keys(RESOURCE_TYPES).sort());
            for (const [type, row] of Object.entries(REPLACEMENTS)) {
                assert.match(row.source, /^internal\/service\/[a-z0-9]+\/[a-z_]+\.go/, type);
                assert.match(row.terraform, /^aws_/, type);
            }
        });

        it("replaces an Invocation on functionName, qualifier or triggers, and on input only with the CREATE_ONLY scope", () => {
            const old = {
                functionName: "f",
                qualifier: "$LATEST",
                input: '{"a":1}',
                lifecycleScope: "CRUD",
                region: "us-east-1",
            };
            const changed = (news: Record<string, unknown>) =>
                diff("aws:lambda/invocation:Invocation", old, { ...old, ...news });
            assert.deepEqual(changed({ functionName: "g" }).replaces, ["functionName"]);
            assert.deepEqual(changed({ triggers: { code: "x" } }).replaces, ["triggers"]);
            const crud = changed({ input: '{"a":2}' });
            assert.deepEqual([crud.changes, crud.replaces, crud.deleteBeforeReplace], [true, [], false]);
            assert.deepEqual(changed({ input: '{"a":2}', lifecycleScope: "CREATE_ONLY" }).replaces, ["input"]);
        });

        it("replaces a role on name and path (iam/role.go), updates it in place on its trust policy and tags", () => {
            const old = {
                name: "r",
                path: "/",
                assumeRolePolicy: TRUST,
                tags: { a: "1" },
                arn: "arn:aws:iam::1:role/r",
                [DEFAULTS_KEY]: [],
            };
            assert.deepEqual(diff(ROLE, old, { ...old, path: "/x/" }).replaces, ["path"]);
            const update = diff(ROLE, old, {
                ...old,
                tags: { a: "2" },
                assumeRolePolicy: TRUST.replace("lambda", "events"),
            });
            assert.equal(update.changes, true);
            assert.deepEqual(update.replaces, []);
        });
    });

    describe("Diff", () => {
        const old = {
            name: "fixed",
            assumeRolePolicy: TRUST,
            path: "/",
            arn: "arn:aws:iam::1:role/fixed",
            createDate: "x",
        };

        it("sees no change when only computed outputs are in the old state", () => {
            assert.equal(
                diff(ROLE, old, { name: "fixed", assumeRolePolicy: TRUST, path: "/", [DEFAULTS_KEY]: [] }).changes,
                false,
            );
        });

        it("deletes a replaced resource first when the program set its name, not when the name was generated", () => {
            const named = diff(ROLE, old, { name: "other", assumeRolePolicy: TRUST, path: "/", [DEFAULTS_KEY]: [] });
            assert.deepEqual([named.replaces, named.deleteBeforeReplace], [["name"], true]);
            const generated = diff(ROLE, old, {
                name: "other",
                assumeRolePolicy: TRUST,
                path: "/",
                [DEFAULTS_KEY]: ["name"],
            });
            assert.deepEqual([generated.replaces, generated.deleteBeforeReplace], [["name"], false]);
        });

        it("replaces when a ForceNew input is not known yet (preview)", () => {
            const result = diff(
                "aws:iam/rolePolicy:RolePolicy",
                { role: "a", name: "p", policy: "{}" },
                { role: unknownValue, name: "p", policy: "{}" },
            );
            assert.deepEqual(result.replaces, ["role"]);
        });

        it("compares secrets by value and replaces a secret version on a new secret string", () => {
            const type = "aws:secretsmanager/secretVersion:SecretVersion";
            const state = { secretId: "s", secretString: secret("a"), region: "us-east-1", versionId: "v" };
            assert.equal(diff(type, state, { secretId: "s", secretString: secret("a") }).changes, false);
            assert.deepEqual(diff(type, state, { secretId: "s", secretString: secret("b") }).replaces, [
                "secretString",
            ]);
        });

        it("replaces a regional resource moved to another region, not one whose region goes from unset to the provider's", () => {
            const type = "aws:sqs/queue:Queue";
            const state = { name: "q", region: "us-east-1", url: "u", arn: "a" };
            assert.deepEqual(diff(type, state, { name: "q", region: "eu-west-1" }).replaces, ["region"]);
            assert.equal(diff(type, state, { name: "q" }).changes, false);
        });

        it("compares an optional object input the provider fills in (a function's loggingConfig) only on the fields the program sets", () => {
            const type = "aws:lambda/function:Function";
            const state = {
                name: "f",
                role: "r",
                region: "us-east-1",
                loggingConfig: {
                    logFormat: "JSON",
                    logGroup: "/aws/lambda/f",
                    applicationLogLevel: "",
                    systemLogLevel: "",
                },
            };
            const news = { name: "f", role: "r", loggingConfig: { logFormat: "JSON", logGroup: "/aws/lambda/f" } };
            assert.equal(diff(type, state, news).changes, false);
            assert.equal(diff(type, state, { ...news, loggingConfig: { logFormat: "Text" } }).changes, true);
        });

        it("leaves an optional input the provider filled in (an event target's id) alone while the program does not set it", () => {
            const type = "aws:cloudwatch/eventTarget:EventTarget";
            const state = { rule: "r", arn: "a", targetId: "terraform-1", region: "us-east-1" };
            assert.equal(diff(type, state, { rule: "r", arn: "a" }).changes, false);
            assert.deepEqual(diff(type, state, { rule: "r", arn: "a", targetId: "mine" }).replaces, ["targetId"]);
        });
    });

    describe("Check", () => {
        it("names an unset autonameable name <resource>-<7 hex> and keeps it on later checks", () => {
            const first = check(ROLE, { assumeRolePolicy: TRUST });
            assert.match(first.inputs.name, /^res-[0-9a-f]{7}$/);
            assert.deepEqual(first.inputs[DEFAULTS_KEY], ["forceDetachPolicies", "maxSessionDuration", "name", "path"]);
            assert.equal(check(ROLE, { assumeRolePolicy: TRUST }, first.inputs).inputs.name, first.inputs.name);
        });

        it("does not autoname when a name prefix is set", () => {
            assert.equal(
                check("aws:secretsmanager/secret:Secret", { namePrefix: "stack/token-" }).inputs.name,
                undefined,
            );
        });

        it("refuses a role name over 64 characters, naming the property", () => {
            const { failures } = check(ROLE, { name: "n".repeat(65), assumeRolePolicy: TRUST });
            assert.deepEqual(
                failures?.map((f) => f.property),
                ["name"],
            );
            assert.match(failures![0].reason, /1-64 characters, not 65/);
        });

        it("refuses a missing trust policy, a trust policy that is not JSON, and one past IAM's 2,048 characters", () => {
            assert.deepEqual(
                check(ROLE, { name: "r" }).failures?.map((f) => f.property),
                ["assumeRolePolicy"],
            );
            assert.match(check(ROLE, { name: "r", assumeRolePolicy: "{nope" }).failures![0].reason, /not valid JSON/);
            const big = JSON.stringify({
                Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "x".repeat(2100) }],
            });
            assert.match(check(ROLE, { name: "r", assumeRolePolicy: big }).failures![0].reason, /quota is 2048/);
        });

        it("refuses an IAM path without its slashes", () => {
            assert.deepEqual(
                check(ROLE, { name: "r", assumeRolePolicy: TRUST, path: "stack" }).failures?.map((f) => f.property),
                ["path"],
            );
        });

        it("refuses Lambda environment variables with a bad or reserved name", () => {
            const fn = (variables: Record<string, string>) =>
                check("aws:lambda/function:Function", {
                    name: "f",
                    role: "arn:aws:iam::1:role/r",
                    environment: { variables },
                }).failures;
            assert.deepEqual(fn({ CI_STACK: "x" }), []);
            assert.deepEqual(
                fn({ "CI-STACK": "x" })?.map((f) => f.property),
                ["environment.variables"],
            );
            assert.match(fn({ AWS_REGION: "x" })![0].reason, /reserved/);
        });

        it("refuses bucket, queue and event bus names AWS refuses", () => {
            assert.deepEqual(
                check("aws:s3/bucket:Bucket", { bucket: "Insights" }).failures?.map((f) => f.property),
                ["bucket"],
            );
            assert.deepEqual(
                check("aws:sqs/queue:Queue", { name: "a.b" }).failures?.map((f) => f.property),
                ["name"],
            );
            assert.deepEqual(
                check("aws:cloudwatch/eventBus:EventBus", { name: "default" }).failures?.map((f) => f.property),
                ["name"],
            );
        });

        it("does not judge values that are not known yet", () => {
            assert.deepEqual(check(ROLE, { name: unknownValue, assumeRolePolicy: unknownValue }).failures, []);
        });
    });

    describe("the Invocation payload (terraform-provider-aws buildInput)", () => {
        const inputs = { functionName: "f", input: '{"stack":"prod"}', lifecycleScope: "CRUD", terraformKey: "tf" };

        it("adds tf.action and tf.prev_input with the CRUD scope", () => {
            assert.deepEqual(JSON.parse(invocationPayload(inputs, "create", undefined)), {
                stack: "prod",
                tf: { action: "create", prev_input: null },
            });
            assert.deepEqual(JSON.parse(invocationPayload(inputs, "update", '{"stack":"old"}')).tf, {
                action: "update",
                prev_input: { stack: "old" },
            });
        });

        it("sends the input as it is with the CREATE_ONLY scope, under another key when terraformKey says so", () => {
            assert.equal(
                invocationPayload({ ...inputs, lifecycleScope: "CREATE_ONLY" }, "create", undefined),
                '{"stack":"prod"}',
            );
            assert.ok(
                "lifecycle" in
                    JSON.parse(invocationPayload({ ...inputs, terraformKey: "lifecycle" }, "delete", inputs.input)),
            );
        });
    });

    it("reads a resource type out of a URN with a parent type", () => {
        assert.equal(
            typeOfUrn(
                "urn:pulumi:prod::ci::container-insights:reconciler:RoleReconciler$aws:lambda/invocation:Invocation::reconciler",
            ),
            "aws:lambda/invocation:Invocation",
        );
    });
});
