/**
 * Runs the program under Pulumi's mocks (no engine, no provider, no AWS): every resource it would register, with
 * the component it belongs to, and every warning it logs. The invokes about the fleet are answered from a fleet
 * description (fleet.ts); anything else the program reads from AWS is left out, as ProgramOptions allows.
 */
import * as pulumi from "@pulumi/pulumi";
import { languageHostConfig } from "../../config/pulumiConfigReplay";
import { ProgramConfig } from "../../config/stackFile";
import { AddonReads } from "../../components/addons";
import { addonReads } from "../../components/addons/awsReads";
import { Fleet, answerFleet, fleetAwsReads, fromEngine } from "./fleet";
import { mockState } from "./mockState";

export interface PlannedResource {
    type: string;
    name: string;
    /** The component it belongs to, as `<type>::<name>`; null at the top of the stack. */
    parent: string | null;
}

export interface MockRun {
    resources: PlannedResource[];
    warnings: string[];
    errors: string[];
}

export interface MockRunOptions {
    project: string;
    stack: string;
    config: ProgramConfig;
    fleet: Fleet;
    accountId: string;
    /**
     * Builds the program once the mocks and config are in place (imported lazily by the caller), with the add-ons'
     * reads answered from the fleet.
     */
    build: (reads: AddonReads) => Promise<unknown>;
}

const label = (type: string, name: string) => `${type}::${name}`;
const RUNTIME_PREFIX = /^(warning|error): \[runtime\] /;

export async function runUnderMocks(options: MockRunOptions): Promise<MockRun> {
    const registered: Array<{ type: string; name: string }> = [];
    const labels = new WeakMap<pulumi.Resource, string>();
    const parents = new Map<string, string | null>();
    const warnings: string[] = [];
    const errors: string[] = [];
    const account = { accountId: options.accountId, stackId: `${options.project}/${options.stack}` };

    pulumi.runtime.setAllConfig(languageHostConfig(options.config.config), options.config.secretKeys);
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                registered.push({ type: args.type, name: args.name });
                const state = mockState(args.type, args.name, args.inputs, {
                    accountId: options.accountId,
                    previousOutputs: {},
                });
                return { id: args.id || `${args.name}-id`, state };
            },
            call: (args) => {
                if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") {
                    const arn = `arn:aws:iam::${options.accountId}:user/planner`;
                    return { accountId: options.accountId, arn, userId: "AIDAPLAN" };
                }
                const answer = fromEngine(args.token, () =>
                    answerFleet(options.fleet, account, args.token, args.inputs),
                );
                if (answer === undefined) {
                    throw new Error(`a plan cannot answer ${args.token}`);
                }
                return answer;
            },
        },
        options.project,
        options.stack,
        false,
        "organization",
    );

    const console_ = { warn: console.warn, error: console.error, log: console.log };
    const capture =
        (into: string[]) =>
        (...parts: unknown[]) => {
            into.push(parts.map(String).join(" ").replace(RUNTIME_PREFIX, ""));
        };
    console.warn = capture(warnings);
    console.error = capture(errors);
    console.log = () => undefined;
    try {
        await pulumi.runtime.runInPulumiStack(async () => {
            pulumi.runtime.registerStackTransformation((args) => {
                const own = label(args.type, args.name);
                labels.set(args.resource, own);
                parents.set(own, args.opts.parent ? (labels.get(args.opts.parent) ?? null) : null);
                return undefined;
            });
            await options.build(addonReads(fleetAwsReads(options.fleet)));
            return {};
        });
        await pulumi.runtime.disconnect();
    } finally {
        Object.assign(console, console_);
    }
    const resources = registered
        .filter((r) => r.type !== "pulumi:pulumi:Stack")
        .map((r) => ({ ...r, parent: parents.get(label(r.type, r.name)) ?? null }));
    return { resources, warnings, errors };
}
