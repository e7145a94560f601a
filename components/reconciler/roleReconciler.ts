import { createHash } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { reconcilerFunctionNames, reconcilerScheduleName } from "../../common/naming";
import { LambdaEnvironment, environmentVariables } from "../../lambda/reconciler/environment";
import { reconcilerBundle } from "./bundle";

/** Both functions' timeout (Lambda's maximum): the reconciler queue's visibility timeout must be at least this. */
export const RECONCILER_TIMEOUT_S = 900;

export interface RoleReconcilerArgs {
    stackName: string;
    /** What the reconciler is told, less the values that are only known at deploy time. */
    environment: pulumi.Input<Omit<LambdaEnvironment, "homeRegion">>;
    /** Execution role of both functions. */
    roleArn: pulumi.Input<string>;
    /** Resources the functions need before they first run and until their last (the execution role's policy, the bucket). */
    ready: pulumi.Resource[];
    /**
     * Pod Identity modes: ARNs of the clusters the program registers an association for in this deploy. They go in
     * the deploy-time Invocation's input, so the run hands them over (and runs again when the set changes).
     */
    handover?: string[];
    logRetentionDays: number;
    tags: Record<string, string>;
    /**
     * The clusters that get the agent (`<region>/<name>`): when the set changes, the deploy-time run reconciles before
     * the charts are applied, so a new cluster's role exists before its agent starts.
     */
    fleet?: string[];
}

/**
 * What the deploy-time Invocation sends. Everything that should run the reconciler again when it changes is here:
 * `input` changes are in-place updates (`tf.action = "update"`), whereas `triggers`, like `functionName` and
 * `qualifier`, are ForceNew in terraform-provider-aws (internal/service/lambda/invocation.go), and a replaced
 * Invocation's delete runs the function with `tf.action = "delete"`.
 */
export function invocationInput(args: {
    stackName: string;
    bundleSha256: string;
    variables: Record<string, string>;
    fleet?: string[];
    handover?: string[];
}): string {
    const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
    const sorted = Object.fromEntries(Object.entries(args.variables).sort(([a], [b]) => a.localeCompare(b)));
    return JSON.stringify({
        source: "pulumi",
        stack: args.stackName,
        bundle: args.bundleSha256,
        settings: sha256(JSON.stringify(sorted)),
        ...(args.fleet ? { fleet: sha256([...args.fleet].sort().join("\n")) } : {}),
        ...(args.handover ? { handover: [...args.handover].sort() } : {}),
    });
}

/**
 * The two reconciler functions, from one bundle: the creation function runs on every deploy that changes its code or
 * settings, and on destroy, through a CRUD-scoped aws.lambda.Invocation (what a CloudFormation custom resource did),
 * the management function every two hours from EventBridge. Runs never overlap: each takes a lease in the stack's
 * bucket (lambda/reconciler/lease.ts), so no reserved concurrency is needed.
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
                    timeout: RECONCILER_TIMEOUT_S,
                    environment: { variables },
                    loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
                    tags: args.tags,
                },
                { parent: this, dependsOn: [logGroup, ...args.ready] },
            );
        };

        this.creationFunction = lambda(
            "creation",
            "index.creationHandler",
            "Creates, updates and removes per-cluster agent roles on deploy",
        );
        this.managementFunction = lambda(
            "management",
            "index.managementHandler",
            "Keeps per-cluster agent roles in step with the fleet",
        );

        this.invocation = new aws.lambda.Invocation(
            name,
            {
                functionName: this.creationFunction.name,
                // Runs again (in place) whenever the code, what it is told or the set of clusters with the agent
                // changes. No `triggers`: they would replace the Invocation, and the replaced one's delete runs.
                input: variables.apply((v) =>
                    invocationInput({
                        stackName: args.stackName,
                        bundleSha256: bundle.sha256,
                        variables: v,
                        fleet: args.fleet,
                        handover: args.handover,
                    }),
                ),
                lifecycleScope: "CRUD",
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
            // On destroy the schedule goes first, so that no scheduled run recreates roles after the teardown.
            { parent: this, dependsOn: [this.invocation] },
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
        new aws.cloudwatch.EventTarget(
            name,
            { rule: schedule.name, arn: this.managementFunction.arn },
            { parent: this },
        );

        this.registerOutputs({ lastRun: this.lastRun });
    }
}
