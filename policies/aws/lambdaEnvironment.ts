/**
 * No Lambda environment variable carries a literal secret: environment variables are shown in the console and
 * returned by GetFunctionConfiguration. A secret belongs in Secrets Manager (or SSM), referenced by a well-formed ARN.
 * Two classes are caught: variables named like secrets holding anything but an ARN, and values that look like
 * credentials whatever the variable is called.
 */
import { Finding, resourcePolicy, Subject, unknownValue, violation } from "../lib/policy";
import { isUnknown } from "../lib/unknown";
import { asRecord } from "../lib/objects";

/**
 * Secret words matched anywhere in the name once it is upper-cased and stripped to letters and digits, so glued and
 * numbered names count: PGPASSWORD, DB_PASSWORD2, GITHUBTOKEN, dbPassword, OPENAI_APIKEY.
 */
const SECRET_SUBSTRINGS = [
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "CREDENTIAL",
    "PRIVATEKEY",
    "APIKEY",
    "ACCESSKEY",
    "CLIENTKEY",
    "SIGNINGKEY",
    "ENCRYPTIONKEY",
    "MASTERKEY",
    "SESSIONKEY",
    "AUTHKEY",
];
/**
 * Short words that would match inside ordinary words (COMPASS, BYPASS): they count as a whole word or at the end of
 * one (DBPASS, MYSQL_PWD, DBCREDS2), except in the English words listed.
 */
const SECRET_WORD_ENDINGS = ["PASS", "PWD", "CREDS"];
const ENGLISH_WORDS = new Set(["BYPASS", "COMPASS", "SURPASS", "OVERPASS", "UNDERPASS", "TRESPASS", "ENCOMPASS"]);
/** A last word saying the variable points at a secret (a file, a URL), exempt when the value is such a pointer. */
const POINTER_WORDS = new Set(["FILE", "PATH", "DIR", "URL", "URI", "ENDPOINT"]);
const POINTER_VALUE = /^(?:(?:\/|\.{1,2}\/|~\/)[^\s?#]*|[a-z][a-z0-9+.-]*:\/\/[^\s@?#]+)$/i;

/** Values that are credentials in any variable. */
const SECRET_VALUES: [RegExp, string][] = [
    // Anywhere in the value, schemes with a colon too (jdbc:postgresql://user:password@host).
    [/[a-z][a-z0-9+.-]*(?::[a-z][a-z0-9+.-]*)*:\/\/[^/\s:@]*:[^/\s@]+@/i, "a URL with a password (user:password@)"],
    [/\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}|\bgithub_pat_[A-Za-z0-9_]{20,}/, "a GitHub token"],
    [/\bxox[abposre]-[A-Za-z0-9-]{10,}/, "a Slack token"],
    [/\b(sk|rk)_(live|test)_[A-Za-z0-9]{10,}/, "a Stripe secret key"],
    [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/, "an AWS access key id"],
    [/-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/, "a PEM private key"],
    [/\bglpat-[A-Za-z0-9_-]{20,}/, "a GitLab token"],
    [/\bnpm_[A-Za-z0-9]{36}\b/, "an npm token"],
    [/\bAIza[0-9A-Za-z_-]{35}\b/, "a Google API key"],
    [/\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, "a JSON Web Token"],
];

const PARTITION = "aws(-cn|-us-gov|-iso|-iso-[a-z]|-eusc)?";
const REGION = "[a-z]{2}(-[a-z]+)+-\\d";
/** The only references a secret-named variable may hold: a complete ARN of a secret, a parameter or a KMS key. */
const SECRET_REFERENCE = new RegExp(
    `^arn:${PARTITION}:(` +
        `secretsmanager:${REGION}:\\d{12}:secret:[A-Za-z0-9/_+=.@-]+` +
        `|ssm:${REGION}:\\d{12}:parameter/[A-Za-z0-9/_.-]+` +
        `|kms:${REGION}:\\d{12}:(key/[0-9a-f-]{36}|key/mrk-[0-9a-f]{32}|alias/[A-Za-z0-9/_-]+)` +
        ")$",
);

function words(name: string): string[] {
    return name
        .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
        .toUpperCase()
        .split(/[^A-Z0-9]+/)
        .filter(Boolean);
}

/**
 * Whether the variable's name says it holds a secret. A suffix such as _ID or _NAME does not make a TOKEN harmless.
 * Known false positives, accepted: a count such as MAX_TOKENS, or PASSWORD_MIN_LENGTH, is flagged (rename it, or keep
 * its value in a parameter).
 */
export function isSecretName(name: string): boolean {
    const parts = words(name);
    const glued = parts.join("");
    return (
        SECRET_SUBSTRINGS.some((word) => glued.includes(word)) ||
        parts.some((part) => {
            const word = part.replace(/\d+$/, "");
            return !ENGLISH_WORDS.has(word) && SECRET_WORD_ENDINGS.some((ending) => word.endsWith(ending));
        })
    );
}

/** PASSWORD_FILE=/run/secrets/db, TOKEN_URL=https://auth.example.com/oauth/token: a pointer to a secret, not one. */
export function isSecretPointer(name: string, value: string): boolean {
    return POINTER_WORDS.has(words(name).at(-1) ?? "") && POINTER_VALUE.test(value);
}

export function isSecretReference(value: string): boolean {
    return SECRET_REFERENCE.test(value);
}

/** What the value looks like when it is a credential, whatever the variable's name. */
export function secretValueKind(value: string): string | undefined {
    return SECRET_VALUES.find(([pattern]) => pattern.test(value))?.[1];
}

export type SecretProblem = { kind: "literal"; why: string } | { kind: "unknown" };

/** The problem with one variable, or undefined when it is fine. */
export function secretVariableProblem(name: string, value: unknown): SecretProblem | undefined {
    if (value === undefined || value === null || value === "") {
        return undefined;
    }
    if (isUnknown(value)) {
        return isSecretName(name) ? { kind: "unknown" } : undefined;
    }
    const text = typeof value === "string" ? value : JSON.stringify(value);
    const looksLike = secretValueKind(text);
    if (looksLike) {
        return { kind: "literal", why: `holds ${looksLike}` };
    }
    if (isSecretName(name) && !isSecretReference(text) && !isSecretPointer(name, text)) {
        return {
            kind: "literal",
            why: "is named like a secret and holds a literal value, not a Secrets Manager, SSM or KMS ARN",
        };
    }
    return undefined;
}

/** aws-native's Function keeps its variables where the classic one does (CloudFormation's Environment.Variables). */
const FUNCTION_TYPES = new Set(["aws:lambda/function:Function", "aws-native:lambda:Function"]);

function checkFunction(fn: Subject): Finding[] {
    const environment = fn.props.environment;
    if (isUnknown(environment)) {
        return [unknownValue(`the environment of function ${fn.name}`)];
    }
    const variables = asRecord(environment)?.variables;
    if (isUnknown(variables)) {
        return [unknownValue(`the environment variables of function ${fn.name}`)];
    }
    return Object.entries(asRecord(variables) ?? {}).flatMap(([name, value]): Finding[] => {
        const problem = secretVariableProblem(name, value);
        if (problem?.kind === "unknown") {
            return [unknownValue(`the value of ${name} on function ${fn.name}`)];
        }
        return problem ? [violation(`function ${fn.name}: environment variable ${name} ${problem.why}`)] : [];
    });
}

export const lambdaNoLiteralSecrets = resourcePolicy<object>({
    name: "lambda-no-literal-secrets",
    description:
        "Lambda environment variables (aws.lambda.Function, aws-native lambda.Function) hold no literal secret: a variable " +
        "named like one (PASSWORD, SECRET, TOKEN, CREDENTIAL, API_KEY, PRIVATE_KEY… anywhere in the name, PASS, PWD, CREDS " +
        "at a word's end) holds only a well-formed Secrets Manager, SSM or KMS ARN, and no variable holds a " +
        "credential-shaped value (URL with a password, GitHub/Slack/Stripe tokens, AWS access key ids, PEM private keys).",
    severity: "high",
    remediationSteps:
        "Store the secret in Secrets Manager, pass its full ARN in a variable named *_ARN and read it at run time " +
        "(GetSecretValue), as the reconciler does with CI_TOKEN_SECRET_ARN.",
    check: (subject) => (FUNCTION_TYPES.has(subject.type) ? checkFunction(subject) : []),
});
