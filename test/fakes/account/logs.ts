/** CloudWatch Logs as the fake account answers it: a log group's events, filtered as status filters them. */
import { awsError } from "./errors";
import { AccountState } from "./state";
import { ServiceSpec } from "./service";

export const LOGS: ServiceSpec = {
    service: "logs",
    operations: {
        /**
         * FilterLogEvents, oldest first, pages of `limit` (at most 10,000). Of the filter-pattern syntax only what status
         * uses: a JSON pattern `{ $.field = "value" }`.
         */
        FilterLogEvents(
            account: AccountState,
            input: {
                logGroupName: string;
                filterPattern?: string;
                startTime?: number;
                limit?: number;
                nextToken?: string;
            },
        ) {
            const events = account.logEvents.get(input.logGroupName);
            if (!events) {
                throw awsError("ResourceNotFoundException", "The specified log group does not exist.");
            }
            const json = input.filterPattern ? /^\{\s*\$\.(\w+)\s*=\s*"([^"]*)"\s*\}$/.exec(input.filterPattern) : null;
            if (input.filterPattern && !json) {
                throw new Error(`the fake does not understand the filter pattern ${input.filterPattern}`);
            }
            const matching = events.filter((event) => {
                if (input.startTime !== undefined && event.timestamp < input.startTime) {
                    return false;
                }
                if (!json) {
                    return true;
                }
                try {
                    return (JSON.parse(event.message) as Record<string, unknown>)[json[1]] === json[2];
                } catch {
                    return false;
                }
            });
            const start = input.nextToken ? Number(input.nextToken) : 0;
            const limit = Math.min(input.limit ?? 10_000, 10_000);
            const page = matching.slice(start, start + limit);
            return {
                events: page.map((event) => ({
                    ...event,
                    logStreamName: "2026/01/01/[$LATEST]0",
                    ingestionTime: event.timestamp,
                })),
                nextToken: start + limit < matching.length ? String(start + limit) : undefined,
            };
        },
    },
};
