/**
 * Value rules AWS (or terraform-provider-aws's validation, before the call) enforces on the inputs the program sets.
 * Each rule returns why a value is refused, or undefined. moto enforces almost none of them (a 70-character role
 * name or a trust policy of "{}" is accepted), so the stand-in checks them itself. Pure functions.
 */
export type Rule = (value: unknown) => string | undefined;

const text = (value: unknown) => (typeof value === "string" ? value : undefined);

function pattern(re: RegExp, what: string, min: number, max: number): Rule {
    return (value) => {
        const s = text(value);
        if (s === undefined) {
            return "must be a string";
        }
        if (s.length < min || s.length > max) {
            return `must be ${min}-${max} characters, not ${s.length}`;
        }
        return re.test(s) ? undefined : `must consist of ${what}`;
    };
}

/** IAM user, role and policy names (terraform-provider-aws validResourceName; IAM API `[\w+=,.@-]+`). */
export const iamName = (max: number): Rule => pattern(/^[\w+=,.@-]+$/, "letters, digits and +=,.@_-", 1, max);

/** IAM paths: "/" or "/a/b/" of printable ASCII, at most 512 characters (IAM API pathType). */
export const iamPath: Rule = (value) => {
    const s = text(value);
    if (s === undefined || s.length > 512 || !/^\/([\x21-\x7E]*\/)?$/.test(s)) {
        return "must begin and end with / and contain printable ASCII without spaces, at most 512 characters";
    }
    return undefined;
};

/** IAM counts a policy's size without whitespace. */
export function policySize(document: string): number {
    return document.replace(/\s+/g, "").length;
}

/**
 * An IAM policy document: a JSON object with a Statement, within IAM's size quota for that kind of document (trust
 * policy 2,048; user inline 2,048 in total; role inline 10,240 in total; managed 6,144 characters).
 */
export const policyDocument =
    (maxSize: number): Rule =>
    (value) => {
        const s = text(value);
        if (s === undefined) {
            return "must be a JSON policy document string";
        }
        let parsed: unknown;
        try {
            parsed = JSON.parse(s);
        } catch (error) {
            return `is not valid JSON: ${(error as Error).message}`;
        }
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
            return "must be a JSON object";
        }
        const statement = (parsed as Record<string, unknown>).Statement;
        if (statement === undefined || (Array.isArray(statement) && statement.length === 0)) {
            return "MalformedPolicyDocument: the policy has no Statement";
        }
        const size = policySize(s);
        return size > maxSize
            ? `LimitExceeded: the policy is ${size} characters without whitespace, the quota is ${maxSize}`
            : undefined;
    };

/** Any JSON text (redrive policies, event patterns). */
export const json: Rule = (value) => {
    try {
        JSON.parse(text(value) ?? "");
        return undefined;
    } catch (error) {
        return `is not valid JSON: ${(error as Error).message}`;
    }
};

/** S3 general purpose bucket naming rules. */
export const bucketName: Rule = (value) => {
    const s = text(value) ?? "";
    if (s.length < 3 || s.length > 63) {
        return `must be 3-63 characters, not ${s.length}`;
    }
    if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(s)) {
        return "must be lowercase letters, digits, dots and hyphens, beginning and ending with a letter or digit";
    }
    if (s.includes("..") || /^\d+\.\d+\.\d+\.\d+$/.test(s)) {
        return "must not contain two adjacent dots or look like an IP address";
    }
    if (/^(xn--|sthree-)/.test(s) || /(-s3alias|--ol-s3|\.mrap|--x-s3)$/.test(s)) {
        return "must not use a prefix or suffix S3 reserves (xn--, sthree-, -s3alias, --ol-s3, .mrap, --x-s3)";
    }
    return undefined;
};

/** SQS queue names (terraform-provider-aws resourceQueueCustomizeDiff). */
export const queueName: Rule = (value) => {
    const s = text(value) ?? "";
    const ok = s.endsWith(".fifo") ? /^[0-9A-Za-z_-]{1,75}\.fifo$/.test(s) : /^[0-9A-Za-z_-]{1,80}$/.test(s);
    return ok ? undefined : "must be 1-80 letters, digits, hyphens and underscores (a FIFO queue ends in .fifo)";
};

/** EventBridge custom event bus names (validCustomEventBusName): not "default", no "/" in a custom bus. */
export const eventBusName: Rule = (value) => {
    const s = text(value) ?? "";
    if (s === "default") {
        return `"default" is the account's default event bus and cannot be created`;
    }
    return pattern(/^[0-9A-Za-z_.-]+$/, "letters, digits and ._-", 1, 256)(s);
};

/** EventBridge rule names. */
export const eventRuleName: Rule = pattern(/^[0-9A-Za-z_.-]+$/, "letters, digits and ._-", 1, 64);

/** CloudWatch Logs log group names. */
export const logGroupName: Rule = pattern(/^[.\-_/#A-Za-z0-9]+$/, "letters, digits and ._-/#", 1, 512);

/** Lambda function names (as a name, not an ARN). */
export const functionName: Rule = pattern(/^[a-zA-Z0-9_-]+$/, "letters, digits, hyphens and underscores", 1, 64);

/** Secrets Manager secret names and name prefixes. */
export const secretName: Rule = pattern(/^[A-Za-z0-9/_+=.@-]+$/, "letters, digits and /_+=.@-", 1, 512);

/** Lambda's reserved runtime variables: CreateFunction refuses them. */
const RESERVED_LAMBDA_VARIABLES = new Set([
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
]);

/** Lambda environment variables: names `[a-zA-Z]([a-zA-Z0-9_])+`, none reserved, at most 4 KB in all. */
export const lambdaVariables: Rule = (value) => {
    const variables = (value ?? {}) as Record<string, unknown>;
    for (const [name, v] of Object.entries(variables)) {
        if (!/^[a-zA-Z]([a-zA-Z0-9_])+$/.test(name)) {
            return `variable name ${JSON.stringify(name)} must match [a-zA-Z]([a-zA-Z0-9_])+`;
        }
        if (RESERVED_LAMBDA_VARIABLES.has(name)) {
            return `variable ${name} is reserved by the Lambda runtime`;
        }
        if (typeof v !== "string") {
            return `variable ${name} must be a string`;
        }
    }
    const size = Object.entries(variables).reduce((n, [k, v]) => n + k.length + String(v).length, 0);
    return size > 4096 ? `the variables take ${size} bytes, Lambda allows 4 KB` : undefined;
};

/** Tags: at most 50, keys 1-128 and values 0-256 characters, no "aws:" prefix. */
export const tags: Rule = (value) => {
    const entries = Object.entries((value ?? {}) as Record<string, unknown>);
    if (entries.length > 50) {
        return `${entries.length} tags, at most 50 are allowed`;
    }
    for (const [key, v] of entries) {
        if (key.length < 1 || key.length > 128 || key.toLowerCase().startsWith("aws:")) {
            return `tag key ${JSON.stringify(key)} must be 1-128 characters and not begin with aws:`;
        }
        if (typeof v !== "string" || v.length > 256) {
            return `tag ${key}: the value must be a string of at most 256 characters`;
        }
    }
    return undefined;
};

export const intBetween =
    (min: number, max: number): Rule =>
    (value) =>
        typeof value === "number" && Number.isInteger(value) && value >= min && value <= max
            ? undefined
            : `must be an integer from ${min} to ${max}`;

export const oneOf =
    (...allowed: Array<string | number>): Rule =>
    (value) =>
        allowed.includes(value as string | number) ? undefined : `must be one of ${allowed.join(", ")}`;
