import { appendFileSync } from "node:fs";
/** The stand-in's Provider (@pulumi/pulumi/provider): dispatch to the resource types and data sources it knows. */
import {
    CheckResult,
    CreateResult,
    DiffResult,
    InvokeResult,
    Provider,
    ReadResult,
    UpdateResult,
} from "@pulumi/pulumi/provider";
import { checkInputs } from "./check/check";
import { Clients, defaultRegion } from "./context";
import { diffResource } from "./diff";
import { INVOKES } from "./invokes";
import { FunctionStore } from "./lambda/functionStore";
import { RESOURCE_TYPES } from "./resources";
import { Ctx, outputsOf, ResourceType } from "./resources/types";
import { ProviderError, Props } from "./values";

/** Diagnostics for whoever runs the tier: one JSON line per decision in the file AWS_STANDIN_LOG names. */
function trace(entry: Record<string, unknown>): void {
    if (process.env.AWS_STANDIN_LOG) {
        appendFileSync(process.env.AWS_STANDIN_LOG, `${JSON.stringify(entry)}\n`);
    }
}

/** The resource type token of a URN (urn:pulumi:stack::project::parent$type::name). */
export function typeOfUrn(urn: string): string {
    return urn.split("::")[2].split("$").pop()!;
}

const nameOfUrn = (urn: string) => urn.split("::").pop()!;

/**
 * A failed step as the bridge reports terraform-provider-aws's diagnostics ("1 error occurred: * <summary>"). An
 * error already worded as the provider words it (ProviderError) is passed on; any other says what was being done to
 * which resource, then the cause.
 */
function stepError(verb: string, urn: string, error: unknown): Error {
    const e = error as Error;
    const summary =
        error instanceof ProviderError
            ? e.message
            : `${verb} ${typeOfUrn(urn)} (${nameOfUrn(urn)}): ${e.name && e.name !== "Error" ? `${e.name}: ` : ""}${e.message}`;
    return new Error(`1 error occurred:\n\t* ${summary}`);
}

export class StandInProvider implements Provider {
    private readonly clients = new Clients();
    private readonly functions = new FunctionStore();

    constructor(readonly version: string) {}

    private typeOf(urn: string): ResourceType {
        const token = typeOfUrn(urn);
        const type = RESOURCE_TYPES[token];
        if (!type) {
            throw new Error(
                `the stand-in AWS provider does not implement ${token}: add it to engine/aws-provider/resources ` +
                    `(it implements ${Object.keys(RESOURCE_TYPES).length} types the program uses)`,
            );
        }
        return type;
    }

    private ctx(urn: string): Ctx {
        return { clients: this.clients, functions: this.functions, urn };
    }

    async check(urn: string, olds: Props, news: Props): Promise<CheckResult> {
        return checkInputs(urn, this.typeOf(urn), olds ?? {}, news);
    }

    async diff(_id: string, urn: string, olds: Props, news: Props): Promise<DiffResult> {
        const type = this.typeOf(urn);
        const result = diffResource(
            typeOfUrn(urn),
            { computed: type.computed, autoName: type.autoName?.property },
            olds,
            news,
            defaultRegion(),
        );
        trace({ diff: urn, changed: result.changed, replaces: result.replaces });
        return result;
    }

    async create(urn: string, inputs: Props): Promise<CreateResult> {
        try {
            return await this.typeOf(urn).create(this.ctx(urn), inputs);
        } catch (error) {
            throw stepError("creating", urn, error);
        }
    }

    async read(id: string, urn: string, props?: Props): Promise<ReadResult> {
        const type = this.typeOf(urn);
        if (!type.read) {
            return { id, props };
        }
        try {
            const found = await type.read(this.ctx(urn), id, props ?? {});
            return found ? { id: found.id, props: found.props, inputs: found.inputs } : { id: "", props: {} };
        } catch (error) {
            throw stepError("reading", urn, error);
        }
    }

    async update(id: string, urn: string, olds: Props, news: Props): Promise<UpdateResult> {
        const type = this.typeOf(urn);
        try {
            if (!type.update) {
                const kept = Object.fromEntries(
                    type.computed.filter((key) => key in olds).map((key) => [key, olds[key]]),
                );
                return { outs: outputsOf(news, kept) };
            }
            return { outs: await type.update(this.ctx(urn), id, olds, news) };
        } catch (error) {
            throw stepError("updating", urn, error);
        }
    }

    async delete(id: string, urn: string, props: Props): Promise<void> {
        try {
            await this.typeOf(urn).delete?.(this.ctx(urn), id, props);
        } catch (error) {
            throw stepError("deleting", urn, error);
        }
    }

    async invoke(token: string, inputs: Props): Promise<InvokeResult> {
        const invoke = INVOKES[token];
        if (!invoke) {
            throw new Error(
                `the stand-in AWS provider does not implement the data source ${token}: add it to engine/aws-provider/invokes`,
            );
        }
        return { outputs: await invoke(this.clients, inputs) };
    }
}
