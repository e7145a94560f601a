/** Runs the pack's policies the way the offline check does, over fixtures or resources built in a test. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import { ChartHardening, chartHardening, hardenObject } from "../../components/cluster/hardening";
import { policies } from "../../policies/policies";
import { checkResources } from "../../policies/offline/engine";
import { parseInput, readInputs } from "../../policies/offline/inputs";
import { EffectiveConfig, effectiveConfig } from "../../policies/offline/policyConfig";
import { CheckResult, OfflineResource, Violation } from "../../policies/offline/types";

export const FIXTURES = join(__dirname, "fixtures");
export const fixture = (name: string) => join(FIXTURES, name);

/** Config every test starts from: a fixed account, so no test reaches for AWS credentials. */
export const ACCOUNT = "123456789012";
export const baseConfig = () => ({ "ecr-image-allowed-registry": { accountId: ACCOUNT, region: "us-east-1" } });

/** Configs already read in this process, by their JSON. */
const readConfigs = new Map<string, Map<string, EffectiveConfig>>();

/**
 * The pack's config as effectiveConfig reads it (validated against each policy's schema, defaults filled in), read
 * once per distinct config in this process: it compiles every policy's schema each time, which was most of a policy
 * check's CPU in the suite. Each caller gets its own copy; a config that fails is not kept (the next read throws too).
 */
export function effectiveConfigOf(config: unknown): Map<string, EffectiveConfig> {
    const key = JSON.stringify(config) ?? "undefined";
    let read = readConfigs.get(key);
    if (!read) {
        read = effectiveConfig(config, policies);
        readConfigs.set(key, read);
    }
    return structuredClone(read);
}

export async function checkFixtures(
    names: string[],
    config: Record<string, unknown> = baseConfig(),
): Promise<CheckResult> {
    return checkResources(readInputs(names.map(fixture)), policies, effectiveConfigOf(config));
}

export interface ResourceSpec {
    type: string;
    name: string;
    props: Record<string, unknown>;
    propertyDependencies?: Record<string, string[]>;
}

export const urnOf = (type: string, name: string) => `urn:pulumi:test::project::${type}::${name}`;

/**
 * One stack's worth of resources, as the engine hands them to the pack during preview (through @pulumi/policy's
 * proxy, so UNKNOWN_STRING in them is an unknown); `preview: false` hands them over as a stack export would.
 */
export async function checkStack(
    specs: ResourceSpec[],
    config: Record<string, unknown> = baseConfig(),
    options: { preview?: boolean } = { preview: true },
): Promise<CheckResult> {
    const resources: OfflineResource[] = specs.map((s) => ({
        id: urnOf(s.type, s.name),
        urn: urnOf(s.type, s.name),
        type: s.type,
        name: s.name,
        props: s.props,
        propertyDependencies: s.propertyDependencies ?? {},
    }));
    return checkResources([{ source: "test", resources }], policies, effectiveConfigOf(config), options);
}

export const of = (result: CheckResult, policy: string): Violation[] =>
    result.violations.filter((v) => v.policy === policy);

export const PSS_POLICY = "k8s-pod-security-restricted";

/** `resource container-or-pod rule` for each Pod Security Standards violation, sorted: what broke where, without the prose. */
export function ruleHits(result: CheckResult): string[] {
    return of(result, PSS_POLICY)
        .filter((v) => v.level === "mandatory")
        .map(
            (v) =>
                `${v.resource} ${/container (\S+)/.exec(v.message)?.[1] ?? "pod"} ${/\[(\w+)\]$/.exec(v.message)?.[1]}`,
        )
        .sort();
}

/** The approximated agent chart (fixtures/agent-chart.yaml) as the program's transforms harden it, checked offline. */
export async function checkHardenedChart(
    plan: ChartHardening = chartHardening(() => undefined),
    config: Record<string, unknown> = baseConfig(),
    edit: (text: string) => string = (text) => text,
): Promise<CheckResult> {
    const documents = parseAllDocuments(edit(readFileSync(fixture("agent-chart.yaml"), "utf8")))
        .map((d) => d.toJS() as Record<string, unknown>)
        .filter((d) => d !== null);
    const hardened = documents.map((d) => hardenObject(String(d.kind), d, plan));
    const text = hardened.map((d) => stringify(d)).join("---\n");
    return checkResources([parseInput(text, "agent-chart.hardened.yaml")], policies, effectiveConfigOf(config));
}
