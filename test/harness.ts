/** Runs the program under Pulumi mocks and records every registered resource, invoke and output. */
import * as pulumi from "@pulumi/pulumi";
import { loadSettings } from "../config";
import { ProgramOptions, createContainerInsights } from "../program";
import { ConfigMap, configSet } from "../config/pulumiConfigReplay";
import { PROJECT, configForProgram, handToRuntime } from "./cliReplay";
import { ImageLock } from "../images/lock";
import { testImageLock } from "./fakes/imageLock";
import { Fleet, answerFleet, fleetAwsReads, fromEngine } from "../automation/plan/fleet";
import { addonReads } from "../components/addons/awsReads";
import { mockState } from "../automation/plan/mockState";

export { Fleet, FleetCluster, FleetSubnet, fleetAwsReads, invokeError, subnetsOf } from "../automation/plan/fleet";

import { fakeStateBucketName } from "./fakes/awsAccount";

export const ACCOUNT_ID = "111122223333";
/** The state bucket the program's mocks name (bucketPrefix plus a fixed suffix). */
export const STATE_BUCKET_NAME = fakeStateBucketName(ACCOUNT_ID);
/** The fleet's account; a cluster's `performanceLogGroup: "ours"` is tagged by the stack "prod". */
const FLEET_ACCOUNT = { accountId: ACCOUNT_ID, stackId: "container-insights/prod" };

/** Seventeen regions, for fleets spread over many regions (the unit suite's small fleet and bench:program's large one). */
export const FLEET_REGIONS = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "sa-east-1",
    "me-south-1",
];

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export interface Registration {
    type: string;
    name: string;
    /** Inputs as the engine received them: secret values still wrapped in Pulumi's secret envelope. */
    inputs: Record<string, unknown>;
    /** The mocked id and state (inputs plus the outputs the mocks compute, such as a bucket's ARN). */
    id: string;
    state: Record<string, unknown>;
    /** The `import` option's ID, when the resource is imported. */
    importId?: string;
}

export interface Invoke {
    token: string;
    inputs: Record<string, unknown>;
}

export interface RunOptions {
    stack?: string;
    /** Clusters per region for the discovery invokes; none by default. */
    fleet?: Fleet;
    /** An in-process stack transformation, to look at resource options (dependsOn) that mocks do not show. */
    transformation?: pulumi.ResourceTransformation;
    /** The stack's aws:region; `null` leaves it unset. */
    awsRegion?: string | null;
    /** The config exactly as the language host hands it over (test/cliReplay.ts); replaces the `config` argument. */
    received?: { config: Record<string, string>; secretKeys: string[] };
    /** Answers (or fails, by throwing) invokes other than getCallerIdentity before the fleet does; undefined for "not mine". */
    call?: (invoke: Invoke) => Record<string, unknown> | undefined;
    /** The stack's outputs from its last deploy, as a StackReference to itself reads them. */
    previousOutputs?: Record<string, unknown>;
    /** The images lock the program pins from; every catalog image at its default tag (test/fakes/imageLock.ts) by default. */
    imageLock?: ImageLock;
    /** What the program reads besides invokes (the account's existing bucket and user; the clusters' Fargate profiles, from `fleet` by default; the account's trails). */
    deps?: Pick<ProgramOptions, "existing" | "fargateProfiles" | "trails">;
}

export interface ProgramRun {
    resources: Registration[];
    invokes: Invoke[];
    /** What the run logged as warnings (pulumi.log.warn, the program's and the SDK's), in order, without the `warning: [runtime]` prefix. */
    warnings: string[];
    outputs: Record<string, { value: unknown; secret: boolean }>;
    ofType(type: string): Registration[];
    /** The one resource of this type (and name, when given); throws when there is none or more than one. */
    one(type: string, name?: string): Registration;
}

/** Config for a valid stack; tests override what they are about. */
export function baseConfig(): Record<string, string> {
    return {
        roleName: "NopsIntegrationRole",
        token: "tok-SECRET-123",
        externalId: "ext-id-SECRET-456",
        datadogApiKey: "dd-SECRET-789",
    };
}

export const SECRET_KEYS = ["token", "externalId", "datadogApiKey", "karpenopsApiKey"];

export function isSecretEnvelope(value: unknown): value is { value: unknown } {
    return (
        typeof value === "object" && value !== null && (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG
    );
}

/** Drops the secret envelopes, for asserting on values. */
export function unwrap(value: unknown): unknown {
    if (isSecretEnvelope(value)) {
        return unwrap(value.value);
    }
    if (Array.isArray(value)) {
        return value.map(unwrap);
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v)]));
    }
    return value;
}

/** Every string reachable without opening a secret envelope. */
export function plaintextStrings(value: unknown): string[] {
    if (isSecretEnvelope(value)) {
        return [];
    }
    if (typeof value === "string") {
        return [value];
    }
    if (Array.isArray(value)) {
        return value.flatMap(plaintextStrings);
    }
    if (typeof value === "object" && value !== null) {
        return Object.entries(value).flatMap(([k, v]) => [k, ...plaintextStrings(v)]);
    }
    return [];
}

/**
 * Hands the program its config the way a real `pulumi up` would: each entry set as by `pulumi config set` (dotted
 * keys such as `agent.karpenops` with --path, the secret keys with --secret), Pulumi.yaml's defaults merged with
 * property-path semantics, and the result passed on as the language host does (config/pulumiConfigReplay/).
 */
function setConfig(config: Record<string, string>, awsRegion: string | null) {
    const stack = new ConfigMap();
    for (const [key, value] of Object.entries(config)) {
        configSet(stack, PROJECT, { key, value, path: key.includes("."), secret: SECRET_KEYS.includes(key) });
    }
    if (awsRegion !== null) {
        configSet(stack, PROJECT, { key: "aws:region", value: awsRegion });
    }
    handToRuntime(configForProgram(stack, { validate: false }));
}

let registrations: Registration[] = [];
let warnings: string[] = [];
let previousOutputs: Record<string, unknown> = {};

/** What the latest run registered, even when it failed. */
export function lastRegistrations(): Registration[] {
    return registrations.filter((r) => r.type !== "pulumi:pulumi:Stack");
}

/** What the latest run warned, even when it failed. */
export function lastWarnings(): string[] {
    return warnings;
}

/** Without an engine, Pulumi's SDK prints each warning as a `warning: [runtime] <message>` line on console.warn. */
const RUNTIME_WARNING = /^warning: \[runtime\] /;

/**
 * Runs `body` with Error stacks off and unmapped. Pulumi's SDK captures a stack for every promise it makes (for its
 * leak report), and under ts-node each capture maps every frame through the source maps: a large share of a program
 * run's CPU. The program's errors keep their messages, which is what the tests check; TEST_STACKS=1 keeps the stacks.
 */
async function withoutStacks<T>(body: () => Promise<T>): Promise<T> {
    if (process.env.TEST_STACKS) {
        return body();
    }
    const limit = Error.stackTraceLimit;
    const mapFrames = Error.prepareStackTrace;
    Error.stackTraceLimit = 0;
    // The SDK still reads a whole stack for each resource's source position (Resource.callsites raises the limit):
    // V8's own formatting, not ts-node's source-map lookups, which the mocks never use.
    (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
    try {
        return await body();
    } finally {
        Error.stackTraceLimit = limit;
        Error.prepareStackTrace = mapFrames;
    }
}

/** Records the runtime's warnings into `into` while `body` runs; other console.warn lines pass through. */
async function recordingWarnings<T>(into: string[], body: () => Promise<T>): Promise<T> {
    const original = console.warn;
    console.warn = (...args: unknown[]) => {
        if (typeof args[0] === "string" && RUNTIME_WARNING.test(args[0])) {
            into.push(args.map(String).join(" ").replace(RUNTIME_WARNING, ""));
        }
        original(...args);
    };
    try {
        return await body();
    } finally {
        console.warn = original;
    }
}

export async function runProgram(config: Record<string, string>, options: RunOptions = {}): Promise<ProgramRun> {
    const resources: Registration[] = [];
    registrations = resources;
    const warned: string[] = [];
    warnings = warned;
    previousOutputs = options.previousOutputs ?? {};
    const invokes: Invoke[] = [];
    if (options.received) {
        handToRuntime(options.received);
    } else {
        setConfig(config, options.awsRegion === undefined ? "us-east-1" : options.awsRegion);
    }
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                const registration = {
                    type: args.type,
                    name: args.name,
                    inputs: args.inputs,
                    id: args.id || `${args.name}-id`,
                    state: mockState(args.type, args.name, args.inputs, {
                        accountId: ACCOUNT_ID,
                        previousOutputs,
                    }),
                    ...(args.id ? { importId: args.id } : {}),
                };
                resources.push(registration);
                return { id: registration.id, state: registration.state };
            },
            call: (args) => {
                invokes.push({ token: args.token, inputs: args.inputs });
                if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") {
                    return { accountId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:user/deployer`, userId: "AIDA" };
                }
                const answer = fromEngine(
                    args.token,
                    () =>
                        options.call?.({ token: args.token, inputs: args.inputs }) ??
                        answerFleet(options.fleet ?? {}, FLEET_ACCOUNT, args.token, args.inputs),
                );
                if (answer === undefined) {
                    throw new Error(`unexpected invoke ${args.token}`);
                }
                return answer;
            },
        },
        "container-insights",
        options.stack ?? "prod",
        false,
        // What the CLI passes for a DIY backend; StackReference names are <organization>/<project>/<stack>.
        "organization",
    );

    const outputs: ProgramRun["outputs"] = {};
    const buildProgram = async () => {
        const programOutputs = (
            await createContainerInsights(loadSettings(), {
                imageLock: options.imageLock ?? testImageLock(),
                ...addonReads(fleetAwsReads(options.fleet ?? {})),
                ...options.deps,
            })
        ).outputs;
        for (const [key, output] of Object.entries(programOutputs)) {
            if (pulumi.Output.isInstance(output)) {
                const value = await new Promise((resolve) => output.apply(resolve));
                outputs[key] = { value, secret: await pulumi.isSecret(output) };
            } else if (output !== undefined) {
                outputs[key] = { value: output, secret: false };
            }
        }
    };
    const transformation = options.transformation;
    await recordingWarnings(warned, () =>
        withoutStacks(async () => {
            if (transformation) {
                // Stack transformations need the root stack resource.
                await pulumi.runtime.runInPulumiStack(async () => {
                    pulumi.runtime.registerStackTransformation(transformation);
                    await buildProgram();
                    return {};
                });
            } else {
                await buildProgram();
            }
            // Registrations that wait on other resources' outputs finish after the outputs above: drain the RPC queue.
            await pulumi.runtime.disconnect();
        }),
    );

    return programRun({
        resources: resources.filter((r) => r.type !== "pulumi:pulumi:Stack"),
        invokes,
        warnings: warned,
        outputs,
    });
}

type RunRecord = Pick<ProgramRun, "resources" | "invokes" | "warnings" | "outputs">;

function programRun(record: RunRecord): ProgramRun {
    const own = record.resources;
    return {
        ...record,
        ofType: (type) => own.filter((r) => r.type === type),
        one: (type, name) => {
            const found = own.filter((r) => r.type === type && (name === undefined || r.name === name));
            if (found.length !== 1) {
                throw new Error(
                    `expected one ${type}${name === undefined ? "" : ` named ${name}`}, found ${found.length}`,
                );
            }
            return found[0];
        },
    };
}

/** Runs already made in this process by sharedRun, by config and options. */
const sharedRuns = new Map<string, RunRecord>();

/**
 * The program's run on this config and these options, made once per test process and shared by the tests that only
 * read it: each caller gets its own deep copy, so one test's changes never reach another. Options must be plain data
 * (no `call`, `transformation` or `deps` functions); a run that fails is not kept. A test that compares two runs of
 * the same input (determinism) must call runProgram twice instead.
 */
export async function sharedRun(config: Record<string, string>, options: RunOptions = {}): Promise<ProgramRun> {
    if (options.call || options.transformation || options.deps) {
        throw new Error("sharedRun takes plain-data options only; use runProgram for calls, transformations and deps");
    }
    const key = JSON.stringify([config, options]);
    let record = sharedRuns.get(key);
    if (!record) {
        const { resources, invokes, warnings, outputs } = await runProgram(config, options);
        record = { resources, invokes, warnings, outputs };
        sharedRuns.set(key, record);
    }
    return programRun(copied(record));
}

/** A deep copy of arrays and plain objects; anything else (a promise among a registration's inputs) is shared. */
function copied<T>(value: T): T {
    if (Array.isArray(value)) {
        return value.map(copied) as T;
    }
    if (typeof value === "object" && value !== null) {
        const prototype = Object.getPrototypeOf(value);
        if (prototype === Object.prototype || prototype === null) {
            return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copied(v)])) as T;
        }
    }
    return value;
}

/** Parses a JSON policy document input. */
export function doc(value: unknown): { Statement: Array<Record<string, any>> } {
    return JSON.parse(unwrap(value) as string);
}
