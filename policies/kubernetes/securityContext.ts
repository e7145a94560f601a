/**
 * Pod Security Standards "restricted" checks for one container, given its pod's securityContext. Pure: the policy
 * decides what is waived.
 */
import { asArray, asRecord, isUnknown } from "../lib/unknown";

export const RULES = ["runAsNonRoot", "runAsUser", "privileged", "allowPrivilegeEscalation", "capabilities"] as const;
export type Rule = (typeof RULES)[number];

export interface RuleResult {
    rule: Rule;
    message: string;
    /** The setting the rule reads is unknown during preview. */
    unknown?: boolean;
}

const ALLOWED_CAPABILITIES = new Set(["NET_BIND_SERVICE"]);

type Context = Record<string, unknown> | "unknown";

function context(value: unknown): Context {
    return isUnknown(value) ? "unknown" : (asRecord(value) ?? {});
}

function field(ctx: Context, key: string): unknown {
    return ctx === "unknown" ? ctx : ctx[key];
}

const unknownResult = (rule: Rule, where: string): RuleResult => ({ rule, message: `${where} is unknown`, unknown: true });

function runAsNonRoot(pod: Context, own: Context): RuleResult[] {
    const containerValue = field(own, "runAsNonRoot");
    const podValue = field(pod, "runAsNonRoot");
    const effective = containerValue === undefined ? podValue : containerValue;
    if (effective === "unknown" || isUnknown(effective)) {
        return [unknownResult("runAsNonRoot", "runAsNonRoot")];
    }
    if (effective === true) {
        return [];
    }
    const message =
        containerValue === false && podValue === true
            ? "sets securityContext.runAsNonRoot: false, overriding the pod's true"
            : "does not set runAsNonRoot: true (on the pod's or the container's securityContext)";
    return [{ rule: "runAsNonRoot", message }];
}

function runAsUser(pod: Context, own: Context): RuleResult[] {
    const results: RuleResult[] = [];
    for (const [where, value] of [["the pod's securityContext.runAsUser", field(pod, "runAsUser")], ["securityContext.runAsUser", field(own, "runAsUser")]] as const) {
        if (value === "unknown" || isUnknown(value)) {
            results.push(unknownResult("runAsUser", where));
        } else if (value === 0) {
            results.push({ rule: "runAsUser", message: `runs as root: ${where} is 0` });
        }
    }
    return results;
}

function privileged(own: Context): RuleResult[] {
    const value = field(own, "privileged");
    if (value === "unknown" || isUnknown(value)) {
        return [unknownResult("privileged", "securityContext.privileged")];
    }
    return value === true ? [{ rule: "privileged", message: "is privileged (securityContext.privileged: true)" }] : [];
}

function allowPrivilegeEscalation(own: Context): RuleResult[] {
    const value = field(own, "allowPrivilegeEscalation");
    if (value === "unknown" || isUnknown(value)) {
        return [unknownResult("allowPrivilegeEscalation", "securityContext.allowPrivilegeEscalation")];
    }
    return value === false
        ? []
        : [{ rule: "allowPrivilegeEscalation", message: "does not set securityContext.allowPrivilegeEscalation: false" }];
}

function capabilities(own: Context): RuleResult[] {
    const caps = field(own, "capabilities");
    const added = caps === "unknown" || isUnknown(caps) ? caps : asRecord(caps)?.add;
    if (added === "unknown" || isUnknown(added) || asArray(added).some(isUnknown)) {
        return [unknownResult("capabilities", "securityContext.capabilities.add")];
    }
    const extra = asArray(added)
        .map((c) => String(c).toUpperCase().replace(/^CAP_/, ""))
        .filter((c) => !ALLOWED_CAPABILITIES.has(c));
    return extra.length > 0 ? [{ rule: "capabilities", message: `adds capabilities ${extra.join(", ")} (only NET_BIND_SERVICE may be added)` }] : [];
}

/** Every rule the container breaks (or cannot be checked on yet). */
export function evaluateContainer(podSecurityContext: unknown, containerSecurityContext: unknown): RuleResult[] {
    const pod = context(podSecurityContext);
    const own = context(containerSecurityContext);
    return [...runAsNonRoot(pod, own), ...runAsUser(pod, own), ...privileged(own), ...allowPrivilegeEscalation(own), ...capabilities(own)];
}
