/** EKS as the fake account answers it: clusters, their add-ons, Pod Identity associations. */
import { AuthRequest } from "../iamPolicy";
import { awsError } from "./errors";
import { AccountState, FakeAssociation, FakeCluster } from "./state";
import { ServiceSpec } from "./service";

/** EKS operations on one association: authorized on the association's ARN, with its tags as aws:ResourceTag. */
const ASSOCIATION_OPERATIONS = new Set([
    "DescribePodIdentityAssociation",
    "UpdatePodIdentityAssociation",
    "DeletePodIdentityAssociation",
]);

function requireCluster(account: AccountState, region: string, name: string): FakeCluster {
    const cluster = account.clusters.get(region)?.get(name);
    if (!cluster) {
        throw awsError("ResourceNotFoundException", `No cluster found for name: ${name}.`, 404);
    }
    return cluster;
}

function requireAssociation(
    account: AccountState,
    region: string,
    clusterName: string,
    associationId: string,
): FakeAssociation {
    requireCluster(account, region, clusterName);
    const association = account.associations.get(associationId);
    if (!association || association.region !== region || association.clusterName !== clusterName) {
        throw awsError(
            "ResourceNotFoundException",
            `Association ${associationId} not found in cluster ${clusterName}.`,
            404,
        );
    }
    return association;
}

function associationView(a: FakeAssociation) {
    const { region: _region, ...view } = a;
    return { ...view, tags: { ...a.tags }, disableSessionTags: false };
}

/**
 * EKS resources and condition keys as the Service Authorization Reference lists them: the cluster for
 * DescribeCluster, ListPodIdentityAssociations and CreatePodIdentityAssociation (with aws:RequestTag/* and
 * aws:TagKeys, plus eks:TagResource on the new association for its tags and iam:PassRole on the role, passed to
 * pods.eks.amazonaws.com), the association with its aws:ResourceTag/* for Describe/Update/Delete (Update passes the
 * role too), the add-on for DescribeAddon.
 */
function eksAuthRequests(
    account: AccountState,
    operation: string,
    input: Record<string, any>,
    region: string,
): AuthRequest[] {
    const action = `eks:${operation}`;
    const clusterName = input.clusterName ?? input.name;
    const clusterArn = `arn:aws:eks:${region}:${account.accountId}:cluster/${clusterName}`;
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
                resource: `arn:aws:eks:${region}:${account.accountId}:addon/${clusterName}/${input.addonName}/00000000-0000-0000-0000-000000000000`,
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
            const newArn = `arn:aws:eks:${region}:${account.accountId}:podidentityassociation/${clusterName}/a-new`;
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
        const existing = account.associations.get(input.associationId);
        const resource =
            existing?.associationArn ??
            `arn:aws:eks:${region}:${account.accountId}:podidentityassociation/${clusterName}/${input.associationId}`;
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

export const EKS: ServiceSpec = {
    service: "eks",
    writes: ["CreatePodIdentityAssociation", "UpdatePodIdentityAssociation", "DeletePodIdentityAssociation"],
    operations: {
        ListClusters(account: AccountState, input: { maxResults?: number; nextToken?: string }, region: string) {
            const max = input.maxResults ?? 100;
            if (max < 1 || max > 100) {
                throw awsError("InvalidParameterException", "maxResults must be between 1 and 100");
            }
            const names = [...(account.clusters.get(region)?.keys() ?? [])].sort();
            const start = input.nextToken ? Number(Buffer.from(input.nextToken, "base64").toString()) : 0;
            const page = names.slice(start, start + max);
            const next = start + max < names.length ? Buffer.from(String(start + max)).toString("base64") : undefined;
            return { clusters: page, nextToken: next };
        },

        DescribeCluster(account: AccountState, input: { name: string }, region: string) {
            const cluster = account.clusters.get(region)?.get(input.name);
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
        },

        DescribeAddon(account: AccountState, input: { clusterName: string; addonName: string }, region: string) {
            const cluster = requireCluster(account, region, input.clusterName);
            const status = cluster.addons.get(input.addonName);
            if (!status) {
                throw awsError(
                    "ResourceNotFoundException",
                    `No addon: ${input.addonName} found in cluster: ${input.clusterName}`,
                    404,
                );
            }
            return { addon: { addonName: input.addonName, clusterName: input.clusterName, status } };
        },

        /** Summaries only, as EKS returns them: no role, no tags. Filters by namespace and service account. */
        ListPodIdentityAssociations(
            account: AccountState,
            input: {
                clusterName: string;
                namespace?: string;
                serviceAccount?: string;
                maxResults?: number;
                nextToken?: string;
            },
            region: string,
        ) {
            requireCluster(account, region, input.clusterName);
            const max = input.maxResults ?? 100;
            if (max < 1 || max > 100) {
                throw awsError("InvalidParameterException", "maxResults must be between 1 and 100");
            }
            const all = account
                .associationsOf(region, input.clusterName)
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
        },

        DescribePodIdentityAssociation(
            account: AccountState,
            input: { clusterName: string; associationId: string },
            region: string,
        ) {
            return {
                association: associationView(
                    requireAssociation(account, region, input.clusterName, input.associationId),
                ),
            };
        },

        /** One association per cluster, namespace and service account (ResourceInUseException otherwise). */
        CreatePodIdentityAssociation(
            account: AccountState,
            input: {
                clusterName: string;
                namespace: string;
                serviceAccount: string;
                roleArn: string;
                tags?: Record<string, string>;
            },
            region: string,
        ) {
            requireCluster(account, region, input.clusterName);
            if (!/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/.+/.test(input.roleArn ?? "")) {
                throw awsError("InvalidParameterException", `roleArn ${input.roleArn} is not an IAM role ARN`);
            }
            if (Object.keys(input.tags ?? {}).length > 50) {
                throw awsError("InvalidParameterException", "Tags: at most 50");
            }
            const duplicate = account
                .associationsOf(region, input.clusterName)
                .find((a) => a.namespace === input.namespace && a.serviceAccount === input.serviceAccount);
            if (duplicate) {
                throw awsError("ResourceInUseException", `Association already exists: ${duplicate.associationId}`, 409);
            }
            const created = account.putAssociation(region, input.clusterName, {
                namespace: input.namespace,
                serviceAccount: input.serviceAccount,
                roleArn: input.roleArn,
                tags: { ...(input.tags ?? {}) },
            });
            return { association: associationView(created) };
        },

        UpdatePodIdentityAssociation(
            account: AccountState,
            input: { clusterName: string; associationId: string; roleArn?: string },
            region: string,
        ) {
            const association = requireAssociation(account, region, input.clusterName, input.associationId);
            if (input.roleArn !== undefined) {
                association.roleArn = input.roleArn;
            }
            return { association: associationView(association) };
        },

        DeletePodIdentityAssociation(
            account: AccountState,
            input: { clusterName: string; associationId: string },
            region: string,
        ) {
            const association = requireAssociation(account, region, input.clusterName, input.associationId);
            account.associations.delete(association.associationId);
            return { association: associationView(association) };
        },
    },
    authRequests: eksAuthRequests,
};
