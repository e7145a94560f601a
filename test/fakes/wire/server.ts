/**
 * A fake AWS behind the SDK's HTTP layer: each request the SDK serialized and signed is decoded in its service's wire
 * protocol, answered by a handler (the fake account), and the answer or error is encoded the way the service sends it,
 * so that the SDK's own deserializers build every result and every error the code under test sees.
 */
import { Readable } from "node:stream";
import { HttpRequest, HttpResponse } from "@smithy/core/protocols";
import { awsJson } from "./awsJson";
import { awsQuery } from "./awsQuery";
import { Codec, WireError, WireRequest, WireResponse } from "./codec";
import { eksRestJson } from "./eksRestJson";
import { s3RestXml } from "./s3RestXml";

/** Each service the fake answers, by its SigV4 signing name, with its protocol (see each client's dist-cjs). */
const CODECS: Record<string, Codec> = {
    iam: awsQuery,
    sts: awsQuery,
    eks: eksRestJson,
    s3: s3RestXml,
    secretsmanager: awsJson,
    logs: awsJson,
    events: awsJson,
    sqs: awsJson,
};

export type Answer = (operation: string, input: Record<string, any>, region: string) => Promise<unknown>;

const CREDENTIAL_SCOPE = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

async function bodyOf(body: unknown): Promise<Buffer> {
    if (body === undefined || body === null) {
        return Buffer.alloc(0);
    }
    if (typeof body === "string") {
        return Buffer.from(body);
    }
    if (body instanceof Uint8Array) {
        // The bytes themselves: the JSON protocols send a Uint8Array whose string methods are deprecated.
        return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Buffer | string>) {
        chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
}

export async function readRequest(request: HttpRequest): Promise<WireRequest> {
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
    const scope = CREDENTIAL_SCOPE.exec(headers.authorization ?? "");
    if (!scope) {
        throw new Error(
            `an unsigned request reached the fake AWS: ${request.method} ${request.hostname}${request.path}`,
        );
    }
    return {
        method: request.method,
        hostname: request.hostname,
        path: request.path,
        query: (request.query ?? {}) as WireRequest["query"],
        headers,
        body: await bodyOf(request.body),
        region: scope[1],
        service: scope[2],
    };
}

function toHttpResponse(response: WireResponse): HttpResponse {
    return new HttpResponse({
        statusCode: response.statusCode,
        headers: response.headers,
        body: Readable.from([Buffer.from(response.body)]),
    });
}

/** Answers one SDK request through `answer`, in the request's service protocol. */
export async function serve(answer: Answer, request: HttpRequest): Promise<HttpResponse> {
    const wire = await readRequest(request);
    const codec = CODECS[wire.service];
    if (!codec) {
        throw new Error(`the fake AWS does not speak ${wire.service}`);
    }
    const { operation, input } = codec.decode(wire);
    try {
        const output = (await answer(operation, input, wire.region)) as Record<string, any> | undefined;
        return toHttpResponse(codec.encode(operation, output ?? {}, wire));
    } catch (error) {
        if (error instanceof WireError) {
            return toHttpResponse(codec.error(operation, error, wire));
        }
        throw error;
    }
}
