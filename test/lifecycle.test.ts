/**
 * What survives: the stack's own objects (the reconciler's lease and deployment record, the created trail's logs) are
 * out of reach of every lifecycle rule, the program's own `lifecycleDays` rule included, and of the platform's
 * auto-update role, which may neither write a lifecycle rule nor start the one function whose delete event tears down.
 * Read from what the program registers, so a rule or a policy that reaches them again fails here; IAM decisions by
 * @cloud-copilot/iam-simulate (test/iamSimulator.ts).
 */
import { strict as assert } from "node:assert";
import { PolicyDocument } from "../common/documents";
import { simulateIdentity } from "./iamSimulator";
import { ACCOUNT_ID, ProgramRun, baseConfig, doc, sharedRun, unwrap } from "./harness";

const LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";

interface LifecycleRule {
    status: string;
    filter?: { prefix?: string; and?: { prefix?: string } };
    prefix?: string;
}

/** The S3 key prefix a rule applies to ("" = every object; S3 lifecycle filters cannot exclude a prefix). */
const rulePrefix = (rule: LifecycleRule) => rule.filter?.prefix ?? rule.filter?.and?.prefix ?? rule.prefix ?? "";

/** A bucket's name from the id a settings resource names it by. */
function bucketNamed(run: ProgramRun, id: unknown): string {
    const bucket = run.ofType("aws:s3/bucket:Bucket").find((b) => b.id === id || b.state.bucket === id);
    assert.ok(bucket, `no bucket with id ${String(id)}`);
    return String(bucket.state.bucket);
}

/** Every enabled lifecycle rule's reach, as `s3://bucket/prefix`. */
function expiring(run: ProgramRun): Array<{ bucket: string; prefix: string }> {
    return run.ofType(LIFECYCLE).flatMap((config) => {
        const inputs = unwrap(config.inputs) as { bucket: string; rules: LifecycleRule[] };
        return inputs.rules
            .filter((rule) => rule.status === "Enabled")
            .map((rule) => ({ bucket: bucketNamed(run, inputs.bucket), prefix: rulePrefix(rule) }));
    });
}

/** The objects the stack writes itself: the reconciler's (from its role's S3 grant) and the trail's log prefix. */
function ownObjects(run: ProgramRun): Array<{ bucket: string; key: string }> {
    const reconciler = run.ofType("aws:iam/rolePolicy:RolePolicy").find((r) => r.name === "reconciler")!;
    const lease = doc(reconciler.inputs.policy).Statement.find((s) => s.Sid === "RunLease")!;
    const objects = [lease.Resource].flat().map((arn: string) => {
        const [bucket, ...key] = arn.replace(/^arn:aws:s3:::/, "").split("/");
        return { bucket, key: key.join("/") };
    });
    const trail = unwrap(run.one("aws:cloudtrail/trail:Trail").inputs) as { s3BucketName: string; s3KeyPrefix: string };
    objects.push({
        bucket: trail.s3BucketName,
        key: `${trail.s3KeyPrefix}/AWSLogs/${ACCOUNT_ID}/CloudTrail/us-east-1/2026/11/22/log.json.gz`,
    });
    return objects;
}

describe("lifecycle rules reach only the agents' data", () => {
    let run: ProgramRun;
    before(async () => {
        run = await sharedRun({ ...baseConfig(), lifecycleDays: "30", "events.createTrail": "true" });
    });

    it("lifecycleDays still expires every object of the agents' bucket", () => {
        assert.deepEqual(expiring(run), [{ bucket: `nops-container-cost-${ACCOUNT_ID}`, prefix: "" }]);
    });

    it("no rule reaches the reconciler's lease and deployment record, or the created trail's logs", () => {
        const own = ownObjects(run);
        assert.equal(own.length, 3);
        for (const object of own) {
            const reached = expiring(run).filter(
                (rule) => rule.bucket === object.bucket && object.key.startsWith(rule.prefix),
            );
            assert.deepEqual(reached, [], `s3://${object.bucket}/${object.key} would expire`);
        }
    });
});

describe("the platform's auto-update role and what must survive", () => {
    let run: ProgramRun;
    let vendor: PolicyDocument;
    const functionArn = (kind: string) =>
        `arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:nops-ccost-prod-role-${kind}`;
    const decide = (action: string, resource: string) => simulateIdentity(vendor, { action, resource, context: {} });
    before(async () => {
        run = await sharedRun({ ...baseConfig(), lifecycleDays: "30", "events.createTrail": "true" });
        vendor = doc(
            run.ofType("aws:iam/rolePolicy:RolePolicy").find((r) => r.name === "auto-update")!.inputs.policy,
        ) as unknown as PolicyDocument;
    });

    it("may write no lifecycle rule on any bucket (IAM cannot limit what a rule expires)", async () => {
        for (const bucket of run.ofType("aws:s3/bucket:Bucket")) {
            assert.equal(
                await decide("s3:PutLifecycleConfiguration", `arn:aws:s3:::${bucket.state.bucket}`),
                "ExplicitDeny",
                bucket.name,
            );
        }
        assert.equal(await decide("s3:PutLifecycleConfiguration", "arn:aws:s3:::any-bucket"), "ExplicitDeny");
        assert.equal(
            await decide("s3:GetLifecycleConfiguration", `arn:aws:s3:::nops-container-cost-${ACCOUNT_ID}`),
            "Allow",
        );
    });

    it("may start the management function only: the deploy-time function, whose delete event tears down, is denied", async () => {
        assert.equal(await decide("lambda:InvokeFunction", functionArn("management")), "Allow");
        for (const action of ["lambda:InvokeFunction", "lambda:InvokeAsync", "lambda:InvokeFunctionUrl"]) {
            assert.equal(await decide(action, functionArn("creation")), "ExplicitDeny", action);
        }
    });

    it("has no right on the stack's own objects: the deployment record, the lease, the trail's logs", async () => {
        for (const object of ownObjects(run)) {
            for (const action of ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]) {
                assert.equal(
                    await decide(action, `arn:aws:s3:::${object.bucket}/${object.key}`),
                    "ExplicitDeny",
                    `${action} ${object.key}`,
                );
            }
        }
    });
});
