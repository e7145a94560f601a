/** Stack outputs as the result carries them: secret values wrapped so they do not end up in logs by accident. */
import type { OutputMap } from "@pulumi/pulumi/automation";
import { inspect } from "node:util";

export class SecretValue<T = unknown> {
    readonly #value: T;
    constructor(value: T) {
        this.#value = value;
    }
    /** The value itself: call only where it is needed. */
    reveal(): T {
        return this.#value;
    }
    toString(): string {
        return "[secret]";
    }
    toJSON(): string {
        return "[secret]";
    }
    [inspect.custom](): string {
        return "[secret]";
    }
}

export type StackOutput = { secret: false; value: unknown } | { secret: true; value: SecretValue };

export function toStackOutputs(outputs: OutputMap): Record<string, StackOutput> {
    return Object.fromEntries(
        Object.entries(outputs).map(([key, { value, secret }]) => [
            key,
            secret ? { secret: true, value: new SecretValue(value) } : { secret: false, value },
        ]),
    );
}
