/**
 * The classes of strings that IAM wildcard patterns (`*` any run of characters, `?` exactly one) tell apart, inside a
 * universe of strings that is itself given as patterns. Each class is one combination of "matches / does not match"
 * per pattern that some string of the universe realises, with the shortest such string as its witness.
 *
 * This is how a policy question over every possible action name or object key is decided rather than sampled: the
 * union of some patterns covers the universe exactly when no class has all of them false. Computed by a subset
 * construction over the patterns' automata, explored breadth-first over the characters the patterns name plus one
 * character they do not (every other character behaves like it).
 */

export type Token = { literal: string } | "one" | "any";

/** A pattern as tokens; a string is parsed with `*` and `?` as wildcards. */
export type Glob = string | readonly Token[];

export interface GlobClass {
    /** For each pattern, in order: whether the class's strings match it. */
    matches: boolean[];
    /** The shortest string of the universe in this class (case-folded when matching ignores case). */
    witness: string;
}

export interface GlobOptions {
    /** Match case-insensitively (IAM actions), rather than exactly (ARNs). */
    ignoreCase?: boolean;
    /** Give up (undefined) past this many automaton states. */
    maxStates?: number;
}

/** Characters tried, in order, for "a character no pattern names": readable witnesses. */
const OTHER_CHARACTERS = "xqzjkvwyhmpbfgudncrolitsea0123456789_~\u00e9";

export const DEFAULT_MAX_STATES = 20_000;

/** A literal text as a pattern (no wildcards, whatever characters it holds). */
export function literalGlob(text: string): Token[] {
    return [...text].map((char) => ({ literal: char }));
}

/** A pattern's tokens: `*` and `?` are wildcards, every other character is itself. */
export function parseGlob(text: string): Token[] {
    return [...text].map((char): Token => (char === "*" ? "any" : char === "?" ? "one" : { literal: char }));
}

function tokens(glob: Glob, ignoreCase: boolean): Token[] {
    const list = typeof glob === "string" ? parseGlob(glob) : glob;
    return ignoreCase
        ? list.map((token) => (typeof token === "string" ? token : { literal: token.literal.toLowerCase() }))
        : [...list];
}

/**
 * The positions an automaton can be in, with `*` allowed to match nothing. Positions are kept ascending and unique:
 * a chain of `*` from one position covers every later position the chain passes.
 */
function closure(pattern: Token[], positions: number[]): number[] {
    const result: number[] = [];
    for (const position of positions) {
        if (result.length > 0 && result[result.length - 1] >= position) {
            continue;
        }
        let at = position;
        result.push(at);
        while (at < pattern.length && pattern[at] === "any") {
            at += 1;
            result.push(at);
        }
    }
    return result;
}

function step(pattern: Token[], positions: number[], char: string): number[] {
    const next: number[] = [];
    for (const at of positions) {
        const token = pattern[at];
        const to =
            token === undefined ? -1 : token === "any" ? at : token === "one" || token.literal === char ? at + 1 : -1;
        if (to >= 0 && next[next.length - 1] !== to) {
            next.push(to);
        }
    }
    return closure(pattern, next);
}

const accepts = (pattern: Token[], positions: number[]) => positions.includes(pattern.length);

/** Whether `value` matches the pattern (the same matching the classes use). */
export function globMatch(glob: Glob, value: string, options: GlobOptions = {}): boolean {
    const pattern = tokens(glob, options.ignoreCase ?? false);
    let positions = closure(pattern, [0]);
    for (const char of options.ignoreCase ? value.toLowerCase() : value) {
        positions = step(pattern, positions, char);
        if (positions.length === 0) {
            return false;
        }
    }
    return accepts(pattern, positions);
}

/**
 * Every class of the universe's strings that the patterns tell apart, or undefined when the automaton grows past
 * options.maxStates. Characters are code points.
 */
export function globClasses(
    universe: readonly Glob[],
    patterns: readonly Glob[],
    options: GlobOptions = {},
): GlobClass[] | undefined {
    const ignoreCase = options.ignoreCase ?? false;
    const maxStates = options.maxStates ?? DEFAULT_MAX_STATES;
    const all = [...universe, ...patterns].map((glob) => tokens(glob, ignoreCase));
    const named = new Set(all.flatMap((pattern) => pattern.flatMap((t) => (typeof t === "string" ? [] : [t.literal]))));
    const other = [...OTHER_CHARACTERS].find((char) => !named.has(char));
    const alphabet = [...(other === undefined ? [] : [other]), ...[...named].sort()];
    const universeCount = universe.length;

    /** Only the characters the universe can take next: through a literal prefix, one at a time. */
    const nextCharacters = (universeState: number[][]): readonly string[] => {
        const literals = new Set<string>();
        for (const [i, positions] of universeState.entries()) {
            for (const at of positions) {
                const token = all[i][at];
                if (token === "one" || token === "any") {
                    return alphabet;
                }
                if (token !== undefined) {
                    literals.add(token.literal);
                }
            }
        }
        return [...literals];
    };
    const start = all.map((pattern) => closure(pattern, [0]));
    const keyOf = (state: number[][]) => state.map((positions) => positions.join(",")).join("|");
    const seen = new Set([keyOf(start)]);
    const classes = new Map<string, GlobClass>();
    let frontier: { state: number[][]; text: string }[] = [{ state: start, text: "" }];
    while (frontier.length > 0) {
        const next: typeof frontier = [];
        for (const { state, text } of frontier) {
            if (state.slice(0, universeCount).some((positions, i) => accepts(all[i], positions))) {
                const matches = state
                    .slice(universeCount)
                    .map((positions, i) => accepts(all[universeCount + i], positions));
                const signature = matches.map(Number).join("");
                if (!classes.has(signature)) {
                    classes.set(signature, { matches, witness: text });
                }
            }
            for (const char of nextCharacters(state.slice(0, universeCount))) {
                const inUniverse = state.slice(0, universeCount).map((positions, i) => step(all[i], positions, char));
                if (inUniverse.every((positions) => positions.length === 0)) {
                    continue;
                }
                const moved = [
                    ...inUniverse,
                    ...state.slice(universeCount).map((positions, i) => step(all[universeCount + i], positions, char)),
                ];
                const key = keyOf(moved);
                if (!seen.has(key)) {
                    seen.add(key);
                    if (seen.size > maxStates) {
                        return undefined;
                    }
                    next.push({ state: moved, text: text + char });
                }
            }
        }
        frontier = next;
    }
    return [...classes.values()];
}
