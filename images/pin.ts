/** Pins each chart image's configured tag to the digest the lock holds for it. */
import { AddonImage, CHART_IMAGES, imageKey } from "./catalog";
import { ImageLock, lockedDigest } from "./lock";

export interface PinnedImages {
    /** Tag per component: `<tag>@sha256:...` when locked, the bare tag when unpinned images are allowed. */
    tags: Record<string, string>;
    /** `repository:tag` of each image the lock does not pin. */
    unpinned: string[];
}

export class UnpinnedImagesError extends Error {}

/** How the program's warning about images installed by tag begins (a plan words it for its own reader). */
export const UNPINNED_WARNING = "agent.allowUnpinnedImages: installing by tag, not pinned by digest";

/** The lock as an error about an unpinned image names it (relative to the project). */
export const LOCK_FILE = "images/images.lock.json";

/** How an error about unpinned images ends: the other way out, installing `it` or `them` by tag. */
export function allowUnpinnedHint(what: "it" | "them"): string {
    return `or set container-insights:agent.allowUnpinnedImages to true to install ${what} by tag`;
}

/**
 * The tags to install. An image the lock does not pin stops the program (naming every such image), unless
 * `allowUnpinned`, which installs it by tag and reports it in `unpinned`.
 */
export function pinImages(
    tags: Record<string, string>,
    lock: ImageLock,
    allowUnpinned: boolean,
    lockFile = LOCK_FILE,
): PinnedImages {
    const pinned: Record<string, string> = {};
    const unpinned: string[] = [];
    for (const image of CHART_IMAGES) {
        const tag = tags[image.component] ?? image.tag;
        const digest = lockedDigest(lock, image.repository, tag);
        if (digest) {
            pinned[image.component] = `${tag}@${digest}`;
        } else {
            pinned[image.component] = tag;
            unpinned.push(imageKey(image.repository, tag));
        }
    }
    if (unpinned.length > 0 && !allowUnpinned) {
        throw new UnpinnedImagesError(
            `the agent chart's images are not pinned by digest in ${lockFile}: ${unpinned.join(", ")}. ` +
                "Run npm run images:lock (it resolves each tag's digest and signatures at the registry) and commit the lock, " +
                allowUnpinnedHint("them"),
        );
    }
    return { tags: pinned, unpinned };
}

/**
 * An add-on image's full reference, `<repository>:<tag>@<digest>` from the lock; by tag only when the lock does not pin
 * it and unpinned images are allowed (reported in `unpinned`), else the program stops naming it.
 */
export function pinAddonImage(
    image: Pick<AddonImage, "addon" | "repository" | "tag">,
    lock: ImageLock,
    allowUnpinned: boolean,
    lockFile = LOCK_FILE,
): { reference: string; unpinned?: string } {
    const key = imageKey(image.repository, image.tag);
    const digest = lockedDigest(lock, image.repository, image.tag);
    if (digest) {
        return { reference: `${key}@${digest}` };
    }
    if (!allowUnpinned) {
        throw new UnpinnedImagesError(
            `the ${image.addon} add-on's image is not pinned by digest in ${lockFile}: ${key}. Run npm run images:lock and commit the lock, ` +
                allowUnpinnedHint("it"),
        );
    }
    return { reference: key, unpinned: key };
}
