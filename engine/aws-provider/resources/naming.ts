/** Identifiers as terraform-provider-aws makes them (its helper/id and create.Name), and tag shapes of the APIs. */
import { stringMap } from "../values";

let counter = 0;

/**
 * terraform-plugin-sdk's id.PrefixedUniqueId: the prefix, a UTC timestamp to 1/10000 s and an 8-hex-digit counter
 * (26 characters after the prefix). `id.UniqueId()` is this with the prefix "terraform-".
 */
export function prefixedUniqueId(prefix = "terraform-"): string {
    const now = new Date();
    const pad = (n: number, width = 2) => String(n).padStart(width, "0");
    const timestamp =
        `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}` +
        `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}` +
        `${pad(now.getUTCMilliseconds(), 3)}0`;
    counter += 1;
    return `${prefix}${timestamp}${counter.toString(16).padStart(8, "0")}`;
}

/** create.Name: the name as given, else the prefix plus a unique suffix, else a terraform- unique id. */
export function nameOrPrefixed(name: string | undefined, prefix: string | undefined): string {
    return name ?? (prefix !== undefined ? prefixedUniqueId(prefix) : prefixedUniqueId());
}

/** create.NamePrefixFromName: the prefix of a name made by nameOrPrefixed, "" otherwise. */
export function namePrefixFromName(name: string): string {
    const match = /^(.*)\d{18}[0-9a-f]{8}$/.exec(name);
    return match ? match[1] : "";
}

/** `[{Key, Value}]` as IAM, S3, STS and Secrets Manager take tags. */
export function tagList(tags: unknown): Array<{ Key: string; Value: string }> {
    return Object.entries(stringMap(tags)).map(([Key, Value]) => ({ Key, Value }));
}

export function tagMap(list: Array<{ Key?: string; Value?: string }> | undefined): Record<string, string> {
    return Object.fromEntries((list ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
}

/** RFC 3339 without fractional seconds, as the provider formats dates. */
export function rfc3339(date: Date | undefined): string {
    return (date ?? new Date()).toISOString().replace(/\.\d{3}Z$/, "Z");
}
