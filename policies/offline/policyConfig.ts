/**
 * The policy config file, in the format `pulumi preview --policy-pack-config` takes: `{"all": level, "<policy>": level
 * or {"enforcementLevel": level, ...settings}}`. Validated against each policy's configSchema, defaults filled in.
 */
import { EnforcementLevel, Policy } from "@pulumi/policy";
import Ajv, { ValidateFunction } from "ajv";
import { InputError } from "./types";
import { asRecord } from "../lib/objects";
import { schemaErrors } from "../lib/schemaErrors";
import { didYouMean } from "../lib/suggest";

const LEVELS = ["advisory", "mandatory", "remediate", "disabled"];

export interface EffectiveConfig {
    level: EnforcementLevel;
    settings: Record<string, unknown>;
}

function asObject(value: unknown): Record<string, unknown> {
    return asRecord(value) ?? {};
}

function levelOf(value: unknown, where: string, source: string): EnforcementLevel | undefined {
    const level = typeof value === "string" ? value : asObject(value).enforcementLevel;
    if (level !== undefined && !LEVELS.includes(level as string)) {
        throw new InputError(
            source,
            `${where}: enforcementLevel ${JSON.stringify(level)} is not one of ${LEVELS.join(", ")}`,
        );
    }
    return level as EnforcementLevel | undefined;
}

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
/**
 * Each policy's compiled settings schema: compiling is most of the cost of reading a config. A pack's policies are
 * module constants, so this (and ajv's own cache of the compiled schemas) holds one entry per policy for good.
 */
const validators = new Map<Policy, ValidateFunction>();

function validatorOf(policy: Policy): ValidateFunction {
    let validate = validators.get(policy);
    if (validate === undefined) {
        validate = ajv.compile({
            type: "object",
            additionalProperties: false,
            properties: { enforcementLevel: { enum: LEVELS }, ...(policy.configSchema?.properties ?? {}) },
            required: policy.configSchema?.required ?? [],
        });
        validators.set(policy, validate);
    }
    return validate;
}

/** Every policy's level and settings; throws InputError naming the policy, the key and what is allowed. */
export function effectiveConfig(
    raw: unknown,
    policies: Policy[],
    source = "policy config",
): Map<string, EffectiveConfig> {
    if (raw !== undefined && (typeof raw !== "object" || raw === null || Array.isArray(raw))) {
        throw new InputError(source, "expected a JSON object keyed by policy name");
    }
    const file = asObject(raw);
    const known = new Set(policies.map((p) => p.name));
    const unknown = Object.keys(file).filter((key) => key !== "all" && !known.has(key));
    if (unknown.length > 0) {
        throw new InputError(
            source,
            `unknown policy ${unknown.map((name) => `${name}${didYouMean(name, [...known])}`).join(", ")}; the pack's policies are ${[...known].join(", ")}`,
        );
    }
    const all = levelOf(file.all, "all", source);
    const result = new Map<string, EffectiveConfig>();
    for (const policy of policies) {
        const entry = file[policy.name];
        const settings = structuredClone(typeof entry === "object" && entry !== null ? asObject(entry) : {});
        const level = levelOf(entry, policy.name, source) ?? all ?? policy.enforcementLevel ?? "mandatory";
        const validate = validatorOf(policy);
        if (!validate(settings)) {
            throw new InputError(source, schemaErrors(validate.errors, policy.name, ".").join("; "));
        }
        delete settings.enforcementLevel;
        result.set(policy.name, { level, settings });
    }
    return result;
}
