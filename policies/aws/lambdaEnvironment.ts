/**
 * No Lambda environment variable carries a literal secret: environment variables are shown in the console and
 * returned by GetFunctionConfiguration. A secret belongs in Secrets Manager (or SSM), referenced by a well-formed ARN.
 * Two classes are caught: variables named like secrets holding anything but an ARN, and values that look like
 * credentials whatever the variable is called.
 */
import { Finding, resourcePolicy, Subject, unknownValue, violation } from "../lib/policy";
import { asRecord, isUnknown } from "../lib/unknown";

/** Words that make a name secret wherever they appear (after splitting on _, -, . and camelCase). */
const SECRET_WORDS = new Set([
    "PASS", "PASSWD", "PASSWORD", "PASSWORDS", "PWD", "PASSPHRASE", "SECRET", "SECRETS", "TOKEN", "TOKENS",
    "CREDENTIAL", "CREDENTIALS", "CREDS", "APIKEY", "APIKEYS", "PRIVATEKEY", "ACCESSKEY", "SECRETKEY", "AUTHTOKEN",
]);
/** Pairs of words that name a key: API_KEY, PRIVATE_KEY, ACCESS_KEY, CLIENT_KEY, SIGNING_KEY, … */
const KEY_QUALIFIERS = new Set(["API", "PRIVATE", "ACCESS", "SECRET", "CLIENT", "SIGNING", "ENCRYPTION", "MASTER", "SESSION", "AUTH"]);

/** Values that are credentials in any variable. */
const SECRET_VALUES: [RegExp, string][] = [
    [/^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i, "a URL with a password (user:password@)"],
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

/** Whether the variable's name says it holds a secret. A suffix such as _ID or _NAME does not make a TOKEN harmless. */
export function isSecretName(name: string): boolean {
    const parts = words(name);
    return parts.some((word, i) => SECRET_WORDS.has(word) || (word === "KEY" && i > 0 && KEY_QUALIFIERS.has(parts[i - 1])));
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
    if (isSecretName(name) && !isSecretReference(text)) {
        return { kind: "literal", why: "is named like a secret and holds a literal value, not a Secrets Manager, SSM or KMS ARN" };
    }
    return undefined;
}

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
        "Lambda environment variables hold no literal secret: a variable named like one (PASSWORD, PASS, PWD, SECRET, " +
        "TOKEN, CREDENTIAL, API_KEY, PRIVATE_KEY…) holds only a well-formed Secrets Manager, SSM or KMS ARN, and no " +
        "variable holds a credential-shaped value (URL with a password, GitHub/Slack/Stripe tokens, AWS access key ids, PEM private keys).",
    severity: "high",
    remediationSteps:
        "Store the secret in Secrets Manager, pass its full ARN in a variable named *_ARN and read it at run time " +
        "(GetSecretValue), as the reconciler does with CI_TOKEN_SECRET_ARN.",
    check: (subject) => (subject.type === "aws:lambda/function:Function" ? checkFunction(subject) : []),
});
