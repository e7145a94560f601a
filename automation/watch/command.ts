/**
 * `container-insights watch --env <prod|uat>`: the long-running service. Reads the watch queue (from --queue-url or
 * the stack's `watchQueueUrl` output), runs `up` after each quiet window, serves /healthz and /metrics, and stops on
 * SIGTERM/SIGINT (exit 0 stopped cleanly, 3 the running up was cancelled, 4 its lock had to be cleared with
 * `pulumi cancel`, 1 failure, 2 bad usage).
 */
import {
    accountFlag,
    durationFlag,
    environmentFlag,
    EnvironmentError,
    parseFlags,
    portFlag,
    UsageProblems,
} from "../cliArgs";
import { InsightsEvent } from "../events";
import { RunRequest } from "../request";
import { StackQueue } from "../queue";
import { requestProblems, stackNameOf } from "../request";
import { resolveBackend } from "../workspace";
import { BackoffSettings, DEFAULT_BACKOFF } from "./backoff";
import { DEFAULT_DEBOUNCE, DebounceSettings, debounceProblems } from "./debounce";
import { SqsWatchQueue, WatchQueue, regionOfQueueUrl } from "./queue";
import { RunnerOptions, stackRunner } from "./runner";
import { serve } from "./server";
import { LogRecord, STOP_EXIT_CODES, UpRunner, WatchClock, WatchService } from "./service";
import type { CommandIo } from "../commandIo";
export { WATCH_DETAILS, WATCH_USAGE } from "./usage";

export const DEFAULT_PORT = 9090;

export interface WatchArguments {
    request: Omit<RunRequest, "action">;
    stackName: string;
    queueUrl?: string;
    debounce: DebounceSettings;
    port: number;
    gracePeriodMs: number;
    cancelTimeoutMs: number;
}

export function parseWatchArguments(args: string[], env: NodeJS.ProcessEnv): WatchArguments {
    const command = "watch";
    const problems = new UsageProblems(command);
    const flags = parseFlags(
        command,
        args,
        {
            values: [
                "env",
                "stack",
                "account",
                "queue-url",
                "quiet-window",
                "max-wait",
                "port",
                "grace-period",
                "cancel-timeout",
            ],
        },
        problems,
    );
    if (flags.positionals.length > 0) {
        problems.add(`unexpected argument ${flags.positionals[0]}`);
    }
    const environment = problems.check(() => environmentFlag(command, flags.values.env));
    const accountId = problems.check(() => accountFlag(command, flags.values.account));
    const queueUrl = flags.values["queue-url"];
    if (queueUrl !== undefined && !regionOfQueueUrl(queueUrl)) {
        problems.add(
            `--queue-url ${JSON.stringify(queueUrl)} is not an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>)`,
        );
    }
    const duration = (name: string, fallbackMs: number) =>
        problems.check(() => durationFlag(command, name, flags.values[name], fallbackMs));
    const quietMs = duration("quiet-window", DEFAULT_DEBOUNCE.quietMs);
    const maxWaitMs = duration("max-wait", DEFAULT_DEBOUNCE.maxWaitMs);
    const port = problems.check(() => portFlag(command, flags.values.port, DEFAULT_PORT));
    const gracePeriodMs = duration("grace-period", 5 * 60_000);
    const cancelTimeoutMs = duration("cancel-timeout", 2 * 60_000);
    const debounce = { quietMs: quietMs ?? 0, maxWaitMs: maxWaitMs ?? 0 };
    if (quietMs !== undefined && maxWaitMs !== undefined) {
        if (flags.values["max-wait"] === undefined) {
            debounce.maxWaitMs = Math.max(debounce.maxWaitMs, debounce.quietMs);
        }
        const debounceProblemList = debounceProblems(debounce);
        if (debounceProblemList.length > 0) {
            problems.add(`--max-wait: ${debounceProblemList.join("; ")}`);
        }
    }
    const request: Omit<RunRequest, "action"> = {
        environment: environment ?? "",
        ...(flags.values.stack ? { stackName: flags.values.stack } : {}),
        ...(accountId ? { accountId } : {}),
        secrets: {
            ...(env.CONTAINER_INSIGHTS_TOKEN ? { token: env.CONTAINER_INSIGHTS_TOKEN } : {}),
            ...(env.CONTAINER_INSIGHTS_EXTERNAL_ID ? { externalId: env.CONTAINER_INSIGHTS_EXTERNAL_ID } : {}),
        },
    };
    if (environment !== undefined) {
        for (const problem of requestProblems({ ...request, action: "up" })) {
            problems.add(problem);
        }
    }
    problems.throwIfAny();
    return {
        request,
        stackName: stackNameOf({ ...request, action: "up" }),
        ...(queueUrl ? { queueUrl } : {}),
        debounce,
        port: port!,
        gracePeriodMs: gracePeriodMs!,
        cancelTimeoutMs: cancelTimeoutMs!,
    };
}

export interface WatchIo extends CommandIo {
    /** Registers the stop handler for SIGTERM and SIGINT (each signal calls it). */
    onStop?: (handler: () => void) => void;
    /** The stack's outputs, to find watchQueueUrl; default: opened with the Automation API. */
    stackOutput?: (stackName: string, key: string) => Promise<unknown>;
    /** Test seams. */
    queue?: (url: string) => WatchQueue;
    runner?: UpRunner;
    clock?: WatchClock;
    runnerOptions?: RunnerOptions;
    backoff?: BackoffSettings;
    onListening?: (port: number) => void;
}

const realClock: WatchClock = {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

async function defaultStackOutput(stackName: string, key: string, env: NodeJS.ProcessEnv): Promise<unknown> {
    const { openLocalStack } = await import("../workspace");
    const { stack } = await openLocalStack(stackName, { backend: resolveBackend(env), existingOnly: true });
    return (await stack.outputs())[key]?.value;
}

export async function runWatch(args: string[], io: WatchIo): Promise<number> {
    const parsed = parseWatchArguments(args, io.env);
    const log = (record: LogRecord) =>
        io.out(JSON.stringify({ time: new Date((io.clock ?? realClock).now()).toISOString(), ...record }));
    let queueUrl = parsed.queueUrl;
    if (queueUrl === undefined) {
        const value = await (io.stackOutput ?? ((s, k) => defaultStackOutput(s, k, io.env)))(
            parsed.stackName,
            "watchQueueUrl",
        );
        if (typeof value !== "string" || !regionOfQueueUrl(value)) {
            throw new EnvironmentError(
                `stack ${parsed.stackName} has no watchQueueUrl output (${JSON.stringify(value ?? null)}): deploy it with events.enabled true, or pass --queue-url`,
            );
        }
        queueUrl = value;
    }
    const onEvent = (event: InsightsEvent) => {
        if (event.type === "diagnostic" && event.severity === "error") {
            log({ level: "error", msg: "engine diagnostic", message: event.message, urn: event.urn });
        }
    };
    const runner =
        io.runner ??
        stackRunner(parsed.request, {
            backend: resolveBackend(io.env),
            onEvent,
            queue: new StackQueue(),
            ...io.runnerOptions,
        });
    const service = new WatchService(
        {
            stackName: parsed.stackName,
            debounce: parsed.debounce,
            backoff: io.backoff ?? DEFAULT_BACKOFF,
            gracePeriodMs: parsed.gracePeriodMs,
            cancelTimeoutMs: parsed.cancelTimeoutMs,
        },
        { queue: (io.queue ?? ((url) => new SqsWatchQueue(url)))(queueUrl), runner, clock: io.clock ?? realClock, log },
    );
    const server = await serve(service, parsed.port);
    const address = server.address();
    io.onListening?.(typeof address === "object" && address ? address.port : parsed.port);
    log({
        level: "info",
        msg: "watching",
        stack: parsed.stackName,
        queueUrl,
        port: parsed.port,
        quietWindowMs: parsed.debounce.quietMs,
        maxWaitMs: parsed.debounce.maxWaitMs,
    });
    const stopped = new Promise<number>((resolve) =>
        io.onStop?.(() => void service.stop().then((outcome) => resolve(STOP_EXIT_CODES[outcome]))),
    );
    try {
        const failed = service.start().then(
            () => undefined,
            (error: unknown) => error,
        );
        const first = await Promise.race([stopped.then((code) => ({ code })), failed.then((error) => ({ error }))]);
        if ("error" in first && first.error !== undefined) {
            io.err(
                `container-insights: watch failed: ${(first.error as Error).name}: ${(first.error as Error).message}`,
            );
            await service.stop();
            return 1;
        }
        return "code" in first ? first.code : await stopped;
    } finally {
        await new Promise((resolve) => server.close(resolve));
    }
}
