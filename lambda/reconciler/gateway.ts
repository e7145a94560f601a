/**
 * The only place the reconciler talks to AWS. Every call is retried on throttling until the run's deadline and
 * counted; IAM writes are paced by an adaptive token bucket so that IAM's write quota slows the run down instead of
 * failing it.
 */
import {
    CreatePodIdentityAssociationCommand,
    DeletePodIdentityAssociationCommand,
    DescribeAddonCommand,
    DescribeClusterCommand,
    DescribePodIdentityAssociationCommand,
    EKSClient,
    ListClustersCommand,
    ListPodIdentityAssociationsCommand,
    ResourceNotFoundException,
    UpdatePodIdentityAssociationCommand,
} from "@aws-sdk/client-eks";
import {
    CreateRoleCommand,
    DeleteRoleCommand,
    DeleteRolePolicyCommand,
    DetachRolePolicyCommand,
    GetRoleCommand,
    GetRolePolicyCommand,
    IAMClient,
    ListAttachedRolePoliciesCommand,
    ListOpenIDConnectProvidersCommand,
    ListRolePoliciesCommand,
    ListRoleTagsCommand,
    NoSuchEntityException,
    PutRolePolicyCommand,
    UpdateAssumeRolePolicyCommand,
    ListRolesCommand,
    ListEntitiesForPolicyCommand,
    PutRolePermissionsBoundaryCommand,
} from "@aws-sdk/client-iam";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { S3Client } from "@aws-sdk/client-s3";
import { ChangeMessageVisibilityCommand, SQSClient } from "@aws-sdk/client-sqs";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { PolicyDocument } from "../../common/documents";
import { AGENT_POLICY_NAME } from "../../common/naming";
import { decodePolicy } from "./documents";
import { Account } from "./desired";
import { AdaptiveRateLimiter, AdaptiveRateSettings, IAM_WRITE_PACING } from "./rateLimiter";
import { Clock, RetryPolicy, DEFAULT_RETRY, isAccessDenied, isThrottling, withRetry } from "./timing";
import { ActualAssociation, ActualRole, ClusterFacts, DesiredRole } from "./types";

export { AGENT_POLICY_NAME };

export interface Clients {
    eks(region: string): EKSClient;
    iam: IAMClient;
    sts: STSClient;
    secrets: SecretsManagerClient;
    /** The stack's bucket holds the run lease (see lease.ts). */
    s3: S3Client;
    /** The stack's home event bus (cluster events for the watch service). */
    events: EventBridgeClient;
    /** The reconciler queue: a record that must wait is put back with a delay. */
    sqs: SQSClient;
}

/** SDK clients as the Lambda uses them. The SDK's own retries are off: `withRetry` is the one retry layer. */
export function sdkClients(homeRegion: string): Clients {
    const eksClients = new Map<string, EKSClient>();
    return {
        eks: (region) => {
            if (!eksClients.has(region)) {
                eksClients.set(region, new EKSClient({ region, maxAttempts: 1 }));
            }
            return eksClients.get(region)!;
        },
        iam: new IAMClient({ region: homeRegion, maxAttempts: 1 }),
        sts: new STSClient({ region: homeRegion, maxAttempts: 1 }),
        secrets: new SecretsManagerClient({ region: homeRegion, maxAttempts: 1 }),
        s3: new S3Client({ region: homeRegion, maxAttempts: 1 }),
        events: new EventBridgeClient({ region: homeRegion, maxAttempts: 1 }),
        sqs: new SQSClient({ region: homeRegion, maxAttempts: 1 }),
    };
}

/** Time a run may take when its caller gives no deadline (a Lambda runs for at most 15 minutes). */
export const DEFAULT_BUDGET_MS = 14 * 60_000;

export interface GatewayOptions {
    /** Clock time after which no call or retry is started: the work left is deferred to the next run. */
    deadline?: number;
    retry?: RetryPolicy;
    /** Back-off jitter in [0, 1); the benchmark seeds it. */
    random?: () => number;
    writePacing?: AdaptiveRateSettings;
}

export class Gateway {
    calls = 0;
    writes = 0;
    /** Calls answered with a throttling error (each was retried or deferred). */
    throttled = 0;
    readonly deadline: number;
    readonly writePacing: AdaptiveRateLimiter;

    constructor(
        private readonly clients: Clients,
        private readonly clock: Clock,
        private readonly options: GatewayOptions = {},
    ) {
        this.deadline = options.deadline ?? clock.now() + DEFAULT_BUDGET_MS;
        this.writePacing = new AdaptiveRateLimiter(options.writePacing ?? IAM_WRITE_PACING, clock.now());
    }

    private send<T>(call: () => Promise<T>, kind: "read" | "write"): Promise<T> {
        const { retry = DEFAULT_RETRY, random } = this.options;
        const pacing = kind === "write" ? this.writePacing : undefined;
        return withRetry(
            async () => {
                this.calls++;
                if (kind === "write") {
                    this.writes++;
                }
                try {
                    return await call();
                } catch (error) {
                    if (isThrottling(error)) {
                        this.throttled++;
                    }
                    throw error;
                }
            },
            this.clock,
            { policy: retry, deadline: this.deadline, random, pacing },
        );
    }

    /** Any other call (the lease's S3 requests) with the same retry policy and count. */
    call<T>(send: () => Promise<T>): Promise<T> {
        return this.read(send);
    }

    private read<T>(call: () => Promise<T>): Promise<T> {
        return this.send(call, "read");
    }

    private write<T>(call: () => Promise<T>): Promise<T> {
        return this.send(call, "write");
    }

    private accountLookup?: Promise<Account>;

    /** Who the reconciler runs as; asked of STS once per run. */
    account(): Promise<Account> {
        this.accountLookup ??= this.read(() => this.clients.sts.send(new GetCallerIdentityCommand({}))).then(
            (identity) => ({
                accountId: identity.Account!,
                partition: identity.Arn!.split(":")[1],
            }),
        );
        return this.accountLookup;
    }

    /**
     * Puts events on a bus, at most 10 per PutEvents (its limit). PutEvents answers 200 with per-entry failures: any
     * failed entry fails the call, so that the caller can retry (the events are idempotent for their consumer).
     */
    async putEvents(
        entries: Array<{
            Source: string;
            DetailType: string;
            Resources: string[];
            Detail: string;
            EventBusName: string;
        }>,
    ): Promise<void> {
        for (let i = 0; i < entries.length; i += 10) {
            const batch = entries.slice(i, i + 10);
            const result = await this.read(() => this.clients.events.send(new PutEventsCommand({ Entries: batch })));
            if ((result.FailedEntryCount ?? 0) > 0) {
                const failed = (result.Entries ?? []).find((e) => e.ErrorCode);
                throw Object.assign(
                    new Error(
                        `PutEvents failed for ${result.FailedEntryCount} event(s): ${failed?.ErrorCode}: ${failed?.ErrorMessage}`,
                    ),
                    {
                        name: "PutEventsFailed",
                    },
                );
            }
        }
    }

    /** Makes a received message visible again after `seconds` (0-43200); the queue counts it as received once more. */
    async changeVisibility(queueUrl: string, receiptHandle: string, seconds: number): Promise<void> {
        await this.read(() =>
            this.clients.sqs.send(
                new ChangeMessageVisibilityCommand({
                    QueueUrl: queueUrl,
                    ReceiptHandle: receiptHandle,
                    VisibilityTimeout: seconds,
                }),
            ),
        );
    }

    /**
     * One role by name, with its trust and boundary, when it is under the stack's path; undefined otherwise. A role
     * outside the path is outside what the reconciler may read: IAM's AccessDenied means "not this stack's".
     */
    async ownedRole(roleName: string, path: string): Promise<ActualRole | undefined> {
        try {
            const { Role } = await this.read(() => this.clients.iam.send(new GetRoleCommand({ RoleName: roleName })));
            if (!Role || Role.Path !== path) {
                return undefined;
            }
            return {
                roleName: Role.RoleName!,
                arn: Role.Arn!,
                trust: Role.AssumeRolePolicyDocument ? decodePolicy(Role.AssumeRolePolicyDocument) : undefined,
                boundary: Role.PermissionsBoundary?.PermissionsBoundaryArn,
            };
        } catch (error) {
            if (error instanceof NoSuchEntityException || isAccessDenied(error)) {
                return undefined;
            }
            throw error;
        }
    }

    /** Pages by hand rather than with the SDK paginator, so that one throttled page is retried on its own. */
    async listClusterNames(region: string): Promise<string[]> {
        const names: string[] = [];
        let nextToken: string | undefined;
        do {
            const page = await this.read(() =>
                this.clients.eks(region).send(new ListClustersCommand({ maxResults: 100, nextToken })),
            );
            names.push(...(page.clusters ?? []));
            nextToken = page.nextToken;
        } while (nextToken);
        return names;
    }

    async describeCluster(region: string, name: string): Promise<ClusterFacts> {
        const { cluster } = await this.read(() => this.clients.eks(region).send(new DescribeClusterCommand({ name })));
        if (!cluster?.arn || !cluster.status) {
            throw Object.assign(new Error(`DescribeCluster returned no ARN or status for ${name}`), {
                name: "MalformedCluster",
            });
        }
        return {
            name,
            region,
            arn: cluster.arn,
            status: cluster.status,
            oidcIssuer: cluster.identity?.oidc?.issuer,
            tags: cluster.tags ?? {},
        };
    }

    /** The add-on's DescribeAddon status, or undefined when it is not on the cluster (ResourceNotFoundException). */
    async addonStatus(region: string, clusterName: string, addonName: string): Promise<string | undefined> {
        try {
            const answer = await this.read(() =>
                this.clients.eks(region).send(new DescribeAddonCommand({ clusterName, addonName })),
            );
            return answer.addon?.status ?? "ACTIVE";
        } catch (error) {
            if (error instanceof ResourceNotFoundException) {
                return undefined;
            }
            throw error;
        }
    }

    /**
     * Whether the add-on is running on the cluster: absent, DELETING, DELETE_FAILED or CREATE_FAILED is not installed;
     * CREATING is not known yet (undefined: a scheduled run skips the cluster and keeps what it has, a targeted run waits).
     */
    async addonInstalled(region: string, clusterName: string, addonName: string): Promise<boolean | undefined> {
        return addonInstalledOf(await this.addonStatus(region, clusterName, addonName));
    }

    /**
     * The cluster's association for one service account (EKS allows one per cluster, namespace and service account),
     * with its role and tags: ListPodIdentityAssociations returns neither, so a found one is described too.
     */
    async association(
        region: string,
        clusterName: string,
        namespace: string,
        serviceAccount: string,
    ): Promise<ActualAssociation | undefined> {
        let nextToken: string | undefined;
        let found: string | undefined;
        do {
            const page = await this.read(() =>
                this.clients.eks(region).send(
                    new ListPodIdentityAssociationsCommand({
                        clusterName,
                        namespace,
                        serviceAccount,
                        maxResults: 100,
                        nextToken,
                    }),
                ),
            );
            found = page.associations?.find(
                (a) => a.namespace === namespace && a.serviceAccount === serviceAccount,
            )?.associationId;
            nextToken = found ? undefined : page.nextToken;
        } while (nextToken);
        if (!found) {
            return undefined;
        }
        const associationId = found;
        try {
            const { association } = await this.read(() =>
                this.clients
                    .eks(region)
                    .send(new DescribePodIdentityAssociationCommand({ clusterName, associationId })),
            );
            return { associationId, roleArn: association?.roleArn, tags: association?.tags ?? {} };
        } catch (error) {
            if (error instanceof ResourceNotFoundException) {
                return undefined;
            }
            throw error;
        }
    }

    async createAssociation(
        region: string,
        args: {
            clusterName: string;
            namespace: string;
            serviceAccount: string;
            roleArn: string;
            tags: Record<string, string>;
        },
    ): Promise<string> {
        const { association } = await this.write(() =>
            this.clients.eks(region).send(new CreatePodIdentityAssociationCommand(args)),
        );
        return association?.associationId ?? "";
    }

    async updateAssociation(
        region: string,
        clusterName: string,
        associationId: string,
        roleArn: string,
    ): Promise<void> {
        await this.write(() =>
            this.clients
                .eks(region)
                .send(new UpdatePodIdentityAssociationCommand({ clusterName, associationId, roleArn })),
        );
    }

    /** Deletes an association; one already gone counts as deleted. */
    async deleteAssociation(region: string, clusterName: string, associationId: string): Promise<void> {
        try {
            await this.write(() =>
                this.clients.eks(region).send(new DeletePodIdentityAssociationCommand({ clusterName, associationId })),
            );
        } catch (error) {
            if (!(error instanceof ResourceNotFoundException)) {
                throw error;
            }
        }
    }

    async listOidcProviderArns(): Promise<string[]> {
        const result = await this.read(() => this.clients.iam.send(new ListOpenIDConnectProvidersCommand({})));
        return (result.OpenIDConnectProviderList ?? []).map((p) => p.Arn!).filter(Boolean);
    }

    /** Roles under the stack's path: ownership by path costs no extra call per role. */
    async listOwnedRoles(path: string): Promise<ActualRole[]> {
        const roles: ActualRole[] = [];
        let marker: string | undefined;
        do {
            const page = await this.read(() =>
                this.clients.iam.send(new ListRolesCommand({ PathPrefix: path, MaxItems: 1000, Marker: marker })),
            );
            for (const role of page.Roles ?? []) {
                // PathPrefix is a plain string prefix: keep the exact path only.
                if (role.Path === path) {
                    roles.push({
                        roleName: role.RoleName!,
                        arn: role.Arn!,
                        trust: role.AssumeRolePolicyDocument ? decodePolicy(role.AssumeRolePolicyDocument) : undefined,
                    });
                }
            }
            marker = page.IsTruncated ? page.Marker : undefined;
        } while (marker);
        return roles;
    }

    /**
     * The role's path, or undefined when there is no such role. A role outside the stack's path is outside what the
     * reconciler may read, so IAM's AccessDenied means "someone else's".
     */
    async rolePath(roleName: string): Promise<string | undefined> {
        try {
            const { Role } = await this.read(() => this.clients.iam.send(new GetRoleCommand({ RoleName: roleName })));
            return Role?.Path;
        } catch (error) {
            if (error instanceof NoSuchEntityException) {
                return undefined;
            }
            if (isAccessDenied(error)) {
                return "(outside this stack's path)";
            }
            throw error;
        }
    }

    /**
     * Names (lower-cased: IAM role names are case-insensitive) of the roles under `path` whose permissions boundary is
     * `policyArn`: one paginated ListEntitiesForPolicy per run instead of one GetRole per role (ListRoles omits
     * boundaries).
     */
    async rolesBoundedBy(policyArn: string, path: string): Promise<Set<string>> {
        const names = new Set<string>();
        let marker: string | undefined;
        do {
            const page = await this.read(() =>
                this.clients.iam.send(
                    new ListEntitiesForPolicyCommand({
                        PolicyArn: policyArn,
                        EntityFilter: "Role",
                        PolicyUsageFilter: "PermissionsBoundary",
                        PathPrefix: path,
                        MaxItems: 1000,
                        Marker: marker,
                    }),
                ),
            );
            for (const role of page.PolicyRoles ?? []) {
                names.add(role.RoleName!.toLowerCase());
            }
            marker = page.IsTruncated ? page.Marker : undefined;
        } while (marker);
        return names;
    }

    /** ARN of the role's permissions boundary, undefined when it has none (only GetRole returns it). */
    async roleBoundary(roleName: string): Promise<string | undefined> {
        const { Role } = await this.read(() => this.clients.iam.send(new GetRoleCommand({ RoleName: roleName })));
        return Role?.PermissionsBoundary?.PermissionsBoundaryArn;
    }

    async putBoundary(roleName: string, boundaryArn: string): Promise<void> {
        await this.write(() =>
            this.clients.iam.send(
                new PutRolePermissionsBoundaryCommand({ RoleName: roleName, PermissionsBoundary: boundaryArn }),
            ),
        );
    }

    async roleTags(roleName: string): Promise<Record<string, string>> {
        const { Tags } = await this.read(() => this.clients.iam.send(new ListRoleTagsCommand({ RoleName: roleName })));
        return Object.fromEntries((Tags ?? []).map((tag) => [tag.Key!, tag.Value!]));
    }

    async inlinePolicy(roleName: string): Promise<unknown | undefined> {
        try {
            const result = await this.read(() =>
                this.clients.iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: AGENT_POLICY_NAME })),
            );
            return result.PolicyDocument ? decodePolicy(result.PolicyDocument) : undefined;
        } catch (error) {
            if (error instanceof NoSuchEntityException) {
                return undefined;
            }
            throw error;
        }
    }

    async createRole(role: DesiredRole, path: string): Promise<void> {
        await this.write(() =>
            this.clients.iam.send(
                new CreateRoleCommand({
                    RoleName: role.roleName,
                    Path: path,
                    AssumeRolePolicyDocument: JSON.stringify(role.trust),
                    PermissionsBoundary: role.boundary,
                    Description: `Container insights agents of EKS cluster ${role.cluster.arn}`,
                    Tags: Object.entries(role.tags).map(([Key, Value]) => ({ Key, Value })),
                }),
            ),
        );
    }

    async updateTrust(roleName: string, trust: PolicyDocument): Promise<void> {
        await this.write(() =>
            this.clients.iam.send(
                new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: JSON.stringify(trust) }),
            ),
        );
    }

    async putInlinePolicy(roleName: string, permissions: PolicyDocument): Promise<void> {
        await this.write(() =>
            this.clients.iam.send(
                new PutRolePolicyCommand({
                    RoleName: roleName,
                    PolicyName: AGENT_POLICY_NAME,
                    PolicyDocument: JSON.stringify(permissions),
                }),
            ),
        );
    }

    /** Deletes a role: IAM refuses while inline or attached policies remain, so those go first. */
    async deleteRole(roleName: string): Promise<void> {
        const inline = await this.read(() =>
            this.clients.iam.send(new ListRolePoliciesCommand({ RoleName: roleName })),
        );
        for (const policyName of inline.PolicyNames ?? []) {
            await this.write(() =>
                this.clients.iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: policyName })),
            );
        }
        const attached = await this.read(() =>
            this.clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName })),
        );
        for (const policy of attached.AttachedPolicies ?? []) {
            await this.write(() =>
                this.clients.iam.send(
                    new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: policy.PolicyArn! }),
                ),
            );
        }
        await this.write(() => this.clients.iam.send(new DeleteRoleCommand({ RoleName: roleName })));
    }

    async secretString(secretId: string): Promise<string> {
        const result = await this.read(() =>
            this.clients.secrets.send(new GetSecretValueCommand({ SecretId: secretId })),
        );
        if (!result.SecretString) {
            throw new Error(`secret ${secretId} has no string value`);
        }
        return result.SecretString;
    }
}

/** Add-on statuses whose add-on is not (or no longer) running. */
export const ADDON_NOT_INSTALLED_STATUSES = ["DELETING", "DELETE_FAILED", "CREATE_FAILED"];

/** installed (ACTIVE, UPDATING, DEGRADED, UPDATE_FAILED), not installed, or not known yet (CREATING). */
export function addonInstalledOf(status: string | undefined): boolean | undefined {
    if (status === undefined || ADDON_NOT_INSTALLED_STATUSES.includes(status)) {
        return false;
    }
    return status === "CREATING" ? undefined : true;
}
