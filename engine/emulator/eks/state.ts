/**
 * The EKS state moto does not keep: Pod Identity associations and add-ons, per cluster, in memory. Each method is one
 * EKS operation: it takes the operation's input (path, query and body members by their model names) and returns the
 * response body, or throws the EksError EKS answers with. The caller has already found the cluster in moto.
 *
 * Rules kept (EKS API reference): one association per cluster, namespace and service account; role ARNs are IAM role
 * ARNs; at most 50 tags, keys 1-128 characters and not `aws:`-prefixed, values up to 256; maxResults 1-100. An add-on
 * exists once per cluster. Not emulated: idempotency tokens (clientRequestToken is accepted and ignored), add-on
 * versions (an add-on created without one gets DEFAULT_ADDON_VERSION, not a real release), add-on-owned associations
 * (CreateAddon's podIdentityAssociations is refused with InvalidRequestException saying so).
 *
 * Add-on lifecycle: CreateAddon answers CREATING and the add-on is ACTIVE for every later read; DeleteAddon answers
 * DELETING and the add-on is gone for every later read. `setAddon` (the seed API) puts an add-on in any status, where
 * it stays until it is set again or deleted.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { AddonStatus } from "@aws-sdk/client-eks";
import { EksError, epochSeconds } from "./wire";

/** The cluster an operation is on, as moto describes it. */
export interface ClusterRef {
    name: string;
    arn: string;
}

/** The parts of a cluster ARN (arn:<partition>:eks:<region>:<account>:cluster/<name>). */
function clusterArnParts(arn: string): { partition: string; region: string; accountId: string } {
    const [, partition, , region, accountId] = arn.split(":");
    return { partition, region, accountId };
}

/** What an add-on created without a version reports (a placeholder: the fake has no add-on catalog). */
export const DEFAULT_ADDON_VERSION = "v0.0.0-emulator";

/** Every status an add-on can have (the SDK's AddonStatus enum). */
export const ADDON_STATUSES: readonly string[] = Object.values(AddonStatus);

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const MAX_TAGS = 50;

interface Association {
    clusterName: string;
    namespace: string;
    serviceAccount: string;
    roleArn: string;
    associationArn: string;
    associationId: string;
    tags: Record<string, string>;
    createdAt: number;
    modifiedAt: number;
    disableSessionTags: boolean;
    targetRoleArn?: string;
    externalId?: string;
    policy?: string;
    ownerArn?: string;
}

interface Addon {
    addonName: string;
    clusterName: string;
    status: string;
    addonVersion: string;
    health: { issues: unknown[] };
    addonArn: string;
    createdAt: number;
    modifiedAt: number;
    serviceAccountRoleArn?: string;
    tags: Record<string, string>;
    configurationValues?: string;
}

interface ClusterState {
    associations: Map<string, Association>;
    addons: Map<string, Addon>;
}

type Input = Record<string, unknown>;

function requiredString(input: Input, member: string): string {
    const value = input[member];
    if (typeof value !== "string" || value === "") {
        throw new EksError("InvalidParameterException", `${member} is required and must be a non-empty string.`);
    }
    return value;
}

function optionalString(input: Input, member: string): string | undefined {
    const value = input[member];
    if (value === undefined || value === null) {
        return undefined;
    }
    if (typeof value !== "string") {
        throw new EksError("InvalidParameterException", `${member} must be a string.`);
    }
    return value;
}

function roleArn(value: string, member: string): string {
    if (!ROLE_ARN.test(value)) {
        throw new EksError("InvalidParameterException", `${member} ${value} is not a valid IAM role ARN.`);
    }
    return value;
}

function tagsOf(input: Input): Record<string, string> {
    const tags = input.tags ?? {};
    if (typeof tags !== "object" || tags === null || Array.isArray(tags)) {
        throw new EksError("InvalidParameterException", "tags must be a map of strings.");
    }
    const entries = Object.entries(tags as Record<string, unknown>);
    if (entries.length > MAX_TAGS) {
        throw new EksError("InvalidParameterException", `A resource can have at most ${MAX_TAGS} tags.`);
    }
    for (const [key, value] of entries) {
        if (key.length < 1 || key.length > 128 || key.toLowerCase().startsWith("aws:")) {
            throw new EksError(
                "InvalidParameterException",
                `Tag key ${JSON.stringify(key)} must be 1-128 characters and may not start with aws:.`,
            );
        }
        if (typeof value !== "string" || value.length > 256) {
            throw new EksError(
                "InvalidParameterException",
                `Tag ${key} must have a string value of at most 256 characters.`,
            );
        }
    }
    return Object.fromEntries(entries) as Record<string, string>;
}

function tokenOf(offset: number): string {
    return Buffer.from(JSON.stringify({ offset })).toString("base64url");
}

function offsetOf(token: string): number {
    let offset: unknown;
    try {
        offset = (JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { offset?: unknown }).offset;
    } catch {
        offset = undefined;
    }
    if (typeof offset !== "number" || !Number.isInteger(offset) || offset < 0) {
        throw new EksError("InvalidParameterException", "The nextToken is not valid.");
    }
    return offset;
}

/** A page of `items` from the opaque `nextToken`, `maxResults` long (1-100, 100 when absent). */
function page<T>(items: T[], input: Input): { items: T[]; nextToken?: string } {
    const maxResults = input.maxResults === undefined ? 100 : Number(input.maxResults);
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) {
        throw new EksError("InvalidParameterException", "maxResults must be an integer between 1 and 100.");
    }
    const start = input.nextToken === undefined ? 0 : offsetOf(String(input.nextToken));
    const end = start + maxResults;
    return { items: items.slice(start, end), nextToken: end < items.length ? tokenOf(end) : undefined };
}

/** An association ID as EKS writes them: `a-` and 17 lower-case letters and digits. */
function newAssociationId(): string {
    const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    return `a-${[...randomBytes(17)].map((byte) => alphabet[byte % alphabet.length]).join("")}`;
}

export class EksState {
    private readonly clusters = new Map<string, ClusterState>();

    constructor(private readonly clock: () => Date = () => new Date()) {}

    private of(cluster: ClusterRef): ClusterState {
        let state = this.clusters.get(cluster.arn);
        if (!state) {
            state = { associations: new Map(), addons: new Map() };
            this.clusters.set(cluster.arn, state);
        }
        return state;
    }

    /** A deleted cluster takes its associations and add-ons with it. */
    forgetCluster(arn: string): void {
        this.clusters.delete(arn);
    }

    private association(cluster: ClusterRef, input: Input): Association {
        const associationId = requiredString(input, "associationId");
        const association = this.of(cluster).associations.get(associationId);
        if (!association) {
            throw new EksError(
                "ResourceNotFoundException",
                `No Pod Identity association found for id: ${associationId} in cluster: ${cluster.name}.`,
                { clusterName: cluster.name },
            );
        }
        return association;
    }

    createPodIdentityAssociation(cluster: ClusterRef, input: Input) {
        const namespace = requiredString(input, "namespace");
        const serviceAccount = requiredString(input, "serviceAccount");
        const role = roleArn(requiredString(input, "roleArn"), "roleArn");
        const targetRoleArn = optionalString(input, "targetRoleArn");
        const tags = tagsOf(input);
        const state = this.of(cluster);
        const duplicate = [...state.associations.values()].find(
            (a) => a.namespace === namespace && a.serviceAccount === serviceAccount,
        );
        if (duplicate) {
            throw new EksError(
                "ResourceInUseException",
                `Association already exists: ${duplicate.associationId} for service account ${namespace}/${serviceAccount}.`,
                { clusterName: cluster.name },
            );
        }
        const { partition, region, accountId } = clusterArnParts(cluster.arn);
        const associationId = newAssociationId();
        const now = epochSeconds(this.clock());
        const association: Association = {
            clusterName: cluster.name,
            namespace,
            serviceAccount,
            roleArn: role,
            associationArn: `arn:${partition}:eks:${region}:${accountId}:podidentityassociation/${cluster.name}/${associationId}`,
            associationId,
            tags,
            createdAt: now,
            modifiedAt: now,
            disableSessionTags: input.disableSessionTags === true,
            targetRoleArn: targetRoleArn === undefined ? undefined : roleArn(targetRoleArn, "targetRoleArn"),
            externalId: targetRoleArn === undefined ? undefined : randomUUID(),
            policy: optionalString(input, "policy"),
        };
        state.associations.set(associationId, association);
        return { association: { ...association, tags: { ...tags } } };
    }

    /** Summaries only, as EKS lists them (no role, no tags), filtered by namespace and service account. */
    listPodIdentityAssociations(cluster: ClusterRef, input: Input) {
        const namespace = optionalString(input, "namespace");
        const serviceAccount = optionalString(input, "serviceAccount");
        const matching = [...this.of(cluster).associations.values()].filter(
            (a) =>
                (namespace === undefined || a.namespace === namespace) &&
                (serviceAccount === undefined || a.serviceAccount === serviceAccount),
        );
        const { items, nextToken } = page(matching, input);
        return {
            associations: items.map((a) => ({
                clusterName: a.clusterName,
                namespace: a.namespace,
                serviceAccount: a.serviceAccount,
                associationArn: a.associationArn,
                associationId: a.associationId,
                ownerArn: a.ownerArn,
            })),
            nextToken,
        };
    }

    describePodIdentityAssociation(cluster: ClusterRef, input: Input) {
        const association = this.association(cluster, input);
        return { association: { ...association, tags: { ...association.tags } } };
    }

    /** Only the role (and its session settings) can change; namespace and service account cannot. */
    updatePodIdentityAssociation(cluster: ClusterRef, input: Input) {
        const association = this.association(cluster, input);
        const role = optionalString(input, "roleArn");
        if (role !== undefined) {
            association.roleArn = roleArn(role, "roleArn");
        }
        const targetRoleArn = optionalString(input, "targetRoleArn");
        if (targetRoleArn !== undefined) {
            association.targetRoleArn = targetRoleArn === "" ? undefined : roleArn(targetRoleArn, "targetRoleArn");
            association.externalId = association.targetRoleArn ? (association.externalId ?? randomUUID()) : undefined;
        }
        if (typeof input.disableSessionTags === "boolean") {
            association.disableSessionTags = input.disableSessionTags;
        }
        const policy = optionalString(input, "policy");
        if (policy !== undefined) {
            association.policy = policy;
        }
        association.modifiedAt = epochSeconds(this.clock());
        return { association: { ...association, tags: { ...association.tags } } };
    }

    deletePodIdentityAssociation(cluster: ClusterRef, input: Input) {
        const association = this.association(cluster, input);
        this.of(cluster).associations.delete(association.associationId);
        return { association };
    }

    private addon(cluster: ClusterRef, addonName: string): Addon {
        const addon = this.of(cluster).addons.get(addonName);
        if (!addon) {
            throw new EksError(
                "ResourceNotFoundException",
                `No addon: ${addonName} found in cluster: ${cluster.name}`,
                {
                    clusterName: cluster.name,
                    addonName,
                },
            );
        }
        return addon;
    }

    private newAddon(cluster: ClusterRef, addonName: string, status: string, input: Input): Addon {
        const { partition, region, accountId } = clusterArnParts(cluster.arn);
        const serviceAccountRoleArn = optionalString(input, "serviceAccountRoleArn");
        const now = epochSeconds(this.clock());
        return {
            addonName,
            clusterName: cluster.name,
            status,
            addonVersion: optionalString(input, "addonVersion") ?? DEFAULT_ADDON_VERSION,
            health: { issues: [] },
            addonArn: `arn:${partition}:eks:${region}:${accountId}:addon/${cluster.name}/${addonName}/${randomUUID()}`,
            createdAt: now,
            modifiedAt: now,
            serviceAccountRoleArn:
                serviceAccountRoleArn === undefined
                    ? undefined
                    : roleArn(serviceAccountRoleArn, "serviceAccountRoleArn"),
            tags: tagsOf(input),
            configurationValues: optionalString(input, "configurationValues"),
        };
    }

    createAddon(cluster: ClusterRef, input: Input) {
        const addonName = requiredString(input, "addonName");
        if (Array.isArray(input.podIdentityAssociations) && input.podIdentityAssociations.length > 0) {
            throw new EksError(
                "InvalidRequestException",
                "The AWS emulator does not emulate add-on Pod Identity associations (podIdentityAssociations).",
                { clusterName: cluster.name, addonName },
            );
        }
        const state = this.of(cluster);
        if (state.addons.has(addonName)) {
            throw new EksError("ResourceInUseException", `Addon already exists: ${addonName}`, {
                clusterName: cluster.name,
                addonName,
            });
        }
        const addon = this.newAddon(cluster, addonName, AddonStatus.ACTIVE, input);
        state.addons.set(addonName, addon);
        return { addon: { ...addon, status: AddonStatus.CREATING } };
    }

    describeAddon(cluster: ClusterRef, input: Input) {
        return { addon: this.addon(cluster, requiredString(input, "addonName")) };
    }

    listAddons(cluster: ClusterRef, input: Input) {
        const { items, nextToken } = page([...this.of(cluster).addons.keys()], input);
        return { addons: items, nextToken };
    }

    /** `preserve` (keep the add-on's software on the cluster) makes no difference here. */
    deleteAddon(cluster: ClusterRef, input: Input) {
        const addon = this.addon(cluster, requiredString(input, "addonName"));
        this.of(cluster).addons.delete(addon.addonName);
        return { addon: { ...addon, status: AddonStatus.DELETING, modifiedAt: epochSeconds(this.clock()) } };
    }

    /** The seed API: puts the add-on in `status`, creating it when the cluster has none of that name. */
    setAddon(cluster: ClusterRef, input: Input) {
        const addonName = requiredString(input, "addonName");
        const status = requiredString(input, "status");
        if (!ADDON_STATUSES.includes(status)) {
            throw new EksError(
                "InvalidParameterException",
                `status ${JSON.stringify(status)} is not an add-on status; one of ${ADDON_STATUSES.join(", ")}.`,
            );
        }
        const state = this.of(cluster);
        const existing = state.addons.get(addonName);
        const addon = existing
            ? { ...existing, status, modifiedAt: epochSeconds(this.clock()) }
            : this.newAddon(cluster, addonName, status, input);
        state.addons.set(addonName, addon);
        return { addon };
    }
}
