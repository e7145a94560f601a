import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { reconcilerFunctionNames, reconcilerScheduleName } from "../../common/naming";
import { LambdaEnvironment, environmentVariables } from "../../lambda/reconciler/environment";
import { reconcilerBundle } from "./bundle";

export interface RoleReconcilerArgs {
    stackName: string;
    /** What the reconciler is told, less the values that are only known at deploy time. */
    environment: pulumi.Input<Omit<LambdaEnvironment, "homeRegion">>;
    /** Execution role of both functions. */
    roleArn: pulumi.Input<string>;
    /** Resources the functions need before they first run (the execution role's policy). */
    ready: pulumi.Resource[];
    logRetentionDays: number;
    tags: Record<string, string>;
}

/**
 * The two reconciler functions, from one bundle: the creation function runs on every deploy, update and destroy
 * through a CRUD-scoped aws.lambda.Invocation (what a CloudFormation custom resource did), the management function
 * every two hours from EventBridge. Each has reserved concurrency 1 so that runs of one function never overlap;
 * the steps are idempotent, so a deploy-time run meeting a scheduled one converges too.
 */
export class RoleReconciler extends pulumi.ComponentResource {
    readonly creationFunction: aws.lambda.Function;
    readonly managementFunction: aws.lambda.Function;
    readonly invocation: aws.lambda.Invocation;
    /** The deploy-time run's summary (counts per outcome, calls, writes), as the function returned it. */
    readonly lastRun: pulumi.Output<string>;

    constructor(name: string, args: RoleReconcilerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("container-insights:reconciler:RoleReconciler", name, {}, opts);
        const bundle = reconcilerBundle();
        const code = new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(bundle.code) });
        const names = reconcilerFunctionNames(args.stackName);
        const variables = pulumi.output(args.environment).apply((env) => environmentVariables(env));

        const lambda = (kind: "creation" | "management", handler: string, description: string) => {
            const logGroup = new aws.cloudwatch.LogGroup(
                `${name}-${kind}`,
                { name: `/aws/lambda/${names[kind]}`, retentionInDays: args.logRetentionDays, tags: args.tags },
                { parent: this },
            );
            return new aws.lambda.Function(
                `${name}-${kind}`,
                {
                    name: names[kind],
                    description,
                    code,
                    handler,
                    runtime: aws.lambda.Runtime.NodeJS22dX,
                    architectures: ["arm64"],
                    role: args.roleArn,
                    memorySize: 512,
                    timeout: 900,
                    reservedConcurrentExecutions: 1,
                    environment: { variables },
                    loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
                    tags: args.tags,
                },
                { parent: this, dependsOn: [logGroup, ...args.ready] },
            );
        };

        this.creationFunction = lambda("creation", "index.creationHandler", "Creates, updates and removes per-cluster agent roles on deploy");
        this.managementFunction = lambda("management", "index.managementHandler", "Keeps per-cluster agent roles in step with the fleet");

        this.invocation = new aws.lambda.Invocation(
            name,
            {
                functionName: this.creationFunction.name,
                input: JSON.stringify({ source: "pulumi", stack: args.stackName }),
                lifecycleScope: "CRUD",
                // Runs again whenever the code or what it is told changes; the schedule covers fleet changes.
                triggers: { bundle: bundle.sha256, environment: variables.apply((v) => JSON.stringify(v)) },
            },
            { parent: this, dependsOn: args.ready },
        );
        this.lastRun = this.invocation.result;

        const schedule = new aws.cloudwatch.EventRule(
            name,
            {
                name: reconcilerScheduleName(args.stackName),
                description: "Runs the container insights role reconciler",
                scheduleExpression: "rate(2 hours)",
                tags: args.tags,
            },
            { parent: this },
        );
        new aws.lambda.Permission(
            name,
            {
                action: "lambda:InvokeFunction",
                function: this.managementFunction.name,
                principal: "events.amazonaws.com",
                sourceArn: schedule.arn,
            },
            { parent: this },
        );
        new aws.cloudwatch.EventTarget(name, { rule: schedule.name, arn: this.managementFunction.arn }, { parent: this });

        this.registerOutputs({ lastRun: this.lastRun });
    }
}
