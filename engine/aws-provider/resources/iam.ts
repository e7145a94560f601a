/**
 * IAM roles, policies, users and their inline policies, attachments and access keys: real objects in the emulator's
 * IAM (the reconciler reads the boundary policy and roles, ListEntitiesForPolicy, GetRole, at run time).
 */
import { createHmac } from "node:crypto";
import {
    AttachRolePolicyCommand,
    CreateAccessKeyCommand,
    CreatePolicyCommand,
    CreatePolicyVersionCommand,
    CreateRoleCommand,
    CreateUserCommand,
    DeleteAccessKeyCommand,
    DeletePolicyCommand,
    DeletePolicyVersionCommand,
    DeleteRoleCommand,
    DeleteRolePermissionsBoundaryCommand,
    DeleteRolePolicyCommand,
    DeleteUserCommand,
    DeleteUserPolicyCommand,
    DetachRolePolicyCommand,
    GetPolicyCommand,
    GetRoleCommand,
    GetRolePolicyCommand,
    GetUserCommand,
    IAMClient,
    ListAccessKeysCommand,
    ListPolicyVersionsCommand,
    ListRolePoliciesCommand,
    NoSuchEntityException,
    PutRolePermissionsBoundaryCommand,
    PutRolePolicyCommand,
    PutUserPolicyCommand,
    TagPolicyCommand,
    TagRoleCommand,
    TagUserCommand,
    UntagPolicyCommand,
    UntagRoleCommand,
    UntagUserCommand,
    UpdateAssumeRolePolicyCommand,
    UpdateRoleCommand,
    UpdateRoleDescriptionCommand,
    UpdateUserCommand,
} from "@aws-sdk/client-iam";
import { iamName, iamPath, intBetween, policyDocument, policySize, tags as tagRule } from "../check/rules";
import { defaultRegion } from "../context";
import { need, plain, Props, sameValue, secret, str, stringMap } from "../values";
import { namePrefixFromName, prefixedUniqueId, rfc3339, tagList, tagMap } from "./naming";
import { inputsOf, outputsOf, ResourceType } from "./types";
import { absentOn } from "./absent";

/** IAM's quotas on inline policies, in characters without whitespace, summed over a role's or user's policies. */
const ROLE_INLINE_QUOTA = 10_240;
const USER_INLINE_QUOTA = 2_048;

const gone = absentOn(NoSuchEntityException);

/** Tag changes as the Tag and Untag calls take them: keys to remove, tags to set. */
function tagChanges(olds: Props, news: Props) {
    const before = stringMap(olds.tags);
    const after = stringMap(news.tags);
    return {
        removed: Object.keys(before).filter((key) => !(key in after)),
        set: tagList(Object.fromEntries(Object.entries(after).filter(([key, value]) => before[key] !== value))),
    };
}

/** Policy documents come back URL-encoded from IAM (awsQuery): decode before comparing or parsing. */
const decoded = (document: string | undefined) => decodeURIComponent(document ?? "");

/** The size of a role's other inline policies: IAM refuses a PutRolePolicy past the role's quota. */
async function otherInlineSize(iam: IAMClient, roleName: string, policyName: string): Promise<number> {
    const names = (await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }))).PolicyNames ?? [];
    const sizes = await Promise.all(
        names
            .filter((name) => name !== policyName)
            .map(async (name) => {
                const found = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
                return policySize(decoded(found.PolicyDocument));
            }),
    );
    return sizes.reduce((a, b) => a + b, 0);
}

const ROLE_COMPUTED = [
    "arn",
    "createDate",
    "inlinePolicies",
    "managedPolicyArns",
    "name",
    "namePrefix",
    "tagsAll",
    "uniqueId",
];

export const role: ResourceType = {
    backing: "emulator",
    autoName: { property: "name", maxLength: 64, conflictsWith: "namePrefix" },
    defaults: { forceDetachPolicies: false, maxSessionDuration: 3600, path: "/" },
    required: ["assumeRolePolicy"],
    rules: {
        name: iamName(64),
        path: iamPath,
        assumeRolePolicy: policyDocument(2_048),
        maxSessionDuration: intBetween(3600, 43200),
        tags: tagRule,
    },
    computed: ROLE_COMPUTED,
    async create(ctx, inputs) {
        const name = str(inputs, "name") ?? prefixedUniqueId(str(inputs, "namePrefix"));
        const { Role } = await ctx.clients.iam().send(
            new CreateRoleCommand({
                RoleName: name,
                Path: str(inputs, "path"),
                AssumeRolePolicyDocument: need(inputs, "assumeRolePolicy"),
                Description: str(inputs, "description"),
                MaxSessionDuration: plain(inputs.maxSessionDuration) as number,
                PermissionsBoundary: str(inputs, "permissionsBoundary"),
                Tags: tagList(inputs.tags),
            }),
        );
        return {
            id: name,
            outs: outputsOf(inputs, {
                name,
                arn: Role!.Arn,
                createDate: rfc3339(Role!.CreateDate),
                uniqueId: Role!.RoleId,
                namePrefix: namePrefixFromName(name),
                inlinePolicies: [],
                managedPolicyArns: [],
                tagsAll: stringMap(inputs.tags),
            }),
        };
    },
    async update(ctx, id, olds, news) {
        const iam = ctx.clients.iam();
        if (!sameValue(olds.assumeRolePolicy, news.assumeRolePolicy)) {
            await iam.send(
                new UpdateAssumeRolePolicyCommand({ RoleName: id, PolicyDocument: need(news, "assumeRolePolicy") }),
            );
        }
        if (!sameValue(olds.description, news.description)) {
            await iam.send(
                new UpdateRoleDescriptionCommand({ RoleName: id, Description: str(news, "description") ?? "" }),
            );
        }
        if (!sameValue(olds.maxSessionDuration, news.maxSessionDuration)) {
            await iam.send(
                new UpdateRoleCommand({ RoleName: id, MaxSessionDuration: plain(news.maxSessionDuration) as number }),
            );
        }
        if (!sameValue(olds.permissionsBoundary, news.permissionsBoundary)) {
            const boundary = str(news, "permissionsBoundary");
            if (boundary) {
                await iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: id, PermissionsBoundary: boundary }));
            } else {
                await iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: id }));
            }
        }
        const { removed, set } = tagChanges(olds, news);
        if (removed.length > 0) {
            await iam.send(new UntagRoleCommand({ RoleName: id, TagKeys: removed }));
        }
        if (set.length > 0) {
            await iam.send(new TagRoleCommand({ RoleName: id, Tags: set }));
        }
        return outputsOf(news, { ...pick(olds, ROLE_COMPUTED), tagsAll: stringMap(news.tags) });
    },
    async delete(ctx, id) {
        // As terraform-provider-aws's DeleteRole: inline and attached policies that remain (the reconciler's own
        // writes never land on stack roles) make IAM answer DeleteConflict, which fails the delete.
        await gone(ctx.clients.iam().send(new DeleteRoleCommand({ RoleName: id })));
    },
    async read(ctx, id, state) {
        const found = await gone(ctx.clients.iam().send(new GetRoleCommand({ RoleName: id })));
        if (!found?.Role) {
            return undefined;
        }
        const r = found.Role;
        const props = {
            ...state,
            name: r.RoleName,
            path: r.Path,
            arn: r.Arn,
            uniqueId: r.RoleId,
            createDate: rfc3339(r.CreateDate),
            description: r.Description,
            maxSessionDuration: r.MaxSessionDuration,
            permissionsBoundary: r.PermissionsBoundary?.PermissionsBoundaryArn,
            assumeRolePolicy: sameJson(state.assumeRolePolicy, decoded(r.AssumeRolePolicyDocument)),
            tags: tagMap(r.Tags),
            tagsAll: tagMap(r.Tags),
        };
        return { id, props, inputs: inputsOf(props, ROLE_COMPUTED) };
    },
};

/** The state's own spelling of a policy when IAM's is the same document (no diff from whitespace or key order). */
function sameJson(stateValue: unknown, live: string): string {
    const mine = str({ v: stateValue }, "v");
    try {
        if (mine !== undefined && sameValue(JSON.parse(mine), JSON.parse(live))) {
            return mine;
        }
    } catch {
        // not JSON: keep IAM's text
    }
    return live;
}

function pick(props: Props, keys: string[]): Props {
    return Object.fromEntries(keys.filter((key) => key in props).map((key) => [key, props[key]]));
}

const POLICY_COMPUTED = ["arn", "attachmentCount", "name", "namePrefix", "policyId", "tagsAll"];

export const policy: ResourceType = {
    backing: "emulator",
    autoName: { property: "name", maxLength: 128, conflictsWith: "namePrefix" },
    defaults: { path: "/" },
    required: ["policy"],
    rules: { name: iamName(128), path: iamPath, policy: policyDocument(6_144), tags: tagRule },
    computed: POLICY_COMPUTED,
    async create(ctx, inputs) {
        const name = str(inputs, "name") ?? prefixedUniqueId(str(inputs, "namePrefix"));
        const { Policy } = await ctx.clients.iam().send(
            new CreatePolicyCommand({
                PolicyName: name,
                Path: str(inputs, "path"),
                Description: str(inputs, "description"),
                PolicyDocument: need(inputs, "policy"),
                Tags: tagList(inputs.tags),
            }),
        );
        return {
            id: Policy!.Arn!,
            outs: outputsOf(inputs, {
                name,
                arn: Policy!.Arn,
                policyId: Policy!.PolicyId,
                attachmentCount: 0,
                namePrefix: namePrefixFromName(name),
                tagsAll: stringMap(inputs.tags),
            }),
        };
    },
    async update(ctx, id, olds, news) {
        const iam = ctx.clients.iam();
        if (!sameValue(olds.policy, news.policy)) {
            // At most five versions: prune the oldest non-default one first, as the provider does.
            const versions = (await iam.send(new ListPolicyVersionsCommand({ PolicyArn: id }))).Versions ?? [];
            if (versions.length >= 5) {
                const oldest = versions
                    .filter((v) => !v.IsDefaultVersion)
                    .sort((a, b) => a.CreateDate!.getTime() - b.CreateDate!.getTime())[0];
                await iam.send(new DeletePolicyVersionCommand({ PolicyArn: id, VersionId: oldest.VersionId }));
            }
            await iam.send(
                new CreatePolicyVersionCommand({
                    PolicyArn: id,
                    PolicyDocument: need(news, "policy"),
                    SetAsDefault: true,
                }),
            );
        }
        const { removed, set } = tagChanges(olds, news);
        if (removed.length > 0) {
            await iam.send(new UntagPolicyCommand({ PolicyArn: id, TagKeys: removed }));
        }
        if (set.length > 0) {
            await iam.send(new TagPolicyCommand({ PolicyArn: id, Tags: set }));
        }
        return outputsOf(news, { ...pick(olds, POLICY_COMPUTED), tagsAll: stringMap(news.tags) });
    },
    async delete(ctx, id) {
        const iam = ctx.clients.iam();
        const versions = await gone(iam.send(new ListPolicyVersionsCommand({ PolicyArn: id })));
        for (const version of versions?.Versions ?? []) {
            if (!version.IsDefaultVersion) {
                await iam.send(new DeletePolicyVersionCommand({ PolicyArn: id, VersionId: version.VersionId }));
            }
        }
        await gone(iam.send(new DeletePolicyCommand({ PolicyArn: id })));
    },
    async read(ctx, id, state) {
        const found = await gone(ctx.clients.iam().send(new GetPolicyCommand({ PolicyArn: id })));
        if (!found?.Policy) {
            return undefined;
        }
        const props = { ...state, arn: found.Policy.Arn, attachmentCount: found.Policy.AttachmentCount };
        return { id, props, inputs: inputsOf(props, POLICY_COMPUTED) };
    },
};

export const rolePolicy: ResourceType = {
    backing: "emulator",
    autoName: { property: "name", maxLength: 128, conflictsWith: "namePrefix" },
    required: ["policy", "role"],
    rules: { name: iamName(128), role: iamName(64), policy: policyDocument(ROLE_INLINE_QUOTA) },
    computed: ["name", "namePrefix"],
    async create(ctx, inputs) {
        const name = str(inputs, "name") ?? prefixedUniqueId(str(inputs, "namePrefix"));
        await putRolePolicy(ctx.clients.iam(), need(inputs, "role"), name, need(inputs, "policy"));
        return {
            id: `${need(inputs, "role")}:${name}`,
            outs: outputsOf(inputs, { name, namePrefix: namePrefixFromName(name) }),
        };
    },
    async update(ctx, _id, olds, news) {
        await putRolePolicy(ctx.clients.iam(), need(news, "role"), need(news, "name"), need(news, "policy"));
        return outputsOf(news, { namePrefix: olds.namePrefix ?? "" });
    },
    async delete(ctx, id) {
        const [role, name] = splitOnce(id, ":");
        await gone(ctx.clients.iam().send(new DeleteRolePolicyCommand({ RoleName: role, PolicyName: name })));
    },
    async read(ctx, id, state) {
        const [role, name] = splitOnce(id, ":");
        const found = await gone(
            ctx.clients.iam().send(new GetRolePolicyCommand({ RoleName: role, PolicyName: name })),
        );
        if (!found) {
            return undefined;
        }
        const props = { ...state, role, name, policy: sameJson(state.policy, decoded(found.PolicyDocument)) };
        return { id, props, inputs: props };
    },
};

async function putRolePolicy(iam: IAMClient, roleName: string, policyName: string, document: string) {
    const total = (await otherInlineSize(iam, roleName, policyName)) + policySize(document);
    if (total > ROLE_INLINE_QUOTA) {
        throw new Error(
            `putting IAM Role (${roleName}) Policy (${policyName}): LimitExceeded: Maximum policy size of ` +
                `${ROLE_INLINE_QUOTA} bytes exceeded for role ${roleName} (${total} with this policy)`,
        );
    }
    await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: policyName, PolicyDocument: document }));
}

function splitOnce(id: string, separator: string): [string, string] {
    const at = id.indexOf(separator);
    return [id.slice(0, at), id.slice(at + separator.length)];
}

export const rolePolicyAttachment: ResourceType = {
    backing: "emulator",
    required: ["policyArn", "role"],
    rules: { role: iamName(64) },
    computed: [],
    async create(ctx, inputs) {
        const role = need(inputs, "role");
        await ctx.clients
            .iam()
            .send(new AttachRolePolicyCommand({ RoleName: role, PolicyArn: need(inputs, "policyArn") }));
        return { id: prefixedUniqueId(`${role}-`), outs: outputsOf(inputs, {}) };
    },
    async delete(ctx, _id, state) {
        await gone(
            ctx.clients
                .iam()
                .send(
                    new DetachRolePolicyCommand({ RoleName: need(state, "role"), PolicyArn: need(state, "policyArn") }),
                ),
        );
    },
};

const USER_COMPUTED = ["arn", "tagsAll", "uniqueId"];

export const user: ResourceType = {
    backing: "emulator",
    autoName: { property: "name", maxLength: 64 },
    defaults: { forceDestroy: false, path: "/" },
    rules: { name: iamName(64), path: iamPath, tags: tagRule },
    computed: USER_COMPUTED,
    async create(ctx, inputs) {
        const name = need(inputs, "name");
        const { User } = await ctx.clients.iam().send(
            new CreateUserCommand({
                UserName: name,
                Path: str(inputs, "path"),
                PermissionsBoundary: str(inputs, "permissionsBoundary"),
                Tags: tagList(inputs.tags),
            }),
        );
        return {
            id: name,
            outs: outputsOf(inputs, { arn: User!.Arn, uniqueId: User!.UserId, tagsAll: stringMap(inputs.tags) }),
        };
    },
    async update(ctx, id, olds, news) {
        const iam = ctx.clients.iam();
        if (!sameValue(olds.name, news.name) || !sameValue(olds.path, news.path)) {
            await iam.send(
                new UpdateUserCommand({ UserName: id, NewUserName: need(news, "name"), NewPath: str(news, "path") }),
            );
        }
        const { removed, set } = tagChanges(olds, news);
        const name = need(news, "name");
        if (removed.length > 0) {
            await iam.send(new UntagUserCommand({ UserName: name, TagKeys: removed }));
        }
        if (set.length > 0) {
            await iam.send(new TagUserCommand({ UserName: name, Tags: set }));
        }
        const found = await iam.send(new GetUserCommand({ UserName: name }));
        return outputsOf(news, { arn: found.User!.Arn, uniqueId: found.User!.UserId, tagsAll: stringMap(news.tags) });
    },
    async delete(ctx, id, state) {
        const iam = ctx.clients.iam();
        if (plain(state.forceDestroy) === true) {
            const keys = (await gone(iam.send(new ListAccessKeysCommand({ UserName: id }))))?.AccessKeyMetadata ?? [];
            for (const key of keys) {
                await iam.send(new DeleteAccessKeyCommand({ UserName: id, AccessKeyId: key.AccessKeyId }));
            }
        }
        await gone(iam.send(new DeleteUserCommand({ UserName: id })));
    },
    async read(ctx, id, state) {
        const found = await gone(ctx.clients.iam().send(new GetUserCommand({ UserName: id })));
        if (!found?.User) {
            return undefined;
        }
        const u = found.User;
        const props: Props = {
            forceDestroy: false,
            ...state,
            name: u.UserName,
            path: u.Path,
            arn: u.Arn,
            uniqueId: u.UserId,
            tags: tagMap(u.Tags),
            tagsAll: tagMap(u.Tags),
        };
        if (u.PermissionsBoundary?.PermissionsBoundaryArn) {
            props.permissionsBoundary = u.PermissionsBoundary.PermissionsBoundaryArn;
        }
        return { id, props, inputs: inputsOf(props, USER_COMPUTED) };
    },
};

export const userPolicy: ResourceType = {
    backing: "emulator",
    autoName: { property: "name", maxLength: 128, conflictsWith: "namePrefix" },
    required: ["policy", "user"],
    rules: { name: iamName(128), user: iamName(64), policy: policyDocument(USER_INLINE_QUOTA) },
    computed: ["name", "namePrefix"],
    async create(ctx, inputs) {
        const name = str(inputs, "name") ?? prefixedUniqueId(str(inputs, "namePrefix"));
        const userName = need(inputs, "user");
        await ctx.clients.iam().send(
            new PutUserPolicyCommand({
                UserName: userName,
                PolicyName: name,
                PolicyDocument: need(inputs, "policy"),
            }),
        );
        return { id: `${userName}:${name}`, outs: outputsOf(inputs, { name, namePrefix: namePrefixFromName(name) }) };
    },
    async update(ctx, _id, olds, news) {
        await ctx.clients.iam().send(
            new PutUserPolicyCommand({
                UserName: need(news, "user"),
                PolicyName: need(news, "name"),
                PolicyDocument: need(news, "policy"),
            }),
        );
        return outputsOf(news, { namePrefix: olds.namePrefix ?? "" });
    },
    async delete(ctx, id) {
        const [userName, name] = splitOnce(id, ":");
        await gone(ctx.clients.iam().send(new DeleteUserPolicyCommand({ UserName: userName, PolicyName: name })));
    },
};

/** The SES SMTP password (SigV4) the provider derives from a secret access key for its region. */
export function sesSmtpPasswordV4(secretAccessKey: string, region: string): string {
    let key: Buffer = Buffer.from(`AWS4${secretAccessKey}`);
    for (const part of ["11111111", region, "ses", "aws4_request", "SendRawEmail"]) {
        key = createHmac("sha256", key).update(part).digest();
    }
    return Buffer.concat([Buffer.from([0x04]), key]).toString("base64");
}

export const accessKey: ResourceType = {
    backing: "emulator",
    defaults: { status: "Active" },
    required: ["user"],
    computed: [
        "createDate",
        "encryptedSecret",
        "encryptedSesSmtpPasswordV4",
        "keyFingerprint",
        "secret",
        "sesSmtpPasswordV4",
    ],
    async create(ctx, inputs) {
        if (str(inputs, "pgpKey")) {
            throw new Error("pgpKey: the stand-in provider does not encrypt access keys with PGP");
        }
        const { AccessKey } = await ctx.clients
            .iam()
            .send(new CreateAccessKeyCommand({ UserName: need(inputs, "user") }));
        return {
            id: AccessKey!.AccessKeyId!,
            outs: outputsOf(inputs, {
                createDate: rfc3339(AccessKey!.CreateDate),
                secret: secret(AccessKey!.SecretAccessKey),
                sesSmtpPasswordV4: secret(sesSmtpPasswordV4(AccessKey!.SecretAccessKey!, defaultRegion())),
                encryptedSecret: "",
                encryptedSesSmtpPasswordV4: "",
                keyFingerprint: "",
                status: AccessKey!.Status,
            }),
        };
    },
    async delete(ctx, id, state) {
        await gone(
            ctx.clients.iam().send(new DeleteAccessKeyCommand({ UserName: need(state, "user"), AccessKeyId: id })),
        );
    },
};
