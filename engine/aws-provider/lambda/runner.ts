/**
 * The child process one function invocation runs in (lambda/invoke.ts forks it): loads the handler module from the
 * function's code directory, calls it with the event and a Lambda-like context, and sends back the result or the
 * error in the shape the Node.js runtime reports (errorType, errorMessage, trace).
 */
import { join } from "node:path";

export interface RunRequest {
    codeDir: string;
    /** `<module path>.<export>`, e.g. index.creationHandler. */
    handler: string;
    event: unknown;
    context: {
        awsRequestId: string;
        functionName: string;
        functionVersion: string;
        invokedFunctionArn: string;
        memoryLimitInMB: string;
        logGroupName: string;
        logStreamName: string;
    };
    /** Epoch milliseconds at which the function times out. */
    deadline: number;
}

export type RunResponse =
    { ok: true; result: unknown } | { ok: false; error: { errorType: string; errorMessage: string; trace: string[] } };

type Handler = (event: unknown, context: unknown, callback?: (error: unknown, result?: unknown) => void) => unknown;

async function run(request: RunRequest): Promise<unknown> {
    const dot = request.handler.lastIndexOf(".");
    const module = (await import(join(request.codeDir, request.handler.slice(0, dot)))) as Record<string, Handler>;
    const handler = module[request.handler.slice(dot + 1)];
    if (typeof handler !== "function") {
        throw Object.assign(new Error(`${request.handler} is undefined or not exported`), {
            name: "Runtime.HandlerNotFound",
        });
    }
    const context = { ...request.context, getRemainingTimeInMillis: () => Math.max(0, request.deadline - Date.now()) };
    return new Promise((resolve, reject) => {
        const returned = handler(request.event, context, (error, result) => (error ? reject(error) : resolve(result)));
        if (returned && typeof (returned as Promise<unknown>).then === "function") {
            (returned as Promise<unknown>).then(resolve, reject);
        }
    });
}

/** The error as the runtime reports it, its trace without this runner's own frames. */
function errorPayload(error: unknown): Extract<RunResponse, { ok: false }>["error"] {
    const e = error instanceof Error ? error : new Error(String(error));
    const frames = (e.stack ?? "").split("\n");
    const own = frames.findIndex((line) => line.includes(__filename));
    return { errorType: e.name || "Error", errorMessage: e.message, trace: own > 0 ? frames.slice(0, own) : frames };
}

process.once("message", (request: RunRequest) => {
    run(request).then(
        (result) => process.send!({ ok: true, result } satisfies RunResponse, () => process.exit(0)),
        (error) =>
            process.send!({ ok: false, error: errorPayload(error) } satisfies RunResponse, () => process.exit(0)),
    );
});
