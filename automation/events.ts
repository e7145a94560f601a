/** Typed progress events, mapped from Pulumi's engine events. */
import type { EngineEvent, OpMap, OpType } from "@pulumi/pulumi/automation";

export interface PolicyViolation {
    policy: string;
    policyPack: string;
    urn?: string;
    message: string;
    level: "mandatory" | "advisory";
}

export type InsightsEvent =
    | { type: "resource-started"; urn: string; resourceType: string; op: OpType }
    | { type: "resource-finished"; urn: string; resourceType: string; op: OpType }
    | { type: "resource-failed"; urn: string; resourceType: string; op: OpType }
    | ({ type: "policy-violation" } & PolicyViolation)
    | { type: "diagnostic"; severity: "info" | "warning" | "error"; message: string; urn?: string }
    | { type: "summary"; changes: OpMap; durationSeconds: number };

const ANSI = /\u001b\[[0-9;]*m|<\{%[a-z]+%\}>/g;
const plain = (text: string) => text.replace(ANSI, "").trimEnd();

/** The typed event for an engine event, or undefined for the ones a caller has no use for (prelude, stdout…). */
export function toInsightsEvent(event: EngineEvent): InsightsEvent | undefined {
    if (event.resourcePreEvent) {
        const { urn, type, op } = event.resourcePreEvent.metadata;
        return { type: "resource-started", urn, resourceType: type, op };
    }
    if (event.resOutputsEvent) {
        const { urn, type, op } = event.resOutputsEvent.metadata;
        return { type: "resource-finished", urn, resourceType: type, op };
    }
    if (event.resOpFailedEvent) {
        const { urn, type, op } = event.resOpFailedEvent.metadata;
        return { type: "resource-failed", urn, resourceType: type, op };
    }
    if (event.policyEvent) {
        const p = event.policyEvent;
        return {
            type: "policy-violation",
            policy: p.policyName,
            policyPack: p.policyPackName,
            urn: p.resourceUrn || undefined,
            message: plain(p.message),
            level: p.enforcementLevel === "mandatory" ? "mandatory" : "advisory",
        };
    }
    if (event.diagnosticEvent) {
        const d = event.diagnosticEvent;
        if (d.ephemeral) {
            return undefined;
        }
        const severity = d.severity === "error" ? "error" : d.severity === "warning" ? "warning" : "info";
        return { type: "diagnostic", severity, message: plain(d.message), urn: d.urn || undefined };
    }
    if (event.summaryEvent) {
        return {
            type: "summary",
            changes: event.summaryEvent.resourceChanges,
            durationSeconds: event.summaryEvent.durationSeconds,
        };
    }
    return undefined;
}
