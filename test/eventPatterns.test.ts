import { strict as assert } from "node:assert";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import {
    EKS_RULE_PATTERN,
    IAM_RULE_PATTERN,
    RECONCILER_RULE_PATTERN,
    WATCH_RULE_PATTERN,
} from "../components/events/patterns";
import { targetOf } from "../lambda/reconciler/queueEvents";
import { identityReadyEvent, clusterRemovedEvent } from "../lambda/reconciler/clusterEvents";
import { matchesPattern } from "./eventPattern";

const DIR = join(__dirname, "fixtures", "events");
const fixture = (name: string) => JSON.parse(readFileSync(join(DIR, name), "utf8"));
const files = readdirSync(DIR).filter((f) => f.endsWith(".json"));
const positives = files.filter((f) => !f.startsWith("negative-"));
const negatives = files.filter((f) => f.startsWith("negative-"));

/** The event EventBridge delivers for a PutEvents entry (what the watch queue's rule sees). */
function delivered(entry: { Source: string; DetailType: string; Resources: string[]; Detail: string }) {
    return {
        version: "0",
        id: "e",
        "detail-type": entry.DetailType,
        source: entry.Source,
        account: "111122223333",
        time: "2026-11-22T10:00:00Z",
        region: "us-east-1",
        resources: entry.Resources,
        detail: JSON.parse(entry.Detail),
    };
}

describe("the matcher follows EventBridge's pattern rules", () => {
    const event = {
        source: "aws.eks",
        detail: { eventName: "CreateCluster", tags: ["a", "b"], n: 5, requestParameters: { name: "x" } },
    };
    it("exact, case-sensitive values; any value of the array", () => {
        assert.ok(matchesPattern(event, { source: ["aws.iam", "aws.eks"] }));
        assert.ok(!matchesPattern(event, { source: ["AWS.EKS"] }));
        assert.ok(matchesPattern(event, { detail: { n: [5] } }));
        assert.ok(!matchesPattern(event, { detail: { n: ["5"] } }), "numbers are not strings");
    });
    it("an array field matches when any element does", () => {
        assert.ok(matchesPattern(event, { detail: { tags: ["b"] } }));
        assert.ok(!matchesPattern(event, { detail: { tags: ["c"] } }));
    });
    it("missing fields match only exists:false; nested objects must exist", () => {
        assert.ok(!matchesPattern(event, { detail: { errorCode: ["x"] } }));
        assert.ok(matchesPattern(event, { detail: { errorCode: [{ exists: false }] } }));
        assert.ok(!matchesPattern(event, { detail: { responseElements: { name: ["x"] } } }));
    });
    it("prefix, anything-but and $or", () => {
        assert.ok(matchesPattern(event, { detail: { eventName: [{ prefix: "Create" }] } }));
        assert.ok(!matchesPattern(event, { detail: { eventName: [{ "anything-but": ["CreateCluster"] }] } }));
        assert.ok(
            matchesPattern(event, { $or: [{ source: ["aws.iam"] }, { detail: { eventName: ["CreateCluster"] } }] }),
        );
        assert.ok(
            !matchesPattern(event, {
                source: ["aws.eks"],
                $or: [{ source: ["aws.iam"] }, { detail: { eventName: ["DeleteCluster"] } }],
            }),
        );
    });
});

describe("rule patterns against recorded CloudTrail events", () => {
    it("has positive and negative samples", () => {
        assert.ok(positives.length >= 7 && negatives.length >= 4, files.join(", "));
    });

    for (const file of positives) {
        it(`${file}: matched by its region's rule and by the reconciler queue's rule`, () => {
            const event = fixture(file);
            const regional = event.source === "aws.iam" ? IAM_RULE_PATTERN : EKS_RULE_PATTERN;
            assert.ok(matchesPattern(event, regional));
            assert.ok(matchesPattern(event, RECONCILER_RULE_PATTERN));
            assert.ok(!matchesPattern(event, WATCH_RULE_PATTERN), "never reaches the watch queue");
            assert.notEqual(targetOf(JSON.stringify(event)).kind, "ignore", "and the consumer knows what it names");
        });
    }

    for (const file of negatives) {
        it(`${file}: matched by no rule`, () => {
            const event = fixture(file);
            for (const pattern of [EKS_RULE_PATTERN, IAM_RULE_PATTERN, RECONCILER_RULE_PATTERN, WATCH_RULE_PATTERN]) {
                assert.ok(!matchesPattern(event, pattern), JSON.stringify(pattern));
            }
        });
    }

    it("the consumer reads the subject from each sample", () => {
        assert.deepEqual(targetOf(JSON.stringify(fixture("eks-create-cluster.json"))), {
            kind: "cluster",
            region: "us-east-1",
            name: "alpha",
        });
        assert.deepEqual(targetOf(JSON.stringify(fixture("eks-delete-addon-pod-identity-agent.json"))), {
            kind: "cluster",
            region: "us-east-1",
            name: "alpha",
        });
        const issuer = {
            kind: "issuer",
            region: "us-east-1",
            issuerHostPath: "oidc.eks.us-east-1.amazonaws.com/id/00000000000000000000000000000001",
        };
        assert.deepEqual(targetOf(JSON.stringify(fixture("iam-create-oidc-provider.json"))), issuer);
        assert.deepEqual(targetOf(JSON.stringify(fixture("iam-delete-oidc-provider.json"))), issuer);
    });

    it("a call that failed, a foreign issuer and a non-JSON body are ignored", () => {
        const failed = fixture("eks-create-cluster.json");
        failed.detail.errorCode = "ResourceInUseException";
        assert.equal(targetOf(JSON.stringify(failed)).kind, "ignore");
        const foreign = fixture("iam-create-oidc-provider.json");
        foreign.detail.requestParameters.url = "https://token.actions.githubusercontent.com";
        assert.equal(targetOf(JSON.stringify(foreign)).kind, "ignore");
        assert.equal(targetOf("not json").kind, "ignore");
    });

    it("the reconciler's cluster events reach the watch queue's rule only", () => {
        const detail = {
            stack: "prod",
            environment: "PROD",
            clusterName: "alpha",
            clusterArn: "arn:aws:eks:us-east-1:111122223333:cluster/alpha",
            region: "us-east-1",
            identityMode: "irsa" as const,
        };
        for (const entry of [
            identityReadyEvent("container-insights-prod", detail),
            clusterRemovedEvent("container-insights-prod", detail),
        ]) {
            assert.ok(matchesPattern(delivered(entry), WATCH_RULE_PATTERN));
            assert.ok(!matchesPattern(delivered(entry), RECONCILER_RULE_PATTERN));
        }
        assert.ok(
            !matchesPattern(
                delivered({ ...identityReadyEvent("b", detail), DetailType: "Cluster Identity Gone" as never }),
                WATCH_RULE_PATTERN,
            ),
        );
    });
});
