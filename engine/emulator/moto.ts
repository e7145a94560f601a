/**
 * moto (PyPI `moto[server]`) in server mode on a free 127.0.0.1 port: the AWS emulator the engine tier runs against.
 *
 * - The port is moto's own choice (`-p 0`), read from the line werkzeug prints when it listens: no race with another
 *   process picking the same free port.
 * - moto_server is a Python console script; its interpreter runs moto's `main` with a watchdog thread that exits when
 *   the server's stdin closes. The parent holds that pipe, so moto ends with its parent even when the parent is killed
 *   outright (SIGKILL, a crashed test runner): no orphan process, whatever happens to the caller.
 * - Lambda runs without Docker (`{"lambda": {"use_docker": false}}` through moto's /moto-api/config): Invoke answers
 *   with moto's canned reply instead of trying to start a container.
 * - Bucket policy conditions are evaluated as AWS does (POLICY_CONDITIONS); the SDK's short JSON targets route
 *   (JSON_TARGETS).
 */
import { ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { enginePaths, executable, findOnPath } from "../paths";

/** How long moto may take to import and listen (a cold start on a busy 2-core machine takes a few seconds). */
const START_TIMEOUT_MS = 60_000;
/** How long a stop waits for moto to exit before it is killed. */
const STOP_TIMEOUT_MS = 5_000;

/**
 * Policy conditions as AWS evaluates them, where moto 5.2.6 does not (moto/iam/access_control.py and
 * policy_conditions.py): moto evaluates a bucket policy without a request context, skips the operators it does not
 * know (Bool among them) as if they held, and answers a statement whose condition does not hold with an explicit
 * deny. So the TLS-only statement every bucket of the stack carries (Deny s3:* when aws:SecureTransport is "false")
 * denied every request, the reconciler's lease included. Here a statement whose condition does not hold does not
 * apply (AWS's rule), Bool is evaluated, and every request is one over TLS (aws:SecureTransport "true"): the tier's
 * clients are AWS SDKs, which AWS only ever sees over HTTPS.
 */
const POLICY_CONDITIONS = [
    "from moto.iam import access_control, policy_conditions",
    "def bool_equals(expected, actual):",
    "    wanted = expected if isinstance(expected, list) else [expected]",
    "    return str(actual).lower() in [str(w).lower() for w in wanted]",
    "policy_conditions.CONDITION_OPERATIONS['Bool'] = bool_equals",
    "statement_is_action_permitted = access_control.IAMPolicyStatement.is_action_permitted",
    "def is_action_permitted(self, action, resource='*', principal=None, incoming_condition_values=None):",
    "    values = {'aws:SecureTransport': 'true', **(incoming_condition_values or {})}",
    "    if self._statement.get('Condition') and not self._check_conditions(values):",
    "        return access_control.PermissionResult.NEUTRAL",
    "    return statement_is_action_permitted(self, action, resource, principal, values)",
    "access_control.IAMPolicyStatement.is_action_permitted = is_action_permitted",
];

/**
 * JSON-protocol targets as the current AWS SDKs send them: moto 5.2.6's service models carry the old, longer target
 * prefix of some services (CloudTrail: com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101), while the SDK sends
 * the short one (CloudTrail_20131101.DescribeTrails), which moto's router answered with a 404. A target that is the
 * tail of a known one routes to that operation.
 */
const JSON_TARGETS = [
    "from moto.core import routing",
    "json_match = routing.JSONRouter._match",
    "def match_target(self, request):",
    "    operation, params = json_match(self, request)",
    "    target = request.headers.get('X-Amz-Target', '')",
    "    if operation is None and target:",
    "        operation = next((op for full, op in self._operations_by_target.items() if full.endswith('.' + target)), None)",
    "    return operation, params",
    "routing.JSONRouter._match = match_target",
];

/** The Python run by moto_server's interpreter: moto's own `main`, ended by EOF on stdin (the parent is gone). */
const WATCHDOG = [
    "import os, sys, threading",
    "from moto.server import main",
    ...POLICY_CONDITIONS,
    ...JSON_TARGETS,
    "def watch():",
    "    sys.stdin.buffer.read()",
    "    os._exit(0)",
    "threading.Thread(target=watch, daemon=True).start()",
    "main(sys.argv[1:])",
].join("\n");

export interface MotoOptions {
    /** The moto_server script; by default the engine tier's venv, else PATH (findMotoServer). */
    command?: string;
    /** The account moto answers as (MOTO_ACCOUNT_ID); moto's default is 123456789012. */
    accountId?: string;
    /**
     * Requests moto serves before it authorizes every call against IAM (its INITIAL_NO_AUTH_ACTION_COUNT): time to
     * create the users, keys and policies a test then calls with. Unset, moto never authorizes.
     */
    iamEnforcementAfter?: number;
    /** Receives moto's output (its access log), line by line; dropped when absent. */
    log?: (line: string) => void;
}

export interface MotoServer {
    /** `http://127.0.0.1:<port>`. */
    readonly endpoint: string;
    readonly pid: number;
    /** Ends moto and waits until the process is gone; a second call does nothing. */
    stop(): Promise<void>;
}

/** The moto_server to run: the engine tier's venv (`npm run engine:setup`), else the first on PATH; undefined if none. */
export function findMotoServer(): string | undefined {
    const { motoServer } = enginePaths();
    return executable(motoServer) ? motoServer : findOnPath("moto_server");
}

/** The interpreter line of a console script (`#!/venv/bin/python3`, `#!/usr/bin/env python3`), as argv words. */
export function interpreterOf(script: string): string[] {
    const firstLine = readFileSync(script, "utf8").split("\n", 1)[0];
    if (!firstLine.startsWith("#!") || !/python/.test(firstLine)) {
        throw new Error(`${script} is not a Python console script (its first line is ${JSON.stringify(firstLine)})`);
    }
    return firstLine.slice(2).trim().split(/\s+/);
}

/** The port werkzeug reports in its " * Running on http://127.0.0.1:<port>" line, when `text` holds it. */
export function listeningPort(text: string): number | undefined {
    const match = /Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(text);
    return match ? Number(match[1]) : undefined;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
    if (child.exitCode !== null || child.signalCode !== null) {
        return Promise.resolve(true);
    }
    return new Promise((resolveExit) => {
        const timer = setTimeout(() => resolveExit(false), timeoutMs);
        child.once("exit", () => {
            clearTimeout(timer);
            resolveExit(true);
        });
    });
}

/** EOF on stdin first (the watchdog exits at once; SIGTERM makes Python wind down for seconds), then signals. */
async function stopChild(child: ChildProcess): Promise<void> {
    child.stdin?.end();
    for (const signal of ["SIGTERM", "SIGKILL"] as const) {
        if (await waitForExit(child, STOP_TIMEOUT_MS)) {
            return;
        }
        child.kill(signal);
    }
    await waitForExit(child, STOP_TIMEOUT_MS);
}

/** Starts moto and resolves once it answers; on any failure the process is gone and the error holds its output. */
export async function startMoto(options: MotoOptions = {}): Promise<MotoServer> {
    const command = options.command ?? findMotoServer();
    if (!command) {
        throw new Error(`moto_server not found (${enginePaths().motoServer}, PATH): run \`npm run engine:setup\``);
    }
    const [interpreter, ...interpreterArgs] = interpreterOf(command);
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONUNBUFFERED: "1" };
    if (options.accountId) {
        env.MOTO_ACCOUNT_ID = options.accountId;
    }
    if (options.iamEnforcementAfter !== undefined) {
        env.INITIAL_NO_AUTH_ACTION_COUNT = String(options.iamEnforcementAfter);
    }
    const child = spawn(interpreter, [...interpreterArgs, "-c", WATCHDOG, "-H", "127.0.0.1", "-p", "0"], {
        env,
        stdio: ["pipe", "pipe", "pipe"],
    });
    let output = "";
    let pending = "";
    const onOutput = (chunk: Buffer) => {
        const text = chunk.toString();
        output = (output + text).slice(-20_000);
        pending += text;
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        lines.forEach((line) => options.log?.(line));
    };
    child.stdout!.on("data", onOutput);
    child.stderr!.on("data", onOutput);

    try {
        const port = await new Promise<number>((resolvePort, reject) => {
            const timer = setTimeout(
                () => reject(new Error(`moto did not listen within ${START_TIMEOUT_MS / 1000} s`)),
                START_TIMEOUT_MS,
            );
            const check = () => {
                const found = listeningPort(output);
                if (found !== undefined) {
                    clearTimeout(timer);
                    resolvePort(found);
                }
            };
            child.stdout!.on("data", check);
            child.stderr!.on("data", check);
            child.once("error", (error) => {
                clearTimeout(timer);
                reject(new Error(`${interpreter} could not be started: ${error.message}`));
            });
            child.once("exit", (code, signal) => {
                clearTimeout(timer);
                reject(new Error(`moto exited before it listened (${signal ?? `exit ${code}`})`));
            });
        });
        const endpoint = `http://127.0.0.1:${port}`;
        // Also the proof that moto answers HTTP, not only that werkzeug bound the port.
        const configured = await fetch(`${endpoint}/moto-api/config`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ lambda: { use_docker: false } }),
        });
        if (!configured.ok) {
            throw new Error(`moto's /moto-api/config answered ${configured.status}: ${await configured.text()}`);
        }
        let stopping: Promise<void> | undefined;
        return {
            endpoint,
            pid: child.pid!,
            stop: () => (stopping ??= stopChild(child)),
        };
    } catch (error) {
        await stopChild(child);
        throw new Error(`${(error as Error).message}\n${command} said:\n${output.trim()}`);
    }
}
