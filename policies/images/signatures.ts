/**
 * Signature evidence for an image, one of two ways: a list of signed digests produced by the release pipeline, or
 * ECR's managed-signing status for trusted AWS Signer profiles (DescribeImageSigningStatus).
 */
import { DescribeImageSigningStatusCommand, ECRClient, ImageSigningStatus } from "@aws-sdk/client-ecr";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { ImageReference, isSha256Digest, privateEcrRegistry } from "./reference";
import { UnsignedImageException } from "./unsignedExceptions";
import { errorMessage } from "../lib/objects";

export const EVIDENCE_KINDS = ["digest-list", "ecr-signing-status"] as const;

export interface SignatureSettings {
    signatureEvidence: (typeof EVIDENCE_KINDS)[number];
    /**
     * digest-list: a file of `sha256:<hex>` or `<repository>@sha256:<hex>` entries (JSON list, {"digests": [...]}, or one
     * per line); a relative path starts from policies/.
     */
    signedDigestsFile?: string;
    /** digest-list: entries as in the file, inline. */
    signedDigests?: string[];
    /** ecr-signing-status: signing profile ARNs whose COMPLETE status counts as signed. */
    trustedSigningProfileArns?: string[];
    /** Repositories allowed without signature evidence, each with its reason (policies/images/unsignedExceptions.ts). */
    unsignedImageExceptions?: UnsignedImageException[];
}

const digestFiles = new Map<string, string[]>();

function entriesOf(text: string, file: string): string[] {
    const trimmed = text.trim();
    if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
        const parsed = parseYaml(trimmed) as unknown;
        const list = Array.isArray(parsed) ? parsed : (parsed as { digests?: unknown }).digests;
        if (!Array.isArray(list) || !list.every((e) => typeof e === "string")) {
            throw new Error(`signed digests file ${file}: expected a list of strings or {"digests": [...]}`);
        }
        return list;
    }
    return trimmed
        .split(/\r?\n/)
        .map((line) => line.replace(/#.*/, "").trim())
        .filter(Boolean);
}

/** The pack's own directory: relative paths resolve from it, in preview and offline alike, whatever the working directory. */
const PACK_DIRECTORY = resolve(__dirname, "..");

/** The entries of a signed-digests file, read once per process. */
export function signedDigestsFrom(file: string): string[] {
    const path = resolve(PACK_DIRECTORY, file);
    let entries = digestFiles.get(path);
    if (!entries) {
        let text: string;
        try {
            text = readFileSync(path, "utf8");
        } catch (error) {
            throw new Error(`signed digests file ${path} cannot be read: ${errorMessage(error)}`);
        }
        entries = entriesOf(text, path);
        digestFiles.set(path, entries);
    }
    return entries;
}

function listed(reference: ImageReference, entries: string[]): boolean {
    return entries.some((entry) => {
        const at = entry.lastIndexOf("@");
        return at === -1
            ? entry === reference.digest
            : entry.slice(at + 1) === reference.digest && entry.slice(0, at) === reference.repository;
    });
}

const statusLookups = new Map<string, Promise<ImageSigningStatus[]>>();

/** ECR's signing statuses for a private ECR image, asked once per image per process. */
export function ecrSigningStatuses(reference: ImageReference): Promise<ImageSigningStatus[]> {
    const registry = privateEcrRegistry(reference)!;
    const key = `${reference.repository}@${reference.digest ?? reference.tag ?? "latest"}`;
    let lookup = statusLookups.get(key);
    if (!lookup) {
        const imageId = reference.digest ? { imageDigest: reference.digest } : { imageTag: reference.tag ?? "latest" };
        lookup = new ECRClient({ region: registry.region })
            .send(
                new DescribeImageSigningStatusCommand({
                    registryId: registry.accountId,
                    repositoryName: reference.path,
                    imageId,
                }),
            )
            .then((response) => response.signingStatuses ?? []);
        statusLookups.set(key, lookup);
    }
    return lookup;
}

/** Forgets cached files and lookups (tests). */
export function resetSignatureCaches(): void {
    digestFiles.clear();
    statusLookups.clear();
}

async function ecrProblem(reference: ImageReference, settings: SignatureSettings): Promise<string | undefined> {
    if (!privateEcrRegistry(reference)) {
        return "has no ECR signing status to check (only private ECR images do): use signatureEvidence digest-list for it";
    }
    const trusted = settings.trustedSigningProfileArns ?? [];
    if (trusted.length === 0) {
        return "cannot be checked: trustedSigningProfileArns is empty";
    }
    let statuses: ImageSigningStatus[];
    try {
        statuses = await ecrSigningStatuses(reference);
    } catch (error) {
        return `has no signature evidence: DescribeImageSigningStatus failed (${error instanceof Error ? error.name : "Error"}: ${errorMessage(error)})`;
    }
    if (statuses.some((s) => s.status === "COMPLETE" && trusted.includes(s.signingProfileArn ?? ""))) {
        return undefined;
    }
    const seen = statuses.map(
        (s) => `${s.signingProfileArn}: ${s.status}${s.failureReason ? ` (${s.failureReason})` : ""}`,
    );
    return `is not signed by a trusted signing profile (ECR reports ${seen.length > 0 ? seen.join("; ") : "no signing status"})`;
}

/** Why the image lacks signature evidence, or undefined when it has it. */
export async function signatureProblem(
    reference: ImageReference,
    settings: SignatureSettings,
): Promise<string | undefined> {
    if (settings.signatureEvidence === "ecr-signing-status") {
        return ecrProblem(reference, settings);
    }
    if (!isSha256Digest(reference.digest)) {
        return "is not pinned by a sha256 digest, so it cannot be matched against the signed-digest list";
    }
    if (settings.signedDigests === undefined && settings.signedDigestsFile === undefined) {
        return (
            `has digest ${reference.digest}, and no signed-digest list is configured: give the pack's ecr-image-signed ` +
            "policy signedDigestsFile (the release pipeline's list) or signedDigests, or signatureEvidence ecr-signing-status"
        );
    }
    const entries = [
        ...(settings.signedDigests ?? []),
        ...(settings.signedDigestsFile ? signedDigestsFrom(settings.signedDigestsFile) : []),
    ];
    return listed(reference, entries)
        ? undefined
        : `has digest ${reference.digest}, which is not in the signed-digest list`;
}
