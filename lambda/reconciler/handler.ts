/**
 * The two Lambda entry points, built from this one file:
 * - creationHandler: run by `aws.lambda.Invocation` (lifecycleScope CRUD) on deploy, update and destroy;
 * - managementHandler: run every two hours by EventBridge.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { MetricUnit, Metrics } from "@aws-lambda-powertools/metrics";
import { sendConfirmation, ConfirmOutcome } from "./confirm";
import { LambdaEnvironment, readEnvironment } from "./environment";
import { Clients, Gateway, sdkClients } from "./gateway";
import { reconcile, teardown } from "./reconcile";
import { Clock, realClock } from "./timing";
import { ReconcileResult } from "./types";

export interface HandlerDeps {
    clients: Clients;
    clock: Clock;
    logger: Logger;
    metrics: Metrics;
    env: LambdaEnvironment;
    /** Per-attempt timeout and attempts of the onboarding confirmation. */
    confirmation?: { timeoutMs: number; attempts: number };
}

export interface RunSummary extends ReconcileResult {
    /** Absent when the run found no cluster to confirm, or was a teardown. */
    confirmation?: ConfirmOutcome;
}

/** The CRUD lifecycle key that aws.lambda.Invocation adds to the payload. */
export function lifecycleAction(event: unknown): "create" | "update" | "delete" | undefined {
    const action = (event as { tf?: { action?: string } } | undefined)?.tf?.action;
    return action === "create" || action === "update" || action === "delete" ? action : undefined;
}

export async function run(trigger: "deploy" | "schedule", event: unknown, deps: HandlerDeps): Promise<RunSummary> {
    const { env, logger, metrics } = deps;
    const gateway = new Gateway(deps.clients, deps.clock);
    const deleting = lifecycleAction(event) === "delete";
    logger.info("reconcile starting", { trigger, action: deleting ? "delete" : "reconcile", stackId: env.stackId, regions: env.regions });

    const result = deleting ? await teardown(env, gateway, logger) : await reconcile(env, gateway, logger);
    const summary: RunSummary = { ...result };

    const onboarded = result.results.filter((r) => r.clusterArn && ["created", "updated", "unchanged"].includes(r.outcome));
    if (!deleting && onboarded.length > 0) {
        summary.confirmation = await confirm(onboarded.map((r) => r.clusterArn!), gateway, deps);
    }

    metrics.addMetric("ClustersSeen", MetricUnit.Count, Object.values(result.regions).reduce((n, r) => n + r.clusters, 0));
    for (const [outcome, count] of Object.entries(result.counts)) {
        metrics.addMetric(`Roles${outcome[0].toUpperCase()}${outcome.slice(1)}`, MetricUnit.Count, count);
    }
    metrics.addMetric("IamWrites", MetricUnit.Count, result.writes);
    metrics.addMetric("AwsCalls", MetricUnit.Count, result.calls);
    metrics.publishStoredMetrics();

    logger.info("reconcile finished", {
        trigger,
        action: result.action,
        counts: result.counts,
        regions: result.regions,
        calls: result.calls,
        writes: result.writes,
        confirmation: summary.confirmation,
    });
    return summary;
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
            { apiUrl: deps.env.apiUrl, token, clock: deps.clock, ...(deps.confirmation ?? { timeoutMs: 5_000, attempts: 3 }) },
        );
        if (outcome.sent) {
            deps.logger.info("onboarding confirmed", { clusters: clusterArns.length, status: outcome.status });
        } else {
            deps.logger.warn("onboarding confirmation not delivered; the next run tries again", { error: outcome.error });
        }
        return outcome;
    } catch (error) {
        const message = `${(error as Error).name}: ${(error as Error).message}`;
        deps.logger.warn("onboarding confirmation not sent", { error: message });
        return { sent: false, error: message, attempts: 0 };
    }
}

let lambdaDeps: HandlerDeps | undefined;

function deps(): HandlerDeps {
    if (!lambdaDeps) {
        const env = readEnvironment(process.env);
        lambdaDeps = {
            env,
            clients: sdkClients(env.homeRegion),
            clock: realClock,
            logger: new Logger({ serviceName: "container-insights-reconciler" }),
            metrics: new Metrics({ namespace: "ContainerInsights", serviceName: "container-insights-reconciler" }),
        };
    }
    return lambdaDeps;
}

export const creationHandler = (event: unknown) => run("deploy", event, deps());
export const managementHandler = (event: unknown) => run("schedule", event, deps());
