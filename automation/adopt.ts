/**
 * `container-insights adopt --env prod`: finds what the vendor's CloudFormation left in the account (read-only) and
 * prints the plan: the bucket and the IAM user are imported by the next `up` with `adopt: true` and converged by
 * the one after; the vendor's per-cluster roles are replaced, not adopted (see docs/migration.md for why); the Helm
 * release is taken over in place. Exit 1 when something blocks the plan.
 */
import { IAMClient } from "@aws-sdk/client-iam";
import { S3Client } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import {
    ExistingBucket,
    ExistingUser,
    VendorRole,
    findBucket,
    findUser,
    findVendorRoles,
    ownershipConflict,
} from "../common/existing";
import { STACK_TAG_KEY, bucketNameFor, clusterRolePath } from "../common/naming";
import { AGENT_USER_NAME } from "../components/iam/agentUser";
import { resolveIdentityMode } from "../config/parse";
import { UsageProblems, parseFlags } from "./cliArgs";
import { stackTarget } from "./stackTarget";
import type { CommandIo } from "./commandIo";

export interface AdoptIo extends CommandIo {
    projectDir?: string;
}

export interface AccountFindings {
    accountId: string;
    bucket?: ExistingBucket;
    user?: ExistingUser;
    vendorRoles: VendorRole[];
}

export interface AdoptionPlan {
    lines: string[];
    blockers: string[];
    /** The commands to run, in order, once nothing blocks. */
    next: string[];
}

const SETTING_NAMES: Record<string, string> = {
    encryption: "encryption",
    publicAccessBlock: "public access block",
    ownershipControls: "ownership controls",
    policy: "bucket policy",
    lifecycle: "lifecycle rule",
};

/** The plan, from what was found: pure, so each case is tested without an account. */
export function adoptionPlan(findings: AccountFindings, stack: { name: string; createIamUser: boolean }): AdoptionPlan {
    const stackId = `container-insights/${stack.name}`;
    const lines: string[] = [`account ${findings.accountId}, stack ${stackId}`];
    const blockers: string[] = [];
    let imports = false;
    const bucketName = bucketNameFor(findings.accountId);
    const { bucket, user } = findings;
    if (!bucket) {
        lines.push(`bucket ${bucketName}: not found; up creates it`);
    } else {
        const conflict = ownershipConflict("bucket", bucket.name, bucket.tags, stackId);
        if (conflict) {
            blockers.push(conflict);
        } else if (bucket.tags[STACK_TAG_KEY] === stackId) {
            lines.push(
                `bucket ${bucket.name}: already this stack's; nothing to do while the stack manages it. If a destroy of this ` +
                    "stack kept it (retainBucket), import it again: pulumi config set container-insights:adopt true, up, then adopt false, up",
            );
        } else {
            imports = true;
            const settings = Object.entries(bucket.settings)
                .filter(([, set]) => set)
                .map(([name]) => SETTING_NAMES[name]);
            const cloudFormation = bucket.tags["aws:cloudformation:stack-name"];
            lines.push(
                `bucket ${bucket.name}: exists${cloudFormation ? ` (made by CloudFormation stack ${cloudFormation})` : ""}; ` +
                    `the next up imports it as it is, with its ${settings.join(", ") || "no settings"}; the up after that applies this stack's settings and tags. Its data stays.`,
            );
        }
    }
    if (!user) {
        lines.push(`IAM user ${AGENT_USER_NAME}: not found${stack.createIamUser ? "; up creates it" : ""}`);
    } else {
        const conflict = ownershipConflict("IAM user", user.name, user.tags, stackId);
        const vendorPolicies = [
            ...user.inlinePolicies.map((p) => `inline ${p}`),
            ...user.attachedPolicies.map((p) => `attached ${p}`),
        ];
        if (conflict) {
            blockers.push(conflict);
        } else if (user.tags[STACK_TAG_KEY] === stackId) {
            lines.push(`IAM user ${user.name}: already this stack's; nothing to do`);
        } else if (stack.createIamUser) {
            imports = true;
            if (user.accessKeys >= 2) {
                blockers.push(
                    `IAM user ${user.name} has 2 access keys, the most IAM allows; the stack adds its own for the agents: ` +
                        `delete the one no agent uses first (aws iam list-access-keys --user-name ${user.name}; aws iam delete-access-key ...)`,
                );
            }
            lines.push(
                `IAM user ${user.name}: exists (${user.accessKeys} access key(s)${vendorPolicies.length ? `; ${vendorPolicies.join(", ")}` : ""}); ` +
                    "the next up imports it and gives it the stack's own policy and a new access key, which the agents get at that up. " +
                    `Then remove the vendor's: ${[
                        ...user.inlinePolicies.map(
                            (p) => `aws iam delete-user-policy --user-name ${user.name} --policy-name ${p}`,
                        ),
                        ...user.attachedPolicies.map(
                            (p) => `aws iam detach-user-policy --user-name ${user.name} --policy-arn ${p}`,
                        ),
                        `aws iam delete-access-key --user-name ${user.name} --access-key-id <the old key>`,
                    ].join("; ")}`,
            );
        } else {
            lines.push(
                `IAM user ${user.name}: exists, and IRSA mode does not use it; left as it is. Once the agents run on their roles, ` +
                    `delete it (its policies and keys first: aws iam delete-user --user-name ${user.name} fails while they remain)`,
            );
        }
    }
    if (findings.vendorRoles.length === 0) {
        lines.push(
            `vendor roles nops-ccost-* at path /: none; the reconciler creates each cluster's role under ${clusterRolePath(stack.name)}`,
        );
    } else {
        blockers.push(
            `${findings.vendorRoles.length} vendor role(s) at path / still hold the per-cluster role names (IAM role names are unique ` +
                `in an account whatever the path): ${findings.vendorRoles.map((r) => r.roleName).join(", ")}. The vendor stack's deletion ` +
                "removes them (its Lambda deletes every nops-ccost role); delete that stack first (docs/migration.md), " +
                `or delete them: for each, aws iam list-role-policies --role-name <name>, aws iam delete-role-policy ..., aws iam delete-role --role-name <name>`,
        );
    }
    lines.push(
        "Kubernetes: the chart takes over release nops-kubernetes-agent in namespace nops in place (same names, existing objects " +
            "are updated); afterwards delete the old Helm release record (kubectl -n nops delete secret -l owner=helm,name=nops-kubernetes-agent), " +
            "never helm uninstall, which would delete the objects the stack now manages",
    );
    const next = imports
        ? [
              `pulumi config set --stack ${stack.name} container-insights:adopt true`,
              `npm run up -- ${stack.name}          # imports`,
              `pulumi config set --stack ${stack.name} container-insights:adopt false`,
              `npm run up -- ${stack.name}          # applies the stack's settings and tags`,
          ]
        : [`npm run up -- ${stack.name}`];
    return { lines, blockers, next };
}

/** Reads the account: the bucket, the user and the vendor's roles. Read-only calls only. */
export async function findAccount(region: string): Promise<AccountFindings> {
    const iam = new IAMClient({ region });
    const { Account: accountId } = await new STSClient({ region }).send(new GetCallerIdentityCommand({}));
    const [bucket, user, vendorRoles] = await Promise.all([
        findBucket(new S3Client({ region }), bucketNameFor(accountId!)),
        findUser(iam, AGENT_USER_NAME),
        findVendorRoles(iam),
    ]);
    return { accountId: accountId!, bucket, user, vendorRoles };
}

export async function runAdopt(args: string[], io: AdoptIo): Promise<number> {
    const problems = new UsageProblems("adopt");
    const flags = parseFlags("adopt", args, { values: ["env", "stack", "region"] }, problems);
    const { stackName, file, region } = stackTarget("adopt", flags, problems, io);
    const findings = await findAccount(region);
    const plan = adoptionPlan(findings, {
        name: stackName,
        createIamUser: resolveIdentityMode(file?.raw ?? {}) === "iamUser",
    });
    for (const line of plan.lines) {
        io.out(`- ${line}`);
    }
    if (plan.blockers.length > 0) {
        for (const blocker of plan.blockers) {
            io.err(`blocked: ${blocker}`);
        }
        return 1;
    }
    io.out("next:");
    for (const command of plan.next) {
        io.out(`  ${command}`);
    }
    return 0;
}
