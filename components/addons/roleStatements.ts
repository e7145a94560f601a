/** The deploying identity's statements on an add-on's roles: shared by the add-ons with a role of their own. */
import { PolicyStatement } from "../../common/documents";
import { actions } from "../permissions/providerActions";

/** Role writes that set or use a role's permissions: IAM puts the role's (new) boundary in iam:PermissionsBoundary. */
const BOUNDED_ROLE_WRITES = [
    "iam:CreateRole",
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
    "iam:PutRolePermissionsBoundary",
];

/**
 * An add-on's roles: the writes only for a role under the add-on's boundary (so a role the deployer makes or edits can
 * never exceed it), the rest unconditioned; removing a boundary is denied outright.
 */
export function addonRoleStatements(sid: string, roleArns: string, boundaryArn: string): PolicyStatement[] {
    const all = actions("aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy");
    return [
        { Sid: sid, Effect: "Allow", Action: all.filter((a) => !BOUNDED_ROLE_WRITES.includes(a)), Resource: roleArns },
        {
            Sid: `${sid}UnderBoundary`,
            Effect: "Allow",
            Action: [...all.filter((a) => BOUNDED_ROLE_WRITES.includes(a)), "iam:PutRolePermissionsBoundary"],
            Resource: roleArns,
            Condition: { StringEquals: { "iam:PermissionsBoundary": boundaryArn } },
        },
        { Sid: `${sid}KeepBoundary`, Effect: "Deny", Action: "iam:DeleteRolePermissionsBoundary", Resource: roleArns },
    ];
}
