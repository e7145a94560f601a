/** EventBridge as the fake account answers it: events put on a bus, rules that exist. */
import { AuthRequest } from "../iamPolicy";
import { awsError } from "./errors";
import { AccountState } from "./state";
import { ServiceSpec } from "./service";

/** DescribeRule on the rule; PutEvents per entry, on the bus it names (the default bus when it names none). */
function eventsAuthRequests(
    account: AccountState,
    operation: string,
    input: Record<string, any>,
    region: string,
): AuthRequest[] {
    const action = `events:${operation}`;
    if (operation === "DescribeRule") {
        return [{ action, resource: `arn:aws:events:${region}:${account.accountId}:rule/${input.Name}`, context: {} }];
    }
    return (input.Entries as Array<{ EventBusName?: string }>).map((entry) => ({
        action,
        resource: entry.EventBusName?.startsWith("arn:")
            ? entry.EventBusName
            : `arn:aws:events:${region}:${account.accountId}:event-bus/${entry.EventBusName ?? "default"}`,
        context: {},
    }));
}

export const EVENTS: ServiceSpec = {
    service: "events",
    operations: {
        PutEvents(
            account: AccountState,
            input: {
                Entries: Array<{
                    Source: string;
                    DetailType: string;
                    Resources?: string[];
                    Detail: string;
                    EventBusName?: string;
                }>;
            },
        ) {
            if (input.Entries.length < 1 || input.Entries.length > 10) {
                throw awsError(
                    "ValidationException",
                    "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10",
                );
            }
            account.publishedEvents.push(...input.Entries);
            return {
                FailedEntryCount: 0,
                Entries: input.Entries.map((_, i) => ({
                    EventId: `event-${account.publishedEvents.length - input.Entries.length + i}`,
                })),
            };
        },

        /** DescribeRule of a rule on the default bus; a missing one is EventBridge's ResourceNotFoundException. */
        DescribeRule(account: AccountState, input: { Name: string }, region: string) {
            if (!account.eventRules.has(`${region}/${input.Name}`)) {
                throw awsError("ResourceNotFoundException", `Rule ${input.Name} does not exist on EventBus default.`);
            }
            return {
                Name: input.Name,
                Arn: `arn:aws:events:${region}:${account.accountId}:rule/${input.Name}`,
                State: "ENABLED",
                EventBusName: "default",
            };
        },
    },
    authRequests: eventsAuthRequests,
};
