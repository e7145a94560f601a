/**
 * The fleet's stacks and their names (one documented scheme). Per account: one account stack (bucket, identities,
 * reconciler, events) named `<env>-<account>`, as `--account` names it, and one cluster stack per region named
 * `<env>-<account>-<region>`, holding that region's agents and reading the account stack's outputs through a
 * StackReference. Why per region: docs/fleet.md (the engine's measured cost per stack and per resource).
 */
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
}

export const accountStackName = (environment: string, accountId: string) => `${environment}-${accountId}`;
export const clusterStackName = (environment: string, accountId: string, region: string) =>
    `${environment}-${accountId}-${region}`;

/** Every account's stacks: its account stack, then a cluster stack per region (each account's regions sorted). */
export function planFleetStacks(environment: string, accounts: MemberAccount[], regions: string[]): FleetStack[] {
    return accounts.flatMap((account) => {
        const accountRegions = [...new Set(account.regions ?? regions)].sort();
        const accountStack = accountStackName(environment, account.id);
        const named = account.name ? { accountName: account.name } : {};
        return [
            { name: accountStack, role: "account" as const, accountId: account.id, regions: accountRegions, ...named },
            ...accountRegions.map((region) => ({
                name: clusterStackName(environment, account.id, region),
                role: "clusters" as const,
                accountId: account.id,
                regions: [region],
                accountStack,
                ...named,
            })),
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
