/**
 * A small OCI distribution registry on 127.0.0.1 for tests, shaped like public.ecr.aws: every /v2/ request needs a
 * Bearer token from its token endpoint (401 + WWW-Authenticate otherwise), manifests are served only under an Accept
 * header that names their media type, with Docker-Content-Digest, and Notary signatures are found through the
 * referrers API or, with `referrersApi: false`, the referrers tag schema (`sha256-<hex>`). Each pushed image is an
 * index of platform manifests, each with its config blob (`/v2/<name>/blobs/<digest>`) holding the image's `User`. It
 * closes itself after `lifetimeMs` even if a test forgets to. Ours, written from the OCI distribution and image specs.
 */
import { createHash } from "node:crypto";
import { IncomingMessage, Server, ServerResponse, createServer } from "node:http";
import { AddressInfo } from "node:net";

const INDEX = "application/vnd.oci.image.index.v1+json";
const MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const NOTARY = "application/vnd.cncf.notary.signature";
const CONFIG = "application/vnd.oci.image.config.v1+json";

/** What `pushImage` builds: the config's `User` per platform (`amd64` only unless given), or no config at all. */
export interface ImageContent {
    /** The `User` of every platform's config; absent: the config has no User (root). */
    user?: string;
    /** Per architecture, overriding `user`. */
    platforms?: Record<string, string | undefined>;
    /** The platform manifests name a config blob the registry does not have. */
    missingConfig?: boolean;
}

const sha256 = (bytes: Buffer | string) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

interface Stored {
    bytes: Buffer;
    mediaType: string;
    /** A blob (served under /blobs/ only, whatever the Accept header). */
    blob?: boolean;
    artifactType?: string;
    subject?: string;
}

export interface FakeOciOptions {
    referrersApi?: boolean;
    /** Serve this digest in Docker-Content-Digest instead of the true one (a lying or corrupt registry). */
    lieAboutDigest?: boolean;
    lifetimeMs?: number;
    /**
     * Private ECR's scheme instead of the token flow: every /v2/ request must carry `Authorization: Basic <this>` (the
     * authorizationToken of ECR's GetAuthorizationToken), else 401 with a Basic challenge, as ECR answers.
     */
    basicAuth?: string;
}

export interface TokenRequest {
    scope: string | null;
    service: string | null;
    authorization?: string;
}

export class FakeOciRegistry {
    private readonly blobs = new Map<string, Map<string, Stored>>();
    private readonly tags = new Map<string, Map<string, string>>();
    private server?: Server;
    private readonly issued = new Set<string>();
    readonly tokenRequests: TokenRequest[] = [];
    readonly requests: { method: string; path: string; accept?: string }[] = [];

    constructor(private readonly options: FakeOciOptions = {}) {}

    get baseUrl(): string {
        return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    }

    private store(repository: string): { byDigest: Map<string, Stored>; byTag: Map<string, string> } {
        if (!this.blobs.has(repository)) {
            this.blobs.set(repository, new Map());
            this.tags.set(repository, new Map());
        }
        return { byDigest: this.blobs.get(repository)!, byTag: this.tags.get(repository)! };
    }

    /**
     * Pushes a multi-arch image index under the tag, its platform manifests and their config blobs; returns the index's
     * digest. `build` varies the content (another region's build of the tag).
     */
    pushImage(repository: string, tag: string, build = "", content: ImageContent = {}): string {
        const { byDigest, byTag } = this.store(repository);
        const platforms = content.platforms ?? { amd64: content.user };
        const manifests = Object.entries(platforms).map(([architecture, user]) => {
            const config = Buffer.from(
                JSON.stringify({
                    architecture,
                    os: "linux",
                    config: { ...(user !== undefined ? { User: user } : {}), Env: [`BUILD=${tag}${build}`] },
                    rootfs: { type: "layers", diff_ids: [] },
                }),
            );
            const configDigest = sha256(config);
            if (!content.missingConfig) {
                byDigest.set(configDigest, { bytes: config, mediaType: CONFIG, blob: true });
            }
            const manifest = Buffer.from(
                JSON.stringify({
                    schemaVersion: 2,
                    mediaType: MANIFEST,
                    config: { mediaType: CONFIG, digest: configDigest, size: config.length },
                    layers: [],
                }),
            );
            byDigest.set(sha256(manifest), { bytes: manifest, mediaType: MANIFEST });
            return {
                mediaType: MANIFEST,
                digest: sha256(manifest),
                size: manifest.length,
                platform: { architecture, os: "linux" },
            };
        });
        const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: INDEX, manifests }));
        const digest = sha256(bytes);
        byDigest.set(digest, { bytes, mediaType: INDEX });
        byTag.set(tag, digest);
        return digest;
    }

    /**
     * Pushes a Notary signature manifest whose subject is the digest; returns the signature's digest. `listedUnder`
     * lists it among another digest's referrers (a registry that lies, or a signature copied from another image).
     */
    pushSignature(repository: string, subject: string, listedUnder = subject): string {
        const bytes = Buffer.from(
            JSON.stringify({
                schemaVersion: 2,
                mediaType: MANIFEST,
                artifactType: NOTARY,
                subject: { mediaType: INDEX, digest: subject, size: 1 },
                layers: [],
            }),
        );
        const digest = sha256(bytes);
        const { byDigest, byTag } = this.store(repository);
        subject = listedUnder;
        byDigest.set(digest, { bytes, mediaType: MANIFEST, artifactType: NOTARY, subject });
        if (this.options.referrersApi === false) {
            const referrers = [...byDigest.entries()].filter(([, s]) => s.subject === subject);
            const index = Buffer.from(
                JSON.stringify({
                    schemaVersion: 2,
                    mediaType: INDEX,
                    manifests: referrers.map(([d, s]) => ({
                        mediaType: s.mediaType,
                        digest: d,
                        size: s.bytes.length,
                        artifactType: s.artifactType,
                    })),
                }),
            );
            const indexDigest = sha256(index);
            byDigest.set(indexDigest, { bytes: index, mediaType: INDEX });
            byTag.set(subject.replace(":", "-"), indexDigest);
        }
        return digest;
    }

    async start(): Promise<this> {
        this.server = createServer((request, response) => this.handle(request, response));
        await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
        setTimeout(() => void this.close(), this.options.lifetimeMs ?? 30_000).unref();
        return this;
    }

    close(): Promise<void> {
        const server = this.server;
        if (!server?.listening) {
            return Promise.resolve();
        }
        server.closeAllConnections();
        return new Promise((resolve) => server.close(() => resolve()));
    }

    private handle(request: IncomingMessage, response: ServerResponse): void {
        const url = new URL(request.url!, this.baseUrl);
        this.requests.push({ method: request.method!, path: url.pathname, accept: request.headers.accept });
        if (url.pathname === "/token/") {
            this.tokenRequests.push({
                scope: url.searchParams.get("scope"),
                service: url.searchParams.get("service"),
                authorization: request.headers.authorization,
            });
            const token = `token-${this.issued.size}-${url.searchParams.get("scope")}`;
            this.issued.add(token);
            return this.json(response, 200, { token });
        }
        const match = /^\/v2\/(.+)\/(manifests|referrers|blobs)\/([^/]+)$/.exec(url.pathname);
        if (!match) {
            return this.json(response, 404, { errors: [{ code: "NOT_FOUND" }] });
        }
        const [, repository, kind, reference] = match;
        if (this.options.basicAuth !== undefined) {
            if (request.headers.authorization !== `Basic ${this.options.basicAuth}`) {
                response.setHeader("www-authenticate", `Basic realm="${this.baseUrl}/",service="ecr.amazonaws.com"`);
                return this.json(response, 401, {
                    errors: [
                        {
                            code: "DENIED",
                            message: "Your authorization token has expired. Reauthenticate and try again.",
                        },
                    ],
                });
            }
            return this.serve(request, response, url, repository, kind, reference);
        }
        const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
        if (!bearer || !this.issued.has(bearer) || !bearer.endsWith(`repository:${repository}:pull`)) {
            response.setHeader(
                "www-authenticate",
                `Bearer realm="${this.baseUrl}/token/",service="public.ecr.aws",scope="aws"`,
            );
            return this.json(response, 401, { errors: [{ code: "UNAUTHORIZED" }] });
        }
        return this.serve(request, response, url, repository, kind, reference);
    }

    private serve(
        request: IncomingMessage,
        response: ServerResponse,
        url: URL,
        repository: string,
        kind: string,
        reference: string,
    ): void {
        const { byDigest, byTag } = this.store(repository);
        if (kind === "referrers") {
            if (this.options.referrersApi === false) {
                return this.json(response, 404, { errors: [{ code: "NOT_FOUND" }] });
            }
            const type = url.searchParams.get("artifactType");
            const manifests = [...byDigest.entries()]
                .filter(([, s]) => s.subject === reference && (!type || s.artifactType === type))
                .map(([digest, s]) => ({
                    mediaType: s.mediaType,
                    digest,
                    size: s.bytes.length,
                    artifactType: s.artifactType,
                }));
            return this.json(response, 200, { schemaVersion: 2, mediaType: INDEX, manifests }, INDEX);
        }
        if (kind === "blobs") {
            const blob = byDigest.get(reference);
            if (!blob?.blob) {
                return this.json(response, 404, { errors: [{ code: "BLOB_UNKNOWN" }] });
            }
            response.writeHead(200, {
                "content-type": "application/octet-stream",
                "docker-content-digest": reference,
                "content-length": blob.bytes.length,
            });
            return void response.end(request.method === "HEAD" ? undefined : blob.bytes);
        }
        const digest = reference.startsWith("sha256:") ? reference : byTag.get(reference);
        const stored = digest ? byDigest.get(digest) : undefined;
        if (!stored || !digest || stored.blob) {
            return this.json(response, 404, { errors: [{ code: "MANIFEST_UNKNOWN" }] });
        }
        if (
            !(request.headers.accept ?? "")
                .split(",")
                .map((t) => t.trim())
                .includes(stored.mediaType)
        ) {
            return this.json(response, 404, {
                errors: [{ code: "MANIFEST_UNKNOWN", message: `not acceptable: ${stored.mediaType}` }],
            });
        }
        let served = digest;
        if (this.options.lieAboutDigest && !reference.startsWith("sha256:")) {
            // Names a digest the bytes do not hash to, and serves the same bytes under it.
            served = sha256(`${digest} lie`);
            byDigest.set(served, stored);
        } else if (this.options.lieAboutDigest) {
            served = reference;
        }
        response.writeHead(200, {
            "content-type": stored.mediaType,
            "docker-content-digest": served,
            "content-length": stored.bytes.length,
        });
        response.end(request.method === "HEAD" ? undefined : stored.bytes);
    }

    private json(response: ServerResponse, status: number, body: unknown, contentType = "application/json"): void {
        const bytes = Buffer.from(JSON.stringify(body));
        response.writeHead(status, { "content-type": contentType, "content-length": bytes.length });
        response.end(bytes);
    }
}
