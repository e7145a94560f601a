/**
 * Whether the stack's reconciler schedule (the EventBridge rule of the management function) still exists: the evidence
 * of a real destroy that a forged delete event cannot bring. `pulumi destroy` (and an `up` that removes the
 * reconciler) deletes the rule before the deploy-time Invocation, which it depends on
 * (components/reconciler/roleReconciler.ts); the delete of a replaced Invocation runs while the rule stays. No identity
 * the stack makes may delete the rule, and whoever may invoke the deploy-time function cannot delete it that way.
 */
import { DescribeRuleCommand, EventBridgeClient, ResourceNotFoundException } from "@aws-sdk/client-eventbridge";
import { reconcilerScheduleName } from "../../common/naming";
import { Call } from "./lease";

export async function scheduleExists(events: EventBridgeClient, stackName: string, call: Call): Promise<boolean> {
    try {
        await call(() => events.send(new DescribeRuleCommand({ Name: reconcilerScheduleName(stackName) })));
        return true;
    } catch (error) {
        if (error instanceof ResourceNotFoundException) {
            return false;
        }
        throw error;
    }
}
