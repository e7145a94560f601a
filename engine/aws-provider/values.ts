/**
 * Property values as the engine hands them to a provider (Struct → JavaScript): unknowns during preview are a sentinel
 * string, secrets and archives are objects tagged with Pulumi's signature key. Pure helpers, no I/O.
 */
import {
    specialArchiveSig,
    specialAssetSig,
    specialSecretSig,
    specialSigKey,
    unknownValue,
} from "@pulumi/pulumi/runtime/rpc";

export type Props = Record<string, unknown>;

/** An error already worded as terraform-provider-aws words it (the step reports it as it is). */
export class ProviderError extends Error {}

/** A value not known until the resources it depends on exist (preview). */
export function isUnknown(value: unknown): boolean {
    return value === unknownValue;
}

/** Whether the value, or anything inside it, is unknown. */
export function containsUnknown(value: unknown): boolean {
    if (isUnknown(value)) {
        return true;
    }
    if (Array.isArray(value)) {
        return value.some(containsUnknown);
    }
    if (isObject(value)) {
        return Object.values(value).some(containsUnknown);
    }
    return false;
}

export function isObject(value: unknown): value is Props {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isSecret(value: unknown): value is { value: unknown } {
    return isObject(value) && value[specialSigKey] === specialSecretSig;
}

/** Wraps a value as a secret output (the engine stores it encrypted). */
export function secret(value: unknown): Props {
    return { [specialSigKey]: specialSecretSig, value };
}

/** Drops every secret envelope: the value the cloud API sees. */
export function plain(value: unknown): unknown {
    if (isSecret(value)) {
        return plain(value.value);
    }
    if (Array.isArray(value)) {
        return value.map(plain);
    }
    if (isObject(value)) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
    }
    return value;
}

export function isArchive(value: unknown): value is Props {
    return isObject(value) && value[specialSigKey] === specialArchiveSig;
}

/** The files of an AssetArchive of text assets (what the program's Lambda code is), by path. */
export function archiveFiles(archive: Props): Record<string, string> {
    const assets = (archive.assets ?? {}) as Props;
    const files: Record<string, string> = {};
    for (const [path, asset] of Object.entries(assets)) {
        if (!isObject(asset) || asset[specialSigKey] !== specialAssetSig || typeof asset.text !== "string") {
            throw new Error(`archive entry ${path}: only text assets are supported by the stand-in provider`);
        }
        files[path] = asset.text;
    }
    return files;
}

/**
 * Equality as a diff sees it: secrets compared by their value, archives and assets by their hash (the engine may
 * elide their contents in old state), absent and null alike.
 */
export function sameValue(a: unknown, b: unknown): boolean {
    if (isSecret(a) || isSecret(b)) {
        return sameValue(isSecret(a) ? a.value : a, isSecret(b) ? b.value : b);
    }
    if (isArchive(a) && isArchive(b)) {
        return a.hash === b.hash;
    }
    if (a === undefined || a === null || b === undefined || b === null) {
        return (a ?? null) === (b ?? null);
    }
    if (Array.isArray(a) || Array.isArray(b)) {
        return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
    }
    if (isObject(a) && isObject(b)) {
        const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
        return [...keys].every((k) => sameValue(a[k], b[k]));
    }
    return a === b;
}

/**
 * Whether the old value already holds every field the new one sets: how an optional input the provider fills in
 * is compared (a Lambda function's loggingConfig gains log levels the program never sets).
 */
export function covers(old: unknown, news: unknown): boolean {
    if (isObject(old) && isObject(news) && !isSecret(news) && !isArchive(news)) {
        return Object.entries(news).every(([key, value]) => value === undefined || covers(old[key], value));
    }
    return sameValue(old, news);
}

/** A string input, unwrapped; undefined when absent or unknown. */
export function str(props: Props, key: string): string | undefined {
    const value = plain(props[key]);
    return typeof value === "string" && !isUnknown(value) ? value : undefined;
}

/** A string input that must be there (Check has already reported it missing otherwise). */
export function need(props: Props, key: string): string {
    const value = str(props, key);
    if (value === undefined) {
        throw new Error(`${key} is required`);
    }
    return value;
}

export function stringMap(value: unknown): Record<string, string> {
    const unwrapped = plain(value);
    return isObject(unwrapped) ? (unwrapped as Record<string, string>) : {};
}

export { unknownValue };
