import { ConfigKeySpec } from "./spec";

/** Which part of a fleet of stacks this stack holds (`fleet.*`). */
export const FLEET_KEYS = [
    {
        key: "fleet.part",
        doc: "Which part of the onboarding this stack holds (see [Fleets of stacks](fleet.md)): `whole` (everything, one stack), `account` (the bucket, identities, reconciler and events, no agents) or `clusters` (the agents of its `includeRegions`, one group of them with `fleet.groups`; it reads the account stack's outputs through a StackReference). `container-insights fleet` sets it.",
        type: "string",
        default: "whole",
        description:
            "whole: this stack holds everything; account: the account side only (no agents); clusters: the agents of its regions, reading the account stack (fleet.accountStack). Set by container-insights fleet.",
        schema: { enum: ["whole", "account", "clusters"] },
        allowed: "whole, account or clusters",
    },
    {
        key: "fleet.accountStack",
        doc: "With `fleet.part` `clusters`: the name of the account stack (same project and backend) whose outputs this stack reads, and whose name its per-cluster names and ownership tags use.",
        type: "string",
        default: "",
        description: "fleet.part clusters: the account stack this cluster stack reads (a stack name of this project).",
        schema: { type: "string", pattern: "^$|^[A-Za-z0-9_-]{1,100}$" },
        allowed: "a stack name of this project",
        requiredWhen: {
            key: "fleet.part",
            is: "clusters",
            because: "a cluster stack reads the account stack's outputs",
        },
    },
    {
        key: "fleet.groups",
        doc: "With `fleet.part` `clusters`: into how many fixed groups each region's clusters are split (a cluster's group is a hash of its name, so it never moves while `fleet.groups` stays); this stack holds group `fleet.group`.",
        type: "integer",
        default: 1,
        description:
            "fleet.part clusters: the number of groups each region's clusters are split into (by a hash of the name).",
        schema: { type: "integer", minimum: 1, maximum: 1000 },
        allowed: "a whole number from 1 to 1000",
    },
    {
        key: "fleet.group",
        doc: "With `fleet.part` `clusters`: which of the `fleet.groups` groups this stack holds (0 to `fleet.groups` - 1).",
        type: "integer",
        default: 0,
        description:
            "fleet.part clusters: the group of each region's clusters this stack holds (0 to fleet.groups - 1).",
        schema: { type: "integer", minimum: 0, maximum: 999 },
        allowed: "a whole number from 0 to fleet.groups - 1",
    },
] as const satisfies readonly ConfigKeySpec[];
