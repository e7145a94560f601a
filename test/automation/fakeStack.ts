/** A stand-in for a Pulumi Stack: records what runStack asks of it and replays scripted engine events. */
import * as automation from "@pulumi/pulumi/automation";
import { CommandError, ConcurrentUpdateError, EngineEvent, OutputMap } from "@pulumi/pulumi/automation";
import type { OpenedStack, StackHandle } from "../../automation/workspace";

// Exported at run time, though not in the type declarations: what Pulumi's own errors are built from.
const CommandResult = (automation as any).CommandResult as new (stdout: string, stderr: string, code: number) => unknown;

export type Script = (call: { action: string; options: any; emit: (e: EngineEvent) => void }) => Promise<void> | void;

let sequence = 0;
export const event = (body: Omit<EngineEvent, "sequence" | "timestamp">): EngineEvent => ({ sequence: sequence++, timestamp: 0, ...body });

export const lockedError = () =>
    new (ConcurrentUpdateError as any)(new CommandResult("", "error: the stack is currently locked by 1 lock(s)", 255)) as Error;
export const commandError = (stderr: string) => new (CommandError as any)(new CommandResult("", stderr, 255)) as Error;

export class FakeStack {
    config: Record<string, { value: string; secret?: boolean }> = {};
    calls: { action: string; options: any }[] = [];
    outputsValue: OutputMap = { bucketName: { value: "nops-container-cost-111122223333", secret: false }, iamUserSecretAccessKey: { value: "s3cr3t", secret: true } };
    script: Script = () => undefined;

    constructor(readonly name: string) {}

    async getAllConfig() {
        return this.config;
    }

    async setAllConfig(config: Record<string, { value: string; secret?: boolean }>) {
        this.config = { ...this.config, ...config };
    }

    async removeAllConfig(keys: string[]) {
        this.config = Object.fromEntries(Object.entries(this.config).filter(([key]) => !keys.includes(key)));
    }

    private async operate(action: string, options: any) {
        this.calls.push({ action, options });
        await this.script({ action, options, emit: (e) => options?.onEvent?.(e) });
    }

    async preview(options: any) {
        await this.operate("preview", options);
        return { stdout: "", stderr: "", changeSummary: { create: 3 } };
    }

    async up(options: any) {
        await this.operate("up", options);
        return { stdout: "", stderr: "", outputs: this.outputsValue, summary: { resourceChanges: { create: 3 } } };
    }

    async refresh(options: any) {
        await this.operate("refresh", options);
        return { stdout: "", stderr: "", summary: { resourceChanges: { same: 3 } } };
    }

    async destroy(options: any) {
        await this.operate("destroy", options);
        return { stdout: "", stderr: "", summary: { resourceChanges: { delete: 3 } } };
    }

    async outputs() {
        return this.outputsValue;
    }
}

/** An openStack option serving FakeStacks by name, from one backend. */
export function fakeWorkspace(stacks: Map<string, FakeStack> = new Map()) {
    const open = async (stackName: string): Promise<OpenedStack> => {
        if (!stacks.has(stackName)) {
            stacks.set(stackName, new FakeStack(stackName));
        }
        return { stack: stacks.get(stackName)! as unknown as StackHandle, backendKey: "file:///fake" };
    };
    return { stacks, open };
}
