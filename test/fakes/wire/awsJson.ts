/**
 * The awsJson 1.0/1.1 protocols (Secrets Manager, CloudWatch Logs, EventBridge: 1.1; SQS: 1.0): `POST /` with
 * `X-Amz-Target: <service prefix>.<Operation>` and a JSON body; errors carry their code in `__type` (SQS, which keeps
 * its awsQuery codes, also in `x-amzn-query-error`) with status 400, or 500 for the service's own faults.
 */
import { Codec, REQUEST_ID, WireError, WireRequest, WireResponse } from "./codec";

const contentType = (request: WireRequest) => request.headers["content-type"] ?? "application/x-amz-json-1.1";

export const awsJson: Codec = {
    decode(request: WireRequest) {
        const target = request.headers["x-amz-target"];
        if (!target) {
            throw new Error(`an awsJson request to ${request.service} without X-Amz-Target`);
        }
        const text = request.body.toString("utf8");
        return { operation: target.split(".").pop()!, input: text === "" ? {} : JSON.parse(text) };
    },

    encode(_operation: string, output: Record<string, any>, request: WireRequest): WireResponse {
        return {
            statusCode: 200,
            headers: { "content-type": contentType(request), "x-amzn-requestid": REQUEST_ID },
            body: JSON.stringify(output),
        };
    },

    error(_operation: string, error: WireError, request: WireRequest): WireResponse {
        const headers: Record<string, string> = {
            "content-type": contentType(request),
            "x-amzn-requestid": REQUEST_ID,
        };
        if (request.service === "sqs") {
            headers["x-amzn-query-error"] = `${error.code};${error.status >= 500 ? "Receiver" : "Sender"}`;
        }
        return {
            statusCode: error.status,
            headers,
            body: JSON.stringify({ __type: error.code, message: error.message }),
        };
    },
};
