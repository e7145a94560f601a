/**
 * The images lock: for each chart image (repository + tag), the digest its tag pointed to when `npm run images:lock`
 * last resolved it, and the Notary signatures found for that digest. The program pins images from it; the stacks'
 * policy-pack configs read its `digests` list as ecr-image-signed's signature evidence (digest-list).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import { imageKey } from "./catalog";
import { SignatureRef } from "./registry";
import { errorMessage } from "../common/errors";
import { PACKAGE_ROOT } from "../common/packageRoot";

/** The committed lock, in the package's images/ (beside this module's source). */
export const IMAGES_LOCK_FILE = join(PACKAGE_ROOT, "images", "images.lock.json");

export interface LockedImage {
    repository: string;
    tag: string;
    /** The manifest digest the tag resolved to; null until `npm run images:lock` has resolved it. */
    digest: string | null;
    mediaType?: string;
    /** Notary signature manifests that refer to the digest (empty: none found). */
    signatures: SignatureRef[];
    /**
     * The image config's `User` as the registry serves it ("" when the image sets none: root), the same on every
     * platform; absent until `npm run images:lock` has read it. Never written by hand.
     */
    user?: string;
    resolvedAt?: string;
}

export interface ImageLock {
    comment?: string;
    images: LockedImage[];
    /**
     * `<repository>@<digest>` of every resolved image with at least one signature: the format ecr-image-signed's
     * signedDigestsFile reads (`{"digests": [...]}`).
     */
    digests: string[];
}

const SHA256 = "^sha256:[0-9a-f]{64}$";
const validate = new Ajv({ allErrors: true }).compile({
    type: "object",
    required: ["images", "digests"],
    properties: {
        comment: { type: "string" },
        images: {
            type: "array",
            items: {
                type: "object",
                required: ["repository", "tag", "digest", "signatures"],
                additionalProperties: false,
                properties: {
                    repository: { type: "string", minLength: 1 },
                    tag: { type: "string", minLength: 1 },
                    digest: { anyOf: [{ type: "null" }, { type: "string", pattern: SHA256 }] },
                    mediaType: { type: "string" },
                    signatures: {
                        type: "array",
                        items: {
                            type: "object",
                            required: ["digest", "artifactType", "via"],
                            properties: {
                                digest: { type: "string", pattern: SHA256 },
                                artifactType: { type: "string" },
                                via: { enum: ["referrers-api", "referrers-tag"] },
                            },
                        },
                    },
                    user: { type: "string" },
                    resolvedAt: { type: "string" },
                },
            },
        },
        digests: { type: "array", items: { type: "string", pattern: "^[^@\\s]+@sha256:[0-9a-f]{64}$" } },
    },
});

/** Parses and checks a lock's text; the error names the file and what is wrong. */
export function parseImageLock(text: string, source: string): ImageLock {
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (error) {
        throw new Error(`images lock ${source} is not valid JSON: ${errorMessage(error)}`);
    }
    if (!validate(parsed)) {
        const problems = (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
        throw new Error(`images lock ${source} is malformed: ${problems.join("; ")}`);
    }
    const lock = parsed as ImageLock;
    const expected = signedDigests(lock.images);
    if (JSON.stringify([...lock.digests].sort()) !== JSON.stringify(expected)) {
        throw new Error(
            `images lock ${source}: "digests" does not match the signed images it lists; regenerate it with npm run images:lock`,
        );
    }
    return lock;
}

export function readImageLock(path = IMAGES_LOCK_FILE): ImageLock {
    let text: string;
    try {
        text = readFileSync(path, "utf8");
    } catch (error) {
        throw new Error(`images lock ${path} cannot be read: ${errorMessage(error)}`);
    }
    return parseImageLock(text, path);
}

/** The signature evidence list: resolved images with at least one signature, sorted. */
export function signedDigests(images: readonly LockedImage[]): string[] {
    return images
        .filter((i) => i.digest !== null && i.signatures.length > 0)
        .map((i) => `${i.repository}@${i.digest}`)
        .sort();
}

/** A lock built from its images, sorted, with the evidence list derived from them. */
export function buildLock(images: LockedImage[], comment?: string): ImageLock {
    const sorted = [...images].sort((a, b) =>
        imageKey(a.repository, a.tag).localeCompare(imageKey(b.repository, b.tag)),
    );
    return { ...(comment ? { comment } : {}), images: sorted, digests: signedDigests(sorted) };
}

export const serializeLock = (lock: ImageLock) => `${JSON.stringify(lock, null, 2)}\n`;

/** The image config's user the lock recorded for an image, or undefined when it has none recorded. */
export function lockedUser(lock: ImageLock, repository: string, tag: string): string | undefined {
    return lock.images.find((i) => i.repository === repository && i.tag === tag)?.user;
}

/** The locked digest of an image, or undefined when it is not in the lock or not resolved. */
export function lockedDigest(lock: ImageLock, repository: string, tag: string): string | undefined {
    return lock.images.find((i) => i.repository === repository && i.tag === tag)?.digest ?? undefined;
}
