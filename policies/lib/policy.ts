/**
 * How every policy here is written: a pure `check` that returns findings, wrapped into the @pulumi/policy object the
 * pack registers. The offline check runs those same objects.
 */
import Ajv from "ajv";
import {
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import { schemaErrors } from "./schemaErrors";
import { plainProps, reportUnknowns } from "./unknown";

/** A resource as a policy sees it: plain props, with the engine's unknown sentinels where values are unknown. */
export interface Subject {
    type: string;
    urn: string;
    name: string;
    props: Record<string, unknown>;
}

/** A correlated resource for stack policies. */
export interface StackSubject extends Subject {
    /** Resources each input property was computed from (how preview correlates a bucket with its settings). */
    propertyDependencies: Record<string, string[]>;
}

export interface Finding {
    message: string;
    /** Set when the value the finding is about is unknown during preview: reported as such, never as a violation. */
    unknown?: boolean;
    /** For stack policies: the resource the finding is about. */
    urn?: string;
}

export const violation = (message: string, urn?: string): Finding => ({ message, urn });
export const unknownValue = (what: string, urn?: string): Finding => ({
    message: `${what} is unknown during preview; it is checked again when the value is known`,
    unknown: true,
    urn,
});

interface PolicyMetadata<C> {
    name: string;
    description: string;
    severity: "low" | "medium" | "high" | "critical";
    remediationSteps: string;
    enforcementLevel?: EnforcementLevel;
    configSchema?: PolicyConfigSchema;
    /** Settings used where the policy config leaves a key unset. */
    defaults?: C;
}

export interface ResourcePolicyDefinition<C> extends PolicyMetadata<C> {
    check(subject: Subject, config: C): Finding[] | Promise<Finding[]>;
}

export interface StackPolicyDefinition<C> extends PolicyMetadata<C> {
    check(resources: StackSubject[], config: C): Finding[] | Promise<Finding[]>;
}

/**
 * The policy's settings: its config over its defaults, validated by ajv against its configSchema once per distinct
 * config (the engine hands every resource a fresh copy of the same config), never per resource.
 */
function settingsReader<C>(definition: PolicyMetadata<C>): (configured: object) => C {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const schema = definition.configSchema;
    const validate = schema
        ? ajv.compile({ type: "object", properties: schema.properties, required: schema.required ?? [] })
        : undefined;
    const checked = new Map<string, C>();
    return (configured) => {
        const key = JSON.stringify(configured);
        const known = checked.get(key);
        if (known) {
            return known;
        }
        const { enforcementLevel: _level, ...rest } = configured as Record<string, unknown>;
        const settings = { ...(definition.defaults ?? {}), ...rest };
        if (validate && !validate(settings)) {
            throw new Error(
                `${definition.name}: invalid config: ${schemaErrors(validate.errors, "config", "/").join(", ")}`,
            );
        }
        checked.set(key, settings as C);
        return settings as C;
    };
}

/** Reports the known findings, then hands the unknown ones to the engine, which shows them as advisory notes. */
function deliver(findings: Finding[], report: ReportViolation): void {
    const unknowns = findings.filter((f) => f.unknown);
    for (const finding of findings.filter((f) => !f.unknown)) {
        report(finding.message, finding.urn);
    }
    if (unknowns.length > 0) {
        reportUnknowns(unknowns.map((f) => (f.urn ? `${f.urn}: ${f.message}` : f.message)).join("; "));
    }
}

function metadata<C>(definition: PolicyMetadata<C>) {
    const { name, description, severity, remediationSteps, configSchema } = definition;
    return {
        name,
        description,
        severity,
        remediationSteps,
        enforcementLevel: definition.enforcementLevel ?? "mandatory",
        ...(configSchema ? { configSchema } : {}),
    } as const;
}

export function resourcePolicy<C>(definition: ResourcePolicyDefinition<C>): ResourceValidationPolicy {
    const settings = settingsReader(definition);
    return {
        ...metadata(definition),
        validateResource: async (args, report) => {
            const subject = { type: args.type, urn: args.urn, name: args.name, props: plainProps(args.props) };
            deliver(await definition.check(subject, settings(args.getConfig())), report);
        },
    };
}

function stackSubject(resource: PolicyResource): StackSubject {
    return {
        type: resource.type,
        urn: resource.urn,
        name: resource.name,
        props: plainProps(resource.props),
        propertyDependencies: Object.fromEntries(
            Object.entries(resource.propertyDependencies ?? {}).map(([key, deps]) => [key, deps.map((d) => d.urn)]),
        ),
    };
}

export function stackPolicy<C>(definition: StackPolicyDefinition<C>): StackValidationPolicy {
    const settings = settingsReader(definition);
    return {
        ...metadata(definition),
        validateStack: async (args, report) => {
            const resources = args.resources.map(stackSubject);
            deliver(await definition.check(resources, settings(args.getConfig())), report);
        },
    };
}
