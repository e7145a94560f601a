/**
 * The HTTP server in front of moto (the services whose endpoint variable points here: EKS and IAM). Each request is
 * offered to the fakes in turn: the first that serves it answers; any other goes to moto unchanged (method, path,
 * headers, body), and moto's reply passes each fake's correction on its way back. Requests and replies here are small
 * JSON and XML documents, so both are read whole.
 */
import {
    IncomingHttpHeaders,
    IncomingMessage,
    OutgoingHttpHeaders,
    createServer,
    request as httpRequest,
} from "node:http";
import { AddressInfo } from "node:net";

export interface FrontRequest {
    method: string;
    url: URL;
    headers: IncomingHttpHeaders;
    body: Buffer;
    /** Who signed the request and for which region (its SigV4 credential scope); undefined when unsigned. */
    scope?: { accessKeyId: string; region: string };
}

export interface Reply {
    status: number;
    headers: OutgoingHttpHeaders;
    body: Buffer;
}

export interface Fake {
    /** The reply to a request this fake serves itself, or undefined to leave it to moto. */
    serve(request: FrontRequest): Promise<Reply | undefined>;
    /** moto's reply as the client gets it: a fake corrects what moto gets wrong on routes it does serve. */
    correct?(request: FrontRequest, reply: Reply): Reply;
}

export interface Front {
    /** `http://127.0.0.1:<port>`. */
    readonly endpoint: string;
    stop(): Promise<void>;
}

/** The signer's access key and region, from a SigV4 Authorization header. */
export function credentialScope(authorization: string | undefined): FrontRequest["scope"] {
    const match = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/[^/]+\/aws4_request/.exec(authorization ?? "");
    return match ? { accessKeyId: match[1], region: match[2] } : undefined;
}

export function readAll(stream: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => resolve(Buffer.concat(chunks)));
        stream.on("error", reject);
    });
}

/** A reply with a body, its length set. */
export function reply(status: number, headers: OutgoingHttpHeaders, body: string | Buffer): Reply {
    const bytes = typeof body === "string" ? Buffer.from(body) : body;
    return { status, headers: { ...headers, "content-length": String(bytes.length) }, body: bytes };
}

function toMoto(moto: URL, request: FrontRequest): Promise<Reply> {
    return new Promise((resolve, reject) => {
        const upstream = httpRequest(
            {
                host: moto.hostname,
                port: moto.port,
                method: request.method,
                path: `${request.url.pathname}${request.url.search}`,
                headers: request.headers,
            },
            (answer) =>
                readAll(answer).then((body) => {
                    const { "transfer-encoding": _chunked, ...headers } = answer.headers;
                    resolve(reply(answer.statusCode ?? 502, headers, body));
                }, reject),
        );
        upstream.on("error", reject);
        upstream.end(request.body);
    });
}

export async function startFront(motoEndpoint: string, fakes: Fake[]): Promise<Front> {
    const moto = new URL(motoEndpoint);

    async function answer(request: FrontRequest): Promise<Reply> {
        for (const fake of fakes) {
            const served = await fake.serve(request);
            if (served) {
                return served;
            }
        }
        const fromMoto = await toMoto(moto, request);
        return fakes.reduce((current, fake) => fake.correct?.(request, current) ?? current, fromMoto);
    }

    const server = createServer((incoming, response) => {
        readAll(incoming)
            .then((body) =>
                answer({
                    method: incoming.method ?? "GET",
                    url: new URL(incoming.url ?? "/", "http://emulator"),
                    headers: incoming.headers,
                    body,
                    scope: credentialScope(incoming.headers.authorization),
                }),
            )
            .catch((error: Error) => reply(502, { "content-type": "text/plain" }, `AWS emulator: ${error.message}`))
            .then((out) => {
                response.writeHead(out.status, out.headers);
                response.end(out.body);
            });
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", resolve);
    });
    const { port } = server.address() as AddressInfo;
    let stopping: Promise<void> | undefined;
    return {
        endpoint: `http://127.0.0.1:${port}`,
        stop: () =>
            (stopping ??= new Promise<void>((resolve) => {
                server.close(() => resolve());
                server.closeAllConnections();
            })),
    };
}
