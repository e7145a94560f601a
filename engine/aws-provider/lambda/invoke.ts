/**
 * Invoke (RequestResponse) of a function the stand-in deployed: its configuration from the emulator's Lambda API
 * (handler, environment, role, timeout, log group), its code from the function store, run in a child process with
 * the function's environment, credentials of its execution role (STS AssumeRole against the emulator) and the
 * emulator's endpoints. Its output lines go to its log group in the emulator's CloudWatch Logs, as Lambda's do.
 */
import { fork } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { dirname, join } from "node:path";
import { CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { GetFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { Clients } from "../context";
import { FunctionStore } from "./functionStore";
import { RunRequest, RunResponse } from "./runner";

export interface InvokeResult {
    /** The response payload (JSON text), as Lambda returns it. */
    payload: string;
    /** Lambda's FunctionError ("Unhandled") when the function failed. */
    functionError?: string;
}

/** Environment variables a function sees from the emulator side: endpoints and nothing of the caller's own. */
function emulatorEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
    return Object.fromEntries(
        Object.entries(env).filter(
            (entry): entry is [string, string] => entry[0].startsWith("AWS_ENDPOINT_URL") && entry[1] !== undefined,
        ),
    );
}

async function roleCredentials(region: string, roleArn: string, sessionName: string): Promise<Record<string, string>> {
    const sts = new STSClient({ region });
    const { Credentials } = await sts.send(
        new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName.slice(0, 64) }),
    );
    return {
        AWS_ACCESS_KEY_ID: Credentials!.AccessKeyId!,
        AWS_SECRET_ACCESS_KEY: Credentials!.SecretAccessKey!,
        AWS_SESSION_TOKEN: Credentials!.SessionToken!,
    };
}

/** The node_modules holding the AWS SDK v3, which the Lambda Node.js runtime provides to every function. */
function runtimeModules(): string {
    return dirname(dirname(dirname(require.resolve("@aws-sdk/client-s3/package.json"))));
}

function logStreamName(): string {
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, "/");
    return `${day}/[$LATEST]${randomBytes(16).toString("hex")}`;
}

async function shipLogs(
    clients: Clients,
    region: string,
    group: string,
    stream: string,
    lines: string[],
): Promise<void> {
    const logs = clients.logs(region);
    try {
        await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
        const now = Date.now();
        await logs.send(
            new PutLogEventsCommand({
                logGroupName: group,
                logStreamName: stream,
                logEvents: lines.map((message) => ({ timestamp: now, message })),
            }),
        );
    } catch (error) {
        // A missing log group loses the lines, as on Lambda; the run itself is not affected.
        process.stderr.write(`stand-in aws provider: ${group} not written: ${(error as Error).message}\n`);
    }
}

export async function invokeFunction(
    clients: Clients,
    store: FunctionStore,
    request: { region: string; functionName: string; qualifier?: string; payload: string },
): Promise<InvokeResult> {
    const config = await clients
        .lambda(request.region)
        .send(
            new GetFunctionConfigurationCommand({ FunctionName: request.functionName, Qualifier: request.qualifier }),
        );
    const name = config.FunctionName!;
    const stored = await store.find({ accountId: await clients.accountId(), region: request.region, name });
    if (!stored || stored.codeSha256 !== config.CodeSha256) {
        throw new Error(
            `the code of Lambda function ${name} (CodeSha256 ${config.CodeSha256}) is not in ${store.root}`,
        );
    }
    const requestId = randomUUID();
    const timeoutS = config.Timeout ?? 3;
    const logGroup = config.LoggingConfig?.LogGroup ?? `/aws/lambda/${name}`;
    const stream = logStreamName();
    const env: Record<string, string> = {
        PATH: process.env.PATH ?? "",
        NODE_PATH: runtimeModules(),
        LANG: "en_US.UTF-8",
        TZ: ":UTC",
        ...emulatorEnvironment(process.env),
        ...(await roleCredentials(request.region, config.Role!, name)),
        ...(config.Environment?.Variables ?? {}),
        AWS_REGION: request.region,
        AWS_DEFAULT_REGION: request.region,
        AWS_EXECUTION_ENV: `AWS_Lambda_${config.Runtime ?? "nodejs"}`,
        AWS_LAMBDA_FUNCTION_NAME: name,
        AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.MemorySize ?? 128),
        AWS_LAMBDA_LOG_GROUP_NAME: logGroup,
        AWS_LAMBDA_LOG_STREAM_NAME: stream,
        LAMBDA_TASK_ROOT: stored.codeDir,
        _HANDLER: config.Handler ?? "index.handler",
    };
    const deadline = Date.now() + timeoutS * 1000;
    const run: RunRequest = {
        codeDir: stored.codeDir,
        handler: config.Handler ?? "index.handler",
        event: JSON.parse(request.payload),
        context: {
            awsRequestId: requestId,
            functionName: name,
            functionVersion: "$LATEST",
            invokedFunctionArn: config.FunctionArn!,
            memoryLimitInMB: String(config.MemorySize ?? 128),
            logGroupName: logGroup,
            logStreamName: stream,
        },
        deadline,
    };

    const lines = [`START RequestId: ${requestId} Version: $LATEST`];
    const started = Date.now();
    const child = fork(join(__dirname, "runner.ts"), [], {
        execArgv: ["-r", require.resolve("ts-node/register/transpile-only")],
        env: { ...env, TS_NODE_PROJECT: process.env.TS_NODE_PROJECT ?? "" },
        stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    const collect = (chunk: Buffer) => lines.push(...chunk.toString().split("\n").filter(Boolean));
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    const response = await new Promise<RunResponse>((resolve) => {
        const timer = setTimeout(() => {
            child.kill("SIGKILL");
            resolve({
                ok: false,
                error: {
                    errorType: "Sandbox.Timedout",
                    errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutS.toFixed(2)} seconds`,
                    trace: [],
                },
            });
        }, deadline - Date.now());
        child.once("message", (message: RunResponse) => {
            clearTimeout(timer);
            resolve(message);
        });
        // A process that ends without answering crashed; "close" comes after its last IPC message was delivered.
        child.once("close", (code) =>
            setImmediate(() => {
                clearTimeout(timer);
                resolve({
                    ok: false,
                    error: {
                        errorType: "Runtime.ExitError",
                        errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: exit status ${code}`,
                        trace: [],
                    },
                });
            }),
        );
        child.send(run);
    });
    lines.push(`END RequestId: ${requestId}`, `REPORT RequestId: ${requestId}\tDuration: ${Date.now() - started} ms`);
    await shipLogs(clients, request.region, logGroup, stream, lines);
    return response.ok
        ? { payload: JSON.stringify(response.result ?? null) }
        : { payload: JSON.stringify(response.error), functionError: "Unhandled" };
}
