/**
 * The fleet's stacks are made from one template stack (`<env>`): its config, read back with secrets opened, becomes
 * each fleet stack's request (secrets as `secrets`, so each stack stores them encrypted by its own secrets provider),
 * and each stack's own keys go on top (its regions, its role in the fleet, the account stack it reads).
 */
import { CONFIG_KEYS, NAMESPACE } from "../../config";
import { ConfigValue, RunRequest, SECRET_CONFIG_KEYS } from "../request";
import { FleetStack } from "./stacks";

export interface TemplateValue {
    value: string;
    secret?: boolean;
}

const KNOWN = new Set(CONFIG_KEYS.map((spec) => spec.key));
const SECRET = new Set<string>(SECRET_CONFIG_KEYS);

/** An object-valued key's fields as the key table's dotted keys (`agent.chart`, `addons.cni.enabled`). */
function flatten(key: string, value: unknown, into: Record<string, ConfigValue>): void {
    if (KNOWN.has(key) || value === null || typeof value !== "object" || Array.isArray(value)) {
        // A map or list as JSON text: how `config set-all --path` stores it, so a stack's config read back after its
        // up gives the same request (and the same fingerprint) as before.
        into[key] = typeof value === "object" && value !== null ? JSON.stringify(value) : (value as ConfigValue);
        return;
    }
    for (const [field, inner] of Object.entries(value as Record<string, unknown>)) {
        flatten(`${key}.${field}`, inner, into);
    }
}

function parsed(value: string): unknown {
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

/**
 * The template's config as a request (without action, account and stack name). Keys of other namespaces than the
 * project's and `aws:region` are left out (an `aws:profile` would send a member account's stack to the template's
 * account) and named in `dropped`.
 */
export function templateRequest(
    environment: string,
    config: Record<string, TemplateValue>,
): { request: Omit<RunRequest, "action">; dropped: string[] } {
    const request: Omit<RunRequest, "action"> & { config: Record<string, ConfigValue> } = {
        environment,
        config: {},
        secrets: {},
    };
    const dropped: string[] = [];
    const prefix = `${NAMESPACE}:`;
    for (const [fullKey, { value, secret }] of Object.entries(config)) {
        if (fullKey === "aws:region") {
            request.awsRegion = value;
        } else if (!fullKey.startsWith(prefix)) {
            dropped.push(fullKey);
        } else {
            const key = fullKey.slice(prefix.length);
            if (key === "environment") {
                continue;
            }
            if (SECRET.has(key) || secret) {
                request.secrets![key as (typeof SECRET_CONFIG_KEYS)[number]] = value;
            } else {
                flatten(key, KNOWN.has(key) ? value : parsed(value), request.config);
            }
        }
    }
    return { request, dropped };
}

/** One fleet stack's request: the template's, its account, name and regions, and its place in the fleet. */
export function stackRequest(
    template: Omit<RunRequest, "action">,
    stack: FleetStack,
    action: RunRequest["action"],
): RunRequest {
    return {
        ...template,
        action,
        accountId: stack.accountId,
        stackName: stack.name,
        config: {
            ...template.config,
            includeRegions: stack.regions,
            "fleet.part": stack.role,
            ...(stack.accountStack ? { "fleet.accountStack": stack.accountStack } : {}),
            ...(stack.group ? { "fleet.groups": stack.group.groups, "fleet.group": stack.group.index } : {}),
        },
    };
}
