/**
 * Whether a condition block holds for every request made without TLS: aws:SecureTransport is present and false, and
 * every other key may be absent or carry any value. A block that holds only for some such requests ("maybe") never
 * counts towards the guarantee. Condition operators and keys are matched case-insensitively, as IAM does.
 */
import { ConditionBlock } from "./policyStatements";

export type ConditionVerdict =
    | { holds: "always" }
    /** No request without TLS satisfies it: the statement never applies to one. */
    | { holds: "never"; reason: string }
    | { holds: "maybe"; reason: string };

const SECURE_TRANSPORT = "aws:securetransport";

/**
 * Keys that carry at most one value in a request: for them a single-valued `StringLikeIfExists "*"` matches whatever
 * the request holds (a single-valued operator on a multivalued key matches nothing, so other keys are not credited).
 */
const SINGLE_VALUED_KEYS = new Set([
    "aws:useragent",
    "aws:referer",
    "aws:sourceip",
    "aws:vpcsourceip",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principalorgid",
    "aws:principaltype",
    "aws:userid",
    "aws:username",
    "aws:requestedregion",
    "s3:prefix",
    "s3:delimiter",
    "s3:x-amz-acl",
    "s3:authtype",
    "s3:signatureversion",
]);

const IP_KEYS = new Set(["aws:sourceip", "aws:vpcsourceip"]);

interface Operator {
    set?: "forallvalues" | "foranyvalue";
    base: string;
    ifExists: boolean;
}

function parseOperator(operator: string): Operator {
    const match = /^(?:(forallvalues|foranyvalue):)?(.*?)(ifexists)?$/.exec(operator.toLowerCase())!;
    return { set: match[1] as Operator["set"], base: match[2], ifExists: match[3] !== undefined };
}

const describe = (block: ConditionBlock) => `${block.operator} ${block.key} ${JSON.stringify(block.values)}`;

function secureTransportVerdict(block: ConditionBlock, operator: Operator): ConditionVerdict {
    const values = block.values.map((v) => v.toLowerCase());
    if (operator.set === undefined && operator.base === "bool") {
        return values.includes("false")
            ? { holds: "always" }
            : { holds: "never", reason: `${describe(block)} only matches requests made with TLS` };
    }
    if (operator.set === undefined && operator.base === "null" && !operator.ifExists) {
        return values.includes("false")
            ? { holds: "always" }
            : { holds: "never", reason: `${describe(block)} asks for a key every S3 request carries to be absent` };
    }
    return {
        holds: "maybe",
        reason: `${describe(block)} is not credited: aws:SecureTransport is compared with Bool or BoolIfExists "false" (or Null "false")`,
    };
}

/** Blocks that match whatever the key holds, absent included. */
function matchesAnything(block: ConditionBlock, operator: Operator, key: string): boolean {
    const values = block.values;
    if (operator.base === "stringlike" && values.includes("*")) {
        return (
            operator.set === "forallvalues" ||
            (operator.set === undefined && operator.ifExists && SINGLE_VALUED_KEYS.has(key))
        );
    }
    return (
        operator.base === "ipaddress" &&
        operator.set === undefined &&
        operator.ifExists &&
        IP_KEYS.has(key) &&
        values.includes("0.0.0.0/0") &&
        values.includes("::/0")
    );
}

/** Whether the block holds for every request made without TLS, for none, or only for some. */
export function onRequestsWithoutTls(block: ConditionBlock): ConditionVerdict {
    const operator = parseOperator(block.operator);
    const key = block.key.toLowerCase();
    if (key === SECURE_TRANSPORT) {
        return secureTransportVerdict(block, operator);
    }
    if (matchesAnything(block, operator, key)) {
        return { holds: "always" };
    }
    const absentFails = !operator.ifExists && operator.set !== "forallvalues" && !operator.base.includes("not");
    const when =
        operator.base === "null"
            ? "not both when the key is absent and when it is present"
            : absentFails
              ? "not when the key is absent"
              : "not for every value of the key";
    return { holds: "maybe", reason: `${describe(block)} does not hold for every request without TLS (${when})` };
}
