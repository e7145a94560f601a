/**
 * A resource policy's statements in the shape IAM evaluates them: effect, who (Principal / NotPrincipal), which
 * actions and resources (each either a list of patterns or, for NotAction / NotResource, their complement), and the
 * condition blocks one by one. Values unknown during preview make a statement unreadable (undefined), never a guess.
 */
import { asRecord } from "../lib/objects";
import { containsUnknown } from "../lib/unknown";

export interface PatternElement {
    /** NotAction / NotResource: the statement applies to everything these patterns do not match. */
    negated: boolean;
    patterns: string[];
}

export interface ConditionBlock {
    /** As written, e.g. `BoolIfExists`, `ForAllValues:StringLike`. */
    operator: string;
    key: string;
    /** The values as IAM compares them: text (`false` and `"false"` alike). */
    values: string[];
}

export type Principals =
    | { everyone: true }
    | {
          everyone: false;
          /** What limits it, for messages: `Principal {"AWS":[...]}` or `NotPrincipal ...`. */ limit: string;
      };

export interface Statement {
    /** `statement 2 ("DenyHttp")`, for messages. */
    label: string;
    effect: unknown;
    principals: Principals;
    actions: PatternElement;
    resources: PatternElement;
    conditions: ConditionBlock[];
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

function patternElement(statement: Record<string, unknown>, name: "Action" | "Resource"): PatternElement | undefined {
    const [positive, negative] = [statement[name], statement[`Not${name}`]];
    if ((positive === undefined) === (negative === undefined)) {
        return undefined;
    }
    const values = list(positive ?? negative);
    if (!values.every((v): v is string => typeof v === "string")) {
        return undefined;
    }
    return { negated: positive === undefined, patterns: values };
}

/** `"*"` and `{"AWS": "*"}` (alone or among others) are everyone, anonymous callers and services included. */
function principalsOf(statement: Record<string, unknown>): Principals | undefined {
    if (statement.NotPrincipal !== undefined) {
        return { everyone: false, limit: `NotPrincipal ${JSON.stringify(statement.NotPrincipal)}` };
    }
    const principal = statement.Principal;
    if (principal === undefined) {
        return undefined;
    }
    if (principal === "*" || list(asRecord(principal)?.AWS).includes("*")) {
        return { everyone: true };
    }
    return { everyone: false, limit: `Principal ${JSON.stringify(principal)}` };
}

function conditionBlocks(condition: unknown): ConditionBlock[] | undefined {
    if (condition === undefined) {
        return [];
    }
    const operators = asRecord(condition);
    if (!operators) {
        return undefined;
    }
    const blocks: ConditionBlock[] = [];
    for (const [operator, keys] of Object.entries(operators)) {
        const entries = asRecord(keys);
        if (!entries) {
            return undefined;
        }
        for (const [key, value] of Object.entries(entries)) {
            const values = list(value);
            if (!values.every((v) => ["string", "number", "boolean"].includes(typeof v))) {
                return undefined;
            }
            blocks.push({ operator, key, values: values.map(String) });
        }
    }
    return blocks;
}

/** One statement, or undefined when it is malformed or holds a value unknown during preview. */
export function readStatement(raw: unknown, index: number): Statement | undefined {
    const statement = asRecord(raw);
    if (!statement || containsUnknown(statement)) {
        return undefined;
    }
    const principals = principalsOf(statement);
    const actions = patternElement(statement, "Action");
    const resources = patternElement(statement, "Resource");
    const conditions = conditionBlocks(statement.Condition);
    if (!principals || !actions || !resources || !conditions) {
        return undefined;
    }
    const sid = typeof statement.Sid === "string" && statement.Sid !== "" ? ` (${JSON.stringify(statement.Sid)})` : "";
    return {
        label: `statement ${index + 1}${sid}`,
        effect: statement.Effect,
        principals,
        actions,
        resources,
        conditions,
    };
}

/** The raw statements of a parsed policy document (a single statement object counts as a list of one). */
export function rawStatements(document: unknown): unknown[] {
    return list(asRecord(document)?.Statement);
}
