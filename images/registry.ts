/**
 * A minimal OCI distribution client: resolves a tag to its manifest digest and finds the Notary signatures that
 * refer to it. Speaks the registry token flow (401 + WWW-Authenticate: Bearer realm=...), as public.ecr.aws does, and
 * private ECR's Basic scheme (every request carries `Authorization: Basic <ECR authorization token>`).
 */
import { createHash } from "node:crypto";
import { splitRepository } from "./catalog";
import { errorMessage } from "../common/errors";

export const MANIFEST_MEDIA_TYPES = [
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
];
const INDEX_MEDIA_TYPE = "application/vnd.oci.image.index.v1+json";
const CONFIG_MEDIA_TYPES = [
    "application/vnd.oci.image.config.v1+json",
    "application/vnd.docker.container.image.v1+json",
];
/** The artifact type Notation (AWS Signer's client) gives its signatures. */
export const NOTARY_SIGNATURE = "application/vnd.cncf.notary.signature";

export interface BasicCredentials {
    username: string;
    password: string;
}

export interface RegistryClientOptions {
    /** Base URL per registry host (a mirror, or a test registry on 127.0.0.1); default `https://<host>`. */
    baseUrls?: Record<string, string>;
    /** Credentials the token endpoint gets as Basic auth (ECR Public's authorization token); anonymous otherwise. */
    credentials?: (registry: string) => Promise<BasicCredentials | undefined>;
    /**
     * The Authorization header every request to the registry carries, or undefined for the token flow: private ECR
     * answers 401 with a Basic challenge and takes `Basic <GetAuthorizationToken's authorizationToken>` instead.
     */
    authorization?: (registry: string) => Promise<string | undefined>;
    /** Per request; default 15 s. */
    timeoutMs?: number;
}

export interface ResolvedManifest {
    digest: string;
    mediaType: string;
}

export interface SignatureRef {
    digest: string;
    artifactType: string;
    /** How it was found: the referrers API, or the referrers tag schema (`sha256-<hex>`) of registries without it. */
    via: "referrers-api" | "referrers-tag";
}

export class RegistryError extends Error {}

/** The registry could not be reached at all (its name does not resolve, nothing listens, no route, no answer in time). */
export class RegistryUnreachableError extends RegistryError {}

const UNREACHABLE_CAUSES = new Set(["ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ENETUNREACH", "EHOSTUNREACH"]);

const sha256 = (bytes: Buffer) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

function parseChallenge(header: string | null): Record<string, string> | undefined {
    if (!header || !/^bearer\s/i.test(header)) {
        return undefined;
    }
    const params: Record<string, string> = {};
    for (const match of header.slice(7).matchAll(/(\w+)="([^"]*)"/g)) {
        params[match[1].toLowerCase()] = match[2];
    }
    return params.realm ? params : undefined;
}

export class RegistryClient {
    private readonly tokens = new Map<string, string>();

    constructor(private readonly options: RegistryClientOptions = {}) {}

    private baseUrl(registry: string): string {
        return (this.options.baseUrls?.[registry] ?? `https://${registry}`).replace(/\/+$/, "");
    }

    private async send(url: string, init: RequestInit): Promise<Response> {
        try {
            return await fetch(url, {
                ...init,
                redirect: "follow",
                signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
            });
        } catch (error) {
            const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
            const why = cause ? `${errorMessage(error)} (${cause.code ?? cause.message})` : errorMessage(error);
            const unreachable =
                UNREACHABLE_CAUSES.has(cause?.code ?? "") || (error instanceof Error && error.name === "TimeoutError");
            const Failure = unreachable ? RegistryUnreachableError : RegistryError;
            throw new Failure(`${init.method ?? "GET"} ${url} failed: ${why}`);
        }
    }

    private async token(registry: string, path: string, challenge: Record<string, string>): Promise<string> {
        const url = new URL(challenge.realm);
        if (challenge.service) {
            url.searchParams.set("service", challenge.service);
        }
        url.searchParams.set("scope", `repository:${path}:pull`);
        const credentials = await this.options.credentials?.(registry);
        const headers: Record<string, string> = credentials
            ? {
                  authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`,
              }
            : {};
        const response = await this.send(url.toString(), { headers });
        if (!response.ok) {
            throw new RegistryError(
                `token endpoint ${url.origin}${url.pathname} answered ${response.status} for ${registry}/${path}`,
            );
        }
        const body = (await response.json()) as { token?: string; access_token?: string };
        const token = body.token ?? body.access_token;
        if (!token) {
            throw new RegistryError(
                `token endpoint ${url.origin}${url.pathname} returned no token for ${registry}/${path}`,
            );
        }
        return token;
    }

    /** A request to `/v2/<path>/<suffix>`, authenticating once through the registry's token endpoint when asked. */
    private async request(repository: string, suffix: string, init: RequestInit): Promise<Response> {
        const { registry, path } = splitRepository(repository);
        const url = `${this.baseUrl(registry)}/v2/${path}/${suffix}`;
        const key = `${registry}/${path}`;
        const withToken = (token?: string): RequestInit => ({
            ...init,
            headers: {
                ...(init.headers as Record<string, string>),
                ...(token ? { authorization: `Bearer ${token}` } : {}),
            },
        });
        const preset = await this.options.authorization?.(registry);
        if (preset) {
            const response = await this.send(url, {
                ...init,
                headers: { ...(init.headers as Record<string, string>), authorization: preset },
            });
            if (response.status === 401 || response.status === 403) {
                throw new RegistryError(
                    `${url} answered ${response.status} to the registry's authorization token (expired, or the credentials may not pull ${key})`,
                );
            }
            return response;
        }
        let response = await this.send(url, withToken(this.tokens.get(key)));
        if (response.status === 401) {
            const challenge = parseChallenge(response.headers.get("www-authenticate"));
            if (!challenge) {
                const basic = /^basic\s/i.test(response.headers.get("www-authenticate") ?? "");
                throw new RegistryError(
                    `${url} answered 401 ${basic ? "with a Basic challenge: the registry needs credentials (private ECR: an ECR authorization token)" : "without a Bearer challenge"}`,
                );
            }
            const token = await this.token(registry, path, challenge);
            this.tokens.set(key, token);
            response = await this.send(url, withToken(token));
        }
        return response;
    }

    /**
     * The digest a tag points to (an image index for multi-arch images): HEAD for the registry's Docker-Content-Digest,
     * then GET by that digest, whose bytes must hash to it, so a registry's header alone is never trusted.
     */
    async resolveTag(repository: string, tag: string): Promise<ResolvedManifest> {
        const accept = { accept: MANIFEST_MEDIA_TYPES.join(", ") };
        const head = await this.request(repository, `manifests/${tag}`, { method: "HEAD", headers: accept });
        if (!head.ok) {
            throw new RegistryError(`${repository}:${tag}: the registry answered ${head.status} to the manifest HEAD`);
        }
        const claimed = head.headers.get("docker-content-digest");
        if (!claimed || !/^sha256:[0-9a-f]{64}$/.test(claimed)) {
            throw new RegistryError(
                `${repository}:${tag}: the registry sent no sha256 Docker-Content-Digest (${claimed ?? "none"})`,
            );
        }
        const get = await this.request(repository, `manifests/${claimed}`, { method: "GET", headers: accept });
        if (!get.ok) {
            throw new RegistryError(
                `${repository}@${claimed}: the registry answered ${get.status} to the manifest GET`,
            );
        }
        const bytes = Buffer.from(await get.arrayBuffer());
        const actual = sha256(bytes);
        if (actual !== claimed) {
            throw new RegistryError(
                `${repository}:${tag}: the registry names digest ${claimed}, but the manifest it serves hashes to ${actual}`,
            );
        }
        const mediaType = (get.headers.get("content-type") ?? "").split(";")[0].trim();
        if (!MANIFEST_MEDIA_TYPES.includes(mediaType)) {
            throw new RegistryError(
                `${repository}:${tag}: unexpected manifest media type ${JSON.stringify(mediaType)}`,
            );
        }
        return { digest: claimed, mediaType };
    }

    /**
     * Notary signatures referring to the digest: the referrers API, else the referrers tag schema, else none. Each
     * candidate's own manifest is fetched (its bytes must hash to its digest) and counts only if its `subject` is
     * this digest: a listing alone proves nothing.
     */
    async findSignatures(repository: string, digest: string): Promise<SignatureRef[]> {
        const accept = { accept: INDEX_MEDIA_TYPE };
        const api = await this.request(
            repository,
            `referrers/${digest}?artifactType=${encodeURIComponent(NOTARY_SIGNATURE)}`,
            { method: "GET", headers: accept },
        );
        let candidates: SignatureRef[];
        if (api.ok) {
            candidates = signaturesIn(await api.json(), "referrers-api");
        } else if (api.status !== 404 && api.status !== 405 && api.status !== 400) {
            throw new RegistryError(`${repository}@${digest}: the referrers API answered ${api.status}`);
        } else {
            const tagged = await this.request(repository, `manifests/${digest.replace(":", "-")}`, {
                method: "GET",
                headers: accept,
            });
            if (tagged.status === 404) {
                return [];
            }
            if (!tagged.ok) {
                throw new RegistryError(`${repository}@${digest}: the referrers tag answered ${tagged.status}`);
            }
            candidates = signaturesIn(await tagged.json(), "referrers-tag");
        }
        const confirmed: SignatureRef[] = [];
        for (const candidate of candidates) {
            const manifest = (await this.manifest(repository, candidate.digest)) as {
                subject?: { digest?: string };
                artifactType?: string;
                config?: { mediaType?: string };
            };
            const type = manifest.artifactType ?? manifest.config?.mediaType;
            if (manifest.subject?.digest === digest && type === NOTARY_SIGNATURE) {
                confirmed.push(candidate);
            }
        }
        return confirmed;
    }

    /**
     * The image config's `User` ("" when the image sets none, which runs as root), read the way a runtime reads it:
     * the manifest, for an index each `linux` platform's manifest, then each config blob, every one checked against
     * its digest. Platforms that disagree are an error naming each one's user, never a guess.
     */
    async imageUser(repository: string, digest: string): Promise<string> {
        const manifest = (await this.manifest(repository, digest)) as {
            manifests?: { digest?: string; platform?: { os?: string; architecture?: string; variant?: string } }[];
        };
        if (!Array.isArray(manifest.manifests)) {
            return this.configUser(repository, digest, manifest);
        }
        const platforms = manifest.manifests.filter((m) => m.platform?.os === "linux" && typeof m.digest === "string");
        if (platforms.length === 0) {
            throw new RegistryError(`${repository}@${digest}: the image index lists no linux platform`);
        }
        const users = new Map<string, string>();
        for (const platform of platforms) {
            const { architecture, variant } = platform.platform!;
            const name = ["linux", architecture, variant].filter(Boolean).join("/");
            users.set(
                name,
                await this.configUser(repository, platform.digest!, await this.manifest(repository, platform.digest!)),
            );
        }
        const distinct = new Set(users.values());
        if (distinct.size > 1) {
            const each = [...users].map(([name, user]) => `${name} ${JSON.stringify(user)}`).join(", ");
            throw new RegistryError(`${repository}@${digest}: its platforms run as different users (${each})`);
        }
        return [...distinct][0];
    }

    private async configUser(repository: string, digest: string, manifest: unknown): Promise<string> {
        const config = (manifest as { config?: { digest?: unknown; mediaType?: unknown } }).config;
        if (typeof config?.digest !== "string" || !CONFIG_MEDIA_TYPES.includes(String(config.mediaType))) {
            throw new RegistryError(
                `${repository}@${digest}: the manifest has no image config (config.mediaType ${JSON.stringify(config?.mediaType)})`,
            );
        }
        const response = await this.request(repository, `blobs/${config.digest}`, { method: "GET" });
        if (!response.ok) {
            throw new RegistryError(
                `${repository}@${config.digest}: the registry answered ${response.status} to the config blob GET`,
            );
        }
        const bytes = Buffer.from(await response.arrayBuffer());
        if (sha256(bytes) !== config.digest) {
            throw new RegistryError(
                `${repository}@${config.digest}: the config blob served hashes to ${sha256(bytes)}`,
            );
        }
        const user = (JSON.parse(bytes.toString("utf8")) as { config?: { User?: unknown } }).config?.User;
        if (user !== undefined && typeof user !== "string") {
            throw new RegistryError(`${repository}@${config.digest}: config.User is not a string`);
        }
        return user ?? "";
    }

    /** A manifest by digest, parsed, after checking that its bytes hash to that digest. */
    private async manifest(repository: string, digest: string): Promise<unknown> {
        const response = await this.request(repository, `manifests/${digest}`, {
            method: "GET",
            headers: { accept: MANIFEST_MEDIA_TYPES.join(", ") },
        });
        if (!response.ok) {
            throw new RegistryError(
                `${repository}@${digest}: the registry answered ${response.status} to the manifest GET`,
            );
        }
        const bytes = Buffer.from(await response.arrayBuffer());
        if (sha256(bytes) !== digest) {
            throw new RegistryError(`${repository}@${digest}: the manifest served hashes to ${sha256(bytes)}`);
        }
        return JSON.parse(bytes.toString("utf8"));
    }
}

function signaturesIn(index: unknown, via: SignatureRef["via"]): SignatureRef[] {
    const manifests = (index as { manifests?: unknown }).manifests;
    if (!Array.isArray(manifests)) {
        return [];
    }
    return manifests
        .filter(
            (m): m is { digest: string; artifactType: string } =>
                typeof m?.digest === "string" && m?.artifactType === NOTARY_SIGNATURE,
        )
        .map((m) => ({ digest: m.digest, artifactType: m.artifactType, via }));
}
