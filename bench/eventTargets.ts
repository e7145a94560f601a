/** What the events benchmark promises, checked on its own figures (pure, like bench/targets.ts). */
import type { TargetCheck } from "./targets";

export interface ModeFigures {
    mode: "vendor" | "schedule" | "events";
    clusters: number;
    identityP50Ms: number;
    identityP99Ms: number;
    /** null when the mode installs no agent by itself. */
    agentP99Ms: number | null;
    duplicateWrites: number;
}

export const IDENTITY_P99_TARGET_MS = 2 * 60_000;
export const AGENT_P99_TARGET_MS = 10 * 60_000;

export function checkEventTargets(modes: ModeFigures[]): TargetCheck[] {
    const events = modes.find((m) => m.mode === "events");
    const minutes = (ms: number | null | undefined) =>
        ms === null || ms === undefined ? "-" : `${(ms / 60_000).toFixed(1)} min`;
    return [
        {
            target: "events: p99 ACTIVE -> identity ready under 2 minutes",
            pass: events !== undefined && events.clusters > 0 && events.identityP99Ms < IDENTITY_P99_TARGET_MS,
            detail: `p99 ${minutes(events?.identityP99Ms)}`,
        },
        {
            target: "events: p99 ACTIVE -> agent installed under 10 minutes",
            pass: events !== undefined && events.agentP99Ms !== null && events.agentP99Ms < AGENT_P99_TARGET_MS,
            detail: `p99 ${minutes(events?.agentP99Ms)}`,
        },
        {
            target: "events: 0 duplicate IAM writes from duplicated events",
            pass: events !== undefined && events.duplicateWrites === 0,
            detail: `${events?.duplicateWrites ?? "-"} duplicate writes`,
        },
    ];
}
