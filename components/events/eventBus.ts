import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument, accountServiceTrust, policy } from "../../common/documents";
import { eventResourceNames } from "../../common/naming";

export interface HomeEventBusArgs {
    stackName: string;
    accountId: string;
    /** The stack's aws:region: the bus, its rules and queues live there. */
    region: string;
    tags: Record<string, string>;
}

/** The forwarding role may put events on the stack's bus and nowhere else. */
export function forwardPermissions(busArn: string): PolicyDocument {
    return policy({ Sid: "PutOnHomeBus", Effect: "Allow", Action: "events:PutEvents", Resource: busArn });
}

/**
 * The stack's event bus in its home region (`container-insights-<stack>`), and the role the regional rules use to
 * put events on it: EventBridge needs a role for an event-bus target in another region (and accepts one in its own).
 */
export class HomeEventBus extends pulumi.ComponentResource {
    readonly bus: aws.cloudwatch.EventBus;
    readonly busName: pulumi.Output<string>;
    readonly busArn: pulumi.Output<string>;
    readonly forwardRoleArn: pulumi.Output<string>;
    /** The forwarding role's permission: a rule's target must wait for it. */
    readonly forwardPolicy: aws.iam.RolePolicy;

    constructor(name: string, args: HomeEventBusArgs, opts?: pulumi.ComponentResourceOptions) {
        super("container-insights:events:HomeEventBus", name, {}, opts);
        const names = eventResourceNames(args.stackName);
        this.bus = new aws.cloudwatch.EventBus(
            name,
            { name: names.bus, region: args.region, tags: args.tags },
            { parent: this },
        );
        const role = new aws.iam.Role(
            `${name}-forward`,
            {
                name: names.forwardRole,
                description: "Lets the container insights rules forward EKS and IAM events to the stack's event bus",
                assumeRolePolicy: JSON.stringify(accountServiceTrust("events.amazonaws.com", args.accountId)),
                tags: args.tags,
            },
            { parent: this },
        );
        this.forwardPolicy = new aws.iam.RolePolicy(
            `${name}-forward`,
            { role: role.name, policy: this.bus.arn.apply((arn) => JSON.stringify(forwardPermissions(arn))) },
            { parent: this },
        );
        this.busName = this.bus.name;
        this.busArn = this.bus.arn;
        this.forwardRoleArn = role.arn;
        this.registerOutputs({ busName: this.busName, busArn: this.busArn, forwardRoleArn: this.forwardRoleArn });
    }
}
