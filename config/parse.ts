import Ajv, { ErrorObject } from "ajv";
import { ConfigError } from "./errors";
import { coerce, stringifyScalars } from "./coerce";
import { ADDON_CONFIGS } from "./keys/addons";
import {
    AWS_REGION_PATTERN,
    CONFIG_GROUPS,
    CONFIG_KEYS,
    ConfigKeySpec,
    KEY_TABLE,
    Requirement,
    configSetCommand,
    fieldOf,
    fullKey,
    groupOf,
} from "./keys";
import { stackNameProblem } from "./stackName";
import { didYouMean } from "./suggest";
import { PLATFORM_ENDPOINTS } from "./environments";
import { resolveIdentityMode } from "./identityMode";
import { AddonGlobs, DerivedConfig } from "./core";
import { ValuesOf } from "./values";
import { isPlainObject } from "../common/objects";

export { resolveIdentityMode };

export { AddonGlobs, DerivedConfig };

/** Every key of the table (the registered add-ons' included) as parsed: config/values.ts computes it from the rows. */
export type ConfigValues = ValuesOf<(typeof KEY_TABLE)[number]>;

/**
 * Config after validation: every key of the table, plus what the program derives from them. Secret values are plain
 * strings here; `load.ts` wraps them as Pulumi secrets at once.
 */
export type ParsedConfig = ConfigValues & DerivedConfig;

export type AgentOptions = ConfigValues["agent"];
export type PrometheusOptions = ConfigValues["prometheus"];
export type AddonsOptions = ConfigValues["addons"];

/**
 * Config as the program receives it (namespace removed): every top-level key as a string, object-valued keys
 * (`agent`, `clusters`) as JSON text.
 */
export type RawConfig = Record<string, string | undefined>;

export interface ParseContext {
    /** The stack's `aws:region`, used when includeRegions is blank. */
    awsRegion?: string;
    /** The stack's name; checked when given, since physical names derive from it. */
    stackName?: string;
}

const ajv = new Ajv({ allErrors: true });
const validators = new Map(CONFIG_KEYS.map((spec) => [spec.key, ajv.compile(spec.schema)]));
const TOP_LEVEL_KEYS = CONFIG_KEYS.filter((spec) => groupOf(spec) === undefined);
/** The whole parsed object as the table implies it; ajv's guard gives the values their table types. */
const isConfigValues = new Ajv().compile<ConfigValues>(valuesSchema(CONFIG_KEYS));

/** The problems found so far, and which keys they are about (so a key is reported once). */
class Problems {
    readonly messages: string[] = [];
    private readonly keys = new Set<string>();

    add(message: string, key?: string): void {
        this.messages.push(message);
        if (key !== undefined) {
            this.keys.add(key);
        }
    }

    has(key: string): boolean {
        return this.keys.has(key);
    }
}

/** Validates the config the program receives. Throws one ConfigError naming every bad key. */
export function parseConfig(raw: RawConfig, context: ParseContext = {}): ParsedConfig {
    const problems = new Problems();
    const values: Record<string, unknown> = {};
    const groups = new Map(CONFIG_GROUPS.map((group) => [group, readGroup(group, raw[group], problems)]));
    for (const spec of CONFIG_KEYS) {
        const group = groupOf(spec);
        const given = group === undefined ? raw[spec.key] : fieldAt(groups.get(group) ?? {}, fieldOf(spec));
        const value = readKey(spec, given, problems);
        if (value !== undefined) {
            values[spec.key] = value;
        }
    }
    for (const spec of CONFIG_KEYS) {
        if (spec.blankMeans && values[spec.key] === undefined && !problems.has(spec.key)) {
            values[spec.key] = spec.blankMeans(values);
        }
    }
    for (const spec of CONFIG_KEYS) {
        const requirement = spec.requiredWhen;
        if (
            requirement &&
            values[spec.key] === undefined &&
            !problems.has(spec.key) &&
            !problems.has(requirement.key) &&
            holds(requirement, values)
        ) {
            problems.add(requirementProblem(spec, requirement), spec.key);
        }
    }
    for (const key of Object.keys(raw).filter((k) => raw[k] !== undefined && !isKnownTopLevel(k))) {
        problems.add(unknownKeyProblem(key), key);
    }
    identityProblems(values).forEach((problem) => problems.add(problem));
    fleetProblems(values).forEach((problem) => problems.add(problem));
    addonProblems(values, context).forEach((problem) => problems.add(problem));
    if (!context.awsRegion) {
        problems.add(
            "aws:region is required (the region of the stack's own resources): set it with pulumi config set aws:region <region>",
        );
    } else if (!new RegExp(AWS_REGION_PATTERN).test(context.awsRegion)) {
        problems.add(
            `aws:region: ${JSON.stringify(context.awsRegion)} is not allowed; allowed: AWS region names such as us-east-1`,
        );
    }
    const stackProblem = context.stackName === undefined ? undefined : stackNameProblem(context.stackName);
    if (stackProblem) {
        problems.add(stackProblem);
    }
    const stackRegion = context.awsRegion;
    if (problems.messages.length > 0 || !stackRegion) {
        throw new ConfigError(problems.messages);
    }
    const nested = nest(values);
    if (!isConfigValues(nested)) {
        // Every key was checked above; this is the table disagreeing with itself.
        throw new Error(
            `config parser: the values do not match the key table: ${ajv.errorsText(isConfigValues.errors)}`,
        );
    }
    return { ...nested, ...derived(nested, stackRegion) };
}

/**
 * The problems with these keys' values on their own (type, allowed values, pattern), worded as parseConfig words them.
 * What depends on other keys (requirements, identity and add-on rules) is left to parseConfig on the whole config.
 */
export function keyValueProblems(raw: RawConfig, keys: readonly string[]): string[] {
    const problems = new Problems();
    for (const key of keys) {
        const spec = CONFIG_KEYS.find((candidate) => candidate.key === key);
        if (spec === undefined) {
            continue;
        }
        const group = groupOf(spec);
        const given = group === undefined ? raw[key] : fieldAt(readGroup(group, raw[group], problems), fieldOf(spec));
        readKey(spec, given, problems);
    }
    return [...new Set(problems.messages)];
}

function holds(requirement: Requirement, values: Record<string, unknown>): boolean {
    const value = values[requirement.key];
    return "isNot" in requirement ? value !== requirement.isNot : value === requirement.is;
}

function requirementProblem(spec: ConfigKeySpec, requirement: Requirement): string {
    const condition =
        "isNot" in requirement
            ? `unless ${fullKey(requirement.key)} is ${String(requirement.isNot)}`
            : `while ${fullKey(requirement.key)} is ${String(requirement.is)}`;
    const because = requirement.because ? ` (${requirement.because})` : "";
    const otherwise = requirement.otherwise ? `, or ${requirement.otherwise}` : "";
    return `${fullKey(spec.key)} is required ${condition}${because}: set it with ${configSetCommand(spec)}${otherwise}`;
}

/** `createIamUser` predates `identityMode`: both may be set only when they agree. */
function identityProblems(values: Record<string, unknown>): string[] {
    const resolved = resolveIdentityMode(values);
    const problems: string[] = [];
    if (values.createIamUser === true && resolved !== "iamUser") {
        problems.push(
            `${fullKey("createIamUser")} is true but ${fullKey("identityMode")} is ${resolved}: they contradict each other; ` +
                `set identityMode to iamUser, or createIamUser to false (identityMode replaces it)`,
        );
    }
    if (values.installPodIdentityAgent === true && resolved !== "podIdentity" && resolved !== "auto") {
        problems.push(
            `${fullKey("installPodIdentityAgent")} is true but ${fullKey("identityMode")} is ${resolved}; ` +
                "the add-on is installed only with identityMode podIdentity or auto",
        );
    }
    return problems;
}

/** A cluster stack holds one of its groups, and only a cluster stack is split into groups. */
function fleetProblems(values: Record<string, unknown>): string[] {
    const groups = (values["fleet.groups"] as number | undefined) ?? 1;
    const group = (values["fleet.group"] as number | undefined) ?? 0;
    if (group >= groups) {
        return [
            `${fullKey("fleet.group")} is ${group} but ${fullKey("fleet.groups")} is ${groups}: the groups are 0 to ${groups - 1}`,
        ];
    }
    if (values["fleet.part"] !== "clusters" && (groups !== 1 || group !== 0 || values["fleet.accountStack"])) {
        return [
            `${fullKey("fleet.groups")}, ${fullKey("fleet.group")} and ${fullKey("fleet.accountStack")} apply to a cluster stack only (${fullKey("fleet.part")} clusters)`,
        ];
    }
    return [];
}

/** Each add-on's own rules, and that the add-ons live in the agent's per-cluster component. */
function addonProblems(values: Record<string, unknown>, context: ParseContext): string[] {
    const problems = ADDON_CONFIGS.flatMap((addon) => ("problems" in addon ? addon.problems(values, context) : []));
    for (const { name } of ADDON_CONFIGS) {
        if (values[`addons.${name}.enabled`] === true && values["agent.install"] === false) {
            problems.push(
                `${fullKey(`addons.${name}.enabled`)} is true but ${fullKey("agent.install")} is false: the add-ons are installed ` +
                    "in the clusters that get the agent; set agent.install to true, or the add-on's enabled to false",
            );
        }
    }
    return problems;
}

function isKnownTopLevel(key: string): boolean {
    return TOP_LEVEL_KEYS.some((s) => s.key === key) || CONFIG_GROUPS.includes(key);
}

function unknownKeyProblem(key: string): string {
    const spec = CONFIG_KEYS.find((s) => s.key === key);
    const group = spec && groupOf(spec);
    if (spec && group) {
        // `pulumi config set` without --path stores `agent.karpenops` as a key of its own, which no code reads.
        return (
            `${fullKey(key)} is set as a key of its own (pulumi config set without --path); it is a field of ${fullKey(group)}: ` +
            `run pulumi config rm ${fullKey(key)}, then ${configSetCommand(spec)}`
        );
    }
    const known = CONFIG_KEYS.map((s) => s.key);
    return `${fullKey(key)} is not a known key${didYouMean(key, [...known, ...CONFIG_GROUPS])}; known keys: ${known.join(", ")}`;
}

/** The fields of an object-valued key: its JSON object, or no fields (all defaults) when it is unset. */
function readGroup(group: string, raw: string | undefined, problems: Problems): Record<string, unknown> {
    const howToSet = `set its fields with ${configSetCommand({ key: `${group}.<field>` })}, or as a YAML map in the stack file`;
    if (raw === undefined || raw.trim() === "") {
        return {};
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(raw);
    } catch {
        parsed = undefined;
    }
    if (!isPlainObject(parsed)) {
        problems.add(`${fullKey(group)}: ${JSON.stringify(raw)} is not a map; ${howToSet}`, group);
        return {};
    }
    unknownFields(group, parsed, problems);
    return parsed;
}

/** Fields the table does not know, at any depth of an object-valued key (a structured field's own map is its value). */
function unknownFields(path: string, fields: Record<string, unknown>, problems: Problems): void {
    const specs = CONFIG_KEYS.filter((s) => s.key.startsWith(`${path}.`));
    const known = [...new Set(specs.map((s) => s.key.slice(path.length + 1).split(".")[0]))];
    for (const [field, value] of Object.entries(fields)) {
        const key = `${path}.${field}`;
        if (!known.includes(field)) {
            problems.add(
                `${fullKey(key)} is not a known key${didYouMean(field, known)}; known fields of ${fullKey(path)}: ${known.join(", ")}`,
                key,
            );
        } else if (!specs.some((s) => s.key === key)) {
            if (isPlainObject(value)) {
                unknownFields(key, value, problems);
            } else if (value !== null && value !== "") {
                const inner = [
                    ...new Set(
                        specs
                            .filter((s) => s.key.startsWith(`${key}.`))
                            .map((s) => s.key.slice(key.length + 1).split(".")[0]),
                    ),
                ];
                problems.add(
                    `${fullKey(key)}: ${JSON.stringify(value)} is not a map; it has the fields ${inner.join(", ")}: ` +
                        `set them with ${configSetCommand({ key: `${key}.<field>` })}`,
                    key,
                );
            }
        }
    }
}

/** The value at a dotted field path inside an object-valued key (`a.b` for `addons.a.b`). */
function fieldAt(fields: Record<string, unknown>, path: string): unknown {
    let node: unknown = fields;
    for (const part of path.split(".")) {
        node = isPlainObject(node) ? node[part] : undefined;
    }
    return node;
}

/**
 * One key's value: a string as the program receives top-level keys, or, for a field of an object-valued key, any
 * JSON value. `pulumi config set --path` stores `true`/`false` and integers as JSON booleans and numbers; they are
 * read back as the text the user typed. Unset, the key's default.
 */
function readKey(spec: ConfigKeySpec, given: unknown, problems: Problems): unknown {
    const name = fullKey(spec.key);
    const shown = (value: unknown) => (spec.secret ? "(secret value)" : JSON.stringify(value));
    if (given === undefined || given === null || (typeof given === "string" && given.trim() === "" && spec.required)) {
        if (spec.required) {
            problems.add(`${name} is required (${spec.allowed}): set it with ${configSetCommand(spec)}`, spec.key);
            return undefined;
        }
        return spec.default === undefined ? undefined : readKey(spec, structuredClone(spec.default), problems);
    }
    let value: unknown;
    if (typeof given === "object") {
        if (spec.type !== "structured") {
            problems.add(`${name}: ${shown(given)} is not a single value; allowed: ${spec.allowed}`, spec.key);
            return undefined;
        }
        value = stringifyScalars(spec.schema, given);
    } else {
        const coerced = coerce(spec, String(given));
        if (!coerced.ok) {
            problems.add(`${name}: ${shown(given)} ${coerced.problem}; allowed: ${spec.allowed}`, spec.key);
            return undefined;
        }
        value = coerced.value;
    }
    if (typeof value === "string" && spec.normalize) {
        value = spec.normalize(value);
    }
    if (value === "") {
        return undefined;
    }
    const validate = validators.get(spec.key);
    if (validate && !validate(value)) {
        for (const message of describeSchemaErrors(spec, value, validate.errors ?? [], shown)) {
            problems.add(message, spec.key);
        }
        return undefined;
    }
    return value;
}

/** One message per offending place in the value (ajv may report one place under several keywords). */
function describeSchemaErrors(
    spec: ConfigKeySpec,
    value: unknown,
    errors: ErrorObject[],
    shown: (value: unknown) => string,
): string[] {
    const messages = new Map<string, string>();
    // A bad property name yields a wrapper error plus the inner one, which carries the name itself.
    for (const error of errors.filter((e) => e.keyword !== "propertyNames")) {
        const place = `${error.instancePath}#${error.propertyName ?? ""}`;
        if (messages.has(place)) {
            continue;
        }
        const where = `${fullKey(spec.key)}${pathSuffix(error.instancePath)}`;
        const offending = error.propertyName ?? pointer(value, error.instancePath);
        // ajv reports a repeated item by the indexes of the two copies (params.i and params.j).
        const message =
            error.keyword === "uniqueItems" && Array.isArray(value)
                ? `${where}: ${shown(value[error.params.i])} is listed twice (items ${Math.min(error.params.i, error.params.j)} and ${Math.max(error.params.i, error.params.j)}); list each once`
                : `${where}: ${shown(offending)} is not allowed; allowed: ${spec.allowed}`;
        messages.set(place, message);
    }
    return [...messages.values()];
}

function pathSuffix(instancePath: string): string {
    return instancePath
        .split("/")
        .slice(1)
        .map((part) => (/^[0-9]+$/.test(part) ? `[${part}]` : `.${part}`))
        .join("");
}

function pointer(value: unknown, instancePath: string): unknown {
    return instancePath
        .split("/")
        .slice(1)
        .reduce<unknown>(
            (node, part) => (Array.isArray(node) ? node[Number(part)] : isPlainObject(node) ? node[part] : undefined),
            value,
        );
}

/** The values by dotted key as nested objects: `agent.install` at `agent: { install }`. */
function nest(values: Record<string, unknown>): Record<string, unknown> {
    const root: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) {
        const parts = key.split(".");
        let node = root;
        for (const part of parts.slice(0, -1)) {
            const child = node[part];
            node = isPlainObject(child) ? child : (node[part] = {});
        }
        node[parts[parts.length - 1]] = value;
    }
    for (const group of CONFIG_GROUPS) {
        root[group] ??= {};
    }
    return root;
}

/**
 * The JSON Schema of the nested values the table implies: each key where it sits, required unless its default is
 * blank, and each `requiredWhen` as if/then. config/values.ts computes the same rules as a TypeScript type.
 */
export function valuesSchema(specs: readonly ConfigKeySpec[]): Record<string, unknown> {
    const root = objectSchema();
    const allOf: unknown[] = [];
    for (const spec of specs) {
        const parts = spec.key.split(".");
        const parent = parts.slice(0, -1).reduce((node, part) => child(node, part), root);
        parent.properties[parts[parts.length - 1]] = spec.schema;
        if (!mayBeAbsent(spec)) {
            parent.required.push(parts[parts.length - 1]);
        }
        if (spec.requiredWhen) {
            const { key, is, isNot } = spec.requiredWhen;
            const condition = atPath(key, (field) => ({
                type: "object",
                properties: { [field]: { const: isNot ?? is } },
                required: [field],
            }));
            const present = atPath(spec.key, (field) => ({ type: "object", required: [field] }));
            allOf.push(isNot === undefined ? { if: condition, then: present } : { if: condition, else: present });
        }
    }
    return allOf.length > 0 ? { ...root, allOf } : root;
}

/** A schema about the last field of a dotted path, nested in `properties` of the fields before it. */
function atPath(path: string, last: (field: string) => Record<string, unknown>): Record<string, unknown> {
    const parts = path.split(".");
    return parts
        .slice(0, -1)
        .reduceRight<Record<string, unknown>>(
            (inner, part) => ({ type: "object", properties: { [part]: inner } }),
            last(parts[parts.length - 1]),
        );
}

type ObjectSchema = { type: "object"; properties: Record<string, unknown>; required: string[] };

function objectSchema(): ObjectSchema {
    return { type: "object", properties: {}, required: [] };
}

function child(node: ObjectSchema, part: string): ObjectSchema {
    const existing = node.properties[part];
    if (isObjectSchema(existing)) {
        return existing;
    }
    const created = objectSchema();
    node.properties[part] = created;
    node.required.push(part);
    return created;
}

function isObjectSchema(value: unknown): value is ObjectSchema {
    return (
        isPlainObject(value) &&
        value.type === "object" &&
        isPlainObject(value.properties) &&
        Array.isArray(value.required)
    );
}

/** Absent after parsing: a blank string default, not required, and no `blankMeans` (as config/values.ts says). */
function mayBeAbsent(spec: ConfigKeySpec): boolean {
    return !spec.required && !spec.blankMeans && spec.type !== "structured" && spec.default === "";
}

function derived(values: ConfigValues, stackRegion: string): DerivedConfig {
    const defaults = PLATFORM_ENDPOINTS[values.environment];
    return {
        stackRegion,
        platform: {
            accountId: values.platformAccountId ?? defaults.accountId,
            apiUrl: (values.platformApiUrl ?? defaults.apiUrl).replace(/\/+$/, ""),
            queueArnPattern: values.platformQueueArnPattern ?? defaults.queueArnPattern,
        },
        regions: values.includeRegions.length > 0 ? values.includeRegions : [stackRegion],
    };
}
