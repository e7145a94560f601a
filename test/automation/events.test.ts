import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { toInsightsEvent } from "../../automation/events";

const recorded: EngineEvent[] = JSON.parse(readFileSync(join(__dirname, "fixtures", "engine-events.json"), "utf8"));

describe("engine event mapping", () => {
    it("maps Pulumi's engine events to typed events, dropping prelude, stdout, ephemeral and cancel events", () => {
        assert.deepEqual(recorded.map(toInsightsEvent).filter(Boolean), [
            {
                type: "resource-started",
                urn: "urn:pulumi:prod::container-insights::aws:s3/bucket:Bucket::insights",
                resourceType: "aws:s3/bucket:Bucket",
                op: "create",
            },
            {
                type: "resource-finished",
                urn: "urn:pulumi:prod::container-insights::aws:s3/bucket:Bucket::insights",
                resourceType: "aws:s3/bucket:Bucket",
                op: "create",
            },
            {
                type: "resource-started",
                urn: "urn:pulumi:prod::container-insights::pulumi:pulumi:Stack::container-insights-prod",
                resourceType: "pulumi:pulumi:Stack",
                op: "same",
            },
            {
                type: "policy-violation",
                policy: "k8s-containers-non-root",
                policyPack: "container-insights",
                urn: "urn:pulumi:prod::container-insights::kubernetes:apps/v1:DaemonSet::agent",
                message: "DaemonSet nops/agent, container app is privileged",
                level: "mandatory",
            },
            {
                type: "policy-violation",
                policy: "helm-release-values",
                policyPack: "container-insights",
                urn: undefined,
                message: "Release agent: its rendered manifests are not visible",
                level: "advisory",
            },
            {
                type: "diagnostic",
                severity: "error",
                message: "creating IAM Role: AccessDenied",
                urn: "urn:pulumi:prod::container-insights::aws:iam/role:Role::reconciler",
            },
            {
                type: "diagnostic",
                severity: "warning",
                message: "cluster legacy skipped: no OIDC provider",
                urn: undefined,
            },
            {
                type: "resource-failed",
                urn: "urn:pulumi:prod::container-insights::aws:iam/role:Role::reconciler",
                resourceType: "aws:iam/role:Role",
                op: "create",
            },
            { type: "summary", changes: { create: 40, same: 1 }, durationSeconds: 11 },
        ]);
    });
});
