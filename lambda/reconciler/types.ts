import { PolicyDocument } from "../../common/documents";
import { ClusterFilters } from "../../common/selection";

/** What the reconciler is told about its stack (from the Lambda's environment). */
export interface ReconcilerSettings {
    stackId: string;
    stackName: string;
    regions: string[];
    bucketName: string;
    queueArnPattern: string;
    namespace: string;
    serviceAccount: string;
    /** The managed policy every per-cluster role carries as its permissions boundary. */
    boundaryPolicyArn: string;
    /** The program's cluster selection: clusters it leaves out get no role. */
    clusters: ClusterFilters;
    /** Key ARN of the bucket's KMS key, when the bucket uses one. */
    kmsKeyArn?: string;
    /** `identityMode` (iamUser stacks have no reconciler). */
    identityMode: "irsa" | "podIdentity" | "auto";
    /** The stack's Pod Identity agent role, in podIdentity and auto modes. */
    podIdentityRoleArn?: string;
    /**
     * Deploy-time runs only: ARNs of the clusters the program registers a Pod Identity association for in this deploy.
     * The reconciler hands those over (removes its own association there) and creates none for them.
     */
    handover?: string[];
}

export interface ClusterFacts {
    name: string;
    region: string;
    arn: string;
    status: string;
    /** Issuer URL (https://oidc.eks...) or undefined when the cluster has no OIDC issuer. */
    oidcIssuer?: string;
    tags: Record<string, string>;
    /** identityMode auto: whether the eks-pod-identity-agent add-on is installed (undefined: could not be checked). */
    podIdentityAgent?: boolean;
}

/** A cluster's Pod Identity association for the agent's service account, as EKS reports it. */
export interface ActualAssociation {
    associationId: string;
    roleArn?: string;
    tags: Record<string, string>;
}

export interface DesiredRole {
    roleName: string;
    cluster: ClusterFacts;
    trust: PolicyDocument;
    permissions: PolicyDocument;
    /** ARN of the permissions boundary the role must carry. */
    boundary: string;
    tags: Record<string, string>;
}

export interface ActualRole {
    roleName: string;
    arn: string;
    /** Trust policy as IAM returned it, already URL-decoded and parsed. */
    trust: unknown;
    /** ARN of the role's permissions boundary (ListEntitiesForPolicy; ListRoles does not return it); undefined when it has none or another. */
    boundary?: string;
}

/** `deferred`: the run's time ran out (throttling, a large fleet) before this work was done; the next run does it. */
export type Outcome = "created" | "updated" | "unchanged" | "deleted" | "skipped" | "failed" | "deferred";

/** Every outcome counted zero times: where a run's counts start. */
export const zeroCounts = (): Record<Outcome, number> => ({
    created: 0,
    updated: 0,
    unchanged: 0,
    deleted: 0,
    skipped: 0,
    failed: 0,
    deferred: 0,
});

export interface ClusterResult {
    cluster?: string;
    region?: string;
    clusterArn?: string;
    /** The per-cluster IRSA role the result is about (absent for a Pod Identity association). */
    roleName?: string;
    /** The Pod Identity association the result is about (absent for a role). */
    associationId?: string;
    outcome: Outcome;
    reason?: string;
    /** A role's result: the cluster ARN the role is tagged with (for a deleted role, the cluster it served). */
    roleClusterArn?: string;
    /** An updated role whose trust now names another OIDC issuer: a cluster recreated under the same name. */
    newIssuer?: boolean;
}

export interface ClusterRef {
    name: string;
    region: string;
    arn: string;
}

/** A cluster whose identity a run made ready, or found gone (published as a cluster event, clusterEvents.ts). */
export interface ClusterChange {
    cluster: ClusterRef;
    identityMode: "irsa" | "podIdentity";
}

export interface ReconcileResult {
    action: "reconcile" | "delete";
    regions: Record<string, { clusters: number; error?: string }>;
    results: ClusterResult[];
    counts: Record<Outcome, number>;
    calls: number;
    writes: number;
    /** Calls answered with a throttling error. */
    throttled: number;
    /** Clusters whose identity this run created, and clusters found gone whose role it removed. */
    changes?: { ready: ClusterChange[]; removed: ClusterChange[] };
}
