/**
 * Lambda functions and permissions: real in the emulator (moto keeps the configuration, the code is also kept on disk
 * for the Invocation resource, lambda/functionStore.ts). Event source mappings are state-only: moto would try to
 * invoke the function itself for every queued message, which without Docker it cannot.
 */
import { createHash, randomUUID } from "node:crypto";
import {
    AddPermissionCommand,
    CreateFunctionCommand,
    DeleteFunctionCommand,
    FunctionConfiguration,
    GetFunctionConfigurationCommand,
    LambdaClient,
    RemovePermissionCommand,
    ResourceNotFoundException,
    TagResourceCommand,
    UntagResourceCommand,
    UpdateFunctionCodeCommand,
    UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { functionName as functionNameRule, intBetween, lambdaVariables, tags as tagRule } from "../check/rules";
import { partitionOf, regionOf } from "../context";
import { zipOf } from "../lambda/functionStore";
import { archiveFiles, isArchive, need, plain, Props, sameValue, str, stringMap } from "../values";
import { prefixedUniqueId, rfc3339 } from "./naming";
import { Ctx, outputsOf, ResourceType } from "./types";
import { absentOn } from "./absent";

const gone = absentOn(ResourceNotFoundException);

interface Code {
    files: Record<string, string>;
    zip: Buffer;
    sha256: string;
}

async function codeOf(inputs: Props): Promise<Code> {
    const archive = inputs.code;
    if (!isArchive(archive)) {
        throw new Error("code: the stand-in provider deploys functions from an AssetArchive only (no S3 or image)");
    }
    const files = archiveFiles(archive);
    const zip = await zipOf(files);
    return { files, zip, sha256: createHash("sha256").update(zip).digest("base64") };
}

function configurationOf(inputs: Props) {
    const logging = plain(inputs.loggingConfig) as { logFormat?: string; logGroup?: string } | undefined;
    return {
        Role: need(inputs, "role"),
        Handler: str(inputs, "handler"),
        Runtime: str(inputs, "runtime") as never,
        Description: str(inputs, "description") ?? "",
        Timeout: plain(inputs.timeout) as number,
        MemorySize: plain(inputs.memorySize) as number,
        Environment: { Variables: stringMap((plain(inputs.environment) as Props | undefined)?.variables) },
        LoggingConfig: logging ? { LogFormat: logging.logFormat as never, LogGroup: logging.logGroup } : undefined,
    };
}

/** What the provider reads back after create and update. */
function functionComputed(
    name: string,
    region: string,
    config: FunctionConfiguration,
    inputs: Props,
    code: Code,
): Props {
    const arn = config.FunctionArn!;
    const logging = plain(inputs.loggingConfig) as { logFormat?: string; logGroup?: string } | undefined;
    const invokeArn = (qualified: string) =>
        `arn:${partitionOf(region)}:apigateway:${region}:lambda:path/2015-03-31/functions/${qualified}/invocations`;
    return {
        name,
        arn,
        invokeArn: invokeArn(arn),
        qualifiedArn: `${arn}:$LATEST`,
        qualifiedInvokeArn: invokeArn(`${arn}:$LATEST`),
        version: "$LATEST",
        lastModified: config.LastModified ?? rfc3339(undefined),
        codeSha256: config.CodeSha256 ?? code.sha256,
        sourceCodeHash: config.CodeSha256 ?? code.sha256,
        sourceCodeSize: code.zip.length,
        signingJobArn: "",
        signingProfileVersionArn: "",
        architectures: (plain(inputs.architectures) as string[] | undefined) ?? ["x86_64"],
        ephemeralStorage: { size: 512 },
        loggingConfig: {
            applicationLogLevel: "",
            systemLogLevel: "",
            logFormat: logging?.logFormat ?? "Text",
            logGroup: logging?.logGroup ?? `/aws/lambda/${name}`,
        },
        tracingConfig: { mode: "PassThrough" },
        region,
        tagsAll: stringMap(inputs.tags),
    };
}

const FUNCTION_COMPUTED = [
    "architectures",
    "arn",
    "codeSha256",
    "ephemeralStorage",
    "invokeArn",
    "lastModified",
    "loggingConfig",
    "qualifiedArn",
    "qualifiedInvokeArn",
    "region",
    "signingJobArn",
    "signingProfileVersionArn",
    "sourceCodeHash",
    "sourceCodeSize",
    "tagsAll",
    "tracingConfig",
    "version",
];

async function keep(ctx: Ctx, region: string, name: string, code: Code): Promise<void> {
    await ctx.functions.save({ accountId: await ctx.clients.accountId(), region, name }, code.files, code.sha256);
}

async function retag(lambda: LambdaClient, arn: string, olds: Props, news: Props): Promise<void> {
    const before = stringMap(olds.tags);
    const after = stringMap(news.tags);
    const removed = Object.keys(before).filter((key) => !(key in after));
    if (removed.length > 0) {
        await lambda.send(new UntagResourceCommand({ Resource: arn, TagKeys: removed }));
    }
    if (!sameValue(before, after) && Object.keys(after).length > 0) {
        await lambda.send(new TagResourceCommand({ Resource: arn, Tags: after }));
    }
}

export const lambdaFunction: ResourceType = {
    backing: "emulator",
    autoName: { property: "name", maxLength: 64 },
    defaults: {
        memorySize: 128,
        packageType: "Zip",
        publish: false,
        reservedConcurrentExecutions: -1,
        skipDestroy: false,
        timeout: 3,
    },
    required: ["role"],
    rules: {
        name: functionNameRule,
        "environment.variables": lambdaVariables,
        timeout: intBetween(1, 900),
        memorySize: intBetween(128, 10_240),
        tags: tagRule,
    },
    computed: FUNCTION_COMPUTED,
    async create(ctx, inputs) {
        const region = regionOf(inputs);
        const name = need(inputs, "name");
        const code = await codeOf(inputs);
        const lambda = ctx.clients.lambda(region);
        const created = await lambda.send(
            new CreateFunctionCommand({
                FunctionName: name,
                Code: { ZipFile: code.zip },
                PackageType: "Zip",
                Architectures: plain(inputs.architectures) as never,
                Publish: plain(inputs.publish) === true,
                Tags: stringMap(inputs.tags),
                ...configurationOf(inputs),
            }),
        );
        await keep(ctx, region, name, code);
        return { id: name, outs: outputsOf(inputs, functionComputed(name, region, created, inputs, code)) };
    },
    async update(ctx, id, olds, news) {
        const region = regionOf(olds);
        const lambda = ctx.clients.lambda(region);
        const code = await codeOf(news);
        if (!sameValue(olds.code, news.code) || !sameValue(olds.architectures, news.architectures)) {
            await lambda.send(
                new UpdateFunctionCodeCommand({
                    FunctionName: id,
                    ZipFile: code.zip,
                    Architectures: plain(news.architectures) as never,
                }),
            );
            await keep(ctx, region, id, code);
        }
        const configKeys = [
            "role",
            "handler",
            "runtime",
            "description",
            "timeout",
            "memorySize",
            "environment",
            "loggingConfig",
        ];
        if (configKeys.some((key) => !sameValue(olds[key], news[key]))) {
            await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: id, ...configurationOf(news) }));
        }
        await retag(lambda, need(olds, "arn"), olds, news);
        const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: id }));
        return outputsOf(news, functionComputed(id, region, config, news, code));
    },
    async delete(ctx, id, state) {
        if (plain(state.skipDestroy) === true) {
            return;
        }
        const region = regionOf(state);
        await gone(ctx.clients.lambda(region).send(new DeleteFunctionCommand({ FunctionName: id })));
        await ctx.functions.remove({ accountId: await ctx.clients.accountId(), region, name: id });
    },
};

export const permission: ResourceType = {
    backing: "emulator",
    required: ["action", "function", "principal"],
    computed: ["region", "statementId", "statementIdPrefix"],
    async create(ctx, inputs) {
        const region = regionOf(inputs);
        const statementId =
            str(inputs, "statementId") ?? prefixedUniqueId(str(inputs, "statementIdPrefix") ?? "terraform-");
        await ctx.clients.lambda(region).send(
            new AddPermissionCommand({
                FunctionName: need(inputs, "function"),
                StatementId: statementId,
                Action: need(inputs, "action"),
                Principal: need(inputs, "principal"),
                SourceArn: str(inputs, "sourceArn"),
                SourceAccount: str(inputs, "sourceAccount"),
                Qualifier: str(inputs, "qualifier"),
            }),
        );
        return {
            id: statementId,
            outs: outputsOf(inputs, { statementId, statementIdPrefix: str(inputs, "statementIdPrefix") ?? "", region }),
        };
    },
    async delete(ctx, id, state) {
        await gone(
            ctx.clients.lambda(regionOf(state)).send(
                new RemovePermissionCommand({
                    FunctionName: need(state, "function"),
                    StatementId: id,
                    Qualifier: str(state, "qualifier"),
                }),
            ),
        );
    },
};

export const eventSourceMapping: ResourceType = {
    backing: "state",
    defaults: { enabled: true },
    required: ["functionName"],
    rules: { batchSize: intBetween(1, 10_000), maximumBatchingWindowInSeconds: intBetween(0, 300) },
    computed: [
        "arn",
        "functionArn",
        "lastModified",
        "lastProcessingResult",
        "region",
        "state",
        "stateTransitionReason",
        "uuid",
    ],
    async create(ctx, inputs) {
        const region = regionOf(inputs);
        const uuid = randomUUID();
        const accountId = await ctx.clients.accountId();
        const functionName = need(inputs, "functionName");
        const functionArn = functionName.startsWith("arn:")
            ? functionName
            : `arn:${partitionOf(region)}:lambda:${region}:${accountId}:function:${functionName}`;
        return {
            id: uuid,
            outs: outputsOf(inputs, {
                uuid,
                arn: `arn:${partitionOf(region)}:lambda:${region}:${accountId}:event-source-mapping:${uuid}`,
                functionArn,
                lastModified: rfc3339(undefined),
                lastProcessingResult: "",
                state: plain(inputs.enabled) === false ? "Disabled" : "Enabled",
                stateTransitionReason: "USER_INITIATED",
                region,
            }),
        };
    },
};
