/** Container images come from allowed ECR registries, are pinned by digest, and carry signature evidence. */
import { Finding, resourcePolicy, Subject, violation } from "../lib/policy";
import { containerImages } from "./containerImages";
import { ImageReference, isSha256Digest, isUnderPrefix, parseImageReference, privateEcrRegistry } from "./reference";
import { DEFAULT_REGISTRIES, RegistrySettings, resolveRegistries } from "./registries";
import { EVIDENCE_KINDS, SignatureSettings, signatureProblem } from "./signatures";
import { UNSIGNED_EXCEPTIONS_SCHEMA, exceptionFor, recordWaivers, takeWaivers } from "./unsignedExceptions";

/** Each image with its parsed reference (undefined when invalid: the registry policy reports those). */
function references(subject: Subject): {
    images: { where: string; image: string; reference?: ImageReference }[];
    unknown: Finding[];
} {
    const { images, unknown } = containerImages(subject);
    return { images: images.map((i) => ({ ...i, reference: parseImageReference(i.image) })), unknown };
}

async function checkRegistry(subject: Subject, settings: RegistrySettings): Promise<Finding[]> {
    const { images, unknown } = references(subject);
    if (images.length === 0) {
        return unknown;
    }
    let { prefixes, unresolved } = await resolveRegistries(settings);
    const allowed = (reference: ImageReference) => prefixes.some((prefix) => isUnderPrefix(reference, prefix));
    const needsAccount = images.some(
        ({ reference }) => reference && privateEcrRegistry(reference) && !allowed(reference),
    );
    if (needsAccount && unresolved.length > 0) {
        ({ prefixes, unresolved } = await resolveRegistries(settings, true));
    }
    const hint =
        unresolved.length > 0 ? ` (${unresolved.join(", ")} is inactive: set accountId in this policy's config)` : "";
    const findings = [...unknown];
    for (const { where, image, reference } of images) {
        if (!reference) {
            findings.push(violation(`${where}: "${image}" is not a valid image reference`));
        } else if (!allowed(reference)) {
            findings.push(
                violation(
                    `${where}: ${image} (${reference.repository}) is not under an allowed registry prefix: ${prefixes.join(", ")}${hint}`,
                ),
            );
        }
    }
    return findings;
}

function checkDigest(subject: Subject): Finding[] {
    const { images, unknown } = references(subject);
    return images
        .filter(({ reference }) => reference && !isSha256Digest(reference.digest))
        .map(({ where, image, reference }) =>
            violation(
                reference!.digest
                    ? `${where}: ${image} has digest ${reference!.digest}; pin it by sha256 (@sha256: and 64 hex characters)`
                    : `${where}: ${image} is not pinned by digest; use <repository>@sha256:<64 hex characters>`,
            ),
        )
        .concat(unknown);
}

async function checkSigned(subject: Subject, settings: SignatureSettings): Promise<Finding[]> {
    recordWaivers(subject.urn, []);
    const { images, unknown } = references(subject);
    const findings = [...unknown];
    const waivers: string[] = [];
    for (const { where, image, reference } of images) {
        const problem = reference ? await signatureProblem(reference, settings) : undefined;
        const exception =
            problem && reference ? exceptionFor(reference, settings.unsignedImageExceptions ?? []) : undefined;
        if (exception) {
            waivers.push(
                `${where}: ${image} ${problem}; allowed unsigned by ecr-image-signed's unsignedImageExceptions entry ${exception.repository}: ${exception.reason}`,
            );
        } else if (problem) {
            findings.push(violation(`${where}: ${image} ${problem}`));
        }
    }
    recordWaivers(subject.urn, waivers);
    return findings;
}

export const ecrImageAllowedRegistry = resourcePolicy<RegistrySettings>({
    name: "ecr-image-allowed-registry",
    description:
        "Container images come from an allowed registry prefix: nOps' public ECR or this account's private ECR.",
    severity: "high",
    remediationSteps:
        "Pull the image from public.ecr.aws/nops/ or mirror it into this account's private ECR; to trust another registry, " +
        "add its prefix (ending in /) to allowedRegistries in this policy's config.",
    configSchema: {
        properties: {
            allowedRegistries: {
                type: "array",
                minItems: 1,
                items: { type: "string", pattern: "^[^\\s/]+(/[^\\s/]+)*/?$" },
                default: DEFAULT_REGISTRIES,
            },
            accountId: { type: "string", pattern: "^\\d{12}$" },
            region: { type: "string", pattern: "^[a-z]{2}(-[a-z]+)+-\\d$" },
        },
    },
    defaults: { allowedRegistries: DEFAULT_REGISTRIES },
    check: checkRegistry,
});

export const ecrImageDigestPinned = resourcePolicy<object>({
    name: "ecr-image-digest-pinned",
    description: "Container images are pinned by a full sha256 digest, so what runs is what was signed.",
    severity: "medium",
    remediationSteps:
        "Reference images as <repository>@sha256:<64 hex characters> (a tag may stay in front of the digest). To allow " +
        "tags, set this policy's enforcementLevel to advisory.",
    check: checkDigest,
});

export const ecrImageSigned = resourcePolicy<SignatureSettings>({
    name: "ecr-image-signed",
    description:
        "Container images carry signature evidence: a signed-digest list from the release pipeline, or ECR's signing status.",
    severity: "high",
    remediationSteps:
        "With signatureEvidence digest-list, add the image digest to the release pipeline's signed-digests file " +
        "(signedDigestsFile) or to signedDigests; with ecr-signing-status, sign the image through ECR managed signing " +
        "with a profile listed in trustedSigningProfileArns.",
    configSchema: {
        properties: {
            signatureEvidence: { enum: [...EVIDENCE_KINDS], default: "digest-list" },
            signedDigestsFile: { type: "string", minLength: 1 },
            signedDigests: { type: "array", items: { type: "string", pattern: "^([^@\\s]+@)?sha256:[0-9a-f]{64}$" } },
            trustedSigningProfileArns: {
                type: "array",
                items: {
                    type: "string",
                    pattern: "^arn:aws[a-z-]*:signer:[a-z0-9-]+:\\d{12}:/signing-profiles/[A-Za-z0-9_]+$",
                },
            },
            unsignedImageExceptions: UNSIGNED_EXCEPTIONS_SCHEMA,
        },
    },
    defaults: { signatureEvidence: "digest-list" },
    check: checkSigned,
});

/**
 * Says, at advisory level, every image ecr-image-signed let through unsigned under one of its unsignedImageExceptions,
 * with the exception's reason. It reads what ecr-image-signed recorded for the same resource, so it must come after it
 * in the pack (policies/policies.ts); with ecr-image-signed disabled nothing is waived and it says nothing.
 */
export const ecrImageSignatureWaived = resourcePolicy<object>({
    name: "ecr-image-signature-waived",
    description:
        "Reports each image that runs without signature evidence under a named unsignedImageExceptions entry of ecr-image-signed, with its reason.",
    severity: "low",
    enforcementLevel: "advisory",
    remediationSteps:
        "Nothing to fix while the exception's reason holds; once the publisher signs the image, list its digest and drop " +
        "its entry in ecr-image-signed's unsignedImageExceptions.",
    check: (subject) => takeWaivers(subject.urn).map((message) => violation(message)),
});
