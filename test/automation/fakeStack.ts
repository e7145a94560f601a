/** A stand-in for a Pulumi Stack: records what runStack asks of it and replays scripted engine events. */
import * as automation from "@pulumi/pulumi/automation";
import { CommandError, ConcurrentUpdateError, EngineEvent, OutputMap } from "@pulumi/pulumi/automation";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as YAML from "yaml";
import { ConfigMap, newObjectValue, newSecureValue, newValue, readStackConfig } from "../../config/pulumiConfigReplay";
import type { ConfigFiles } from "../../automation/operationConfig";
import type { StackConfigValue } from "../../automation/request";
import type { OpenedStack, StackHandle } from "../../automation/workspace";

// Exported at run time, though not in the type declarations: what Pulumi's own errors are built from.
const CommandResult = (automation as any).CommandResult as new (
    stdout: string,
    stderr: string,
    code: number,
) => unknown;

export type Script = (call: { action: string; options: any; emit: (e: EngineEvent) => void }) => Promise<void> | void;

let sequence = 0;
export const event = (body: Omit<EngineEvent, "sequence" | "timestamp">): EngineEvent => ({
    sequence: sequence++,
    timestamp: 0,
    ...body,
});

export const lockedError = () =>
    new (ConcurrentUpdateError as any)(
        new CommandResult("", "error: the stack is currently locked by 1 lock(s)", 255),
    ) as Error;
export const commandError = (stderr: string) => new (CommandError as any)(new CommandResult("", stderr, 255)) as Error;

/** The fake's "encryption" of a secret: visibly not the plain text, and reversible for the tests. */
export const fakeCiphertext = (plain: string) => `fake-ciphertext:${Buffer.from(plain).toString("base64")}`;

/** A config map as the CLI writes it to a stack file (secure values as `{secure: <ciphertext>}`). */
function stackFileText(map: ConfigMap, salt: string): string {
    const config: Record<string, unknown> = {};
    for (const [key, value] of map.values) {
        config[key] = value.object ? JSON.parse(value.text) : value.secure ? { secure: value.text } : value.text;
    }
    return YAML.stringify({ encryptionsalt: salt, config });
}

export class FakeStack {
    config: Record<string, { value: string; secret?: boolean }> = {};
    calls: { action: string; options: any }[] = [];
    outputsValue: OutputMap = {
        bucketName: { value: "nops-container-cost-111122223333", secret: false },
        iamUserSecretAccessKey: { value: "s3cr3t", secret: true },
    };
    script: Script = () => undefined;

    /** Every `config set-all` on another file: which file, and what was set. */
    configFileWrites: { file: string; config: Record<string, StackConfigValue> }[] = [];
    private directory?: string;

    constructor(readonly name: string) {}

    /** The stack's own file in a directory of its own, written from `config` whenever runStack reads the config. */
    get stackFile(): string {
        this.directory ??= mkdtempSync(join(tmpdir(), "fake-stack-"));
        return join(this.directory, `Pulumi.${this.name}.yaml`);
    }

    /** `pulumi config set-all --config-file <file> --path` replayed with config/pulumiConfigReplay/. */
    readonly configFiles: ConfigFiles = {
        stackFile: "",
        setAll: async (file, config) => {
            this.configFileWrites.push({ file, config });
            const text = readFileSync(file, "utf8");
            const map = readStackConfig(text);
            for (const [key, { value, secret }] of Object.entries(config)) {
                map.set(key, secret ? newSecureValue(fakeCiphertext(value)) : newValue(value), true);
            }
            writeFileSync(
                file,
                stackFileText(map, (YAML.parse(text) as { encryptionsalt?: string } | null)?.encryptionsalt ?? "none"),
            );
        },
    };

    async getAllConfig() {
        const map = new ConfigMap();
        for (const [key, { value, secret }] of Object.entries(this.config)) {
            map.set(
                key,
                secret
                    ? newSecureValue(fakeCiphertext(value))
                    : value.startsWith("{")
                      ? newObjectValue(value)
                      : newValue(value),
                false,
            );
        }
        writeFileSync(this.stackFile, stackFileText(map, "v1:fake-salt"));
        this.configFiles.stackFile = this.stackFile;
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
        const fake = stacks.get(stackName)!;
        return { stack: fake as unknown as StackHandle, backendKey: "file:///fake", configFiles: fake.configFiles };
    };
    return { stacks, open };
}
