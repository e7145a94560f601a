/**
 * `npm run --silent permissions -- <stack> [--account <id>] [--set key=value ...]` prints the least-privilege IAM
 * policy the identity running `pulumi up` (and `destroy`) needs for that stack's configuration. Every ARN comes from
 * the naming functions the program itself uses; without --account the policy serves whichever account it is created in
 * (see CALLER_ACCOUNT). Each concern's statements live beside its components (components/<concern>/permissions.ts,
 * assembled by components/permissions/deployerPolicy.ts); this script reads the stack, prints or splits the policy.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { PolicyDocument, PolicyStatement, policy } from "../common/documents";
import { deployerPolicy } from "../components/permissions/deployerPolicy";
import { watchStatement } from "../components/events/permissions";
import { ConfigError, parseConfig } from "../config";
import { SECRET_PLACEHOLDER, readStackConfig } from "./stackConfig";
import { errorMessage } from "../common/errors";
import { PACKAGE_ROOT as PROJECT_DIR } from "../common/packageRoot";
import { didYouMean } from "../config/suggest";
import {
    USAGE_EXIT_CODE,
    UsageError,
    UsageProblems,
    parseFlags,
    usageMessage,
    wantsHelp,
} from "../policies/lib/cliArgs";

/** IAM's limit on a customer managed policy document, in characters not counting white space. */
export const MANAGED_POLICY_LIMIT = 6144;

/** A document's size as IAM counts it against MANAGED_POLICY_LIMIT. */
export function policySize(document: PolicyDocument): number {
    return JSON.stringify(document).replace(/\s/g, "").length;
}

/**
 * Packs a document's statements into as few documents as fit IAM's managed-policy limit, in order; a statement too
 * big on its own is cut into statements over parts of its Resource list (Sids numbered). Together they allow
 * exactly what the document allows.
 */
export function splitPolicy(document: PolicyDocument, limit: number = MANAGED_POLICY_LIMIT): PolicyDocument[] {
    const parts: PolicyDocument[] = [];
    let current = policy();
    for (const statement of document.Statement.flatMap((s) => fitStatement(s, limit))) {
        const candidate = policy(...current.Statement, statement);
        if (current.Statement.length > 0 && policySize(candidate) > limit) {
            parts.push(current);
            current = policy(statement);
        } else {
            current = candidate;
        }
    }
    if (current.Statement.length > 0) {
        parts.push(current);
    }
    return parts;
}

function fitStatement(statement: PolicyStatement, limit: number): PolicyStatement[] {
    const resources = statement.Resource;
    if (policySize(policy(statement)) <= limit || !Array.isArray(resources) || resources.length < 2) {
        return [statement];
    }
    const half = Math.ceil(resources.length / 2);
    const sid = (n: number) => (statement.Sid ? { Sid: `${statement.Sid}${n}` } : {});
    return [
        ...fitStatement({ ...statement, ...sid(1), Resource: resources.slice(0, half) }, limit),
        ...fitStatement({ ...statement, ...sid(2), Resource: resources.slice(half) }, limit),
    ];
}

/** Reads a stack's config like the program does and builds its deployer policy. */
export function stackDeployerPolicy(
    stack: string,
    options: { projectDir: string; accountId?: string; overrides?: Record<string, string>; watch?: boolean },
): PolicyDocument {
    const { raw, awsRegion } = readStackConfig(stack, options.projectDir, options.overrides ?? {});
    // Secrets do not shape the policy, and the reader never sees their values: stand-ins let the config validate.
    for (const key of ["token", "externalId", "datadogApiKey"]) {
        if (!raw[key] || raw[key] === SECRET_PLACEHOLDER) {
            raw[key] = "placeholder";
        }
    }
    const config = parseConfig(raw, { awsRegion, stackName: stack });
    const target = {
        stackName: stack,
        stackRegion: config.stackRegion,
        accountId: options.accountId,
        config,
    };
    const document = deployerPolicy(target);
    return options.watch ? policy(...document.Statement, watchStatement(target)) : document;
}

const USAGE =
    "usage: npm run --silent permissions -- <stack> [--account <id>] [--set key=value ...] [--split <directory>] [--watch]";

const HELP = [
    USAGE,
    "  prints the deployer's IAM policy as one minified JSON document; --set applies `pulumi config set --path` (e.g.",
    "  --set clusters.assumeRoleArn=arn:...); --split writes deployer-policy-<n>.json files, each within IAM's 6,144-character",
    "  limit, into the directory (a policy over the limit is written so by default, into deployer-policy-<stack>/);",
    "  --watch adds what the watch service (container-insights watch) needs on top: SQS on the stack's watch queue",
    "exit codes: 0 printed or written; 1 the stack's config is not valid; 2 bad usage (an unknown flag, no such stack file)",
].join("\n");

interface PermissionsArguments {
    stack: string;
    accountId?: string;
    overrides: Record<string, string>;
    splitDir?: string;
    watch: boolean;
}

function knownStacks(projectDir: string): string[] {
    const dir = join(projectDir, "stacks");
    return existsSync(dir)
        ? readdirSync(dir)
              .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
              .filter((name): name is string => name !== undefined)
        : [];
}

/** The command line, every problem together (an unknown flag, a bad value, no such stack file) in one UsageError. */
export function parsePermissionsArguments(argv: readonly string[], projectDir = PROJECT_DIR): PermissionsArguments {
    const problems = new UsageProblems();
    const flags = parseFlags(
        undefined,
        argv,
        {
            values: ["account", "set", "split"],
            repeatable: ["set"],
            switches: { watch: undefined },
            hints: {
                account: "a 12-digit AWS account id",
                set: "key=value",
                split: "a directory to write deployer-policy-<n>.json into",
            },
        },
        problems,
    );
    const known = knownStacks(projectDir);
    const [stack, ...extra] = flags.positionals;
    if (stack === undefined) {
        problems.add(`name a stack: ${known.join(" or ")}`);
    } else if (!existsSync(join(projectDir, "stacks", `Pulumi.${stack}.yaml`))) {
        problems.add(
            `no stack file stacks/Pulumi.${stack}.yaml${didYouMean(stack, known)}; known stacks: ${known.join(", ")}`,
        );
    }
    if (extra.length > 0) {
        problems.add(`unexpected argument ${extra[0]}`);
    }
    const accountId = flags.values.account;
    if (accountId !== undefined && !/^[0-9]{12}$/.test(accountId)) {
        problems.add(`--account ${JSON.stringify(accountId)} is not a 12-digit AWS account id`);
    }
    const overrides: Record<string, string> = {};
    for (const pair of flags.repeated.set ?? []) {
        const eq = pair.indexOf("=");
        if (eq < 1) {
            problems.add(
                `--set takes key=value (a key of the container-insights namespace, dotted for a field: clusters.assumeRoleArn=...), got ${JSON.stringify(pair)}`,
            );
        } else {
            overrides[pair.slice(0, eq)] = pair.slice(eq + 1);
        }
    }
    problems.throwIfAny();
    return {
        stack: stack!,
        ...(accountId === undefined ? {} : { accountId }),
        overrides,
        ...(flags.values.split === undefined ? {} : { splitDir: flags.values.split }),
        watch: flags.switches.has("watch"),
    };
}

/** Where a policy over the limit is written when no --split directory is given. */
export function defaultSplitDir(stack: string): string {
    return `deployer-policy-${stack}`;
}

export function main(argv: string[], io: { cwd: string } = { cwd: process.cwd() }): number {
    if (wantsHelp(argv)) {
        process.stdout.write(`${HELP}\n`);
        return 0;
    }
    let args: PermissionsArguments;
    try {
        args = parsePermissionsArguments(argv);
    } catch (error) {
        if (error instanceof UsageError) {
            process.stderr.write(`${usageMessage("permissions", error.message, USAGE)}\n`);
            return USAGE_EXIT_CODE;
        }
        throw error;
    }
    try {
        const document = stackDeployerPolicy(args.stack, {
            projectDir: PROJECT_DIR,
            accountId: args.accountId,
            overrides: args.overrides,
            watch: args.watch,
        });
        const parts = splitPolicy(document);
        if (args.splitDir === undefined && parts.length === 1) {
            process.stdout.write(`${JSON.stringify(document)}\n`);
            return 0;
        }
        const dir = resolve(io.cwd, args.splitDir ?? defaultSplitDir(args.stack));
        if (args.splitDir === undefined) {
            process.stderr.write(
                `the policy is ${policySize(document)} characters, over IAM's ${MANAGED_POLICY_LIMIT}-character limit for a managed policy: ` +
                    `written as ${parts.length} policies, each within the limit; attach each (--split <directory> chooses where)\n`,
            );
        }
        mkdirSync(dir, { recursive: true });
        parts.forEach((part, i) => {
            const file = join(dir, `deployer-policy-${i + 1}.json`);
            writeFileSync(file, `${JSON.stringify(part)}\n`);
            process.stdout.write(`${args.splitDir === undefined ? relative(io.cwd, file) : file}\n`);
        });
        return 0;
    } catch (error) {
        const hint =
            error instanceof ConfigError
                ? " (keys that are not committed can be given with --set key=value, e.g. --set roleName=NopsIntegrationRole)"
                : "";
        process.stderr.write(`${errorMessage(error)}${hint}\n`);
        return 1;
    }
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2));
}
