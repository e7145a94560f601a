/**
 * Locks for tests only. Each digest is the sha256 of a stand-in manifest text naming the image, so it is a real
 * digest of fake content: nothing here claims to be what public.ecr.aws serves.
 */
import { createHash } from "node:crypto";
import { CHART_IMAGES } from "../../images/catalog";
import { ADDON_IMAGES } from "../../images/lockedImages";
import { ImageLock, LockedImage, buildLock } from "../../images/lock";
import { CNI_METRICS_TAG, cniMetricsRepositories } from "../../components/addons/cniMetrics/image";

export const fakeDigest = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

/** A locked, signed entry for the image. */
export function fakeLocked(repository: string, tag: string): LockedImage {
    return {
        repository,
        tag,
        digest: fakeDigest(`test manifest ${repository}:${tag}`),
        signatures: [
            {
                digest: fakeDigest(`test signature ${repository}:${tag}`),
                artifactType: "application/vnd.cncf.notary.signature",
                via: "referrers-api",
            },
        ],
    };
}

/** Every catalog image (the add-ons' too) at its default tag, the cni-metrics-helper of every region, plus `extra` (component → tag), locked and signed. */
export function testImageLock(extra: Record<string, string> = {}): ImageLock {
    const images = [
        ...[...CHART_IMAGES, ...ADDON_IMAGES].map((i) => fakeLocked(i.repository, i.tag)),
        ...cniMetricsRepositories().map((r) => fakeLocked(r, CNI_METRICS_TAG)),
    ];
    for (const [component, tag] of Object.entries(extra)) {
        images.push(fakeLocked(CHART_IMAGES.find((i) => i.component === component)!.repository, tag));
    }
    return buildLock(images);
}
