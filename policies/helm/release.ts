/**
 * helm.v3.Release renders its manifests inside the provider, so CrossGuard never sees the Deployments it creates.
 * This advisory policy checks what the values show (images, securityContext settings) and says what it cannot see.
 */
import { Finding, resourcePolicy, Subject, violation } from "../lib/policy";
import { isUnknown } from "../lib/unknown";
import { asRecord } from "../lib/objects";
import { isUnderPrefix, parseImageReference } from "../images/reference";
import { DEFAULT_REGISTRIES, RegistrySettings, resolveRegistries } from "../images/registries";

const RELEASE_TYPE = "kubernetes:helm.sh/v3:Release";

interface Seen {
    images: { path: string; image: string }[];
    contexts: { path: string; context: Record<string, unknown> }[];
}

function imageOf(value: unknown): string | undefined {
    if (typeof value === "string") {
        return isUnknown(value) ? undefined : value;
    }
    const image = asRecord(value);
    if (!image || typeof image.repository !== "string") {
        return undefined;
    }
    const registry = typeof image.registry === "string" && image.registry ? `${image.registry}/` : "";
    const tag = typeof image.tag === "string" && image.tag ? `:${image.tag}` : "";
    const digest = typeof image.digest === "string" && image.digest ? `@${image.digest}` : "";
    return `${registry}${image.repository}${tag}${digest}`;
}

function walk(value: unknown, path: string, seen: Seen): void {
    const record = asRecord(value);
    if (!record) {
        return;
    }
    for (const [key, child] of Object.entries(record)) {
        const childPath = path ? `${path}.${key}` : key;
        if (key === "image") {
            const image = imageOf(child);
            if (image !== undefined) {
                seen.images.push({ path: childPath, image });
            }
        }
        if (/securitycontext$/i.test(key) && asRecord(child)) {
            seen.contexts.push({ path: childPath, context: asRecord(child)! });
        }
        walk(child, childPath, seen);
    }
}

async function checkRelease(subject: Subject, settings: RegistrySettings): Promise<Finding[]> {
    const seen: Seen = { images: [], contexts: [] };
    walk(subject.props.values, "values", seen);
    const { prefixes } = await resolveRegistries(settings);
    const findings: Finding[] = [
        violation(
            `Release ${subject.name}: its rendered manifests are not visible to policies; only its values were checked. ` +
                "Use kubernetes.helm.v4.Chart, or run the offline check on `helm template` output.",
        ),
    ];
    for (const { path, image } of seen.images) {
        const reference = parseImageReference(image);
        if (!reference || !prefixes.some((prefix) => isUnderPrefix(reference, prefix))) {
            findings.push(
                violation(`Release ${subject.name}: ${path} = ${image} is not under an allowed registry prefix`),
            );
        }
    }
    for (const { path, context } of seen.contexts) {
        if (context.runAsUser === 0) {
            findings.push(violation(`Release ${subject.name}: ${path}.runAsUser is 0 (root)`));
        }
        if (context.privileged === true) {
            findings.push(violation(`Release ${subject.name}: ${path}.privileged is true`));
        }
        if (context.runAsNonRoot === false) {
            findings.push(violation(`Release ${subject.name}: ${path}.runAsNonRoot is false`));
        }
    }
    return findings;
}

export const helmReleaseVisibleValues = resourcePolicy<RegistrySettings>({
    name: "helm-release-values",
    description:
        "helm.v3.Release objects are opaque to policies: their image and securityContext values are checked, and the " +
        "release is reported because its rendered manifests cannot be.",
    severity: "medium",
    enforcementLevel: "advisory",
    remediationSteps:
        "Prefer kubernetes.helm.v4.Chart, whose rendered objects every policy sees; otherwise check `helm template` " +
        "output with `npm run policy-check`.",
    configSchema: {
        properties: {
            allowedRegistries: { type: "array", minItems: 1, items: { type: "string" }, default: DEFAULT_REGISTRIES },
        },
    },
    defaults: { allowedRegistries: DEFAULT_REGISTRIES },
    check: (subject, settings) => (subject.type === RELEASE_TYPE ? checkRelease(subject, settings) : []),
});
