/**
 * The fleet's stacks and their names (one documented scheme). Per account: one account stack (bucket, identities,
 * reconciler, events) named as `--account` names a stack, `<env>-<account>` (`<env>` alone for the account the
 * credentials are in when no --accounts is given: the stack an existing single-stack deployment already has), and
 * per region one cluster stack `<account stack>-<region>` (or, with groups, `<account stack>-<region>-<group>`),
 * holding that region's agents and reading the account stack's outputs through a StackReference. Why these sizes:
 * docs/fleet.md (the engine's measured cost per stack and per resource).
 */
import { clusterGroup } from "../../components/fleet/accountStack";
import { MemberAccount } from "./accounts";

export type StackRole = "account" | "clusters";

export interface FleetStack {
    name: string;
    role: StackRole;
    accountId: string;
    accountName?: string;
    /** The account stack: every region of the account; a cluster stack: its one region. */
    regions: string[];
    /** A cluster stack: the account stack it reads. */
    accountStack?: string;
    /** A cluster stack of a region split into groups: its group of `groups`. */
    group?: { index: number; groups: number };
}

/** `<env>-<account>`, or `<env>` for the one account of a fleet without --accounts. */
export const accountStackName = (environment: string, accountId?: string) =>
    accountId ? `${environment}-${accountId}` : environment;
export const clusterStackName = (accountStack: string, region: string, group?: number) =>
    group === undefined ? `${accountStack}-${region}` : `${accountStack}-${region}-${group}`;

/**
 * The cluster stack that holds `cluster`, among the stacks that exist (`existing`): its region's `<account
 * stack>-<region>`, or, when the region was split into N groups (the stacks `<account stack>-<region>-0` to `-N-1`),
 * the one of the group the cluster's name hashes to, as the cluster stacks' own program selects its clusters.
 * Undefined when no such stack exists (the fleet was never deployed to that region).
 */
export function clusterStackOf(
    accountStack: string,
    cluster: { name: string; region: string },
    existing: readonly string[],
): string | undefined {
    const ungrouped = clusterStackName(accountStack, cluster.region);
    if (existing.includes(ungrouped)) {
        return ungrouped;
    }
    const prefix = `${ungrouped}-`;
    const groups = existing.filter((name) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length))).length;
    const grouped =
        groups > 0 ? clusterStackName(accountStack, cluster.region, clusterGroup(cluster, groups)) : undefined;
    return grouped && existing.includes(grouped) ? grouped : undefined;
}

export interface FleetPlanOptions {
    /** Stacks of the caller's own account only (no --accounts): the account stack is `<env>`. */
    single?: boolean;
    /** Cluster stacks per region (default 1). */
    groups?: number;
}

/** Every account's stacks: its account stack, then its cluster stacks per region (regions sorted), group by group. */
export function planFleetStacks(
    environment: string,
    accounts: MemberAccount[],
    regions: string[],
    options: FleetPlanOptions = {},
): FleetStack[] {
    const groups = options.groups ?? 1;
    return accounts.flatMap((account) => {
        const accountRegions = [...new Set(account.regions ?? regions)].sort();
        const accountStack = accountStackName(environment, options.single ? undefined : account.id);
        const named = account.name ? { accountName: account.name } : {};
        return [
            { name: accountStack, role: "account" as const, accountId: account.id, regions: accountRegions, ...named },
            ...accountRegions.flatMap((region) =>
                Array.from({ length: groups }, (_, index) => ({
                    name: clusterStackName(accountStack, region, groups > 1 ? index : undefined),
                    role: "clusters" as const,
                    accountId: account.id,
                    regions: [region],
                    accountStack,
                    ...(groups > 1 ? { group: { index, groups } } : {}),
                    ...named,
                })),
            ),
        ];
    });
}

/**
 * The share of the fleet one worker of an Indexed Job takes: whole accounts (an account's cluster stacks need its
 * account stack first), account i going to worker i mod count.
 */
export function shardAccounts<T>(accounts: T[], index: number, count: number): T[] {
    if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 0 || index >= count) {
        throw new RangeError(`shard ${index} of ${count}: the index must be a whole number from 0 to ${count - 1}`);
    }
    return accounts.filter((_, i) => i % count === index);
}
