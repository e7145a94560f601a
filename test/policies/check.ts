/** Runs the pack's policies the way the offline check does, over fixtures or resources built in a test. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import { ChartHardening, chartHardening, hardenObject } from "../../components/cluster/hardening";
import { policies } from "../../policies/policies";
import { checkResources } from "../../policies/offline/engine";
import { parseInput, readInputs } from "../../policies/offline/inputs";
import { effectiveConfig } from "../../policies/offline/policyConfig";
import { CheckResult, OfflineResource, Violation } from "../../policies/offline/types";

export const FIXTURES = join(__dirname, "fixtures");
export const fixture = (name: string) => join(FIXTURES, name);

/** Config every test starts from: a fixed account, so no test reaches for AWS credentials. */
export const ACCOUNT = "123456789012";
export const baseConfig = () => ({ "ecr-image-allowed-registry": { accountId: ACCOUNT, region: "us-east-1" } });

export async function checkFixtures(
    names: string[],
    config: Record<string, unknown> = baseConfig(),
): Promise<CheckResult> {
    return checkResources(readInputs(names.map(fixture)), policies, effectiveConfig(config, policies));
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
    return checkResources([{ source: "test", resources }], policies, effectiveConfig(config, policies), options);
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
    return checkResources([parseInput(text, "agent-chart.hardened.yaml")], policies, effectiveConfig(config, policies));
}
