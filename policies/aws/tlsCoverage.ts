/**
 * Whether a bucket policy explicitly denies every request made without TLS to the bucket and to each of its objects:
 * for every S3 action name (`s3:` and anything after it, so future actions too), every object key, every principal and
 * every request whose aws:SecureTransport is false (other keys absent or with any value), some Deny statement must
 * match. Decided over the patterns, as IAM matches them, not over samples:
 * - actions: case-insensitive, `*` and `?`, Action or NotAction;
 * - resources: ARNs case-sensitive, `*` and `?` inside each of the first five segments, the resource part matched
 *   whole (object keys may hold `:` and `/`), Resource or NotResource;
 * - a statement counts only when its Principal is everyone and each condition block holds for every such request
 *   (nonTlsConditions.ts). Statements limited by principal or condition are not combined: when they are all that
 *   covers a request, the guarantee is "not proven" and the result names them.
 * Where the reading is uncertain, patterns that grant the guarantee are read narrowly and patterns that take it away
 * (NotAction, NotResource) broadly, so an unusual spelling can only make the verdict stricter.
 */
import { Glob, GlobClass, globClasses, globMatch, literalGlob, parseGlob, Token } from "../lib/globClasses";
import { onRequestsWithoutTls } from "./nonTlsConditions";
import { PatternElement, rawStatements, readStatement, Statement } from "./policyStatements";
import { S3_ACTION_SAMPLES } from "./s3ActionSamples";

export interface BucketArns {
    partition: string;
    /** Undefined while the name is unknown: then every bucket of the partition must be covered. */
    bucket: string | undefined;
}

export interface Shortfall {
    /** An S3 action (a real one where one shows the gap, else a made-up name of the same class). */
    action: string;
    resource: string;
    /** Whether `action` is a real S3 action on that kind of resource (bucket or object). */
    realRequest: boolean;
    /** Statements that deny it only for some principals or conditions; empty: no statement denies it at all. */
    partial: { statement: string; why: string[] }[];
}

export type Coverage =
    { enforced: true } | { enforced: false; shortfall: Shortfall } | { enforced: false; tooComplex: string };

interface Candidate {
    statement: Statement;
    /** Why it does not deny every request without TLS it matches; empty when it does. */
    why: string[];
}

const ACTION_UNIVERSE: Glob[] = ["s3:?*"];
const anything = (prefix: string): Token[] => [...literalGlob(prefix), "one", "any"];

function resourceUniverse({ partition, bucket }: BucketArns): Glob[] {
    const base = `arn:${partition}:s3:::`;
    return bucket === undefined ? [anything(base)] : [literalGlob(`${base}${bucket}`), anything(`${base}${bucket}/`)];
}

/** An Action pattern as it grants coverage: `*`, or service s3 (no wildcard in the service) and a name pattern. */
function grantingAction(pattern: string): Glob | undefined {
    if (pattern === "*") {
        return "*";
    }
    const colon = pattern.indexOf(":");
    return colon > 0 && pattern.slice(0, colon).toLowerCase() === "s3" ? pattern : undefined;
}

/** A Resource pattern as it grants coverage: segment by segment, a short ARN only with a trailing `*`, no variables. */
function grantingResource(pattern: string, { partition }: BucketArns): Glob | undefined {
    if (pattern === "*") {
        return "*";
    }
    if (pattern.includes("${")) {
        return undefined;
    }
    const segments = pattern.split(":");
    if (segments.length < 6) {
        if (!segments[segments.length - 1].endsWith("*")) {
            return undefined;
        }
        segments.push(...Array(6 - segments.length).fill("*"));
    }
    const fixed = ["arn", partition, "s3", "", ""];
    if (!fixed.every((value, i) => globMatch(segments[i], value))) {
        return undefined;
    }
    return [...literalGlob(`arn:${partition}:s3:::`), ...parseGlob(segments.slice(5).join(":"))];
}

/** A NotResource pattern as it takes coverage away: the whole ARN, a policy variable standing for anything. */
const excludingResource = (pattern: string): Glob => pattern.replace(/\$\{[^}]*\}/g, "*");

/** Stacks repeat the same Action patterns on every bucket: their classes are worked out once. */
const classCache = new Map<string, GlobClass[] | undefined>();
const CLASS_CACHE_SIZE = 512;

function memoizedClasses(universe: Glob[], patterns: Glob[], ignoreCase: boolean): GlobClass[] | undefined {
    const key = JSON.stringify([universe, patterns, ignoreCase]);
    if (!classCache.has(key)) {
        if (classCache.size >= CLASS_CACHE_SIZE) {
            classCache.clear();
        }
        classCache.set(key, globClasses(universe, patterns, { ignoreCase }));
    }
    return classCache.get(key);
}

interface Classes {
    /** Per class: which candidates match its strings. */
    members: boolean[][];
    witnesses: string[];
    /** Per class: the signature over every pattern, to recognise sample actions of the class. */
    signatures: string[];
    patterns: Glob[];
}

function classesOf(
    candidates: Candidate[],
    element: (s: Statement) => PatternElement,
    universe: Glob[],
    granting: (pattern: string) => Glob | undefined,
    excluding: (pattern: string) => Glob,
    ignoreCase: boolean,
): Classes | undefined {
    const patterns: Glob[] = [];
    const ranges = candidates.map(({ statement }) => {
        const { negated, patterns: written } = element(statement);
        const start = patterns.length;
        for (const pattern of written) {
            const glob = negated ? excluding(pattern) : granting(pattern);
            if (glob !== undefined) {
                patterns.push(glob);
            }
        }
        return { negated, start, end: patterns.length };
    });
    const classes = memoizedClasses(universe, patterns, ignoreCase);
    if (!classes) {
        return undefined;
    }
    return {
        members: classes.map((c) =>
            ranges.map(({ negated, start, end }) => c.matches.slice(start, end).includes(true) !== negated),
        ),
        witnesses: classes.map((c) => c.witness),
        signatures: classes.map((c) => c.matches.map(Number).join("")),
        patterns,
    };
}

function candidatesOf(document: unknown): Candidate[] {
    const candidates: Candidate[] = [];
    rawStatements(document).forEach((raw, index) => {
        const statement = readStatement(raw, index);
        if (!statement || statement.effect !== "Deny") {
            return;
        }
        const verdicts = statement.conditions.map(onRequestsWithoutTls);
        if (verdicts.some((v) => v.holds === "never")) {
            return;
        }
        const why = [
            ...(statement.principals.everyone
                ? []
                : [`it applies only to the principals its ${statement.principals.limit} allows`]),
            ...verdicts.flatMap((v) => (v.holds === "maybe" ? [`its condition ${v.reason}`] : [])),
        ];
        candidates.push({ statement, why });
    });
    return candidates;
}

/** A real S3 action of the given kind in the class, or any real one, or the class's own made-up witness. */
function actionFor(actions: Classes, index: number, kind: "bucket" | "object"): { action: string; real: boolean } {
    const inClass = (name: string) =>
        actions.patterns.map((p) => Number(globMatch(p, `s3:${name}`, { ignoreCase: true }))).join("") ===
        actions.signatures[index];
    const real = S3_ACTION_SAMPLES[kind].find(inClass);
    if (real) {
        return { action: `s3:${real}`, real: true };
    }
    const other = [...S3_ACTION_SAMPLES.bucket, ...S3_ACTION_SAMPLES.object].find(inClass);
    return { action: other ? `s3:${other}` : actions.witnesses[index], real: false };
}

/** Whether every request without TLS to the bucket and its objects is explicitly denied by the policy document. */
export function tlsCoverage(document: unknown, arns: BucketArns): Coverage {
    const candidates = candidatesOf(document);
    const actions = classesOf(
        candidates,
        (s) => s.actions,
        ACTION_UNIVERSE,
        grantingAction,
        (p) => p,
        true,
    );
    const resources = classesOf(
        candidates,
        (s) => s.resources,
        resourceUniverse(arns),
        (p) => grantingResource(p, arns),
        excludingResource,
        false,
    );
    if (!actions || !resources) {
        return { enforced: false, tooComplex: "its Action and Resource patterns are too intricate to decide" };
    }
    let best: { shortfall: Shortfall; rank: number } | undefined;
    resources.members.forEach((inResource, r) => {
        const resource = resources.witnesses[r];
        const kind = resource.slice(`arn:${arns.partition}:s3:::`.length).includes("/") ? "object" : "bucket";
        actions.members.forEach((inAction, a) => {
            const matching = candidates.filter((_, i) => inAction[i] && inResource[i]);
            if (matching.some((c) => c.why.length === 0)) {
                return;
            }
            const { action, real } = actionFor(actions, a, kind);
            const partial = matching.map((c) => ({ statement: c.statement.label, why: c.why }));
            const rank = (partial.length === 0 ? 0 : 2) + (real ? 0 : 1);
            if (!best || rank < best.rank) {
                best = { shortfall: { action, resource, realRequest: real, partial }, rank };
            }
        });
    });
    return best ? { enforced: false, shortfall: best.shortfall } : { enforced: true };
}
