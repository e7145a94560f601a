/**
 * ContainerInsights: the whole onboarding of an account's EKS fleet as one component, for teams that add it to their
 * own Pulumi program. Its args are the config keys of docs/configuration.md as one typed object (dotted keys as
 * nested objects: `agent.karpenops` is `agent: { karpenops }`), validated by the same key table as the stack's config,
 * every problem at once. index.ts, the stack program, is this component too: built from the stack's own config
 * (`StackConfig`), its direct children also answer to the URNs they had when the stack program registered them at the
 * top of the stack (`keepStackLevelUrns`' aliases), so a deployed stack updates in place.
 *
 * One per stack: its AWS names derive from the stack's name. The fleet keeps clusters it cannot read from the last
 * deploy's `clusters` stack output, so a program using the component should export `outputs.clusters` as `clusters`.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, ConfigValues } from "../config";
import { NAMESPACE } from "../config/keys";
import { RawConfig, parseConfig } from "../config/parse";
import { Settings, loadSettings, withSecrets } from "../config/load";
import { sdkLookup } from "./adoption/existingResources";
import { AddonReads } from "./addons";
import { addonReads, sdkAwsReads } from "./addons/awsReads";
import { sdkTrailLookup } from "./events/trailCheck";
import { ProgramOptions, ProgramOutputs, createContainerInsights } from "../program";

type DeepPartial<T> = {
    [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};

/**
 * The onboarding's settings: every key of docs/configuration.md, by its place (top-level, or a field of its object),
 * with the table's type. Only `roleName` is always required; the table says which others are required while another
 * key has a value (`externalId` while `autoUpdate`), and every default.
 */
export type ContainerInsightsArgs = DeepPartial<ConfigValues> & {
    /** The platform's existing integration role, which gets the bucket read policy. */
    roleName: string;
    /** Where the bucket, the secrets and the reconciler live; default: the stack's `aws:region`. */
    awsRegion?: string;
    /** The `aws:profile` the component's own AWS SDK reads use (ownership checks, trails, Fargate profiles). */
    awsProfile?: string;
};

/** The args as the stack's config would hand them over: top-level keys, objects and lists as JSON. */
export function rawConfigOf(args: DeepPartial<ConfigValues>): RawConfig {
    const raw: RawConfig = {};
    for (const [key, value] of Object.entries(args)) {
        if (value !== undefined) {
            raw[key] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    return raw;
}

/** The validated settings for a stack (every problem in one ConfigError, keys named as in the stack's config). */
export function settingsOf(
    args: ContainerInsightsArgs,
    stack = pulumi.getStack(),
    project = pulumi.getProject(),
): Settings {
    const { awsRegion, awsProfile: _profile, ...config } = args;
    const region = awsRegion ?? new pulumi.Config("aws").get("region");
    const parsed = parseConfig(rawConfigOf(config), { awsRegion: region, stackName: stack });
    return { ...withSecrets(parsed), stackId: `${project}/${stack}`, stackName: stack };
}

/** The program's AWS reads through the SDK: ownership checks, CloudTrail trails and the add-ons' reads. */
export function sdkReads(settings: Settings, profile: string | undefined): ContainerInsightsReads {
    return {
        existing: sdkLookup(settings.stackRegion, profile),
        trails: sdkTrailLookup(profile),
        ...addonReads(sdkAwsReads(profile)),
    };
}

export type ContainerInsightsReads = Pick<ProgramOptions, "existing" | "trails" | "imageLock"> & AddonReads;

export const CONTAINER_INSIGHTS_TYPE = "container-insights:index:ContainerInsights";

/** The settings a stack program reads from its own stack config, as index.ts does, instead of typed args. */
export class StackConfig {
    readonly settings: Settings = loadSettings();
    readonly awsProfile: string | undefined = new pulumi.Config("aws").get("profile");
}

export class ContainerInsights extends pulumi.ComponentResource {
    /** The onboarding's outputs (bucket, roles, per-cluster status…), as the stack program exports them. */
    readonly outputs: pulumi.Output<pulumi.Unwrap<ProgramOutputs>>;
    /** The same, before unwrapping: for a program that exports each output on its own (index.ts). */
    readonly result: Promise<ProgramOutputs>;

    constructor(
        name: string,
        args: ContainerInsightsArgs | StackConfig,
        opts?: pulumi.ComponentResourceOptions,
        /** The AWS reads; by default the SDK's, with the component's region and profile. Tests pass fakes. */
        reads?: ContainerInsightsReads,
    ) {
        super(CONTAINER_INSIGHTS_TYPE, name, {}, opts);
        const { settings, awsProfile: profile } =
            args instanceof StackConfig ? args : { settings: settingsOf(args), awsProfile: args.awsProfile };
        this.result = createContainerInsights(settings, {
            parent: this,
            ...(reads ?? sdkReads(settings, profile)),
        }).then((program) => program.outputs);
        this.outputs = pulumi.output(this.result);
        this.registerOutputs({ outputs: this.outputs });
    }
}

/**
 * A transform for the component's options: each direct child also answers to the URN it had as a child of the stack
 * itself, and the engine derives its descendants' old URNs from that alias. Resources registered at the top of the
 * stack before index.ts used the component are then updated in place, not replaced.
 */
export const keepStackLevelUrns: pulumi.ResourceTransform = async ({ props, opts }) => {
    const parentUrn = opts.parent && (await valueOf(opts.parent.urn));
    if (!parentUrn || typeOfUrn(parentUrn) !== CONTAINER_INSIGHTS_TYPE) {
        return undefined;
    }
    return { props, opts: { ...opts, aliases: [...(opts.aliases ?? []), { parent: pulumi.rootStackResource }] } };
};

/** The resource type of a URN (`urn:pulumi:<stack>::<project>::<parent types>$<type>::<name>`). */
export function typeOfUrn(urn: string): string {
    return urn.split("::")[2].split("$").pop()!;
}

function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
}

export { ConfigError, NAMESPACE };
