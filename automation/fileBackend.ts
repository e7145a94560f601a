/** The URL of a local file backend, the one form every command and the engine tier use. */

/**
 * A file backend's URL with `metadata=skip`: without it the bucket library (gocloud.dev fileblob) rewrites a sidecar
 * `.attrs` file in place (truncate, then write) on every checkpoint save and reads it on every load, so a load during a
 * save fails with "failed to load checkpoint: EOF". Every stack's update loads its own checkpoint while saving it (the
 * StackReference to itself, components/cluster/previous.ts). The checkpoint itself is replaced atomically (rename).
 */
export function fileBackendUrl(directory: string): string {
    return `file://${directory}?metadata=skip`;
}

/** The directory of a `file://` backend URL (its query, such as `metadata=skip`, left out). */
export function fileBackendDirectory(url: string): string {
    return url.slice("file://".length).replace(/\?.*$/s, "");
}
