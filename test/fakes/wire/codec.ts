/** What a service's wire protocol does on the server side: read a request, write an answer or an error. */

/** A request as the SDK sent it, after its own serializer and signer. */
export interface WireRequest {
    method: string;
    hostname: string;
    /** URL-encoded, as sent. */
    path: string;
    query: Record<string, string | string[] | null>;
    /** Lower-cased names. */
    headers: Record<string, string>;
    body: Buffer;
    /** The signing region and service, read from the request's SigV4 credential scope. */
    region: string;
    service: string;
}

export interface WireResponse {
    statusCode: number;
    headers: Record<string, string>;
    body: string | Buffer;
}

/**
 * An error as a service sends it: its wire code (NoSuchEntity, AccessDeniedException...), HTTP status and message. The
 * fake account throws these; the wire layer writes them in the service's protocol and the SDK's own deserializer makes
 * the error the code under test sees (NoSuchEntityException for NoSuchEntity, and so on).
 */
export class WireError extends Error {
    constructor(
        readonly code: string,
        message: string,
        readonly status: number,
    ) {
        super(message);
        this.name = code;
    }
}

export interface Codec {
    /** The operation the request calls and its input, shaped as the SDK's command input. */
    decode(request: WireRequest): { operation: string; input: Record<string, any> };
    /** The fake account's result (shaped as the SDK's command output) in the service's wire format. */
    encode(operation: string, output: Record<string, any>, request: WireRequest): WireResponse;
    error(operation: string, error: WireError, request: WireRequest): WireResponse;
}

export const REQUEST_ID = "f00dfeed-0000-4000-8000-000000000000";
