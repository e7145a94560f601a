/**
 * runStack: preview, up, refresh or destroy one stack for a service, with the policy pack, typed progress events,
 * one operation per stack at a time, and typed errors.
 */
import { CommandError, EngineEvent, OpMap } from "@pulumi/pulumi/automation";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { CancelledError, OperationFailedError, PolicyViolationError } from "./errors";
import { withOperationConfig } from "./operationConfig";
import { InsightsEvent, PolicyViolation, toInsightsEvent } from "./events";
import { StackOutput, toStackOutputs } from "./outputs";
import { StackQueue } from "./queue";
import {
    environmentOf,
    requestedConfig,
    RunRequest,
    StackConfigValue,
    stackNameOf,
    validateRequest,
    validateStackConfig,
} from "./request";
import { DEFAULT_LOCK_RETRY, LockRetry, retryWhileLocked } from "./retry";
import { OpenedStack, openLocalStack, PROJECT_DIR, StackHandle, WorkspaceOptions } from "./workspace";

export interface RunOptions extends WorkspaceOptions {
    /** Progress: every typed event as it happens. A callback that throws is ignored, never fatal. */
    onEvent?: (event: InsightsEvent) => void;
    /** Cancels the operation (the engine stops gracefully) or a wait for the stack's turn. */
    signal?: AbortSignal;
    /** The pack applied on preview and up; default `<projectDir>/policies`; false for none. */
    policyPack?: string | false;
    /** Its config file; default `<projectDir>/policies/config.<stack>.json` when that exists. */
    policyPackConfig?: string;
    /** Waiting out another process's lock on the stack. */
    lockRetry?: LockRetry;
    /** Per-stack queue; default: one shared by the whole process. */
    queue?: StackQueue;
    /** Opens the stack; default: LocalWorkspace (see workspace.ts). Tests pass their own. */
    openStack?: (stackName: string, options: WorkspaceOptions) => Promise<OpenedStack>;
}

export interface RunResult {
    action: RunRequest["action"];
    stackName: string;
    environment: string;
    /** Resources per operation (create, update, same, delete…). */
    changes: OpMap;
    /** The stack's outputs after the action (before it, for preview); secret values stay wrapped. */
    outputs: Record<string, StackOutput>;
    /** Every violation the pack reported, advisory ones included. */
    policyViolations: PolicyViolation[];
}

const processQueue = new StackQueue();

function policyArguments(stackName: string, options: RunOptions) {
    if (options.policyPack === false || (options.program && options.policyPack === undefined)) {
        return {};
    }
    const projectDir = resolve(options.projectDir ?? PROJECT_DIR);
    const pack = options.policyPack ?? join(projectDir, "policies");
    const stackConfig = join(projectDir, "policies", `config.${stackName}.json`);
    const config = options.policyPackConfig ?? (existsSync(stackConfig) ? stackConfig : undefined);
    return { policyPacks: [pack], ...(config ? { policyPackConfigs: [config] } : {}) };
}

async function perform(
    stack: StackHandle,
    request: RunRequest,
    options: RunOptions,
    configFile: string,
    onEvent: (e: EngineEvent) => void,
) {
    const common = { onEvent, signal: options.signal, color: "never" as const, configFile };
    switch (request.action) {
        case "preview": {
            const result = await stack.preview({ ...common, ...policyArguments(stack.name, options) });
            return { changes: result.changeSummary, outputs: await stack.outputs() };
        }
        case "up": {
            const result = await stack.up({ ...common, ...policyArguments(stack.name, options) });
            return { changes: result.summary.resourceChanges ?? {}, outputs: result.outputs };
        }
        case "refresh": {
            const result = await stack.refresh(common);
            return { changes: result.summary.resourceChanges ?? {}, outputs: await stack.outputs() };
        }
        case "destroy": {
            const result = await stack.destroy(common);
            return { changes: result.summary.resourceChanges ?? {}, outputs: {} };
        }
    }
}

async function runQueued(
    request: RunRequest,
    requested: Record<string, StackConfigValue>,
    { stack, configFiles }: OpenedStack,
    options: RunOptions,
): Promise<RunResult> {
    const stackName = stack.name;
    validateStackConfig(request.action, await stack.getAllConfig(), requested, stackName);

    const violations: PolicyViolation[] = [];
    const errors: string[] = [];
    const onEngineEvent = (engineEvent: EngineEvent) => {
        const event = toInsightsEvent(engineEvent);
        if (!event) {
            return;
        }
        if (event.type === "policy-violation") {
            const { type: _type, ...violation } = event;
            violations.push(violation);
        } else if (event.type === "diagnostic" && event.severity === "error") {
            errors.push(event.message);
        }
        try {
            options.onEvent?.(event);
        } catch {
            // A progress callback must not break the update it reports on.
        }
    };

    try {
        // The engine runs with a private copy of the stack's config plus the request's (operationConfig.ts); only a
        // successful up writes the request's config (--path: dotted keys are fields of object keys) to the stack.
        const outcome = await withOperationConfig(configFiles, requested, (configFile) =>
            retryWhileLocked(
                stackName,
                () => perform(stack, request, options, configFile, onEngineEvent),
                options.lockRetry ?? DEFAULT_LOCK_RETRY,
                options.signal,
            ),
        );
        if (request.action === "up") {
            await stack.setAllConfig(requested, true);
        }
        return {
            action: request.action,
            stackName,
            environment: environmentOf(request),
            changes: outcome.changes,
            outputs: toStackOutputs(outcome.outputs),
            policyViolations: violations,
        };
    } catch (error) {
        if (options.signal?.aborted) {
            throw new CancelledError(stackName, error);
        }
        if (violations.some((v) => v.level === "mandatory")) {
            throw new PolicyViolationError(stackName, violations, error);
        }
        if (error instanceof CommandError) {
            throw new OperationFailedError(stackName, request.action, errors, error);
        }
        throw error;
    }
}

/**
 * Runs one action on one stack. Request errors (environment, token, config) are thrown before any engine starts, the
 * request's own ones (every one together) before the Pulumi CLI is looked for;
 * operations on one stack wait their turn, operations on different stacks run at once.
 */
export async function runStack(request: RunRequest, options: RunOptions = {}): Promise<RunResult> {
    // The whole request, every problem together, before anything looks for the Pulumi CLI or opens a stack.
    validateRequest(request);
    const stackName = stackNameOf(request);
    const requested = requestedConfig(request);
    if (options.signal?.aborted) {
        throw new CancelledError(stackName);
    }
    const opened = await (options.openStack ?? openLocalStack)(stackName, options);
    const queue = options.queue ?? processQueue;
    return queue.run(`${opened.backendKey}::${stackName}`, async () => {
        if (options.signal?.aborted) {
            throw new CancelledError(stackName);
        }
        return runQueued(request, requested, opened, options);
    });
}
