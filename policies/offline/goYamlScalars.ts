/**
 * Plain-scalar resolution exactly as go-yaml v2 does it (resolve.go, branch v2), which sigs.k8s.io/yaml, kubectl and
 * the API server use: underscores are dropped before an int is parsed (`0_0` is 0), Go's base prefixes apply (`0x1F`,
 * `0o17`, `0b101`, and a leading 0 for octal: `0755`), a number that is not an int may still be a float (`08` is 8.0,
 * `1e3`, `1_000.5`), and base-60 forms such as `1:20` stay strings. Anything else is a string.
 */

export type Resolved =
    | { tag: "null"; value: null }
    | { tag: "bool"; value: boolean }
    | { tag: "int" | "float"; value: number }
    | { tag: "timestamp" | "str"; value: string };

const MAP: Record<string, Resolved> = {};
const put = (value: Resolved, ...spellings: string[]) => spellings.forEach((s) => (MAP[s] = value));
put({ tag: "bool", value: true }, "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON");
put({ tag: "bool", value: false }, "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF");
put({ tag: "null", value: null }, "", "~", "null", "Null", "NULL");
put({ tag: "float", value: NaN }, ".nan", ".NaN", ".NAN");
put({ tag: "float", value: Infinity }, ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF");
put({ tag: "float", value: -Infinity }, "-.inf", "-.Inf", "-.INF");

/** go-yaml's resolveTable: the first character decides what a plain scalar may be. */
function hint(first: string): "S" | "D" | "M" | "." | undefined {
    if (first === "+" || first === "-") return "S";
    if (first >= "0" && first <= "9") return "D";
    if ("yYnNtTfFoO~".includes(first)) return "M";
    return first === "." ? "." : undefined;
}

const RESOLVABLE_FIRST = new Uint8Array(128);
for (const char of "+-0123456789yYnNtTfFoO~.") {
    RESOLVABLE_FIRST[char.charCodeAt(0)] = 1;
}

/** Whether a plain scalar may be anything but a string (fast path: most text starts with other characters). */
export function mayResolve(input: string): boolean {
    return input === "" || RESOLVABLE_FIRST[input.charCodeAt(0)] === 1;
}

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** The date forms go-yaml's parseTimestamp accepts (time.Parse layouts with short fields). */
const TIMESTAMP =
    /^\d{4}-\d{1,2}-\d{1,2}(?:[Tt]\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})| \d{1,2}:\d{1,2}:\d{1,2}(?:\.\d{1,9})?)?$/;
/** The common case, read without BigInt: a decimal without a leading 0 (which would make it octal), well inside int64. */
const SMALL_DECIMAL = /^(?:0|[1-9][0-9]{0,14})$/;
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** strconv.ParseUint(s, 0, 64) on a string without underscores: Go's base prefixes, undefined on error. */
function parseUint(s: string): bigint | undefined {
    let base = 10;
    let digits = s;
    if (s.startsWith("0")) {
        const prefix = s.length >= 3 ? s[1].toLowerCase() : "";
        [base, digits] =
            prefix === "b"
                ? [2, s.slice(2)]
                : prefix === "o"
                  ? [8, s.slice(2)]
                  : prefix === "x"
                    ? [16, s.slice(2)]
                    : [8, s.slice(1)];
    } else if (s === "") {
        return undefined;
    }
    const alphabet = "0123456789abcdef".slice(0, base);
    let value = 0n;
    for (const char of digits.toLowerCase()) {
        const digit = alphabet.indexOf(char);
        if (digit === -1) {
            return undefined;
        }
        value = value * BigInt(base) + BigInt(digit);
    }
    return value <= UINT64_MAX ? value : undefined;
}

/** strconv.ParseInt(s, 0, 64): an optional sign, then ParseUint, within int64. */
function parseInt64(s: string): bigint | undefined {
    const negative = s.startsWith("-");
    const magnitude = parseUint(s.startsWith("+") || negative ? s.slice(1) : s);
    if (magnitude === undefined || magnitude > INT64_MAX + (negative ? 1n : 0n)) {
        return undefined;
    }
    return negative ? -magnitude : magnitude;
}

/** Go's underscoreOK: an underscore only between digits (or after a base prefix). */
function underscoresOk(s: string): boolean {
    let saw = "^";
    let rest = s.replace(/^[-+]/, "");
    if (/^0[box]/i.test(rest)) {
        saw = "0";
        rest = rest.slice(2);
    }
    for (const char of rest) {
        if (char >= "0" && char <= "9") {
            saw = "0";
        } else if (char === "_") {
            if (saw !== "0") return false;
            saw = "_";
        } else {
            if (saw === "_") return false;
            saw = "!";
        }
    }
    return saw !== "_";
}

/** What go-yaml v2 makes of a plain (untagged, unquoted) scalar. */
export function resolvePlain(input: string): Resolved {
    const kind = input === "" ? "M" : hint(input[0]);
    if (kind === undefined) {
        return { tag: "str", value: input };
    }
    if (kind === "D" && SMALL_DECIMAL.test(input)) {
        return { tag: "int", value: Number(input) };
    }
    const mapped = MAP[input];
    if (mapped) {
        return mapped;
    }
    if (kind === ".") {
        // strconv.ParseFloat on the text as written: Go allows underscores between digits there.
        const plain = input.replaceAll("_", "");
        if (underscoresOk(input) && /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(plain)) {
            return { tag: "float", value: Number(plain) };
        }
    } else if (kind === "D" || kind === "S") {
        if (input[4] === "-" && TIMESTAMP.test(input)) {
            // go-yaml hands interface{} targets the text of a timestamp, not a time.
            return { tag: "timestamp", value: input };
        }
        const plain = input.replaceAll("_", "");
        const int =
            parseInt64(plain) ?? (plain.startsWith("+") || plain.startsWith("-") ? undefined : parseUint(plain));
        if (int !== undefined) {
            return { tag: "int", value: Number(int) };
        }
        if (YAML_STYLE_FLOAT.test(plain)) {
            return { tag: "float", value: Number(plain) };
        }
    }
    return { tag: "str", value: input };
}

/** Whether go-yaml accepts the text under an explicit !!timestamp tag. */
export const isTimestamp = (input: string) => TIMESTAMP.test(input);

/**
 * What an explicit `!!binary` scalar decodes to (base64.StdEncoding.DecodeString, which skips line breaks, then the
 * bytes as a string, as kubectl prints them); undefined when it is not valid base64.
 */
export function decodeBinary(input: string): string | undefined {
    const compact = input.replace(/[\r\n]/g, "");
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact)) {
        return undefined;
    }
    return Buffer.from(compact, "base64").toString("utf8");
}
