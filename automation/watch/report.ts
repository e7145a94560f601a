/** The structured log line each `up` of the service ends with (pure): outcome, exit status, policy violations. */
import { AutomationError, PolicyViolationError } from "../errors";
import type { PolicyViolation } from "../events";
import type { RunResult } from "../runStack";
import type { RunStatus } from "./metrics";
import type { ClusterChange } from "./messages";
import { errorMessage } from "../../common/errors";

export interface RunReport {
    level: "info" | "error" | "warn";
    msg: "up finished";
    stack: string;
    status: RunStatus;
    /** What the CLI's `up` would exit with: 0 succeeded, 1 failed or cancelled. */
    exitStatus: 0 | 1;
    /** 1 for a first attempt, n for the (n-1)-th retry. */
    attempt: number;
    startedAt: string;
    durationMs: number;
    /** The queue messages this run covers, and the clusters they name. */
    messages: number;
    clusters: Array<{ kind: ClusterChange["kind"]; name: string; region: string }>;
    changes?: Record<string, number>;
    /** A fleet's account stack: the cluster stacks this run updated instead of itself. */
    stacks?: string[];
    policyViolations: PolicyViolation[];
    errorCode?: string;
    error?: string;
    /** After a failure: when the next attempt starts. */
    retryInMs?: number;
}

export type RunOutcome = { ok: true; result: RunResult } | { ok: false; error: unknown; cancelled: boolean };

export function runReport(args: {
    stack: string;
    outcome: RunOutcome;
    attempt: number;
    startedAt: number;
    finishedAt: number;
    changes: ClusterChange[];
    messages: number;
    retryInMs?: number;
}): RunReport {
    const { outcome } = args;
    const seen = new Set<string>();
    const clusters = args.changes
        .filter((c) => !seen.has(`${c.kind} ${c.clusterArn}`) && seen.add(`${c.kind} ${c.clusterArn}`))
        .map((c) => ({ kind: c.kind, name: c.clusterName, region: c.region }));
    const base = {
        msg: "up finished" as const,
        stack: args.stack,
        attempt: args.attempt,
        startedAt: new Date(args.startedAt).toISOString(),
        durationMs: Math.round(args.finishedAt - args.startedAt),
        messages: args.messages,
        clusters,
    };
    if (outcome.ok) {
        return {
            level: "info",
            ...base,
            status: "succeeded",
            exitStatus: 0,
            changes: outcome.result.changes as Record<string, number>,
            ...("stacks" in outcome.result ? { stacks: (outcome.result as { stacks: string[] }).stacks } : {}),
            policyViolations: outcome.result.policyViolations,
        };
    }
    const error = outcome.error;
    return {
        level: outcome.cancelled ? "warn" : "error",
        ...base,
        status: outcome.cancelled ? "cancelled" : "failed",
        exitStatus: 1,
        policyViolations: error instanceof PolicyViolationError ? error.violations : [],
        errorCode: error instanceof AutomationError ? error.code : error instanceof Error ? error.name : "UNKNOWN",
        error: errorMessage(error),
        ...(args.retryInMs !== undefined ? { retryInMs: args.retryInMs } : {}),
    };
}
