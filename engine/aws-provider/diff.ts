/**
 * Diff of a resource's old state against its checked new inputs, as terraform-provider-aws plans it through the
 * bridge: a changed or unknown input is a change; a change of a ForceNew input (forceNew.ts) replaces; a replaced
 * resource whose autonameable `name` the program set itself is deleted before its replacement is created (the
 * bridge's nameRequiresDeleteBeforeReplace: two resources cannot hold one fixed name). Pure.
 */
import { DiffResult } from "@pulumi/pulumi/provider";
import { REPLACEMENTS, replacingProperties } from "./forceNew";
import { DEFAULTS_KEY } from "./check/check";
import { containsUnknown, covers, Props, sameValue, str } from "./values";

export interface DiffSpec {
    /** Outputs the provider computes, and optional inputs it fills in when unset. */
    computed: string[];
    /** The type's autonamed property (the bridge's AutoName), when it has one. */
    autoName?: string;
}

export function diffResource(
    type: string,
    spec: DiffSpec,
    olds: Props,
    news: Props,
    defaultRegion: string,
): DiffResult & { changed: string[] } {
    // Optional inputs the provider fills in (a generated name, a target id, a function's log levels) are compared
    // only as far as the program sets them.
    const computed = new Set(spec.computed);
    const keys = new Set(
        [...Object.keys(news), ...Object.keys(olds)].filter((key) => key !== DEFAULTS_KEY && key !== "region"),
    );
    const changed = [...keys].filter((key) => {
        if (containsUnknown(news[key])) {
            return true;
        }
        if (computed.has(key)) {
            return news[key] !== undefined && !covers(olds[key], news[key]);
        }
        return !sameValue(olds[key], news[key]);
    });
    if (REPLACEMENTS[type]?.regional) {
        const region = containsUnknown(news.region) ? undefined : (str(news, "region") ?? defaultRegion);
        if (region !== str(olds, "region")) {
            changed.push("region");
        }
    }
    const forceNew = new Set(replacingProperties(type, news));
    const replaces = changed.filter((key) => forceNew.has(key));
    const userNamed =
        spec.autoName !== undefined &&
        news[spec.autoName] !== undefined &&
        !((news[DEFAULTS_KEY] ?? []) as string[]).includes(spec.autoName);
    const unchanging = [...new Set([...spec.computed, ...forceNew])].filter((key) => !changed.includes(key));
    return {
        changes: changed.length > 0,
        replaces,
        stables: replaces.length > 0 ? [] : unchanging,
        deleteBeforeReplace: replaces.length > 0 && userNamed,
        // Not sent to the engine (the Node provider server has no detailed diff); AWS_STANDIN_LOG records it.
        changed,
    };
}
