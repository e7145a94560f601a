/**
 * The awsQuery protocol (IAM, STS): form-encoded requests (`Action=GetRole&RoleName=x`, lists as
 * `Tags.member.1.Key`), XML answers `<GetRoleResponse><GetRoleResult>…` and errors
 * `<ErrorResponse><Error><Code>NoSuchEntity</Code>…`.
 */
import { Codec, REQUEST_ID, WireError, WireRequest, WireResponse } from "./codec";
import { escapeXml, xmlFields } from "./xml";

/** Input members the fake reads as numbers (the form sends every value as text). */
const NUMBERS = new Set(["MaxItems", "MaxSessionDuration", "DurationSeconds"]);

/** `Tags.member.1.Key=k` -> `{ Tags: [{ Key: "k" }] }`. */
export function decodeForm(form: URLSearchParams): Record<string, any> {
    const input: Record<string, any> = {};
    for (const [name, value] of form) {
        if (name === "Action" || name === "Version") {
            continue;
        }
        const path = name.split(".");
        let node: any = input;
        for (let i = 0; i < path.length; i++) {
            const segment = path[i];
            const last = i === path.length - 1;
            if (path[i + 1] === "member") {
                node[segment] ??= [];
                const index = Number(path[i + 2]) - 1;
                if (i + 2 === path.length - 1) {
                    node[segment][index] = value;
                    break;
                }
                node[segment][index] ??= {};
                node = node[segment][index];
                i += 2;
            } else if (last) {
                node[segment] = NUMBERS.has(segment) ? Number(value) : value;
            } else {
                node[segment] ??= {};
                node = node[segment];
            }
        }
    }
    return input;
}

const NAMESPACES: Record<string, string> = {
    iam: "https://iam.amazonaws.com/doc/2010-05-08/",
    sts: "https://sts.amazonaws.com/doc/2011-06-15/",
};

export const awsQuery: Codec = {
    decode(request: WireRequest) {
        const form = new URLSearchParams(request.body.toString("utf8"));
        return { operation: form.get("Action")!, input: decodeForm(form) };
    },

    encode(operation: string, output: Record<string, any>, request: WireRequest): WireResponse {
        const result = xmlFields(output, () => ({ member: "member" }));
        return {
            statusCode: 200,
            headers: { "content-type": "text/xml", "x-amzn-requestid": REQUEST_ID },
            body:
                `<${operation}Response xmlns="${NAMESPACES[request.service]}">` +
                `<${operation}Result>${result}</${operation}Result>` +
                `<ResponseMetadata><RequestId>${REQUEST_ID}</RequestId></ResponseMetadata>` +
                `</${operation}Response>`,
        };
    },

    error(_operation: string, error: WireError, request: WireRequest): WireResponse {
        return {
            statusCode: error.status,
            headers: { "content-type": "text/xml", "x-amzn-requestid": REQUEST_ID },
            body:
                `<ErrorResponse xmlns="${NAMESPACES[request.service]}">` +
                `<Error><Type>${error.status >= 500 ? "Receiver" : "Sender"}</Type>` +
                `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
                `<RequestId>${REQUEST_ID}</RequestId></ErrorResponse>`,
        };
    },
};
