/** What a row of the key table says about one config key (config/keys/index.ts assembles the table). */
import type { AddonImage, RegionalAddonImage } from "../../images/addonImage";

/** The value types Pulumi.yaml can declare; `structured` keys accept a YAML list or map and are declared untyped. */
export type ConfigValueType = "string" | "boolean" | "integer" | "structured";

declare const SHAPE: unique symbol;
/** The TypeScript type of a structured key's value, which its schema describes at run time. */
export interface Shape<T> {
    readonly [SHAPE]?: T;
}
/** Declares a structured key's value type (`shape: shape<Record<string, string>>()`); nothing at run time. */
export function shape<T>(): Shape<T> {
    return {};
}

/** Another key's value that makes a key required (`externalId` while `autoUpdate` is true). */
export interface Requirement {
    /** The key it depends on (dotted for a field of an object-valued key). */
    key: string;
    /** Required while that key has this value... */
    is?: string | boolean;
    /** ...or while it has any value but this one. */
    isNot?: string | boolean;
    /** Why it is needed, quoted in the error. */
    because?: string;
    /** How to do without it, quoted in the error after "or". */
    otherwise?: string;
}

interface KeySpecFields {
    key: string;
    /** One line, for Pulumi.yaml's `description`. */
    description: string;
    /** The fuller explanation docs/configuration.md's table gives (Markdown, links relative to docs/); else `description`. */
    doc?: string;
    /** The default as Pulumi.yaml declares it; absent only for required keys (the Pulumi CLI then demands a value). */
    default?: string | boolean | number | Record<string, never>;
    required?: boolean;
    /** Required while another key has a value; the parsed config's type says so (config/values.ts). */
    requiredWhen?: Requirement;
    /**
     * Treated as a secret: wrapped as a Pulumi secret when read and never shown in errors. Pulumi.yaml marks it
     * `secret: true` only when the key is required, since the CLI then insists the stored value is encrypted.
     */
    secret?: boolean;
    /** JSON Schema for the value after it has been coerced from its config string. */
    schema: Record<string, unknown>;
    /** What an allowed value looks like, quoted in error messages. */
    allowed: string;
    /** Applied to a string value before it is validated (e.g. upper-casing). */
    normalize?: (value: string) => string;
    /** What a blank value means, from the other keys' values (identityMode from createIamUser). */
    blankMeans?: (values: Readonly<Record<string, unknown>>) => unknown;
}

/**
 * An add-on's part of the config (components/addons/<name>/config.ts): its rows of the key table, all under
 * `addons.<name>.`, its rules across keys, each problem worded as config/parse.ts words its own, its images, and the
 * types it adds to shared ones (components/addons/index.ts computes them, so the package's declarations keep them).
 */
export interface AddonConfig {
    name: string;
    keys: readonly ConfigKeySpec[];
    /** The images its manifests reference, locked with the chart's (images/lockedImages.ts ADDON_IMAGES). */
    images?: readonly AddonImage[];
    /** The images it pulls from a registry of each cluster's region, which images:lock locks per region. */
    regionalImages?: readonly RegionalAddonImage[];
    /** The fields it adds to a cluster's line of the `clusters` output (ClusterStatus): `shape<{ ... }>()`. */
    status?: Shape<object>;
    /** The program-time reads it takes among the program's options (AddonReads): `shape<{ ... }>()`. */
    reads?: Shape<object>;
    /** Problems of the add-on's values with the others' (every key's value by its dotted name). */
    problems?(values: Readonly<Record<string, unknown>>, context: { awsRegion?: string }): string[];
}

/** A key's row; a structured key declares its TypeScript type (`shape: shape<T>()`), since its schema alone cannot. */
export type ConfigKeySpec = KeySpecFields &
    (
        | { type: "structured"; shape: Shape<unknown> }
        | { type: Exclude<ConfigValueType, "structured">; shape?: undefined }
    );
