/** What the stand-in knows of one resource type: how Check and Diff treat it, and how it is created and read. */
import { CheckSpec, DEFAULTS_KEY } from "../check/check";
import { Clients } from "../context";
import { FunctionStore } from "../lambda/functionStore";
import { Props } from "../values";

export interface Ctx {
    clients: Clients;
    functions: FunctionStore;
    /** The resource's URN (its name is the last `::` segment). */
    urn: string;
}

export interface Created {
    id: string;
    outs: Props;
}

/** A live resource as Read finds it: its state and the inputs that would recreate it (import). */
export interface Found {
    id: string;
    props: Props;
    inputs: Props;
}

export interface ResourceType extends CheckSpec {
    /** Where the resource lives: in the AWS emulator, or only in the Pulumi state (the header lists which). */
    backing: "emulator" | "state";
    /** Outputs only the provider computes, never inputs. */
    computed: string[];
    create(ctx: Ctx, inputs: Props): Promise<Created>;
    /** In-place update of non-ForceNew changes; returns the new outputs. */
    update?(ctx: Ctx, id: string, olds: Props, news: Props): Promise<Props>;
    delete?(ctx: Ctx, id: string, state: Props): Promise<void>;
    /** The live resource, or undefined when it is gone (refresh drops it, import fails). */
    read?(ctx: Ctx, id: string, state: Props): Promise<Found | undefined>;
}

/** A resource's outputs: its inputs as given (secrets stay wrapped) plus what the provider computed. */
export function outputsOf(inputs: Props, computed: Props): Props {
    const outs: Props = { ...inputs, ...computed };
    delete outs[DEFAULTS_KEY];
    return outs;
}

/** The inputs recorded in a resource's state: every non-computed output (for Read on import and refresh). */
export function inputsOf(props: Props, computed: string[]): Props {
    return Object.fromEntries(Object.entries(props).filter(([key]) => !computed.includes(key)));
}
