/**
 * Whether a cluster's `/aws/containerinsights/<cluster>/performance` log group already exists and whose it is. The
 * amazon-cloudwatch-observability add-on (EC2 nodes) writes to that same group, and the reference document's manual
 * setup creates it: creating it again fails, and managing someone else's group would delete its data on switch-off.
 * The plural data source answers "none" with empty names (no error text to parse); the singular one then gives tags.
 */
import * as aws from "@pulumi/aws";
import { STACK_TAG_KEY } from "../../../common/naming";
import { describeError } from "../../../common/errors";

/** absent: the program creates it; ours: tagged by this stack, the program manages it; foreign: used, never managed. */
export type LogGroupOwner = "absent" | "ours" | "foreign";

export type LogGroupLookup = (args: { region: string; name: string }) => Promise<LogGroupOwner | { error: string }>;

export function performanceLogGroupLookup(stackId: string): LogGroupLookup {
    return async ({ region, name }) => {
        try {
            const found = await aws.cloudwatch.getLogGroups({ region, logGroupNamePrefix: name });
            if (!found.logGroupNames.includes(name)) {
                return "absent";
            }
            const group = await aws.cloudwatch.getLogGroup({ region, name });
            return group.tags?.[STACK_TAG_KEY] === stackId ? "ours" : "foreign";
        } catch (error) {
            return { error: describeError(error) };
        }
    };
}
