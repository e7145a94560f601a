/** IAM's roles as the fake account answers them (and the OIDC providers): URL-encoded documents, case-insensitive names, IAM's size limits. */
import { AuthRequest } from "../iamPolicy";
import { awsError } from "./errors";
import { AccountState, FakeRole } from "./state";
import { ServiceSpec } from "./service";

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

/**
 * IAM's requests for one call: a role's operations on the role (its boundary, the policy ARN and the tags as condition
 * keys), plus iam:TagRole for a CreateRole with tags; ListEntitiesForPolicy on the policy; the rest on "*".
 */
export function iamAuthRequests(account: AccountState, operation: string, input: Record<string, any>): AuthRequest[] {
    const action = `iam:${operation}`;
    if (operation === "ListEntitiesForPolicy") {
        return [{ action, resource: input.PolicyArn, context: {} }];
    }
    if (!input.RoleName) {
        return [{ action, resource: "*", context: {} }];
    }
    const existing = account.role(input.RoleName);
    const resource =
        operation === "CreateRole"
            ? `arn:aws:iam::${account.accountId}:role${input.Path ?? "/"}${input.RoleName}`
            : (existing?.Arn ?? `arn:aws:iam::${account.accountId}:role/${input.RoleName}`);
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

function requireRole(account: AccountState, name: string): FakeRole {
    const role = account.role(name);
    if (!role) {
        throw awsError("NoSuchEntity", `The role with name ${name} cannot be found.`, 404);
    }
    return role;
}

function requireAttachable(account: AccountState, policyArn: string | undefined) {
    if (!policyArn || !account.managedPolicies.has(policyArn)) {
        throw awsError("NoSuchEntity", `Policy ${policyArn} does not exist or is not attachable.`, 404);
    }
}

function checkTrust(document: string) {
    JSON.parse(document);
    if (document.replace(/\s/g, "").length > 2048) {
        throw awsError("LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048");
    }
}

export const IAM_ROLES: ServiceSpec = {
    service: "iam",
    writes: [...IAM_WRITES],
    operations: {
        ListOpenIDConnectProviders(account: AccountState) {
            return { OpenIDConnectProviderList: [...account.oidcProviders].map((Arn) => ({ Arn })) };
        },

        ListRoles(account: AccountState, input: { PathPrefix?: string; MaxItems?: number; Marker?: string }) {
            const prefix = input.PathPrefix ?? "/";
            const all = [...account.roles.values()]
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
        },

        GetRole(account: AccountState, input: { RoleName: string }) {
            const r = requireRole(account, input.RoleName);
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
        },

        /** Who uses a managed policy; with PolicyUsageFilter PermissionsBoundary, only the roles it bounds. */
        ListEntitiesForPolicy(
            account: AccountState,
            input: {
                PolicyArn: string;
                EntityFilter?: string;
                PolicyUsageFilter?: "PermissionsPolicy" | "PermissionsBoundary";
                PathPrefix?: string;
                MaxItems?: number;
                Marker?: string;
            },
        ) {
            if (!account.managedPolicies.has(input.PolicyArn)) {
                throw awsError("NoSuchEntity", `Policy ${input.PolicyArn} does not exist or is not attachable.`, 404);
            }
            if (input.EntityFilter !== undefined && input.EntityFilter !== "Role") {
                throw new Error(`the fake lists roles only, not ${input.EntityFilter}`);
            }
            const prefix = input.PathPrefix ?? "/";
            const usage = input.PolicyUsageFilter;
            const all = [...account.roles.values()]
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
        },

        PutRolePermissionsBoundary(account: AccountState, input: { RoleName: string; PermissionsBoundary: string }) {
            const role = requireRole(account, input.RoleName);
            requireAttachable(account, input.PermissionsBoundary);
            role.boundary = input.PermissionsBoundary;
            return {};
        },

        DeleteRolePermissionsBoundary(account: AccountState, input: { RoleName: string }) {
            requireRole(account, input.RoleName).boundary = undefined;
            return {};
        },

        AttachRolePolicy(account: AccountState, input: { RoleName: string; PolicyArn: string }) {
            const role = requireRole(account, input.RoleName);
            if (!input.PolicyArn.startsWith("arn:aws:iam::aws:policy/")) {
                requireAttachable(account, input.PolicyArn);
            }
            if (!role.attached.includes(input.PolicyArn)) {
                role.attached.push(input.PolicyArn);
            }
            return {};
        },

        CreateRole(
            account: AccountState,
            input: {
                RoleName: string;
                Path?: string;
                AssumeRolePolicyDocument: string;
                Description?: string;
                PermissionsBoundary?: string;
                Tags?: Array<{ Key: string; Value: string }>;
            },
        ) {
            if (input.RoleName.length > 64 || !/^[\w+=,.@-]+$/.test(input.RoleName)) {
                throw awsError(
                    "ValidationError",
                    `1 validation error detected: Value '${input.RoleName}' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64`,
                );
            }
            if (account.role(input.RoleName)) {
                throw awsError("EntityAlreadyExists", `Role with name ${input.RoleName} already exists.`, 409);
            }
            checkTrust(input.AssumeRolePolicyDocument);
            if (input.PermissionsBoundary !== undefined) {
                requireAttachable(account, input.PermissionsBoundary);
            }
            if ((input.Tags?.length ?? 0) > 50) {
                throw awsError("LimitExceeded", "Cannot exceed quota for TagsPerRole: 50");
            }
            const path = input.Path ?? "/";
            account.roles.set(input.RoleName.toLowerCase(), {
                RoleName: input.RoleName,
                Path: path,
                Arn: `arn:aws:iam::${account.accountId}:role${path}${input.RoleName}`,
                RoleId: `AROA${account.roles.size}`,
                trust: input.AssumeRolePolicyDocument,
                Description: input.Description,
                tags: Object.fromEntries((input.Tags ?? []).map((t) => [t.Key, t.Value])),
                inline: new Map(),
                attached: [],
                boundary: input.PermissionsBoundary,
            });
            return {};
        },

        UpdateAssumeRolePolicy(account: AccountState, input: { RoleName: string; PolicyDocument: string }) {
            const role = requireRole(account, input.RoleName);
            checkTrust(input.PolicyDocument);
            role.trust = input.PolicyDocument;
            return {};
        },

        PutRolePolicy(account: AccountState, input: { RoleName: string; PolicyName: string; PolicyDocument: string }) {
            const role = requireRole(account, input.RoleName);
            JSON.parse(input.PolicyDocument);
            const others = [...role.inline]
                .filter(([name]) => name !== input.PolicyName)
                .reduce((n, [, doc]) => n + doc.length, 0);
            if (others + input.PolicyDocument.replace(/\s/g, "").length > 10240) {
                throw awsError("LimitExceeded", "Maximum policy size of 10240 bytes exceeded for role");
            }
            role.inline.set(input.PolicyName, input.PolicyDocument);
            return {};
        },

        GetRolePolicy(account: AccountState, input: { RoleName: string; PolicyName: string }) {
            const role = requireRole(account, input.RoleName);
            const document = role.inline.get(input.PolicyName);
            if (document === undefined) {
                throw awsError("NoSuchEntity", `The role policy with name ${input.PolicyName} cannot be found.`, 404);
            }
            return {
                RoleName: role.RoleName,
                PolicyName: input.PolicyName,
                PolicyDocument: encodeURIComponent(document),
            };
        },

        ListRolePolicies(account: AccountState, input: { RoleName: string }) {
            return { PolicyNames: [...requireRole(account, input.RoleName).inline.keys()], IsTruncated: false };
        },

        ListAttachedRolePolicies(account: AccountState, input: { RoleName: string }) {
            return {
                AttachedPolicies: requireRole(account, input.RoleName).attached.map((PolicyArn) => ({ PolicyArn })),
                IsTruncated: false,
            };
        },

        ListRoleTags(account: AccountState, input: { RoleName: string }) {
            return {
                Tags: Object.entries(requireRole(account, input.RoleName).tags).map(([Key, Value]) => ({ Key, Value })),
                IsTruncated: false,
            };
        },

        DeleteRolePolicy(account: AccountState, input: { RoleName: string; PolicyName: string }) {
            const role = requireRole(account, input.RoleName);
            if (!role.inline.delete(input.PolicyName)) {
                throw awsError("NoSuchEntity", `The role policy with name ${input.PolicyName} cannot be found.`, 404);
            }
            return {};
        },

        DetachRolePolicy(account: AccountState, input: { RoleName: string; PolicyArn: string }) {
            const role = requireRole(account, input.RoleName);
            role.attached = role.attached.filter((arn) => arn !== input.PolicyArn);
            return {};
        },

        DeleteRole(account: AccountState, input: { RoleName: string }) {
            const role = requireRole(account, input.RoleName);
            if (role.inline.size > 0 || role.attached.length > 0) {
                throw awsError("DeleteConflict", "Cannot delete entity, must delete policies first.", 409);
            }
            account.roles.delete(input.RoleName.toLowerCase());
            return {};
        },

        TagRole(account: AccountState, input: { RoleName: string; Tags: Array<{ Key: string; Value: string }> }) {
            const role = requireRole(account, input.RoleName);
            for (const tag of input.Tags) {
                role.tags[tag.Key] = tag.Value;
            }
            return {};
        },
    },
    authRequests: iamAuthRequests,
};
