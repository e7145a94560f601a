/** The program's first stage: every image pinned by its locked digest, before anything is registered. */
import * as pulumi from "@pulumi/pulumi";
import { Settings } from "../config";
import { errorMessage } from "../common/errors";
import { ChartHardening, chartHardening, notForced } from "../components/cluster/hardening";
import { CHART_IMAGES } from "../images/catalog";
import { ADDON_IMAGES } from "../images/lockedImages";
import { ImageLock, lockedUser, readImageLock } from "../images/lock";
import { UNPINNED_WARNING, pinAddonImage, pinImages } from "../images/pin";

export interface PinnedImages {
    /** Absent when the agent is not installed (nothing to pin). */
    imageLock?: ImageLock;
    /** Tag per chart image. */
    imageTags: Record<string, string>;
    hardening?: ChartHardening;
    /** The enabled add-ons' image references, by component. */
    addonImages: Record<string, string>;
}

/** An unpinned image stops the whole deploy here, not just the in-cluster half. */
export function pinnedImages(settings: Settings, lock?: ImageLock): PinnedImages {
    const imageLock = settings.agent.install ? (lock ?? readImageLock()) : undefined;
    if (!imageLock) {
        return { imageTags: {}, addonImages: {} };
    }
    return {
        imageLock,
        imageTags: pinnedImageTags(settings, imageLock),
        hardening: agentHardening(settings, imageLock),
        addonImages: pinnedAddonImages(settings, imageLock),
    };
}

/** Every chart image's tag pinned by its locked digest; stops the program naming the unpinned ones unless allowed. */
function pinnedImageTags(settings: Settings, lock: ImageLock): Record<string, string> {
    let pinned;
    try {
        pinned = pinImages(settings.images, lock, settings.agent.allowUnpinnedImages);
    } catch (error) {
        throw new pulumi.RunError(errorMessage(error));
    }
    if (pinned.unpinned.length > 0) {
        pulumi.log.warn(`${UNPINNED_WARNING}: ${pinned.unpinned.join(", ")}`);
    }
    return pinned.tags;
}

/**
 * How the chart's workloads are hardened: each image's user from the lock's recorded image config, else the vendor's
 * documentation; every image that is not run as a non-root user is named, with the reason.
 */
function agentHardening(settings: Settings, lock: ImageLock): ChartHardening {
    const plan = chartHardening((component) => {
        const image = CHART_IMAGES.find((i) => i.component === component)!;
        return lockedUser(lock, image.repository, settings.images[component] ?? image.tag);
    });
    for (const { message, expected } of notForced(plan)) {
        (expected ? pulumi.log.info : pulumi.log.warn)(`agent hardening: ${message}`);
    }
    return plan;
}

/** The enabled add-ons' images, each pinned by its locked digest (by component); stops the program like the chart's. */
function pinnedAddonImages(settings: Settings, lock: ImageLock): Record<string, string> {
    const references: Record<string, string> = {};
    for (const image of ADDON_IMAGES.filter((i) => settings.addons[i.addon as keyof Settings["addons"]].enabled)) {
        let pinned;
        try {
            pinned = pinAddonImage(image, lock, settings.agent.allowUnpinnedImages);
        } catch (error) {
            throw new pulumi.RunError(errorMessage(error));
        }
        if (pinned.unpinned) {
            pulumi.log.warn(`${UNPINNED_WARNING}: ${pinned.unpinned}`);
        }
        references[image.component] = pinned.reference;
    }
    return references;
}
