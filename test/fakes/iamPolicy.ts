/**
 * A small evaluator of identity-based IAM policies, checked against iam-simulate in test/iamEvaluators.test.ts. It
 * follows IAM's documented rules for what it supports (explicit Deny wins, then an Allow, else implicit deny;
 * Action/NotAction, Resource/NotResource; policy variables; condition key names match case-insensitively,
 * values as the operator says; a missing condition key fails positive operators and satisfies negated ones, and
 * satisfies any `...IfExists` operator; ForAllValues holds for a missing key) and throws on anything it does not
 * support (Principal/NotPrincipal: identity policies have none), so a test can never pass by an element being ignored.
 */
import { PolicyDocument, PolicyStatement } from "../../common/documents";

export interface AuthRequest {
    action: string;
    resource: string;
    /** Condition keys of the request context; undefined = not present. */
    context: Record<string, string | string[] | undefined>;
}

export type Decision = "Allow" | "ExplicitDeny" | "ImplicitDeny";

const list = <T>(value: T | T[] | undefined): T[] =>
    value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Compiled patterns by flags and pattern: the suite matches the same few hundred patterns many thousand times. */
const compiled = new Map<string, RegExp>();

function globToRegExp(pattern: string, flags: string): RegExp {
    const key = `${flags}:${pattern}`;
    let regExp = compiled.get(key);
    if (!regExp) {
        const escaped = pattern
            .replace(/[.+^${}()|[\]\\]/g, "\\$&")
            .replace(/\*/g, ".*")
            .replace(/\?/g, ".");
        regExp = new RegExp(`^${escaped}$`, flags);
        compiled.set(key, regExp);
    }
    return regExp;
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

/**
 * IAM substitutes policy variables (`${aws:PrincipalAccount}`) in the resource part of an ARN and in condition values,
 * from the request context; a variable whose key is absent matches nothing. (Not in an ARN's account field: IAM leaves
 * the text there as it is, so it matches no account.)
 */
function substitute(pattern: string, context: AuthRequest["context"], inResource: boolean): string {
    const start = inResource && pattern.startsWith("arn:") ? resourcePartStart(pattern) : 0;
    const replaced = pattern.slice(start).replace(/\$\{([^}]+)\}/g, (_whole, key: string) => {
        const value = contextValue(context, key);
        return typeof value === "string" ? value : "\u0000no such key\u0000";
    });
    return pattern.slice(0, start) + replaced;
}

/** Where an ARN's resource part begins: after its fifth colon, not counting colons inside a `${...}` variable. */
function resourcePartStart(arn: string): number {
    let colons = 0;
    let inVariable = false;
    for (let i = 0; i < arn.length; i++) {
        if (arn.startsWith("${", i)) {
            inVariable = true;
        } else if (inVariable && arn[i] === "}") {
            inVariable = false;
        } else if (!inVariable && arn[i] === ":" && ++colons === 5) {
            return i + 1;
        }
    }
    return arn.length;
}

/** IAM matches condition key names case-insensitively. */
function contextValue(context: AuthRequest["context"], key: string): string | string[] | undefined {
    const found = Object.keys(context).find((name) => name.toLowerCase() === key.toLowerCase());
    return found === undefined ? undefined : context[found];
}

function conditionHolds(
    operator: string,
    key: string,
    policyValues: string[],
    context: AuthRequest["context"],
): boolean {
    const actual = contextValue(context, key);
    const actualValues = list(actual);
    policyValues = policyValues.map((value) => substitute(value, context, false));
    if (operator === "Null") {
        const wantsMissing = policyValues[0] === "true";
        return wantsMissing === (actual === undefined);
    }
    const [qualifier, named] = operator.includes(":") ? operator.split(":") : [undefined, operator];
    const ifExists = named.endsWith("IfExists");
    const base = ifExists ? named.slice(0, -"IfExists".length) : named;
    const single = SINGLE[base];
    if (!single) {
        throw new Error(`the fake's policy evaluator does not support condition operator ${operator}`);
    }
    if (ifExists && actual === undefined) {
        return true;
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

/** Exactly one of `positive` and `negative` (Action/NotAction, Resource/NotResource), as IAM requires. */
function oneOf(
    statement: Record<string, unknown>,
    positive: string,
    negative: string,
): { patterns: string[]; negated: boolean } {
    const has = (name: string) => statement[name] !== undefined;
    if (has(positive) === has(negative)) {
        throw new Error(`a statement needs exactly one of ${positive} and ${negative}: ${JSON.stringify(statement)}`);
    }
    return has(positive)
        ? { patterns: list(statement[positive] as string | string[]), negated: false }
        : { patterns: list(statement[negative] as string | string[]), negated: true };
}

export function statementMatches(statement: PolicyStatement, request: AuthRequest): boolean {
    const raw = statement as unknown as Record<string, unknown>;
    for (const element of ["Principal", "NotPrincipal"]) {
        if (raw[element] !== undefined) {
            throw new Error(
                `the fake's policy evaluator evaluates identity-based policies, which have no ${element}: ${JSON.stringify(statement)}`,
            );
        }
    }
    const actions = oneOf(raw, "Action", "NotAction");
    if (actions.patterns.some((pattern) => wildcardMatch(pattern, request.action, true)) === actions.negated) {
        return false;
    }
    const resources = oneOf(raw, "Resource", "NotResource");
    const matchesResource = (pattern: string) =>
        wildcardMatch(substitute(pattern, request.context, true), request.resource);
    if (resources.patterns.some(matchesResource) === resources.negated) {
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
