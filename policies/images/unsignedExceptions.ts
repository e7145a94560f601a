/**
 * Named exceptions to ecr-image-signed: repositories whose images may run without signature evidence, each with the
 * reason. An entry is one repository, registry included, matched exactly (no wildcard, no prefix: another repository
 * of the same registry or namespace, or the same path in another registry account, is not covered). Nothing is waived
 * silently: ecr-image-signed records each waiver and the advisory policy ecr-image-signature-waived reports it.
 */
import { PolicyConfigSchema } from "@pulumi/policy";
import { ImageReference, parseImageReference } from "./reference";

export interface UnsignedImageException {
    /** `<registry>/<path>`, no tag, digest or wildcard: e.g. 602401143452.dkr.ecr.us-east-1.amazonaws.com/cni-metrics-helper. */
    repository: string;
    /** Why images of this repository are allowed unsigned (who publishes them, and what stands for provenance). */
    reason: string;
}

const HOST = "[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+(?::[0-9]+)?";
const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";

export const UNSIGNED_EXCEPTIONS_SCHEMA: PolicyConfigSchema["properties"][string] = {
    type: "array",
    items: {
        type: "object",
        required: ["repository", "reason"],
        additionalProperties: false,
        properties: {
            repository: { type: "string", pattern: `^${HOST}(?:/${COMPONENT})+$` },
            reason: { type: "string", minLength: 20 },
        },
    },
};

/** The exception naming exactly this image's repository (hosts compared as the registry rule compares them), if any. */
export function exceptionFor(
    reference: ImageReference,
    exceptions: readonly UnsignedImageException[],
): UnsignedImageException | undefined {
    return exceptions.find((e) => parseImageReference(e.repository)?.repository === reference.repository);
}

/** Waivers ecr-image-signed granted, per resource URN, until ecr-image-signature-waived reports them. */
const granted = new Map<string, string[]>();

export function recordWaivers(urn: string, waivers: string[]): void {
    if (waivers.length > 0) {
        granted.set(urn, waivers);
    } else {
        granted.delete(urn);
    }
}

/** The waivers granted to the resource, once: the engine runs the pack's policies on a resource in the pack's order. */
export function takeWaivers(urn: string): string[] {
    const waivers = granted.get(urn) ?? [];
    granted.delete(urn);
    return waivers;
}
