/**
 * S3's restXml protocol: the bucket in the host name (virtual-hosted style) or the first path segment, the key in the
 * path, a sub-resource in the query (`?tagging`, `?list-type=2`), conditions in headers; answers in headers, an XML
 * document or the object's bytes; errors as `<Error><Code>NoSuchKey</Code>…` with the HTTP status (a HEAD error has no
 * body, only the status).
 */
import { Codec, REQUEST_ID, WireError, WireRequest, WireResponse } from "./codec";
import { ListStyle, escapeXml, xmlFields } from "./xml";

/** Bucket sub-resources: query flag -> operation on GET. */
const BUCKET_GETS: Record<string, string> = {
    tagging: "GetBucketTagging",
    encryption: "GetBucketEncryption",
    publicAccessBlock: "GetPublicAccessBlock",
    ownershipControls: "GetBucketOwnershipControls",
    policy: "GetBucketPolicy",
    lifecycle: "GetBucketLifecycleConfiguration",
};

/** Request headers -> input members. */
const HEADERS: Record<string, string> = {
    "if-none-match": "IfNoneMatch",
    "if-match": "IfMatch",
    "content-type": "ContentType",
    "x-amz-server-side-encryption": "ServerSideEncryption",
};

/** Output root element and list styles per operation (restXml names list members per shape). */
const DOCUMENTS: Record<string, { root: string; lists: Record<string, ListStyle> }> = {
    GetBucketTagging: { root: "Tagging", lists: { TagSet: { member: "Tag" } } },
    GetBucketEncryption: {
        root: "ServerSideEncryptionConfiguration",
        lists: { Rules: { member: "Rule", flattened: true } },
    },
    GetPublicAccessBlock: { root: "PublicAccessBlockConfiguration", lists: {} },
    GetBucketOwnershipControls: { root: "OwnershipControls", lists: { Rules: { member: "Rule", flattened: true } } },
    GetBucketLifecycleConfiguration: {
        root: "LifecycleConfiguration",
        lists: { Rules: { member: "Rule", flattened: true } },
    },
    ListObjectsV2: { root: "ListBucketResult", lists: { Contents: { member: "Contents", flattened: true } } },
};

/** Outputs whose one member is the whole document (the member's own element is the root). */
const WRAPPED = new Set(["GetBucketEncryption", "GetPublicAccessBlock", "GetBucketOwnershipControls"]);

function bucketAndKey(request: WireRequest): { bucket: string; key: string } {
    const path = request.path.split("/").slice(1).map(decodeURIComponent);
    const virtualHost = /^(.+)\.s3[.-]/.exec(request.hostname);
    if (virtualHost) {
        return { bucket: virtualHost[1], key: path.join("/") };
    }
    return { bucket: path[0], key: path.slice(1).join("/") };
}

function operationOf(request: WireRequest, key: string): string {
    const flags = Object.keys(request.query);
    if (key !== "") {
        const byMethod: Record<string, string> = {
            GET: "GetObject",
            PUT: "PutObject",
            DELETE: "DeleteObject",
            HEAD: "HeadObject",
        };
        return byMethod[request.method];
    }
    if (request.method === "HEAD") {
        return "HeadBucket";
    }
    if (request.method === "GET" && request.query["list-type"] === "2") {
        return "ListObjectsV2";
    }
    const flag = flags.find((f) => BUCKET_GETS[f]);
    if (request.method === "GET" && flag) {
        return BUCKET_GETS[flag];
    }
    throw new Error(`the fake S3 has no operation for ${request.method} ${request.path}?${flags.join("&")}`);
}

export const s3RestXml: Codec = {
    decode(request: WireRequest) {
        const { bucket, key } = bucketAndKey(request);
        const operation = operationOf(request, key);
        const input: Record<string, any> = { Bucket: bucket };
        if (key !== "") {
            input.Key = key;
        }
        for (const [header, member] of Object.entries(HEADERS)) {
            if (request.headers[header] !== undefined && operation !== "GetObject") {
                input[member] = request.headers[header];
            }
        }
        if (operation === "PutObject") {
            input.Body = request.body.toString("utf8");
        }
        if (operation === "ListObjectsV2") {
            const { prefix, "max-keys": maxKeys, "continuation-token": token } = request.query;
            Object.assign(input, {
                ...(typeof prefix === "string" ? { Prefix: prefix } : {}),
                ...(typeof maxKeys === "string" ? { MaxKeys: Number(maxKeys) } : {}),
                ...(typeof token === "string" ? { ContinuationToken: token } : {}),
            });
        }
        return { operation, input };
    },

    encode(operation: string, output: Record<string, any>): WireResponse {
        const headers: Record<string, string> = { "x-amz-request-id": REQUEST_ID };
        if (output.ETag !== undefined) {
            headers.etag = output.ETag;
        }
        if (operation === "GetObject") {
            return {
                statusCode: 200,
                headers: { ...headers, "content-type": "application/json" },
                body: Buffer.from(String(output.Body)),
            };
        }
        if (operation === "GetBucketPolicy") {
            return { statusCode: 200, headers, body: String(output.Policy) };
        }
        const document = DOCUMENTS[operation];
        if (!document) {
            return { statusCode: operation === "DeleteObject" ? 204 : 200, headers, body: "" };
        }
        const fields = WRAPPED.has(operation) ? (Object.values(output)[0] as Record<string, unknown>) : output;
        const body =
            `<?xml version="1.0" encoding="UTF-8"?>` +
            `<${document.root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
            xmlFields(fields, (field) => document.lists[field] ?? { member: "member" }) +
            `</${document.root}>`;
        return { statusCode: 200, headers: { ...headers, "content-type": "application/xml" }, body };
    },

    error(_operation: string, error: WireError, request: WireRequest): WireResponse {
        const headers = { "x-amz-request-id": REQUEST_ID, "content-type": "application/xml" };
        if (request.method === "HEAD") {
            return { statusCode: error.status, headers, body: "" };
        }
        return {
            statusCode: error.status,
            headers,
            body:
                `<?xml version="1.0" encoding="UTF-8"?>` +
                `<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>` +
                `<RequestId>${REQUEST_ID}</RequestId><HostId>fake</HostId></Error>`,
        };
    },
};
