/**
 * EventBridge event-pattern matching, for the operators the stack's rules use and a few around them, as the
 * EventBridge User Guide ("Event patterns", "Content filtering") defines it:
 * - a pattern is a tree of objects whose leaves are arrays; an event matches when every field the pattern names
 *   matches (fields the pattern does not name are ignored);
 * - a leaf array matches when any of its values matches: a literal (string, number, boolean, null) by exact,
 *   case-sensitive equality, or an operator object ({prefix}, {suffix}, {anything-but}, {exists}, {equals-ignore-case});
 * - when the event's field is an array, the leaf matches when any element matches;
 * - a field missing from the event matches only {exists: false};
 * - `$or` (at any object level) matches when any of its sub-patterns matches, together with the rest of that level.
 */
type Pattern = Record<string, unknown>;

function matchesValue(value: unknown, rule: unknown): boolean {
    if (rule === null || typeof rule !== "object") {
        return value === rule;
    }
    const [operator, operand] = Object.entries(rule as Record<string, unknown>)[0];
    switch (operator) {
        case "prefix":
            return typeof value === "string" && value.startsWith(operand as string);
        case "suffix":
            return typeof value === "string" && value.endsWith(operand as string);
        case "equals-ignore-case":
            return typeof value === "string" && value.toLowerCase() === String(operand).toLowerCase();
        case "anything-but": {
            const excluded = Array.isArray(operand) ? operand : [operand];
            if (typeof operand === "object" && operand !== null && !Array.isArray(operand)) {
                return !matchesValue(value, operand);
            }
            return value !== undefined && !excluded.includes(value);
        }
        case "exists":
            return (value !== undefined) === operand;
        default:
            throw new Error(`the test matcher does not implement the ${operator} operator`);
    }
}

function matchesLeaf(field: unknown, rules: unknown[]): boolean {
    if (field === undefined) {
        return rules.some(
            (rule) => typeof rule === "object" && rule !== null && (rule as Record<string, unknown>).exists === false,
        );
    }
    const values = Array.isArray(field) ? field : [field];
    return rules.some((rule) => values.some((value) => matchesValue(value, rule)));
}

export function matchesPattern(event: unknown, pattern: Pattern): boolean {
    for (const [key, rule] of Object.entries(pattern)) {
        if (key === "$or") {
            if (!(rule as Pattern[]).some((alternative) => matchesPattern(event, alternative))) {
                return false;
            }
            continue;
        }
        const field = event !== null && typeof event === "object" ? (event as Record<string, unknown>)[key] : undefined;
        if (Array.isArray(rule)) {
            if (!matchesLeaf(field, rule)) {
                return false;
            }
        } else if (typeof rule === "object" && rule !== null) {
            if (
                field === null ||
                typeof field !== "object" ||
                Array.isArray(field) ||
                !matchesPattern(field, rule as Pattern)
            ) {
                return false;
            }
        } else {
            throw new Error(`invalid pattern: ${key} must be an array or an object, not ${JSON.stringify(rule)}`);
        }
    }
    return true;
}
