/**
 * The two Lambda entry points, built from this one file:
 * - creationHandler: run by `aws.lambda.Invocation` (lifecycleScope CRUD) on deploy, update and destroy;
 * - managementHandler: run every two hours by EventBridge, and by the reconciler queue's event source mapping (an SQS
 *   batch: a targeted reconcile of the clusters the events name, queueRun.ts).
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { MetricUnit, Metrics } from "@aws-lambda-powertools/metrics";
import { sendConfirmation, ConfirmOutcome } from "./confirm";
import { LambdaEnvironment, readEnvironment } from "./environment";
import { ExclusiveOptions, exclusiveRun } from "./exclusive";
import { Clients, Gateway, sdkClients } from "./gateway";
import { nothingHandled, ReconcileFailed } from "./outcome";
import { reconcile, summarize, teardown } from "./reconcile";
import { BatchResponse, SqsEvent, isQueueEvent, runQueue } from "./queueRun";
import { clusterEventEntries } from "./clusterEvents";
import { scheduleExists } from "./schedule";
import { Call } from "./stateObject";
import { Clock, DEFAULT_RETRY, realClock, withRetry } from "./timing";
import { ReconcileResult } from "./types";
import { errorText } from "../../common/errors";

export interface HandlerDeps {
    clients: Clients;
    clock: Clock;
    logger: Logger;
    metrics: Metrics;
    env: LambdaEnvironment;
    /** Per-attempt timeout and attempts of the onboarding confirmation. */
    confirmation?: { timeoutMs: number; attempts: number };
    /** The run lease's timing (exclusive.ts has the defaults). */
    lease?: ExclusiveOptions;
}

export interface RunSummary extends ReconcileResult {
    /** Absent when the run found no cluster to confirm, or was a teardown. */
    confirmation?: ConfirmOutcome;
    /** Why the run changed nothing on purpose: another run held the lease, or a replaced Invocation was deleted. */
    skipped?: string;
}

/** How long a deploy-time run retries AccessDenied: its role's policy was written seconds before. */
export const IAM_PROPAGATION_MS = 60_000;

/** The CRUD lifecycle key that aws.lambda.Invocation adds to the payload. */
export function lifecycleAction(event: unknown): "create" | "update" | "delete" | undefined {
    const action = (event as { tf?: { action?: string } } | undefined)?.tf?.action;
    return action === "create" || action === "update" || action === "delete" ? action : undefined;
}

/**
 * The clusters whose Pod Identity association the program registers in this deploy (the Invocation's `handover`);
 * a deploy-time run without one hands nothing over but still looks at associations (identityMode may have changed).
 */
export function handoverOf(event: unknown): string[] {
    const handover = (event as { handover?: unknown } | undefined)?.handover;
    return Array.isArray(handover) ? handover.filter((arn): arn is string => typeof arn === "string") : [];
}

/** The parts of the Lambda context the reconciler uses (the whole object goes to the logger). */
export interface LambdaContext {
    awsRequestId: string;
    functionName: string;
    getRemainingTimeInMillis(): number;
}

/** Kept back from the Lambda's remaining time for the confirmation, the summary and the metrics flush. */
export const RESERVE_MS = 30_000;

export async function run(
    trigger: "deploy" | "schedule",
    event: unknown,
    deps: HandlerDeps,
    context?: LambdaContext,
): Promise<RunSummary> {
    const { env, logger } = deps;
    const started = deps.clock.now();
    const deadline = context ? started + context.getRemainingTimeInMillis() - RESERVE_MS : undefined;
    // Only the deploy-time Invocation speaks for the stack's lifecycle; a scheduled run never tears down.
    const action = trigger === "deploy" ? lifecycleAction(event) : undefined;
    const deleting = action === "delete";
    const accessDeniedUntil = trigger === "deploy" && !deleting ? started + IAM_PROPAGATION_MS : undefined;
    const gateway = new Gateway(deps.clients, deps.clock, { deadline, retry: { ...DEFAULT_RETRY, accessDeniedUntil } });
    logger.info("reconcile starting", {
        trigger,
        action: deleting ? "delete" : "reconcile",
        stackId: env.stackId,
        regions: env.regions,
    });
    // The lease and the deployment record outlive the run's deadline (RESERVE_MS is kept for them too): their own
    // bounded retries, not the gateway's deadline.
    const stateCall: Call = (send, options) =>
        withRetry(send, deps.clock, {
            policy: {
                ...DEFAULT_RETRY,
                attempts: 5,
                accessDeniedUntil: options?.refusalIsAnswer ? undefined : accessDeniedUntil,
            },
        });

    let summary: RunSummary | undefined;
    let failure: unknown;
    try {
        const {
            result,
            skipped,
            failure: reason,
        } = await exclusiveRun(
            trigger,
            action,
            event,
            {
                s3: deps.clients.s3,
                bucket: env.stateBucketName,
                clock: deps.clock,
                call: stateCall,
                log: logger,
                options: deps.lease,
                scheduleExists: () => scheduleExists(deps.clients.events, env.stackName, stateCall),
            },
            {
                reconcile: () =>
                    reconcile(
                        { ...env, handover: trigger === "deploy" ? handoverOf(event) : undefined },
                        gateway,
                        logger,
                    ),
                teardown: () => teardown(env, gateway, logger),
                // The schedule reports trouble in its counts; a deploy that achieved nothing must fail `pulumi up`.
                failure: (result) => (trigger === "deploy" ? nothingHandled(result) : undefined),
            },
        );
        summary = { ...result, skipped };
        if (result.changes) {
            await publish(result.changes, gateway, deps);
        }
        const onboarded = result.results.filter(
            (r) => r.clusterArn && ["created", "updated", "unchanged"].includes(r.outcome),
        );
        if (!deleting && onboarded.length > 0) {
            summary.confirmation = await confirm(
                onboarded.map((r) => r.clusterArn!),
                gateway,
                deps,
            );
        }
        if (reason) {
            throw new ReconcileFailed(reason);
        }
        return summary;
    } catch (error) {
        failure = error;
        throw error;
    } finally {
        report(trigger, summary, gateway, failure, deps.clock.now() - started, deps);
    }
}

/**
 * A scheduled or deploy-time run's cluster events. Not delivered is not a failed run: the watch service's own
 * schedule (and the next run's) catches up.
 */
async function publish(
    changes: NonNullable<RunSummary["changes"]>,
    gateway: Gateway,
    deps: HandlerDeps,
): Promise<void> {
    const entries = clusterEventEntries(deps.env, changes);
    if (entries.length === 0) {
        return;
    }
    try {
        await gateway.putEvents(entries);
        deps.logger.info("cluster events published", { events: entries.length });
    } catch (error) {
        deps.logger.warn("cluster events not published", { events: entries.length, error: errorText(error) });
    }
}

/** A batch from the reconciler queue: targeted reconciles, with the records to retry reported back to Lambda. */
export async function runEvents(event: SqsEvent, deps: HandlerDeps, context?: LambdaContext): Promise<BatchResponse> {
    const started = deps.clock.now();
    const deadline = context ? started + context.getRemainingTimeInMillis() - RESERVE_MS : undefined;
    const gateway = new Gateway(deps.clients, deps.clock, { deadline });
    const stateCall: Call = (send) => withRetry(send, deps.clock, { policy: { ...DEFAULT_RETRY, attempts: 5 } });
    deps.logger.info("reconcile starting", {
        trigger: "event",
        messages: event.Records.length,
        stackId: deps.env.stackId,
    });
    let summary: RunSummary | undefined;
    let failure: unknown;
    try {
        const { response, outcomes, records } = await runQueue(event, {
            env: deps.env,
            gateway,
            s3: deps.clients.s3,
            clock: deps.clock,
            log: deps.logger,
            stateCall,
            lease: deps.lease ? { ...deps.lease, waitMs: deps.lease.waitMs.event } : undefined,
        });
        summary = summarize(
            "reconcile",
            {},
            outcomes.flatMap((o) => ("results" in o ? o.results : [])),
            gateway,
        );
        deps.logger.info("messages handled", { records });
        return response;
    } catch (error) {
        failure = error;
        throw error;
    } finally {
        report("event", summary, gateway, failure, deps.clock.now() - started, deps);
    }
}

/** One summary entry with every count, and the metrics: also when the run failed. */
function report(
    trigger: string,
    summary: RunSummary | undefined,
    gateway: Gateway,
    failure: unknown,
    durationMs: number,
    deps: HandlerDeps,
) {
    const { logger, metrics } = deps;
    try {
        if (summary) {
            metrics.addMetric(
                "ClustersSeen",
                MetricUnit.Count,
                Object.values(summary.regions).reduce((n, r) => n + r.clusters, 0),
            );
            for (const [outcome, count] of Object.entries(summary.counts)) {
                metrics.addMetric(`Roles${outcome[0].toUpperCase()}${outcome.slice(1)}`, MetricUnit.Count, count);
            }
        }
        metrics.addMetric("IamWrites", MetricUnit.Count, gateway.writes);
        metrics.addMetric("AwsCalls", MetricUnit.Count, gateway.calls);
        metrics.addMetric("Throttled", MetricUnit.Count, gateway.throttled);
        metrics.addMetric("RunFailed", MetricUnit.Count, failure === undefined ? 0 : 1);
        metrics.publishStoredMetrics();
    } finally {
        const entry = {
            trigger,
            outcome: failure === undefined ? "succeeded" : "failed",
            error: failure === undefined ? undefined : `${(failure as Error).name}: ${(failure as Error).message}`,
            action: summary?.action,
            counts: summary?.counts,
            regions: summary?.regions,
            calls: gateway.calls,
            writes: gateway.writes,
            throttled: gateway.throttled,
            writeRate: Math.round(gateway.writePacing.rate * 10) / 10,
            durationMs: Math.round(durationMs),
            confirmation: summary?.confirmation,
        };
        if (failure === undefined) {
            logger.info("reconcile finished", entry);
        } else {
            logger.error("reconcile finished", entry);
        }
    }
}

async function confirm(clusterArns: string[], gateway: Gateway, deps: HandlerDeps): Promise<ConfirmOutcome> {
    try {
        const [token, account] = await Promise.all([gateway.secretString(deps.env.tokenSecretArn), gateway.account()]);
        const outcome = await sendConfirmation(
            {
                clusterArns,
                version: deps.env.version,
                stackId: deps.env.stackId,
                stackName: deps.env.stackName,
                region: deps.env.homeRegion,
                accountId: account.accountId,
            },
            {
                apiUrl: deps.env.apiUrl,
                token,
                clock: deps.clock,
                ...(deps.confirmation ?? { timeoutMs: 5_000, attempts: 3 }),
            },
        );
        if (outcome.sent) {
            deps.logger.info("onboarding confirmed", { clusters: clusterArns.length, status: outcome.status });
        } else {
            deps.logger.warn("onboarding confirmation not delivered; the next run tries again", {
                error: outcome.error,
            });
        }
        return outcome;
    } catch (error) {
        const message = errorText(error);
        deps.logger.warn("onboarding confirmation not sent", { error: message });
        return { sent: false, error: message, attempts: 0 };
    }
}

function lambdaDeps(): HandlerDeps {
    const env = readEnvironment(process.env);
    return {
        env,
        clients: sdkClients(env.homeRegion),
        clock: realClock,
        logger: new Logger({ serviceName: "container-insights-reconciler" }),
        metrics: new Metrics({ namespace: "ContainerInsights", serviceName: "container-insights-reconciler" }),
    };
}

/**
 * The entry points over deps made once per execution environment. Plain function handlers, so the Lambda context
 * goes to the logger by hand (what Powertools' injectLambdaContext does): cold start, request id and function name
 * in every log line of the invocation.
 */
export function lambdaHandlers(makeDeps: () => HandlerDeps) {
    let deps: HandlerDeps | undefined;
    const handler = (trigger: "deploy" | "schedule") => async (event: unknown, context: LambdaContext) => {
        deps ??= makeDeps();
        deps.logger.addContext(context);
        deps.metrics.captureColdStartMetric(context.functionName);
        // The management function is the reconciler queue's consumer too.
        if (trigger === "schedule" && isQueueEvent(event)) {
            return runEvents(event, deps, context);
        }
        return run(trigger, event, deps, context);
    };
    return { creationHandler: handler("deploy"), managementHandler: handler("schedule") };
}

export const { creationHandler, managementHandler } = lambdaHandlers(lambdaDeps);
