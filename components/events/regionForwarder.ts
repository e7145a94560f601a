import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EventPattern } from "./patterns";

export interface RegionForwarderArgs {
    region: string;
    /** Rules on the region's default bus, by rule name. */
    rules: Array<{ name: string; description: string; pattern: EventPattern }>;
    busArn: pulumi.Input<string>;
    forwardRoleArn: pulumi.Input<string>;
    /** The forwarding role's permission: EventBridge checks nothing at PutTargets, but the first events would be refused. */
    ready: pulumi.Resource[];
    tags: Record<string, string>;
}

/** One region's rules on its default bus, each forwarding what it matches to the stack's home bus. */
export class RegionForwarder extends pulumi.ComponentResource {
    readonly rules: aws.cloudwatch.EventRule[] = [];

    constructor(name: string, args: RegionForwarderArgs, opts?: pulumi.ComponentResourceOptions) {
        super("container-insights:events:RegionForwarder", name, {}, opts);
        for (const spec of args.rules) {
            const ruleName = `${name}-${spec.name}`;
            const rule = new aws.cloudwatch.EventRule(
                ruleName,
                {
                    name: spec.name,
                    description: spec.description,
                    region: args.region,
                    eventPattern: JSON.stringify(spec.pattern),
                    tags: args.tags,
                },
                { parent: this },
            );
            new aws.cloudwatch.EventTarget(
                ruleName,
                { rule: rule.name, region: args.region, arn: args.busArn, roleArn: args.forwardRoleArn },
                { parent: this, dependsOn: args.ready },
            );
            this.rules.push(rule);
        }
        this.registerOutputs({});
    }
}
