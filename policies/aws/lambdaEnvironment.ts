/**
 * No Lambda environment variable that looks like a secret carries a literal value: environment variables are shown in
 * the console and returned by GetFunctionConfiguration. A secret belongs in Secrets Manager, referenced by ARN.
 */
import { Finding, resourcePolicy, Subject, unknownValue, violation } from "../lib/policy";
import { asRecord, isUnknown } from "../lib/unknown";

const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;
/** Names that say the value is a reference to where the secret is kept, not the secret. */
const REFERENCE_NAME = /_(ARN|NAME|ID|PATH|PARAMETER|URL|REGION)$/i;
const ARN = /^arn:aws[a-z-]*:(secretsmanager|ssm|kms):/;

/** The problem with one variable, or undefined when it is fine. */
export function secretVariableProblem(name: string, value: unknown): "literal" | "unknown" | undefined {
    if (!SECRET_NAME.test(name) || value === undefined || value === "") {
        return undefined;
    }
    if (REFERENCE_NAME.test(name)) {
        // A reference-named variable is fine when it holds a secret-store ARN, or an ARN not known yet.
        if (isUnknown(value) || (typeof value === "string" && ARN.test(value))) {
            return undefined;
        }
        return /_ARN$/i.test(name) ? "literal" : undefined;
    }
    if (typeof value === "string" && ARN.test(value)) {
        return undefined;
    }
    return isUnknown(value) ? "unknown" : "literal";
}

function checkFunction(fn: Subject): Finding[] {
    const environment = fn.props.environment;
    if (isUnknown(environment)) {
        return [unknownValue(`the environment of function ${fn.name}`)];
    }
    const variables = asRecord(asRecord(environment)?.variables) ?? {};
    if (isUnknown(asRecord(environment)?.variables)) {
        return [unknownValue(`the environment variables of function ${fn.name}`)];
    }
    return Object.entries(variables).flatMap(([name, value]): Finding[] => {
        const problem = secretVariableProblem(name, value);
        if (problem === "unknown") {
            return [unknownValue(`the value of ${name} on function ${fn.name}`)];
        }
        return problem === "literal"
            ? [violation(`function ${fn.name}: environment variable ${name} looks like a secret and holds a literal value`)]
            : [];
    });
}

export const lambdaNoLiteralSecrets = resourcePolicy<object>({
    name: "lambda-no-literal-secrets",
    description: "Lambda environment variables named like secrets (TOKEN, SECRET, PASSWORD, API_KEY, ACCESS_KEY…) hold no literal value.",
    severity: "high",
    remediationSteps:
        "Store the secret in Secrets Manager, pass its ARN in a variable named *_ARN and read it at run time " +
        "(GetSecretValue), as the reconciler does with CI_TOKEN_SECRET_ARN.",
    check: (subject) => (subject.type === "aws:lambda/function:Function" ? checkFunction(subject) : []),
});
