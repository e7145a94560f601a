/**
 * An in-memory AWS account that answers EKS, IAM, STS, Secrets Manager and S3 objects the way AWS does: paginated lists,
 * URL-encoded policy documents, case-insensitive role names, IAM's size limits and its real error names.
 * Optional per-call latency and an IAM write-rate limit (on an injectable clock) make it a benchmark account too.
 * Roles carry permissions boundaries as IAM stores them (GetRole returns one, ListRoles never does). With `identity`
 * set, every call is authorized against that identity-based policy as IAM does it: the fake builds each call's
 * requests (resource, `iam:PermissionsBoundary`, `aws:TagKeys`, tags...) and iam-simulate decides them
 * (test/iamSimulator.ts), so a test shows what a role's real policy allows and refuses.
 */
import { PolicyDocument } from "../../common/documents";
import { stateBucketPrefix } from "../../common/naming";
import { BUCKET_PREFIX_SUFFIX } from "../../automation/plan/mockState";
import { Clock } from "../../lambda/reconciler/timing";
import { AuthRequest, Decision } from "./iamPolicy";
import { simulateIdentity } from "../iamSimulator";
import { WireError } from "./wire/codec";

export type ErrorName =
    | "NoSuchEntity"
    | "EntityAlreadyExists"
    | "Throttling"
    | "LimitExceeded"
    | "ValidationError"
    | "DeleteConflict"
    | "AccessDenied"
    | "ResourceNotFoundException"
    | "InvalidParameterException"
    | "NoSuchKey"
    | "NoSuchBucket"
    | "PreconditionFailed"
    | "ConditionalRequestConflict"
    | "SlowDown"
    | "InternalError";

/** The name the stack's state bucket gets in the fake account, as under the program's mocks (mockState.ts). */
export function fakeStateBucketName(accountId: string): string {
    return `${stateBucketPrefix(accountId)}${BUCKET_PREFIX_SUFFIX}`;
}

/**
 * An error the fake answers with, as the service sends it: wire code, message, HTTP status. The SDK's own deserializer
 * turns it into what the code under test sees (IAM's NoSuchEntity arrives as NoSuchEntityException).
 */
export function awsError(code: ErrorName | string, message: string, status = 400): WireError {
    return new WireError(code, message, status);
}

/** How each service says "not allowed": its wire code and HTTP status. */
const ACCESS_DENIED: Record<string, [string, number]> = {
    iam: ["AccessDenied", 403],
    sts: ["AccessDenied", 403],
    s3: ["AccessDenied", 403],
    eks: ["AccessDeniedException", 403],
    secretsmanager: ["AccessDeniedException", 400],
    events: ["AccessDeniedException", 400],
    logs: ["AccessDeniedException", 400],
    sqs: ["AccessDenied", 403],
};

interface FakeCluster {
    arn: string;
    status: string;
    issuer?: string;
    tags: Record<string, string>;
    /** The cluster's EKS add-ons: name -> DescribeAddon status (ACTIVE, CREATING, DELETING, CREATE_FAILED...). */
    addons: Map<string, string>;
}

/** An EKS Pod Identity association as EKS stores it. */
export interface FakeAssociation {
    clusterName: string;
    region: string;
    namespace: string;
    serviceAccount: string;
    roleArn: string;
    associationId: string;
    associationArn: string;
    tags: Record<string, string>;
    /** Set when an EKS add-on owns the association. */
    ownerArn?: string;
}

/** EKS writes of the Pod Identity API (not subject to IAM's write quota). */
const EKS_WRITES = new Set([
    "CreatePodIdentityAssociation",
    "UpdatePodIdentityAssociation",
    "DeletePodIdentityAssociation",
]);

/** EKS operations on one association: authorized on the association's ARN, with its tags as aws:ResourceTag. */
const ASSOCIATION_OPERATIONS = new Set([
    "DescribePodIdentityAssociation",
    "UpdatePodIdentityAssociation",
    "DeletePodIdentityAssociation",
]);

export interface FakeRole {
    RoleName: string;
    Path: string;
    Arn: string;
    RoleId: string;
    trust: string;
    Description?: string;
    tags: Record<string, string>;
    inline: Map<string, string>;
    attached: string[];
    /** ARN of the permissions boundary, if the role has one. */
    boundary?: string;
}

export interface FakeAccountOptions {
    accountId?: string;
    clock?: Clock;
    readLatencyMs?: number;
    writeLatencyMs?: number;
    /** IAM writes per second the account accepts; more are answered with Throttling. Unlimited when absent. */
    iamWritesPerSecond?: number;
}

/** A hook that may fail a call before it happens: return an Error to throw it. */
export type Fault = (operation: string, input: Record<string, any>) => Error | undefined;

/** The IAM operations that write (what the fake paces and counts as writes). */
export const IAM_WRITES: ReadonlySet<string> = new Set([
    "CreateRole",
    "DeleteRole",
    "UpdateAssumeRolePolicy",
    "PutRolePolicy",
    "DeleteRolePolicy",
    "DetachRolePolicy",
    "TagRole",
    "PutRolePermissionsBoundary",
    "DeleteRolePermissionsBoundary",
    "AttachRolePolicy",
]);

/** IAM actions on a role that IAM authorizes with the role's current boundary as `iam:PermissionsBoundary`. */
const CURRENT_BOUNDARY_KEY = new Set([
    "DeleteRole",
    "UpdateAssumeRolePolicy",
    "PutRolePolicy",
    "DeleteRolePolicy",
    "DetachRolePolicy",
    "AttachRolePolicy",
    "DeleteRolePermissionsBoundary",
]);

/** Calls that need no permission. */
const UNAUTHORIZED_OPERATIONS = new Set(["GetCallerIdentity"]);

export class FakeAccount {
    readonly accountId: string;
    readonly clusters = new Map<string, Map<string, FakeCluster>>();
    readonly oidcProviders = new Set<string>();
    /** EKS Pod Identity associations by association id. */
    readonly associations = new Map<string, FakeAssociation>();
    private associationCounter = 1;
    readonly roles = new Map<string, FakeRole>();
    readonly secrets = new Map<string, string>();
    /** ARNs of the managed policies that exist (a boundary must exist to be set). */
    readonly managedPolicies = new Set<string>();
    /** The identity-based policy of the caller; when set, every call is authorized against it. */
    identity?: PolicyDocument;
    /** Decides a request under `identity`: iam-simulate, as the caller (a role of this account). */
    decide: (document: PolicyDocument, request: AuthRequest) => Promise<Decision> = (document, request) =>
        simulateIdentity(document, request, { principal: `arn:aws:iam::${this.accountId}:role/caller` });
    /** Whether S3's "may the caller list?" check for a missing key sees the key as `s3:prefix` (see missingKey). */
    missingKeyListPrefix = false;
    /** Buckets that exist, and their objects by key (body and ETag, quoted as S3 returns it). */
    readonly buckets = new Map<string, Map<string, { body: string; etag: string }>>();
    readonly calls: Array<{ operation: string; input: Record<string, any> }> = [];
    faults: Fault[] = [];
    /** IAM writes that passed the quota and took effect. */
    acceptedWrites = 0;
    private tokens: number;
    private lastRefill: number;
    private issuerCounter = 0;
    private etagCounter = 0;

    constructor(private readonly options: FakeAccountOptions = {}) {
        this.accountId = options.accountId ?? "111122223333";
        // The stack's buckets: the reconciler only ever runs in an account where the stack created them.
        this.addBucket(`nops-container-cost-${this.accountId}`);
        this.addBucket(fakeStateBucketName(this.accountId));
        this.tokens = options.iamWritesPerSecond ?? 0;
        this.lastRefill = options.clock?.now() ?? 0;
    }

    // ---- building the world ----

    addCluster(
        region: string,
        name: string,
        opts: {
            status?: string;
            oidc?: boolean;
            provider?: boolean;
            tags?: Record<string, string>;
            addons?: string[];
            addonStatus?: string;
        } = {},
    ): string {
        const issuer = opts.oidc === false ? undefined : this.newIssuer(region);
        if (!this.clusters.has(region)) {
            this.clusters.set(region, new Map());
        }
        const arn = `arn:aws:eks:${region}:${this.accountId}:cluster/${name}`;
        this.clusters.get(region)!.set(name, {
            arn,
            status: opts.status ?? "ACTIVE",
            issuer,
            tags: opts.tags ?? {},
            addons: new Map((opts.addons ?? []).map((a) => [a, opts.addonStatus ?? "ACTIVE"])),
        });
        if (issuer && opts.provider !== false) {
            this.oidcProviders.add(this.providerArn(issuer));
        }
        return arn;
    }

    /** Deletes and recreates a cluster under the same name: it gets a new OIDC issuer. */
    recreateCluster(region: string, name: string): void {
        this.clusters.get(region)!.delete(name);
        this.addCluster(region, name);
    }

    /** Deleting a cluster deletes its Pod Identity associations too, as EKS does. */
    removeCluster(region: string, name: string): void {
        this.clusters.get(region)?.delete(name);
        for (const [id, association] of this.associations) {
            if (association.region === region && association.clusterName === name) {
                this.associations.delete(id);
            }
        }
    }

    /** The associations of one cluster. */
    associationsOf(region: string, name: string): FakeAssociation[] {
        return [...this.associations.values()].filter((a) => a.region === region && a.clusterName === name);
    }

    /** Adds an association the way someone else would (the program, another stack, by hand). */
    putAssociation(
        region: string,
        clusterName: string,
        fields: Partial<FakeAssociation> & { roleArn: string },
    ): FakeAssociation {
        const associationId = `a-${(this.associationCounter++).toString(36).padStart(17, "0")}`;
        const association: FakeAssociation = {
            clusterName,
            region,
            namespace: "nops",
            serviceAccount: "nops-container-insights",
            associationId,
            associationArn: `arn:aws:eks:${region}:${this.accountId}:podidentityassociation/${clusterName}/${associationId}`,
            tags: {},
            ...fields,
        };
        this.associations.set(associationId, association);
        return association;
    }

    providerArn(issuer: string): string {
        return `arn:aws:iam::${this.accountId}:oidc-provider/${issuer.replace(/^https:\/\//, "")}`;
    }

    issuerOf(region: string, name: string): string | undefined {
        return this.clusters.get(region)?.get(name)?.issuer;
    }

    role(name: string): FakeRole | undefined {
        return this.roles.get(name.toLowerCase());
    }

    writeCount(): number {
        return this.calls.filter((c) => IAM_WRITES.has(c.operation)).length;
    }

    private newIssuer(region: string): string {
        this.issuerCounter++;
        return `https://oidc.eks.${region}.amazonaws.com/id/${this.issuerCounter.toString(16).toUpperCase().padStart(32, "0")}`;
    }

    // ---- the API ----

    /** Every call enters here: records it, applies faults, latency and the IAM write quota. */
    async handle(operation: string, input: Record<string, any>, region?: string): Promise<any> {
        this.calls.push({ operation, input });
        const isWrite = IAM_WRITES.has(operation) || EKS_WRITES.has(operation);
        const latency = isWrite ? this.options.writeLatencyMs : this.options.readLatencyMs;
        if (latency && this.options.clock) {
            await this.options.clock.sleep(latency);
        }
        for (const fault of this.faults) {
            const error = fault(operation, input);
            if (error) {
                throw error;
            }
        }
        if (IAM_WRITES.has(operation) && this.options.iamWritesPerSecond !== undefined && !this.takeWriteToken()) {
            throw awsError("Throttling", "Rate exceeded");
        }
        if (this.identity && !UNAUTHORIZED_OPERATIONS.has(operation)) {
            await this.authorize(operation, input, region);
        }
        const method = (this as unknown as Record<string, (input: any, region?: string) => any>)[`op${operation}`];
        const result = await method.call(this, input, region);
        if (isWrite) {
            this.acceptedWrites++;
        }
        return result;
    }

    private takeWriteToken(): boolean {
        const rate = this.options.iamWritesPerSecond!;
        const now = this.options.clock!.now();
        this.tokens = Math.min(rate, this.tokens + ((now - this.lastRefill) * rate) / 1000);
        this.lastRefill = now;
        if (this.tokens >= 1) {
            this.tokens -= 1;
            return true;
        }
        return false;
    }

    // ---- authorization ----

    /** The requests IAM authorizes for one call: the action itself, plus iam:TagRole for a CreateRole with tags. */
    authRequests(operation: string, input: Record<string, any>, region?: string): AuthRequest[] {
        const service = SERVICE_OF[operation];
        if (!service) {
            throw new Error(`the fake does not know which service ${operation} belongs to`);
        }
        const action = `${service}:${operation}`;
        if (service === "eks") {
            return this.eksAuthRequests(operation, action, input, region!);
        }
        if (operation === "DescribeRule") {
            return [{ action, resource: `arn:aws:events:${region}:${this.accountId}:rule/${input.Name}`, context: {} }];
        }
        if (service === "events") {
            // PutEvents is authorized per entry, on the bus it names (the default bus when it names none).
            return (input.Entries as Array<{ EventBusName?: string }>).map((entry) => ({
                action,
                resource: entry.EventBusName?.startsWith("arn:")
                    ? entry.EventBusName
                    : `arn:aws:events:${region}:${this.accountId}:event-bus/${entry.EventBusName ?? "default"}`,
                context: {},
            }));
        }
        if (service === "sqs") {
            const [, , host, account, name] = String(input.QueueUrl).split("/");
            return [{ action, resource: `arn:aws:sqs:${host.split(".")[1]}:${account}:${name}`, context: {} }];
        }
        if (service === "secretsmanager") {
            return [{ action, resource: input.SecretId, context: {} }];
        }
        if (service === "s3") {
            return [s3AuthRequest(operation, input)];
        }
        if (operation === "ListEntitiesForPolicy") {
            return [{ action, resource: input.PolicyArn, context: {} }];
        }
        if (!input.RoleName) {
            return [{ action, resource: "*", context: {} }];
        }
        const existing = this.role(input.RoleName);
        const resource =
            operation === "CreateRole"
                ? `arn:aws:iam::${this.accountId}:role${input.Path ?? "/"}${input.RoleName}`
                : (existing?.Arn ?? `arn:aws:iam::${this.accountId}:role/${input.RoleName}`);
        const context: AuthRequest["context"] = {};
        if (operation === "CreateRole" || operation === "PutRolePermissionsBoundary") {
            context["iam:PermissionsBoundary"] = input.PermissionsBoundary;
        } else if (CURRENT_BOUNDARY_KEY.has(operation)) {
            context["iam:PermissionsBoundary"] = existing?.boundary;
        }
        if (operation === "AttachRolePolicy" || operation === "DetachRolePolicy") {
            context["iam:PolicyARN"] = input.PolicyArn;
        }
        const tags = (input.Tags as Array<{ Key: string; Value: string }> | undefined) ?? [];
        const tagKeys = input.Tags ? tags.map((tag) => tag.Key) : undefined;
        const requestTags = Object.fromEntries(tags.map((tag) => [`aws:RequestTag/${tag.Key}`, tag.Value]));
        if (operation === "TagRole" || operation === "CreateRole") {
            context["aws:TagKeys"] = tagKeys;
            Object.assign(context, requestTags);
        }
        const requests = [{ action, resource, context }];
        if (operation === "CreateRole" && tagKeys && tagKeys.length > 0) {
            requests.push({ action: "iam:TagRole", resource, context: { "aws:TagKeys": tagKeys, ...requestTags } });
        }
        return requests;
    }

    /**
     * EKS resources and condition keys as the Service Authorization Reference lists them: the cluster for
     * DescribeCluster, ListPodIdentityAssociations and CreatePodIdentityAssociation (with aws:RequestTag/* and
     * aws:TagKeys, plus eks:TagResource on the new association for its tags and iam:PassRole on the role, passed to
     * pods.eks.amazonaws.com), the association with its aws:ResourceTag/* for Describe/Update/Delete (Update passes the
     * role too), the add-on for DescribeAddon.
     */
    private eksAuthRequests(
        operation: string,
        action: string,
        input: Record<string, any>,
        region: string,
    ): AuthRequest[] {
        const clusterName = input.clusterName ?? input.name;
        const clusterArn = `arn:aws:eks:${region}:${this.accountId}:cluster/${clusterName}`;
        const passRole = (roleArn: string): AuthRequest => ({
            action: "iam:PassRole",
            resource: roleArn,
            context: { "iam:PassedToService": "pods.eks.amazonaws.com" },
        });
        if (operation === "ListClusters") {
            return [{ action, resource: "*", context: {} }];
        }
        if (operation === "DescribeCluster" || operation === "ListPodIdentityAssociations") {
            return [{ action, resource: clusterArn, context: {} }];
        }
        if (operation === "DescribeAddon") {
            return [
                {
                    action,
                    resource: `arn:aws:eks:${region}:${this.accountId}:addon/${clusterName}/${input.addonName}/00000000-0000-0000-0000-000000000000`,
                    context: {},
                },
            ];
        }
        if (operation === "CreatePodIdentityAssociation") {
            const tags = (input.tags ?? {}) as Record<string, string>;
            const requestTags: AuthRequest["context"] = Object.fromEntries(
                Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v]),
            );
            const tagKeys = Object.keys(tags);
            const requests: AuthRequest[] = [
                { action, resource: clusterArn, context: { ...requestTags, "aws:TagKeys": tagKeys } },
            ];
            if (tagKeys.length > 0) {
                const newArn = `arn:aws:eks:${region}:${this.accountId}:podidentityassociation/${clusterName}/a-new`;
                requests.push({
                    action: "eks:TagResource",
                    resource: newArn,
                    context: { ...requestTags, "aws:TagKeys": tagKeys },
                });
            }
            requests.push(passRole(input.roleArn));
            return requests;
        }
        if (ASSOCIATION_OPERATIONS.has(operation)) {
            const existing = this.associations.get(input.associationId);
            const resource =
                existing?.associationArn ??
                `arn:aws:eks:${region}:${this.accountId}:podidentityassociation/${clusterName}/${input.associationId}`;
            const resourceTags = Object.fromEntries(
                Object.entries(existing?.tags ?? {}).map(([k, v]) => [`aws:ResourceTag/${k}`, v]),
            );
            const requests: AuthRequest[] = [{ action, resource, context: resourceTags }];
            if (operation === "UpdatePodIdentityAssociation" && input.roleArn !== undefined) {
                requests.push(passRole(input.roleArn));
            }
            return requests;
        }
        throw new Error(`the fake does not authorize EKS ${operation}`);
    }

    private async authorize(operation: string, input: Record<string, any>, region?: string): Promise<void> {
        for (const request of this.authRequests(operation, input, region)) {
            const decision = await this.decide(this.identity!, request);
            if (decision !== "Allow") {
                const how =
                    decision === "ExplicitDeny"
                        ? "with an explicit deny"
                        : "because no identity-based policy allows the action";
                const [code, status] = ACCESS_DENIED[SERVICE_OF[operation]];
                throw awsError(
                    code,
                    `User is not authorized to perform: ${request.action} on resource: ${request.resource} ${how}`,
                    status,
                );
            }
        }
    }

    /**
     * How S3 answers a read of a missing key: 404 NoSuchKey to a caller allowed s3:ListBucket on the bucket, 403
     * AccessDenied to any other (S3 API reference, GetObject, Permissions). Without an identity every call is allowed.
     * Whether S3 evaluates that ListBucket with the key as `s3:prefix` is not documented: `missingKeyListPrefix` picks.
     */
    private async missingKey(bucket: string, key: string): Promise<WireError> {
        const mayList =
            !this.identity ||
            (await this.decide(this.identity, {
                action: "s3:ListBucket",
                resource: `arn:aws:s3:::${bucket}`,
                context: this.missingKeyListPrefix ? { "s3:prefix": key } : {},
            })) === "Allow";
        return mayList
            ? awsError("NoSuchKey", "The specified key does not exist.", 404)
            : awsError("AccessDenied", "Access Denied", 403);
    }

    private requireRole(name: string): FakeRole {
        const role = this.role(name);
        if (!role) {
            throw awsError("NoSuchEntity", `The role with name ${name} cannot be found.`, 404);
        }
        return role;
    }

    opGetCallerIdentity() {
        return {
            Account: this.accountId,
            Arn: `arn:aws:sts::${this.accountId}:assumed-role/reconciler/fn`,
            UserId: "AROA",
        };
    }

    opListClusters(input: { maxResults?: number; nextToken?: string }, region: string) {
        const max = input.maxResults ?? 100;
        if (max < 1 || max > 100) {
            throw awsError("InvalidParameterException", "maxResults must be between 1 and 100");
        }
        const names = [...(this.clusters.get(region)?.keys() ?? [])].sort();
        const start = input.nextToken ? Number(Buffer.from(input.nextToken, "base64").toString()) : 0;
        const page = names.slice(start, start + max);
        const next = start + max < names.length ? Buffer.from(String(start + max)).toString("base64") : undefined;
        return { clusters: page, nextToken: next };
    }

    opDescribeCluster(input: { name: string }, region: string) {
        const cluster = this.clusters.get(region)?.get(input.name);
        if (!cluster) {
            throw awsError("ResourceNotFoundException", `No cluster found for name: ${input.name}.`, 404);
        }
        return {
            cluster: {
                name: input.name,
                arn: cluster.arn,
                status: cluster.status,
                identity: cluster.issuer ? { oidc: { issuer: cluster.issuer } } : undefined,
                tags: cluster.tags,
            },
        };
    }

    private requireCluster(region: string, name: string): FakeCluster {
        const cluster = this.clusters.get(region)?.get(name);
        if (!cluster) {
            throw awsError("ResourceNotFoundException", `No cluster found for name: ${name}.`, 404);
        }
        return cluster;
    }

    opDescribeAddon(input: { clusterName: string; addonName: string }, region: string) {
        const cluster = this.requireCluster(region, input.clusterName);
        const status = cluster.addons.get(input.addonName);
        if (!status) {
            throw awsError(
                "ResourceNotFoundException",
                `No addon: ${input.addonName} found in cluster: ${input.clusterName}`,
                404,
            );
        }
        return { addon: { addonName: input.addonName, clusterName: input.clusterName, status } };
    }

    /** Summaries only, as EKS returns them: no role, no tags. Filters by namespace and service account. */
    opListPodIdentityAssociations(
        input: {
            clusterName: string;
            namespace?: string;
            serviceAccount?: string;
            maxResults?: number;
            nextToken?: string;
        },
        region: string,
    ) {
        this.requireCluster(region, input.clusterName);
        const max = input.maxResults ?? 100;
        if (max < 1 || max > 100) {
            throw awsError("InvalidParameterException", "maxResults must be between 1 and 100");
        }
        const all = this.associationsOf(region, input.clusterName)
            .filter((a) => input.namespace === undefined || a.namespace === input.namespace)
            .filter((a) => input.serviceAccount === undefined || a.serviceAccount === input.serviceAccount)
            .sort((a, b) => a.associationId.localeCompare(b.associationId));
        const start = input.nextToken ? Number(Buffer.from(input.nextToken, "base64").toString()) : 0;
        const next = start + max < all.length ? Buffer.from(String(start + max)).toString("base64") : undefined;
        return {
            associations: all.slice(start, start + max).map((a) => ({
                clusterName: a.clusterName,
                namespace: a.namespace,
                serviceAccount: a.serviceAccount,
                associationArn: a.associationArn,
                associationId: a.associationId,
                ownerArn: a.ownerArn,
            })),
            nextToken: next,
        };
    }

    private requireAssociation(region: string, clusterName: string, associationId: string): FakeAssociation {
        this.requireCluster(region, clusterName);
        const association = this.associations.get(associationId);
        if (!association || association.region !== region || association.clusterName !== clusterName) {
            throw awsError(
                "ResourceNotFoundException",
                `Association ${associationId} not found in cluster ${clusterName}.`,
                404,
            );
        }
        return association;
    }

    private associationView(a: FakeAssociation) {
        const { region: _region, ...view } = a;
        return { ...view, tags: { ...a.tags }, disableSessionTags: false };
    }

    opDescribePodIdentityAssociation(input: { clusterName: string; associationId: string }, region: string) {
        return {
            association: this.associationView(this.requireAssociation(region, input.clusterName, input.associationId)),
        };
    }

    /** One association per cluster, namespace and service account (ResourceInUseException otherwise). */
    opCreatePodIdentityAssociation(
        input: {
            clusterName: string;
            namespace: string;
            serviceAccount: string;
            roleArn: string;
            tags?: Record<string, string>;
        },
        region: string,
    ) {
        this.requireCluster(region, input.clusterName);
        if (!/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/.+/.test(input.roleArn ?? "")) {
            throw awsError("InvalidParameterException", `roleArn ${input.roleArn} is not an IAM role ARN`);
        }
        if (Object.keys(input.tags ?? {}).length > 50) {
            throw awsError("InvalidParameterException", "Tags: at most 50");
        }
        const duplicate = this.associationsOf(region, input.clusterName).find(
            (a) => a.namespace === input.namespace && a.serviceAccount === input.serviceAccount,
        );
        if (duplicate) {
            throw awsError("ResourceInUseException", `Association already exists: ${duplicate.associationId}`, 409);
        }
        const created = this.putAssociation(region, input.clusterName, {
            namespace: input.namespace,
            serviceAccount: input.serviceAccount,
            roleArn: input.roleArn,
            tags: { ...(input.tags ?? {}) },
        });
        return { association: this.associationView(created) };
    }

    opUpdatePodIdentityAssociation(
        input: { clusterName: string; associationId: string; roleArn?: string },
        region: string,
    ) {
        const association = this.requireAssociation(region, input.clusterName, input.associationId);
        if (input.roleArn !== undefined) {
            association.roleArn = input.roleArn;
        }
        return { association: this.associationView(association) };
    }

    opDeletePodIdentityAssociation(input: { clusterName: string; associationId: string }, region: string) {
        const association = this.requireAssociation(region, input.clusterName, input.associationId);
        this.associations.delete(association.associationId);
        return { association: this.associationView(association) };
    }

    opListOpenIDConnectProviders() {
        return { OpenIDConnectProviderList: [...this.oidcProviders].map((Arn) => ({ Arn })) };
    }

    opListRoles(input: { PathPrefix?: string; MaxItems?: number; Marker?: string }) {
        const prefix = input.PathPrefix ?? "/";
        const all = [...this.roles.values()]
            .filter((r) => r.Path.startsWith(prefix))
            .sort((a, b) => a.RoleName.localeCompare(b.RoleName));
        const start = input.Marker ? Number(input.Marker) : 0;
        const max = input.MaxItems ?? 100;
        const page = all.slice(start, start + max);
        const truncated = start + max < all.length;
        return {
            // ListRoles returns no tags.
            Roles: page.map((r) => ({
                RoleName: r.RoleName,
                Path: r.Path,
                Arn: r.Arn,
                RoleId: r.RoleId,
                Description: r.Description,
                AssumeRolePolicyDocument: encodeURIComponent(r.trust),
            })),
            IsTruncated: truncated,
            Marker: truncated ? String(start + max) : undefined,
        };
    }

    opGetRole(input: { RoleName: string }) {
        const r = this.requireRole(input.RoleName);
        return {
            Role: {
                RoleName: r.RoleName,
                Path: r.Path,
                Arn: r.Arn,
                AssumeRolePolicyDocument: encodeURIComponent(r.trust),
                PermissionsBoundary: r.boundary
                    ? { PermissionsBoundaryType: "Policy", PermissionsBoundaryArn: r.boundary }
                    : undefined,
            },
        };
    }

    /** Who uses a managed policy; with PolicyUsageFilter PermissionsBoundary, only the roles it bounds. */
    opListEntitiesForPolicy(input: {
        PolicyArn: string;
        EntityFilter?: string;
        PolicyUsageFilter?: "PermissionsPolicy" | "PermissionsBoundary";
        PathPrefix?: string;
        MaxItems?: number;
        Marker?: string;
    }) {
        if (!this.managedPolicies.has(input.PolicyArn)) {
            throw awsError("NoSuchEntity", `Policy ${input.PolicyArn} does not exist or is not attachable.`, 404);
        }
        if (input.EntityFilter !== undefined && input.EntityFilter !== "Role") {
            throw new Error(`the fake lists roles only, not ${input.EntityFilter}`);
        }
        const prefix = input.PathPrefix ?? "/";
        const usage = input.PolicyUsageFilter;
        const all = [...this.roles.values()]
            .filter((r) => r.Path.startsWith(prefix))
            .filter(
                (r) =>
                    (usage !== "PermissionsPolicy" && r.boundary === input.PolicyArn) ||
                    (usage !== "PermissionsBoundary" && r.attached.includes(input.PolicyArn)),
            )
            .sort((a, b) => a.RoleName.localeCompare(b.RoleName));
        const start = input.Marker ? Number(input.Marker) : 0;
        const max = input.MaxItems ?? 100;
        const truncated = start + max < all.length;
        return {
            PolicyGroups: [],
            PolicyUsers: [],
            PolicyRoles: all.slice(start, start + max).map((r) => ({ RoleName: r.RoleName, RoleId: r.RoleId })),
            IsTruncated: truncated,
            Marker: truncated ? String(start + max) : undefined,
        };
    }

    private requireAttachable(policyArn: string | undefined) {
        if (!policyArn || !this.managedPolicies.has(policyArn)) {
            throw awsError("NoSuchEntity", `Policy ${policyArn} does not exist or is not attachable.`, 404);
        }
    }

    opPutRolePermissionsBoundary(input: { RoleName: string; PermissionsBoundary: string }) {
        const role = this.requireRole(input.RoleName);
        this.requireAttachable(input.PermissionsBoundary);
        role.boundary = input.PermissionsBoundary;
        return {};
    }

    opDeleteRolePermissionsBoundary(input: { RoleName: string }) {
        this.requireRole(input.RoleName).boundary = undefined;
        return {};
    }

    opAttachRolePolicy(input: { RoleName: string; PolicyArn: string }) {
        const role = this.requireRole(input.RoleName);
        if (!input.PolicyArn.startsWith("arn:aws:iam::aws:policy/")) {
            this.requireAttachable(input.PolicyArn);
        }
        if (!role.attached.includes(input.PolicyArn)) {
            role.attached.push(input.PolicyArn);
        }
        return {};
    }

    opCreateRole(input: {
        RoleName: string;
        Path?: string;
        AssumeRolePolicyDocument: string;
        Description?: string;
        PermissionsBoundary?: string;
        Tags?: Array<{ Key: string; Value: string }>;
    }) {
        if (input.RoleName.length > 64 || !/^[\w+=,.@-]+$/.test(input.RoleName)) {
            throw awsError(
                "ValidationError",
                `1 validation error detected: Value '${input.RoleName}' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64`,
            );
        }
        if (this.role(input.RoleName)) {
            throw awsError("EntityAlreadyExists", `Role with name ${input.RoleName} already exists.`, 409);
        }
        this.checkTrust(input.AssumeRolePolicyDocument);
        if (input.PermissionsBoundary !== undefined) {
            this.requireAttachable(input.PermissionsBoundary);
        }
        if ((input.Tags?.length ?? 0) > 50) {
            throw awsError("LimitExceeded", "Cannot exceed quota for TagsPerRole: 50");
        }
        const path = input.Path ?? "/";
        this.roles.set(input.RoleName.toLowerCase(), {
            RoleName: input.RoleName,
            Path: path,
            Arn: `arn:aws:iam::${this.accountId}:role${path}${input.RoleName}`,
            RoleId: `AROA${this.roles.size}`,
            trust: input.AssumeRolePolicyDocument,
            Description: input.Description,
            tags: Object.fromEntries((input.Tags ?? []).map((t) => [t.Key, t.Value])),
            inline: new Map(),
            attached: [],
            boundary: input.PermissionsBoundary,
        });
        return {};
    }

    /** Adds a role the way someone else would (the vendor's stack, another team), for ownership tests. */
    putForeignRole(name: string, path: string, tags: Record<string, string> = {}, boundary?: string): void {
        this.roles.set(name.toLowerCase(), {
            RoleName: name,
            Path: path,
            Arn: `arn:aws:iam::${this.accountId}:role${path}${name}`,
            RoleId: "AROAFOREIGN",
            trust: JSON.stringify({ Version: "2012-10-17", Statement: [] }),
            tags,
            inline: new Map([["foreign", "{}"]]),
            attached: [],
            boundary,
        });
    }

    private checkTrust(document: string) {
        JSON.parse(document);
        if (document.replace(/\s/g, "").length > 2048) {
            throw awsError("LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048");
        }
    }

    opUpdateAssumeRolePolicy(input: { RoleName: string; PolicyDocument: string }) {
        const role = this.requireRole(input.RoleName);
        this.checkTrust(input.PolicyDocument);
        role.trust = input.PolicyDocument;
        return {};
    }

    opPutRolePolicy(input: { RoleName: string; PolicyName: string; PolicyDocument: string }) {
        const role = this.requireRole(input.RoleName);
        JSON.parse(input.PolicyDocument);
        const others = [...role.inline]
            .filter(([name]) => name !== input.PolicyName)
            .reduce((n, [, doc]) => n + doc.length, 0);
        if (others + input.PolicyDocument.replace(/\s/g, "").length > 10240) {
            throw awsError("LimitExceeded", "Maximum policy size of 10240 bytes exceeded for role");
        }
        role.inline.set(input.PolicyName, input.PolicyDocument);
        return {};
    }

    opGetRolePolicy(input: { RoleName: string; PolicyName: string }) {
        const role = this.requireRole(input.RoleName);
        const document = role.inline.get(input.PolicyName);
        if (document === undefined) {
            throw awsError("NoSuchEntity", `The role policy with name ${input.PolicyName} cannot be found.`, 404);
        }
        return { RoleName: role.RoleName, PolicyName: input.PolicyName, PolicyDocument: encodeURIComponent(document) };
    }

    opListRolePolicies(input: { RoleName: string }) {
        return { PolicyNames: [...this.requireRole(input.RoleName).inline.keys()], IsTruncated: false };
    }

    opListAttachedRolePolicies(input: { RoleName: string }) {
        return {
            AttachedPolicies: this.requireRole(input.RoleName).attached.map((PolicyArn) => ({ PolicyArn })),
            IsTruncated: false,
        };
    }

    opListRoleTags(input: { RoleName: string }) {
        return {
            Tags: Object.entries(this.requireRole(input.RoleName).tags).map(([Key, Value]) => ({ Key, Value })),
            IsTruncated: false,
        };
    }

    opDeleteRolePolicy(input: { RoleName: string; PolicyName: string }) {
        const role = this.requireRole(input.RoleName);
        if (!role.inline.delete(input.PolicyName)) {
            throw awsError("NoSuchEntity", `The role policy with name ${input.PolicyName} cannot be found.`, 404);
        }
        return {};
    }

    opDetachRolePolicy(input: { RoleName: string; PolicyArn: string }) {
        const role = this.requireRole(input.RoleName);
        role.attached = role.attached.filter((arn) => arn !== input.PolicyArn);
        return {};
    }

    opDeleteRole(input: { RoleName: string }) {
        const role = this.requireRole(input.RoleName);
        if (role.inline.size > 0 || role.attached.length > 0) {
            throw awsError("DeleteConflict", "Cannot delete entity, must delete policies first.", 409);
        }
        this.roles.delete(input.RoleName.toLowerCase());
        return {};
    }

    opTagRole(input: { RoleName: string; Tags: Array<{ Key: string; Value: string }> }) {
        const role = this.requireRole(input.RoleName);
        for (const tag of input.Tags) {
            role.tags[tag.Key] = tag.Value;
        }
        return {};
    }

    addBucket(name: string): void {
        this.buckets.set(name, new Map());
    }

    object(bucket: string, key: string): string | undefined {
        return this.buckets.get(bucket)?.get(key)?.body;
    }

    private requireBucket(name: string) {
        const bucket = this.buckets.get(name);
        if (!bucket) {
            throw awsError("NoSuchBucket", "The specified bucket does not exist", 404);
        }
        return bucket;
    }

    /** PutObject with S3's conditional writes: If-None-Match "*" and If-Match <etag> (412 PreconditionFailed). */
    opPutObject(input: { Bucket: string; Key: string; Body: string; IfNoneMatch?: string; IfMatch?: string }) {
        const bucket = this.requireBucket(input.Bucket);
        const existing = bucket.get(input.Key);
        if (input.IfNoneMatch !== undefined && input.IfNoneMatch !== "*") {
            throw awsError("NotImplemented", "If-None-Match accepts only *", 501);
        }
        if (
            (input.IfNoneMatch === "*" && existing) ||
            (input.IfMatch !== undefined && existing?.etag !== input.IfMatch)
        ) {
            throw awsError("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412);
        }
        if (input.IfMatch !== undefined && !existing) {
            throw awsError("NoSuchKey", "The specified key does not exist.", 404);
        }
        this.etagCounter++;
        const etag = `"${this.etagCounter.toString(16).padStart(32, "0")}"`;
        bucket.set(input.Key, { body: String(input.Body), etag });
        return { ETag: etag };
    }

    async opGetObject(input: { Bucket: string; Key: string }) {
        const object = this.requireBucket(input.Bucket).get(input.Key);
        if (!object) {
            throw await this.missingKey(input.Bucket, input.Key);
        }
        return { ETag: object.etag, Body: object.body };
    }

    /** ListObjectsV2 in key order, one page of up to MaxKeys (1,000 by default). */
    opListObjectsV2(input: { Bucket: string; Prefix?: string; MaxKeys?: number; ContinuationToken?: string }) {
        const keys = [...this.requireBucket(input.Bucket).entries()]
            .filter(([key]) => key.startsWith(input.Prefix ?? ""))
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        const start = input.ContinuationToken ? Number(input.ContinuationToken) : 0;
        const max = input.MaxKeys ?? 1000;
        const page = keys.slice(start, start + max);
        const truncated = start + max < keys.length;
        return {
            Name: input.Bucket,
            Prefix: input.Prefix ?? "",
            KeyCount: page.length,
            MaxKeys: max,
            IsTruncated: truncated,
            Contents: page.map(([Key, object]) => ({ Key, ETag: object.etag, Size: object.body.length })),
            NextContinuationToken: truncated ? String(start + max) : undefined,
        };
    }

    /** DeleteObject: deleting a missing key succeeds (204), unless If-Match is given (404 / 412). */
    async opDeleteObject(input: { Bucket: string; Key: string; IfMatch?: string }) {
        const bucket = this.requireBucket(input.Bucket);
        const existing = bucket.get(input.Key);
        if (input.IfMatch !== undefined) {
            if (!existing) {
                throw await this.missingKey(input.Bucket, input.Key);
            }
            if (input.IfMatch !== "*" && existing.etag !== input.IfMatch) {
                throw awsError(
                    "PreconditionFailed",
                    "At least one of the pre-conditions you specified did not hold",
                    412,
                );
            }
        }
        bucket.delete(input.Key);
        return {};
    }

    /** Events put on a bus, oldest first (EventBridge's PutEvents; at most 10 entries a call, as AWS enforces). */
    readonly publishedEvents: Array<{
        Source: string;
        DetailType: string;
        Resources?: string[];
        Detail: string;
        EventBusName?: string;
    }> = [];

    opPutEvents(input: {
        Entries: Array<{
            Source: string;
            DetailType: string;
            Resources?: string[];
            Detail: string;
            EventBusName?: string;
        }>;
    }) {
        if (input.Entries.length < 1 || input.Entries.length > 10) {
            throw awsError(
                "ValidationException",
                "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10",
            );
        }
        this.publishedEvents.push(...input.Entries);
        return {
            FailedEntryCount: 0,
            Entries: input.Entries.map((_, i) => ({
                EventId: `event-${this.publishedEvents.length - input.Entries.length + i}`,
            })),
        };
    }

    /** EventBridge rules that exist on the default bus, as `<region>/<name>` (none unless a test adds them). */
    readonly eventRules = new Set<string>();

    /** DescribeRule of a rule on the default bus; a missing one is EventBridge's ResourceNotFoundException. */
    opDescribeRule(input: { Name: string }, region: string) {
        if (!this.eventRules.has(`${region}/${input.Name}`)) {
            throw awsError("ResourceNotFoundException", `Rule ${input.Name} does not exist on EventBus default.`);
        }
        return {
            Name: input.Name,
            Arn: `arn:aws:events:${region}:${this.accountId}:rule/${input.Name}`,
            State: "ENABLED",
            EventBusName: "default",
        };
    }

    /** ChangeMessageVisibility calls, in order (the fake keeps no queue: the consumer is given its records). */
    readonly visibilityChanges: Array<{ queueUrl: string; receiptHandle: string; seconds: number }> = [];

    opChangeMessageVisibility(input: { QueueUrl: string; ReceiptHandle: string; VisibilityTimeout: number }) {
        if (
            !Number.isInteger(input.VisibilityTimeout) ||
            input.VisibilityTimeout < 0 ||
            input.VisibilityTimeout > 43_200
        ) {
            throw awsError(
                "InvalidParameterValue",
                "Value for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.",
            );
        }
        this.visibilityChanges.push({
            queueUrl: input.QueueUrl,
            receiptHandle: input.ReceiptHandle,
            seconds: input.VisibilityTimeout,
        });
        return {};
    }

    opGetSecretValue(input: { SecretId: string }) {
        const value = this.secrets.get(input.SecretId);
        if (value === undefined) {
            throw awsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
        }
        return { ARN: input.SecretId, SecretString: value };
    }

    // ---- what adopt and status read: a bucket's tags and settings, IAM users, the reconciler's log events ----

    /** Tags and settings of the buckets in `buckets`; a bucket without an entry has S3's defaults for a new one. */
    readonly bucketConfig = new Map<string, FakeBucketConfig>();
    readonly users = new Map<string, FakeUser>();
    /** Log events per log group, as CloudWatch Logs keeps them (the message is the line the function wrote). */
    readonly logEvents = new Map<string, Array<{ timestamp: number; message: string }>>();

    /** A bucket as someone made it: by default as S3 makes one today (SSE-S3, public access block, owner-enforced). */
    putBucket(name: string, config: Partial<FakeBucketConfig> = {}): void {
        if (!this.buckets.has(name)) {
            this.addBucket(name);
        }
        this.bucketConfig.set(name, { ...NEW_BUCKET, ...config });
    }

    putUser(name: string, user: Partial<FakeUser> = {}): void {
        this.users.set(name, { tags: {}, inlinePolicies: [], attachedPolicies: [], accessKeys: 0, ...user });
    }

    private requireBucketConfig(name: string): FakeBucketConfig {
        this.requireBucket(name);
        return this.bucketConfig.get(name) ?? NEW_BUCKET;
    }

    /** HeadBucket has no body: a missing bucket is a bare 404, which SDK v3 names NotFound. */
    opHeadBucket(input: { Bucket: string }) {
        if (!this.buckets.has(input.Bucket)) {
            throw awsError("NotFound", "UnknownError", 404);
        }
        return {};
    }

    opGetBucketTagging(input: { Bucket: string }) {
        const { tags } = this.requireBucketConfig(input.Bucket);
        if (Object.keys(tags).length === 0) {
            throw awsError("NoSuchTagSet", "The TagSet does not exist", 404);
        }
        return { TagSet: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) };
    }

    private bucketSetting(
        input: { Bucket: string },
        setting: keyof Omit<FakeBucketConfig, "tags">,
        missing: string,
        body: Record<string, unknown>,
    ) {
        if (!this.requireBucketConfig(input.Bucket)[setting]) {
            throw awsError(missing, `The ${setting} configuration does not exist`, 404);
        }
        return body;
    }

    opGetBucketEncryption(input: { Bucket: string }) {
        return this.bucketSetting(input, "encryption", "ServerSideEncryptionConfigurationNotFoundError", {
            ServerSideEncryptionConfiguration: {
                Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" }, BucketKeyEnabled: false }],
            },
        });
    }

    opGetPublicAccessBlock(input: { Bucket: string }) {
        return this.bucketSetting(input, "publicAccessBlock", "NoSuchPublicAccessBlockConfiguration", {
            PublicAccessBlockConfiguration: {
                BlockPublicAcls: true,
                IgnorePublicAcls: true,
                BlockPublicPolicy: true,
                RestrictPublicBuckets: true,
            },
        });
    }

    opGetBucketOwnershipControls(input: { Bucket: string }) {
        return this.bucketSetting(input, "ownershipControls", "OwnershipControlsNotFoundError", {
            OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] },
        });
    }

    opGetBucketPolicy(input: { Bucket: string }) {
        return this.bucketSetting(input, "policy", "NoSuchBucketPolicy", {
            Policy: JSON.stringify({ Version: "2012-10-17", Statement: [] }),
        });
    }

    opGetBucketLifecycleConfiguration(input: { Bucket: string }) {
        return this.bucketSetting(input, "lifecycle", "NoSuchLifecycleConfiguration", { Rules: [] });
    }

    private requireUser(name: string): FakeUser {
        const user = this.users.get(name);
        if (!user) {
            throw awsError("NoSuchEntity", `The user with name ${name} cannot be found.`, 404);
        }
        return user;
    }

    opGetUser(input: { UserName: string }) {
        const user = this.requireUser(input.UserName);
        return {
            User: {
                UserName: input.UserName,
                Path: "/",
                Arn: `arn:aws:iam::${this.accountId}:user/${input.UserName}`,
                Tags:
                    Object.keys(user.tags).length > 0
                        ? Object.entries(user.tags).map(([Key, Value]) => ({ Key, Value }))
                        : undefined,
            },
        };
    }

    opListUserPolicies(input: { UserName: string }) {
        return { PolicyNames: this.requireUser(input.UserName).inlinePolicies, IsTruncated: false };
    }

    opListAttachedUserPolicies(input: { UserName: string }) {
        return {
            AttachedPolicies: this.requireUser(input.UserName).attachedPolicies.map((PolicyArn) => ({ PolicyArn })),
            IsTruncated: false,
        };
    }

    opListAccessKeys(input: { UserName: string }) {
        const user = this.requireUser(input.UserName);
        return {
            AccessKeyMetadata: Array.from({ length: user.accessKeys }, (_, i) => ({
                UserName: input.UserName,
                AccessKeyId: `AKIA${i}`,
                Status: "Active",
            })),
            IsTruncated: false,
        };
    }

    /** Writes a log line to a group, as a Lambda function's stdout reaches CloudWatch Logs. */
    putLogEvent(logGroupName: string, timestamp: number, message: string): void {
        const events = this.logEvents.get(logGroupName) ?? [];
        events.push({ timestamp, message });
        events.sort((a, b) => a.timestamp - b.timestamp);
        this.logEvents.set(logGroupName, events);
    }

    /**
     * FilterLogEvents, oldest first, pages of `limit` (at most 10,000). Of the filter-pattern syntax only what status
     * uses: a JSON pattern `{ $.field = "value" }`.
     */
    opFilterLogEvents(input: {
        logGroupName: string;
        filterPattern?: string;
        startTime?: number;
        limit?: number;
        nextToken?: string;
    }) {
        const events = this.logEvents.get(input.logGroupName);
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
    }
}

/** S3 actions of the bucket-level operations (named differently from the operations for some). */
const S3_BUCKET_ACTIONS: Record<string, string> = {
    HeadBucket: "s3:ListBucket",
    ListObjectsV2: "s3:ListBucket",
    GetBucketTagging: "s3:GetBucketTagging",
    GetBucketEncryption: "s3:GetEncryptionConfiguration",
    GetPublicAccessBlock: "s3:GetBucketPublicAccessBlock",
    GetBucketOwnershipControls: "s3:GetBucketOwnershipControls",
    GetBucketPolicy: "s3:GetBucketPolicy",
    GetBucketLifecycleConfiguration: "s3:GetLifecycleConfiguration",
};

/** An S3 call as IAM authorizes it: object operations on the object's ARN, bucket operations on the bucket's. */
function s3AuthRequest(operation: string, input: Record<string, any>): AuthRequest {
    const bucket = `arn:aws:s3:::${input.Bucket}`;
    if (operation === "ListObjectsV2") {
        return { action: "s3:ListBucket", resource: bucket, context: { "s3:prefix": input.Prefix ?? "" } };
    }
    if (S3_BUCKET_ACTIONS[operation]) {
        return { action: S3_BUCKET_ACTIONS[operation], resource: bucket, context: {} };
    }
    return { action: `s3:${operation}`, resource: `${bucket}/${input.Key}`, context: {} };
}

/** A bucket as S3 makes one today: SSE-S3, public access block and BucketOwnerEnforced by default, no tags. */
const NEW_BUCKET: FakeBucketConfig = {
    tags: {},
    encryption: true,
    publicAccessBlock: true,
    ownershipControls: true,
    policy: false,
    lifecycle: false,
};

export interface FakeBucketConfig {
    tags: Record<string, string>;
    encryption: boolean;
    publicAccessBlock: boolean;
    ownershipControls: boolean;
    policy: boolean;
    lifecycle: boolean;
}

export interface FakeUser {
    tags: Record<string, string>;
    inlinePolicies: string[];
    attachedPolicies: string[];
    accessKeys: number;
}

/** The signing name of the service an operation belongs to (iam, eks, s3...). */
export function serviceOf(operation: string): string {
    return SERVICE_OF[operation];
}

const SERVICE_OF: Record<string, string> = {
    ListClusters: "eks",
    DescribeCluster: "eks",
    DescribeAddon: "eks",
    ListPodIdentityAssociations: "eks",
    DescribePodIdentityAssociation: "eks",
    CreatePodIdentityAssociation: "eks",
    UpdatePodIdentityAssociation: "eks",
    DeletePodIdentityAssociation: "eks",
    GetSecretValue: "secretsmanager",
    PutEvents: "events",
    DescribeRule: "events",
    ChangeMessageVisibility: "sqs",
    PutObject: "s3",
    GetObject: "s3",
    DeleteObject: "s3",
    ListObjectsV2: "s3",
    ...Object.fromEntries(
        [
            "ListOpenIDConnectProviders",
            "ListRoles",
            "ListEntitiesForPolicy",
            "GetRole",
            "CreateRole",
            "UpdateAssumeRolePolicy",
            "PutRolePolicy",
            "GetRolePolicy",
            "ListRolePolicies",
            "ListAttachedRolePolicies",
            "ListRoleTags",
            "DeleteRolePolicy",
            "DetachRolePolicy",
            "AttachRolePolicy",
            "DeleteRole",
            "TagRole",
            "PutRolePermissionsBoundary",
            "DeleteRolePermissionsBoundary",
            "GetUser",
            "ListUserPolicies",
            "ListAttachedUserPolicies",
            "ListAccessKeys",
        ].map((operation) => [operation, "iam"]),
    ),
    ...Object.fromEntries(
        [
            "HeadBucket",
            "GetBucketTagging",
            "GetBucketEncryption",
            "GetPublicAccessBlock",
            "GetBucketOwnershipControls",
            "GetBucketPolicy",
            "GetBucketLifecycleConfiguration",
        ].map((operation) => [operation, "s3"]),
    ),
    FilterLogEvents: "logs",
};
