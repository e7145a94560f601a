/**
 * `container-insights status --env prod`: the operator's one-look health check. From the stack's outputs and
 * read-only AWS calls, one line per cluster: identity mode, role present and its policy in step (as the reconciler
 * would decide it, with its own desired-state function), agent installed, and the last reconcile's time and outcome.
 */
import {
    CloudWatchLogsClient,
    FilterLogEventsCommand,
    ResourceNotFoundException as LogGroupNotFound,
} from "@aws-sdk/client-cloudwatch-logs";
import { DescribeClusterCommand, EKSClient, ResourceNotFoundException as ClusterNotFound } from "@aws-sdk/client-eks";
import {
    GetRoleCommand,
    GetRolePolicyCommand,
    GetUserCommand,
    IAMClient,
    ListOpenIDConnectProvidersCommand,
    NoSuchEntityException,
} from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { parseConfig } from "../config";
import { agentBoundaryPolicyArn, partitionOf, reconcilerFunctionNames } from "../common/naming";
import { ClusterStatus } from "../components/cluster/types";
import { desiredRoles } from "../lambda/reconciler/desired";
import { decodePolicy, samePolicy } from "../lambda/reconciler/documents";
import { AGENT_POLICY_NAME } from "../lambda/reconciler/gateway";
import { ClusterFacts, ClusterResult, ReconcilerSettings } from "../lambda/reconciler/types";
import { StackConfig } from "../scripts/stackConfig";
import { EnvironmentError, UsageProblems, parseFlags } from "./cliArgs";
import { stackTarget } from "./stackTarget";
import { openLocalStack, resolveBackend } from "./workspace";
import type { CommandIo } from "./commandIo";

/** The stack's outputs as plain values (secret ones are never needed here). */
export type StackOutputsSource = (stackName: string) => Promise<Record<string, unknown>>;

export interface StatusIo extends CommandIo {
    outputs?: StackOutputsSource;
    projectDir?: string;
    now?: () => number;
}

/** The outputs of the stack on the backend `npm run up` uses, through the Automation API (needs the Pulumi CLI). */
export function backendOutputs(env: NodeJS.ProcessEnv): StackOutputsSource {
    return async (stackName) => {
        const { stack } = await openLocalStack(stackName, { backend: resolveBackend(env), existingOnly: true });
        const outputs = await stack.outputs();
        return Object.fromEntries(
            Object.entries(outputs)
                .filter(([, o]) => !o.secret)
                .map(([key, o]) => [key, o.value]),
        );
    };
}

export interface LastRun {
    time: string;
    trigger: string;
    outcome: string;
    error?: string;
    counts?: Record<string, number>;
}

export interface ClusterHealth {
    cluster: string;
    region: string;
    /** irsa, iamUser, or the cluster's own identityMode from the clusters output (podIdentity). */
    mode: string;
    /** present, missing, or for the user mode the user's state. */
    identity: string;
    /** in-step, drifted (what), or unknown (why). */
    policy: string;
    agent: string;
    lastReconcile: string;
    healthy: boolean;
    problems: string[];
}

/** The latest `reconcile finished` entry of either function in the last three days (12 scheduled runs a day). */
export async function lastReconcile(
    logs: CloudWatchLogsClient,
    stackName: string,
    now: number,
): Promise<LastRun | undefined> {
    const names = reconcilerFunctionNames(stackName);
    let latest: { timestamp: number; message: string } | undefined;
    for (const fn of [names.creation, names.management]) {
        let nextToken: string | undefined;
        try {
            do {
                const page = await logs.send(
                    new FilterLogEventsCommand({
                        logGroupName: `/aws/lambda/${fn}`,
                        filterPattern: '{ $.message = "reconcile finished" }',
                        startTime: now - 3 * 24 * 3600 * 1000,
                        nextToken,
                    }),
                );
                for (const event of page.events ?? []) {
                    if (!latest || (event.timestamp ?? 0) > latest.timestamp) {
                        latest = { timestamp: event.timestamp ?? 0, message: event.message ?? "{}" };
                    }
                }
                nextToken = page.nextToken;
            } while (nextToken);
        } catch (error) {
            if (!(error instanceof LogGroupNotFound)) {
                throw error;
            }
        }
    }
    if (!latest) {
        return undefined;
    }
    const entry = JSON.parse(latest.message) as {
        trigger?: string;
        outcome?: string;
        error?: string;
        counts?: Record<string, number>;
    };
    return {
        time: new Date(latest.timestamp).toISOString(),
        trigger: entry.trigger ?? "?",
        outcome: entry.outcome ?? "?",
        error: entry.error,
        counts: entry.counts,
    };
}

/** The reconciler's view of the stack, from the stack file (secrets and account values are not needed). */
function reconcilerSettings(
    stackName: string,
    file: StackConfig | undefined,
    accountId: string,
    bucketName: string,
): { settings: ReconcilerSettings; kmsKnown: boolean } {
    // Values status never uses stand in for the account's and the secret ones, which the stack file may not hold.
    const raw = { ...file?.raw, roleName: "unused", token: "unused", externalId: "unused", datadogApiKey: "unused" };
    const parsed = parseConfig(raw, { awsRegion: file?.awsRegion ?? "us-east-1" });
    const partition = partitionOf(parsed.stackRegion);
    const kmsKeyArn =
        parsed.kmsKeyId?.startsWith("arn:") && parsed.kmsKeyId.includes(":key/") ? parsed.kmsKeyId : undefined;
    return {
        settings: {
            stackId: `container-insights/${stackName}`,
            stackName,
            regions: parsed.regions,
            bucketName,
            queueArnPattern: parsed.platform.queueArnPattern,
            namespace: parsed.agentNamespace,
            serviceAccount: parsed.agentServiceAccount,
            boundaryPolicyArn: agentBoundaryPolicyArn({ accountId, partition, stackName }),
            clusters: parsed.clusters,
            // desiredRoles is asked only about the clusters whose output says IRSA: their role is the IRSA one.
            identityMode: "irsa",
            ...(kmsKeyArn ? { kmsKeyArn } : {}),
        },
        kmsKnown: parsed.kmsKeyId === undefined || kmsKeyArn !== undefined,
    };
}

async function clusterFacts(region: string, name: string): Promise<ClusterFacts | undefined> {
    try {
        const { cluster } = await new EKSClient({ region }).send(new DescribeClusterCommand({ name }));
        return {
            name,
            region,
            arn: cluster!.arn!,
            status: cluster!.status!,
            oidcIssuer: cluster!.identity?.oidc?.issuer,
            tags: cluster!.tags ?? {},
        };
    } catch (error) {
        if (error instanceof ClusterNotFound) {
            return undefined;
        }
        throw error;
    }
}

/** Role present, boundary, trust and inline policy compared with what the reconciler would put there. */
async function roleHealth(
    iam: IAMClient,
    desired: { trust: unknown; permissions: unknown; boundary: string } | undefined,
    roleName: string,
    kmsKnown: boolean,
) {
    let role;
    try {
        role = (await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role!;
    } catch (error) {
        if (error instanceof NoSuchEntityException) {
            return { identity: "missing", policy: "-", problems: [`role ${roleName} does not exist`] };
        }
        throw error;
    }
    if (!desired) {
        return { identity: "present", policy: "unknown", problems: [] };
    }
    const drift: string[] = [];
    if (role.PermissionsBoundary?.PermissionsBoundaryArn !== desired.boundary) {
        drift.push("boundary");
    }
    if (!samePolicy(decodePolicy(role.AssumeRolePolicyDocument ?? "%7B%7D"), desired.trust)) {
        drift.push("trust");
    }
    try {
        const inline = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: AGENT_POLICY_NAME }));
        if (kmsKnown && !samePolicy(decodePolicy(inline.PolicyDocument ?? "%7B%7D"), desired.permissions)) {
            drift.push("permissions");
        }
    } catch (error) {
        if (!(error instanceof NoSuchEntityException)) {
            throw error;
        }
        drift.push("permissions missing");
    }
    return {
        identity: "present",
        policy:
            drift.length === 0
                ? kmsKnown
                    ? "in-step"
                    : "in-step (KMS statement not compared)"
                : `drifted (${drift.join(", ")})`,
        problems:
            drift.length === 0
                ? []
                : [`role ${roleName} drifted: ${drift.join(", ")} (the next reconcile puts it back)`],
    };
}

export async function clusterHealth(args: {
    stackName: string;
    outputs: Record<string, unknown>;
    region: string;
    /** The stack's file, when the project has it. */
    file?: StackConfig;
    now: number;
}): Promise<{ clusters: ClusterHealth[]; lastRun?: LastRun }> {
    const clusters = (args.outputs.clusters as ClusterStatus[] | undefined) ?? [];
    const mode = args.outputs.iamUserName ? "iamUser" : "irsa";
    const iam = new IAMClient({ region: args.region });
    const { Account: accountId } = await new STSClient({ region: args.region }).send(new GetCallerIdentityCommand({}));
    const lastRun =
        mode === "irsa"
            ? await lastReconcile(new CloudWatchLogsClient({ region: args.region }), args.stackName, args.now)
            : undefined;
    const deployResults = new Map<string, ClusterResult>();
    try {
        for (const result of (
            JSON.parse(String(args.outputs.reconcilerLastRun ?? "{}")) as { results?: ClusterResult[] }
        ).results ?? []) {
            if (result.roleName) {
                deployResults.set(result.roleName, result);
            }
        }
    } catch {
        // An unreadable last-run output only loses the per-cluster deploy-time outcome.
    }
    let userState: string | undefined;
    if (mode === "iamUser") {
        try {
            await iam.send(new GetUserCommand({ UserName: String(args.outputs.iamUserName) }));
            userState = `user ${String(args.outputs.iamUserName)} present`;
        } catch (error) {
            if (!(error instanceof NoSuchEntityException)) {
                throw error;
            }
            userState = `user ${String(args.outputs.iamUserName)} missing`;
        }
    }
    const { settings, kmsKnown } = reconcilerSettings(
        args.stackName,
        args.file,
        accountId!,
        String(args.outputs.bucketName ?? ""),
    );
    const providers =
        mode === "irsa"
            ? ((await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList ?? []).map(
                  (p) => p.Arn!,
              )
            : [];
    const runText = lastRun
        ? `${lastRun.time} ${lastRun.trigger} ${lastRun.outcome}`
        : mode === "irsa"
          ? "none in 3 days"
          : "-";
    const result: ClusterHealth[] = [];
    for (const cluster of clusters) {
        const problems: string[] = [];
        const facts = await clusterFacts(cluster.region, cluster.name);
        if (!facts) {
            problems.push("the cluster no longer exists (the next up removes its agent, the next reconcile its role)");
        } else if (facts.status !== "ACTIVE") {
            problems.push(`cluster status is ${facts.status}`);
        }
        let identity = userState ?? "-";
        let policy = "-";
        const clusterMode = (cluster as ClusterStatus & { identityMode?: string }).identityMode ?? mode;
        if (clusterMode === "podIdentity") {
            // One role for every cluster, named by the stack's podIdentityRoleArn output; its association is the program's.
            const roleArn = String(args.outputs.podIdentityRoleArn ?? "");
            const roleName = roleArn.slice(roleArn.lastIndexOf("/") + 1);
            const health = roleName
                ? await roleHealth(iam, undefined, roleName, kmsKnown)
                : { identity: "unknown", policy: "-", problems: ["no podIdentityRoleArn output"] };
            identity = `role ${health.identity}`;
            policy = "not compared (Pod Identity)";
            problems.push(...health.problems);
        } else if (mode === "irsa" && cluster.roleArn) {
            const roleName = cluster.roleArn.slice(cluster.roleArn.lastIndexOf("/") + 1);
            const desired = facts
                ? desiredRoles(
                      [facts],
                      providers,
                      { accountId: accountId!, partition: partitionOf(args.region) },
                      settings,
                  ).desired[0]
                : undefined;
            const health = await roleHealth(iam, desired, roleName, kmsKnown);
            identity = `role ${health.identity}`;
            policy = health.policy;
            problems.push(...health.problems);
            const deploy = deployResults.get(roleName);
            if (deploy?.outcome === "failed" || deploy?.outcome === "deferred") {
                problems.push(`deploy-time reconcile: ${deploy.outcome}${deploy.reason ? ` (${deploy.reason})` : ""}`);
            }
        } else if (userState?.endsWith("missing")) {
            problems.push(userState);
        }
        const agent =
            cluster.status !== "installed"
                ? `skipped (${cluster.reason ?? "no reason given"})`
                : cluster.renderedTo
                  ? `rendered to ${cluster.renderedTo} (agent.renderTo: applied by your GitOps tool)`
                  : "installed";
        if (lastRun && lastRun.outcome !== "succeeded") {
            problems.push(`last reconcile ${lastRun.outcome}${lastRun.error ? `: ${lastRun.error}` : ""}`);
        }
        const counts = cluster.status === "installed";
        result.push({
            cluster: cluster.name,
            region: cluster.region,
            mode: clusterMode,
            identity,
            policy,
            agent,
            lastReconcile: runText,
            healthy: !counts || problems.length === 0,
            problems: counts ? problems : [],
        });
    }
    return { clusters: result, lastRun };
}

export function statusLine(health: ClusterHealth): string {
    const verdict = health.healthy ? "OK" : `ATTENTION: ${health.problems.join("; ")}`;
    return [
        `${health.region}/${health.cluster}`,
        `mode=${health.mode}`,
        health.identity.replace(/ /g, "="),
        `policy=${health.policy}`,
        `agent=${health.agent}`,
        `last-reconcile=${health.lastReconcile}`,
        verdict,
    ].join("  ");
}

/**
 * With --json, stdout carries one JSON object whatever happens: the report, or `{stack, error}` when the command fails
 * (the error is rethrown, so the one-line message on stderr and the exit code stay main's).
 */
export async function runStatus(args: string[], io: StatusIo): Promise<number> {
    const named: { stack: string | null } = { stack: null };
    try {
        return await statusReport(args, io, named);
    } catch (error) {
        if (args.includes("--json")) {
            io.out(
                JSON.stringify({ stack: named.stack, error: error instanceof Error ? error.message : String(error) }),
            );
        }
        throw error;
    }
}

async function statusReport(args: string[], io: StatusIo, named: { stack: string | null }): Promise<number> {
    // Every usage problem together, before the stack's outputs are read (through the Pulumi CLI).
    const problems = new UsageProblems("status");
    const flags = parseFlags(
        "status",
        args,
        { values: ["env", "stack", "region"], switches: { json: undefined } },
        problems,
    );
    const { stackName, file, region } = stackTarget("status", flags, problems, io);
    named.stack = stackName;
    const outputs = await (io.outputs ?? backendOutputs(io.env))(stackName);
    if (Object.keys(outputs).length === 0) {
        throw new EnvironmentError(
            `stack ${stackName} has no outputs: it has not been deployed (npm run up -- ${stackName})`,
        );
    }
    const { clusters, lastRun } = await clusterHealth({
        stackName,
        outputs,
        region,
        file,
        now: (io.now ?? Date.now)(),
    });
    if (flags.switches.has("json")) {
        io.out(JSON.stringify({ stack: stackName, lastRun: lastRun ?? null, clusters }));
    } else {
        io.out(
            `stack ${stackName}: ${clusters.length} cluster(s); last reconcile: ${lastRun ? `${lastRun.time} (${lastRun.trigger}) ${lastRun.outcome}` : "none found"}`,
        );
        for (const health of clusters) {
            io.out(statusLine(health));
        }
    }
    return clusters.every((c) => c.healthy) && (!lastRun || lastRun.outcome === "succeeded") ? 0 : 1;
}
