/**
 * aws.lambda.Invocation as terraform-provider-aws implements it (internal/service/lambda/invocation.go): the function
 * runs with the input on create; with lifecycleScope CRUD the input gets `<terraformKey>: {action, prev_input}` and
 * the function also runs on update (action "update", prev_input the old input) and on delete (action "delete",
 * prev_input the current input). A function error fails the step with the function's error payload. The id is
 * `<function>,<qualifier>,<md5 of the payload>` and `result` the response payload.
 */
import { createHash } from "node:crypto";
import { json } from "../check/rules";
import { regionOf } from "../context";
import { invokeFunction } from "../lambda/invoke";
import { isObject, need, plain, ProviderError, Props, str } from "../values";
import { Ctx, outputsOf, ResourceType } from "./types";

const CREATE_ONLY = "CREATE_ONLY";

type Action = "create" | "update" | "delete";

function parsedInput(text: string | undefined): Props | null {
    return text ? (JSON.parse(text) as Props) : null;
}

/** The payload the provider sends (buildInput). */
export function invocationPayload(inputs: Props, action: Action, previousInput: string | undefined): string {
    if ((str(inputs, "lifecycleScope") ?? CREATE_ONLY) === CREATE_ONLY) {
        return need(inputs, "input");
    }
    const payload = parsedInput(str(inputs, "input")) ?? {};
    payload[str(inputs, "terraformKey") ?? "tf"] = { action, prev_input: parsedInput(previousInput) };
    return JSON.stringify(payload);
}

async function invoke(ctx: Ctx, inputs: Props, action: Action, previousInput: string | undefined): Promise<Props> {
    const functionName = need(inputs, "functionName");
    const qualifier = str(inputs, "qualifier") ?? "$LATEST";
    const payload = invocationPayload(inputs, action, previousInput);
    const result = await invokeFunction(ctx.clients, ctx.functions, {
        region: regionOf(inputs),
        functionName,
        qualifier,
        payload,
    });
    if (result.functionError) {
        throw new ProviderError(`invoking Lambda Function (${functionName}): ${result.payload}`);
    }
    const hash = createHash("md5").update(payload).digest("hex");
    return { id: [functionName, qualifier, hash].join(","), result: result.payload };
}

export const invocation: ResourceType = {
    backing: "emulator",
    defaults: { lifecycleScope: CREATE_ONLY, qualifier: "$LATEST", terraformKey: "tf" },
    required: ["functionName", "input"],
    rules: {
        input: json,
        lifecycleScope: (value) =>
            value === CREATE_ONLY || value === "CRUD" ? undefined : "must be CREATE_ONLY or CRUD",
    },
    computed: ["region", "result"],
    async create(ctx, inputs) {
        if (
            (str(inputs, "lifecycleScope") ?? CREATE_ONLY) !== CREATE_ONLY &&
            !isObject(JSON.parse(need(inputs, "input")))
        ) {
            throw new ProviderError('lifecycle_scope other than "CREATE_ONLY" requires input to be a JSON object');
        }
        const { id, result } = await invoke(ctx, inputs, "create", undefined);
        return { id: id as string, outs: outputsOf(inputs, { result, region: regionOf(inputs) }) };
    },
    async update(ctx, _id, olds, news) {
        const { result } = await invoke(ctx, news, "update", str(olds, "input"));
        return outputsOf(news, { result, region: regionOf(news) });
    },
    async delete(ctx, _id, state) {
        if ((plain(state.lifecycleScope) ?? CREATE_ONLY) !== CREATE_ONLY) {
            await invoke(ctx, state, "delete", str(state, "input"));
        }
    },
};
