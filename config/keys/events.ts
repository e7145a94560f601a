import { ConfigKeySpec } from "./spec";

/** Event-driven reconcile (`events.*`). */
export const EVENT_KEYS = [
    {
        key: "events.enabled",
        doc: "Event-driven reconcile (see [How onboarding gets fast](reconciler.md#how-onboarding-gets-fast-events)): EventBridge rules in every included region forward EKS (and, in us-east-1, IAM) CloudTrail events to the stack's event bus; a new cluster gets its role or association within minutes of becoming ACTIVE, and the watch service is told. `false`: no event resources; the 2-hourly run works as before. No effect with `identityMode` `iamUser` (there is no reconciler).",
        type: "boolean",
        default: true,
        description:
            "Event-driven reconcile: EventBridge rules in every included region forward EKS and IAM CloudTrail events to the stack's event bus, whose queue runs the reconciler for the cluster they name within minutes (the 2-hourly run stays). No effect with identityMode iamUser.",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
    {
        key: "events.createTrail",
        doc: "Create a multi-region CloudTrail trail (management write events) writing to the stack's state bucket under `cloudtrail/`, for accounts where no trail delivers the events (the program warns per region when none does).",
        type: "boolean",
        default: false,
        description:
            "Create a multi-region CloudTrail trail logging management write events into the stack's state bucket (prefix cloudtrail/; never the agents' bucket), for accounts where no trail delivers the events.",
        schema: { type: "boolean" },
        allowed: "true or false",
    },
] as const satisfies readonly ConfigKeySpec[];
