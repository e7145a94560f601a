/**
 * A small evaluator of identity-based IAM policies, for the fake account to enforce a role's real policy on the calls
 * the code under test makes. It follows IAM's documented rules for what it supports (explicit Deny wins, then an
 * Allow, else implicit deny; a missing condition key fails positive operators and satisfies negated ones;
 * ForAllValues holds for a missing key) and throws on anything it does not support, so a test can never pass by
 * an operator being ignored.
 */
import { PolicyDocument, PolicyStatement } from "../../common/documents";

export interface AuthRequest {
    action: string;
    resource: string;
    /** Condition keys of the request context; undefined = not present. */
    context: Record<string, string | string[] | undefined>;
}

export type Decision = "Allow" | "ExplicitDeny" | "ImplicitDeny";

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function globToRegExp(pattern: string, flags: string): RegExp {
    const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    return new RegExp(`^${escaped}$`, flags);
}

/** IAM wildcard match: `*` any run of characters, `?` one; actions are case-insensitive, ARNs are not. */
export function wildcardMatch(pattern: string, value: string, caseInsensitive = false): boolean {
    return globToRegExp(pattern, caseInsensitive ? "i" : "").test(value);
}

const SINGLE: Record<string, { test: (policy: string, actual: string) => boolean; negated: boolean }> = {
    StringEquals: { test: (p, a) => p === a, negated: false },
    StringNotEquals: { test: (p, a) => p === a, negated: true },
    StringEqualsIgnoreCase: { test: (p, a) => p.toLowerCase() === a.toLowerCase(), negated: false },
    StringLike: { test: (p, a) => wildcardMatch(p, a), negated: false },
    StringNotLike: { test: (p, a) => wildcardMatch(p, a), negated: true },
    ArnEquals: { test: (p, a) => p === a, negated: false },
    ArnNotEquals: { test: (p, a) => p === a, negated: true },
    ArnLike: { test: (p, a) => wildcardMatch(p, a), negated: false },
    ArnNotLike: { test: (p, a) => wildcardMatch(p, a), negated: true },
    Bool: { test: (p, a) => p.toLowerCase() === a.toLowerCase(), negated: false },
};

function conditionHolds(operator: string, key: string, policyValues: string[], context: AuthRequest["context"]): boolean {
    const actual = context[key];
    const actualValues = list(actual);
    if (operator === "Null") {
        const wantsMissing = policyValues[0] === "true";
        return wantsMissing === (actual === undefined);
    }
    const [qualifier, base] = operator.includes(":") ? operator.split(":") : [undefined, operator];
    const single = SINGLE[base];
    if (!single) {
        throw new Error(`the fake's policy evaluator does not support condition operator ${operator}`);
    }
    const matches = (value: string) => policyValues.some((p) => single.test(p, value));
    if (qualifier === "ForAllValues") {
        return actualValues.every((value) => (single.negated ? !matches(value) : matches(value)));
    }
    if (qualifier === "ForAnyValue") {
        return actualValues.some((value) => (single.negated ? !matches(value) : matches(value)));
    }
    if (qualifier !== undefined) {
        throw new Error(`the fake's policy evaluator does not support condition qualifier ${qualifier}`);
    }
    if (actual === undefined) {
        return single.negated;
    }
    if (Array.isArray(actual)) {
        throw new Error(`condition key ${key} is multi-valued: use ForAllValues or ForAnyValue`);
    }
    return single.negated ? !matches(actual) : matches(actual);
}

export function statementMatches(statement: PolicyStatement, request: AuthRequest): boolean {
    if (!list(statement.Action).some((pattern) => wildcardMatch(pattern, request.action, true))) {
        return false;
    }
    if (statement.NotResource !== undefined) {
        if (statement.Resource !== undefined) {
            throw new Error("a statement has both Resource and NotResource");
        }
        if (list(statement.NotResource).some((pattern) => wildcardMatch(pattern, request.resource))) {
            return false;
        }
    } else if (!list(statement.Resource).some((pattern) => wildcardMatch(pattern, request.resource))) {
        return false;
    }
    for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
        for (const [key, values] of Object.entries(keys)) {
            if (!conditionHolds(operator, key, list(values), request.context)) {
                return false;
            }
        }
    }
    return true;
}

export function evaluate(document: PolicyDocument, request: AuthRequest): Decision {
    const matching = document.Statement.filter((statement) => statementMatches(statement, request));
    if (matching.some((statement) => statement.Effect === "Deny")) {
        return "ExplicitDeny";
    }
    return matching.some((statement) => statement.Effect === "Allow") ? "Allow" : "ImplicitDeny";
}
