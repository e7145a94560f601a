/**
 * Check: the inputs a resource will be created or updated with, or why not. As the bridge does it: an unset
 * autonameable `name` gets `<resource name>-<7 random hex>` (the old one again on later checks), schema defaults fill
 * unset inputs and both are listed under `__defaults`; then required inputs and value rules (rules.ts) are checked,
 * skipping values not known yet. Failures name the property. Pure apart from the random suffix.
 */
import { randomBytes } from "node:crypto";
import { CheckFailure, CheckResult } from "@pulumi/pulumi/provider";
import { containsUnknown, isUnknown, plain, Props } from "../values";
import { Rule } from "./rules";

/** Where the bridge records which inputs it filled in itself. */
export const DEFAULTS_KEY = "__defaults";

export interface CheckSpec {
    /** Inputs the resource cannot be created without (after autonaming). */
    required?: string[];
    /** The bridge's AutoName on `name`, with the longest name the service takes. */
    autoName?: { property: string; maxLength: number; conflictsWith?: string };
    /** Schema defaults the bridge writes into the inputs. */
    defaults?: Props;
    /** Value rules by property path (`environment.variables` reaches into an object). */
    rules?: Record<string, Rule>;
}

function at(props: Props, path: string): unknown {
    return path.split(".").reduce<unknown>((value, key) => (plain(value) as Props | undefined)?.[key], props);
}

function autoName(urn: string, maxLength: number): string {
    const name = urn.split("::").pop()!;
    const candidate = `${name}-${randomBytes(4).toString("hex").slice(0, 7)}`;
    if (candidate.length > maxLength) {
        throw new Error(`the name ${name} plus 8 random characters is longer than ${maxLength}: set the name`);
    }
    return candidate;
}

export function checkInputs(urn: string, spec: CheckSpec, olds: Props, news: Props): CheckResult {
    const inputs: Props = { ...news };
    const filled: string[] = [];
    const auto = spec.autoName;
    if (
        auto &&
        inputs[auto.property] === undefined &&
        (!auto.conflictsWith || inputs[auto.conflictsWith] === undefined)
    ) {
        const previous = olds[auto.property];
        inputs[auto.property] = previous !== undefined ? previous : autoName(urn, auto.maxLength);
        filled.push(auto.property);
    }
    for (const [key, value] of Object.entries(spec.defaults ?? {})) {
        if (inputs[key] === undefined) {
            inputs[key] = value;
            filled.push(key);
        }
    }
    inputs[DEFAULTS_KEY] = filled.sort();

    const failures: CheckFailure[] = [];
    for (const key of spec.required ?? []) {
        if (inputs[key] === undefined || inputs[key] === null) {
            failures.push({ property: key, reason: `Missing required property '${key}'` });
        }
    }
    for (const [path, rule] of Object.entries(spec.rules ?? {})) {
        const value = at(inputs, path);
        if (value === undefined || value === null || isUnknown(value) || containsUnknown(value)) {
            continue;
        }
        const reason = rule(plain(value));
        if (reason) {
            failures.push({ property: path, reason: `${path} ${reason}` });
        }
    }
    return { inputs, failures };
}
