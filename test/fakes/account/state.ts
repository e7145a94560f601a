/**
 * What the fake account holds, and the ways a test builds it: clusters and their OIDC issuers, Pod Identity associations,
 * roles and users, buckets and their objects, secrets, events, log lines. The service modules answer the API from it.
 */
import { PolicyDocument } from "../../../common/documents";
import { stateBucketPrefix } from "../../../common/naming";
import { BUCKET_PREFIX_SUFFIX } from "../../../automation/plan/mockState";
import { AuthRequest, Decision } from "../iamPolicy";
import { simulateIdentity } from "../../iamSimulator";

/** The name the stack's state bucket gets in the fake account, as under the program's mocks (mockState.ts). */
export function fakeStateBucketName(accountId: string): string {
    return `${stateBucketPrefix(accountId)}${BUCKET_PREFIX_SUFFIX}`;
}

export interface FakeCluster {
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

/** A bucket as S3 makes one today: SSE-S3, public access block and BucketOwnerEnforced by default, no tags. */
export const NEW_BUCKET: FakeBucketConfig = {
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

/** A call as the account recorded it. */
export interface RecordedCall {
    operation: string;
    input: Record<string, any>;
}

/** A hook that may fail a call before it happens: return an Error to throw it. */
export type Fault = (operation: string, input: Record<string, any>) => Error | undefined;

export class AccountState {
    readonly accountId: string;
    readonly clusters = new Map<string, Map<string, FakeCluster>>();
    readonly oidcProviders = new Set<string>();
    /** EKS Pod Identity associations by association id. */
    readonly associations = new Map<string, FakeAssociation>();
    readonly roles = new Map<string, FakeRole>();
    readonly secrets = new Map<string, string>();
    /** ARNs of the managed policies that exist (a boundary must exist to be set). */
    readonly managedPolicies = new Set<string>();
    /** The identity-based policy of the caller; when set, every call is authorized against it. */
    identity?: PolicyDocument;
    /** Decides a request under `identity`: iam-simulate, as the caller (a role of this account). */
    decide: (document: PolicyDocument, request: AuthRequest) => Promise<Decision> = (document, request) =>
        simulateIdentity(document, request, { principal: `arn:aws:iam::${this.accountId}:role/caller` });
    /** Whether S3's "may the caller list?" check for a missing key sees the key as `s3:prefix` (see s3.ts missingKey). */
    missingKeyListPrefix = false;
    /** Buckets that exist, and their objects by key (body and ETag, quoted as S3 returns it). */
    readonly buckets = new Map<string, Map<string, { body: string; etag: string }>>();
    /** Tags and settings of the buckets in `buckets`; a bucket without an entry has S3's defaults for a new one. */
    readonly bucketConfig = new Map<string, FakeBucketConfig>();
    readonly users = new Map<string, FakeUser>();
    /** Log events per log group, as CloudWatch Logs keeps them (the message is the line the function wrote). */
    readonly logEvents = new Map<string, Array<{ timestamp: number; message: string }>>();
    /** Events put on a bus, oldest first (EventBridge's PutEvents; at most 10 entries a call, as AWS enforces). */
    readonly publishedEvents: Array<{
        Source: string;
        DetailType: string;
        Resources?: string[];
        Detail: string;
        EventBusName?: string;
    }> = [];
    /** EventBridge rules that exist on the default bus, as `<region>/<name>` (none unless a test adds them). */
    readonly eventRules = new Set<string>();
    /** ChangeMessageVisibility calls, in order (the fake keeps no queue: the consumer is given its records). */
    readonly visibilityChanges: Array<{ queueUrl: string; receiptHandle: string; seconds: number }> = [];
    readonly calls: RecordedCall[] = [];
    faults: Fault[] = [];
    /** Counters for the ids and ETags the account hands out. */
    private associationCounter = 1;
    etagCounter = 0;
    private issuerCounter = 0;

    constructor(accountId = "111122223333") {
        this.accountId = accountId;
        // The stack's buckets: the reconciler only ever runs in an account where the stack created them.
        this.addBucket(`nops-container-cost-${this.accountId}`);
        this.addBucket(fakeStateBucketName(this.accountId));
    }

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

    private newIssuer(region: string): string {
        this.issuerCounter++;
        return `https://oidc.eks.${region}.amazonaws.com/id/${this.issuerCounter.toString(16).toUpperCase().padStart(32, "0")}`;
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

    addBucket(name: string): void {
        this.buckets.set(name, new Map());
    }

    object(bucket: string, key: string): string | undefined {
        return this.buckets.get(bucket)?.get(key)?.body;
    }

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

    /** Writes a log line to a group, as a Lambda function's stdout reaches CloudWatch Logs. */
    putLogEvent(logGroupName: string, timestamp: number, message: string): void {
        const events = this.logEvents.get(logGroupName) ?? [];
        events.push({ timestamp, message });
        events.sort((a, b) => a.timestamp - b.timestamp);
        this.logEvents.set(logGroupName, events);
    }
}
