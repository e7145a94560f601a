import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { cniMetricsBoundaryName } from "./naming";
import { cniMetricsPermissions } from "./documents";

/**
 * The ceiling of every cni-metrics-helper role of the stack, as the agent boundary is for the agents' roles: a
 * managed policy allowing what the helper's own policy allows and nothing more, so a widened inline policy still
 * grants no more than PutMetricData to the Kubernetes namespace.
 */
export class CniMetricsBoundary extends pulumi.ComponentResource {
    readonly policyArn: pulumi.Output<string>;

    constructor(
        name: string,
        args: { stackName: string; tags: Record<string, string> },
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("container-insights:addons:CniMetricsBoundary", name, {}, opts);
        const boundary = new aws.iam.Policy(
            name,
            {
                name: cniMetricsBoundaryName(args.stackName),
                description: "Permissions boundary of the container insights cni-metrics-helper roles",
                policy: JSON.stringify(cniMetricsPermissions()),
                tags: args.tags,
            },
            { parent: this },
        );
        this.policyArn = boundary.arn;
        this.registerOutputs({ policyArn: this.policyArn });
    }
}
