/**
 * Runs the pack's own policy objects over resources read from files: the same validateResource and validateStack
 * functions the engine calls during preview, handed the arguments the engine would hand them.
 */
import {
    Policies,
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import { isUnknownValueError, previewProps } from "../lib/unknown";
import { errorMessage } from "../lib/objects";
import { EffectiveConfig } from "./policyConfig";
import { CheckResult, InputGroup, Level, OfflineResource, Violation } from "./types";

/** A policy threw something other than an unknown value: a bug or a bad setting, never a silent pass. */
export class PolicyRunError extends Error {
    constructor(policy: string, resource: string, cause: unknown) {
        super(`policy ${policy} failed on ${resource}: ${errorMessage(cause)}`);
        this.name = "PolicyRunError";
    }
}

const OPTIONS = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    additionalSecretOutputs: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
};

/**
 * `preview`: the resources stand for what the engine hands the pack during preview, so their props go through
 * @pulumi/policy's unknown-checking proxy and the engine's sentinels in them are unknowns. Otherwise (exports and
 * manifests, which hold no unknowns) props are handed over plain and a sentinel written in them is only text.
 */
export interface CheckOptions {
    preview?: boolean;
}

const handOver = (props: Record<string, unknown>, options: CheckOptions) =>
    options.preview ? previewProps(props) : props;

function resourceArgs(
    resource: OfflineResource,
    settings: Record<string, unknown>,
    options: CheckOptions,
): ResourceValidationArgs {
    const isType = (cls: { __pulumiType?: string }) => cls.__pulumiType === resource.type;
    return {
        type: resource.type,
        props: handOver(resource.props, options),
        urn: resource.urn,
        name: resource.name,
        opts: OPTIONS,
        stackTags: new Map(),
        isType: isType as ResourceValidationArgs["isType"],
        asType: ((cls: { __pulumiType?: string }) =>
            isType(cls) ? resource.props : undefined) as ResourceValidationArgs["asType"],
        getConfig: <T extends object>() => structuredClone(settings) as T,
        notApplicable: (reason?: string) => {
            throw new Error(`not applicable${reason ? `: ${reason}` : ""}`);
        },
    };
}

function stackResources(group: InputGroup, options: CheckOptions): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    for (const r of group.resources) {
        byUrn.set(r.urn, {
            type: r.type,
            props: handOver(r.props, options),
            urn: r.urn,
            name: r.name,
            opts: OPTIONS,
            dependencies: [],
            propertyDependencies: {},
            isType: (() => false) as PolicyResource["isType"],
            asType: (() => undefined) as PolicyResource["asType"],
        });
    }
    for (const r of group.resources) {
        const entry = byUrn.get(r.urn)!;
        for (const [key, urns] of Object.entries(r.propertyDependencies)) {
            entry.propertyDependencies[key] = urns
                .map((u) => byUrn.get(u))
                .filter((d): d is PolicyResource => d !== undefined);
        }
        entry.dependencies = [...new Set(Object.values(entry.propertyDependencies).flat())];
    }
    return [...byUrn.values()];
}

async function collect(
    policy: string,
    level: Level,
    fallbackResource: string,
    idOf: (urn?: string) => string,
    run: (report: (message: string, urn?: string) => void) => void | Promise<void>,
): Promise<Violation[]> {
    const violations: Violation[] = [];
    try {
        await run((message, urn) =>
            violations.push({ policy, resource: urn ? idOf(urn) : fallbackResource, message, level }),
        );
    } catch (error) {
        if (!isUnknownValueError(error)) {
            throw new PolicyRunError(policy, fallbackResource, error);
        }
        // Only when replaying a preview: a value unknown then is reported as such, as the engine does.
        violations.push({
            policy,
            resource: fallbackResource,
            message: `not fully checked: ${error.message}`,
            level: "advisory",
        });
    }
    return violations;
}

const levelOf = (config: EffectiveConfig): Level | undefined =>
    config.level === "disabled" ? undefined : config.level === "advisory" ? "advisory" : "mandatory";

export async function checkResources(
    groups: InputGroup[],
    policies: Policies,
    config: Map<string, EffectiveConfig>,
    options: CheckOptions = {},
): Promise<CheckResult> {
    const violations: Violation[] = [];
    for (const group of groups) {
        const ids = new Map(group.resources.map((r) => [r.urn, r.id]));
        const idOf = (urn?: string) => (urn ? (ids.get(urn) ?? urn) : group.source);
        let resources: PolicyResource[] | undefined;
        for (const policy of policies) {
            const effective = config.get(policy.name)!;
            const level = levelOf(effective);
            if (!level) {
                continue;
            }
            if ("validateStack" in policy) {
                const stack = (policy as StackValidationPolicy).validateStack;
                resources ??= stackResources(group, options);
                const args = {
                    resources,
                    stackTags: new Map(),
                    getConfig: <T extends object>() => structuredClone(effective.settings) as T,
                    notApplicable: () => {
                        throw new Error("not applicable");
                    },
                };
                violations.push(
                    ...(await collect(policy.name, level, group.source, idOf, (report) => stack(args, report))),
                );
                continue;
            }
            const validations = [(policy as ResourceValidationPolicy).validateResource ?? []].flat();
            for (const resource of group.resources) {
                for (const validate of validations) {
                    const args = resourceArgs(resource, effective.settings, options);
                    violations.push(
                        ...(await collect(policy.name, level, resource.id, idOf, (report) =>
                            validate(args, (message) => report(message)),
                        )),
                    );
                }
            }
        }
    }
    return { violations, checked: groups.reduce((sum, g) => sum + g.resources.length, 0) };
}
