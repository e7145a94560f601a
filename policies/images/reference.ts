/** Container image references, parsed as the distribution reference grammar defines them. */

const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const DOMAIN =
    "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?";
const REFERENCE = new RegExp(
    `^(?:(${DOMAIN})/)?(${COMPONENT}(?:/${COMPONENT})*)(?::([\\w][\\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$`,
);
const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;

export interface ImageReference {
    /** Registry host, lower-cased; docker.io when the reference names none. */
    registry: string;
    /** Repository path inside the registry, e.g. nops/kubernetes-agent (library/nginx for a bare nginx). */
    path: string;
    /** registry/path: the repository without tag or digest. */
    repository: string;
    tag?: string;
    digest?: string;
}

/** The parsed reference, or undefined when the string is not a valid image reference. */
export function parseImageReference(image: string): ImageReference | undefined {
    const match = REFERENCE.exec(image);
    if (!match) {
        return undefined;
    }
    const [, domain, rest, tag, digest] = match;
    // A first component without a dot or port (other than localhost) is a Docker Hub path, as in `bitnami/redis`.
    const hasRegistry =
        domain !== undefined && (domain.includes(".") || domain.includes(":") || domain === "localhost");
    const registry = hasRegistry ? canonicalHost(domain) : "docker.io";
    let path = hasRegistry || domain === undefined ? rest : `${domain}/${rest}`;
    if (path !== path.toLowerCase()) {
        return undefined;
    }
    if (registry === "docker.io" && !path.includes("/")) {
        path = `library/${path}`;
    }
    return { registry, path, repository: `${registry}/${path}`, tag, digest };
}

/** Registry hosts compare without case and without an explicit default HTTPS port: host:443 is host. */
function canonicalHost(host: string): string {
    const bare = host.toLowerCase().replace(/:443$/, "");
    return bare === "index.docker.io" || bare === "registry-1.docker.io" ? "docker.io" : bare;
}

/** Whether the digest is a full sha256 digest (`sha256:` and 64 lower-case hex characters). */
export function isSha256Digest(digest: string | undefined): boolean {
    return digest !== undefined && SHA256_DIGEST.test(digest);
}

/** Registry prefixes always end in `/`, so `public.ecr.aws/nops` cannot admit `public.ecr.aws/nopsmalicious/x`. */
export function normalizePrefix(prefix: string): string {
    const trimmed = prefix.trim();
    const slash = trimmed.indexOf("/");
    const host = slash === -1 ? trimmed : trimmed.slice(0, slash);
    const rest = slash === -1 ? "" : trimmed.slice(slash);
    const joined = canonicalHost(host) + rest;
    return joined.endsWith("/") ? joined : `${joined}/`;
}

/** `*` in a prefix stands for one run of [a-z0-9-] (a region, say): it never spans a dot or a slash. */
export function isUnderPrefix(reference: ImageReference, prefix: string): boolean {
    const normalized = normalizePrefix(prefix);
    const pattern = normalized
        .split("*")
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join("[a-z0-9-]+");
    return new RegExp(`^${pattern}`).test(`${reference.repository}/`);
}

const PRIVATE_ECR = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

/** Account and region of a private ECR registry host, or undefined for any other registry. */
export function privateEcrRegistry(reference: ImageReference): { accountId: string; region: string } | undefined {
    const match = PRIVATE_ECR.exec(reference.registry);
    return match ? { accountId: match[1], region: match[2] } : undefined;
}
