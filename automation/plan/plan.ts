/**
 * `container-insights plan`: what a stack would create, offline. The stack's config (its file, Pulumi.yaml's
 * defaults, `--set` values) is validated as the program validates it, every problem at once, then the program runs
 * under Pulumi's mocks on a described fleet. Nothing is written anywhere: `--set` values, secrets included, live in
 * this process only.
 */
import { ConfigError, parseConfig } from "../../config";
import { NAMESPACE } from "../../config/keys";
import { RawConfig } from "../../config/parse";
import { SECRET_KEYS } from "../../config/load";
import { ConfigSet, MissingStackFileError, ProgramConfig, readStackFileConfig } from "../../config/stackFile";
import { UNPINNED_WARNING } from "../../images/pin";
import { PROJECT_DIR } from "../workspace";
import { Fleet } from "./fleet";
import { MockRun, PlannedResource, runUnderMocks } from "./mockRun";

export interface PlanRequest {
    stack: string;
    /** Problems found before (a bad fleet file), reported with the config's. */
    knownProblems?: readonly string[];
    fleet?: Fleet;
    /** `--set key=value`, in order; the secret keys are set as secrets. */
    sets?: ReadonlyArray<{ key: string; value: string }>;
    /** The project (Pulumi.yaml, stacks/); default: this package's. */
    projectDir?: string;
    /** The account the plan pretends to run in. */
    accountId?: string;
}

export interface PlanResult {
    resources: PlannedResource[];
    warnings: string[];
}

/** The stack's config cannot run: every problem, one line each (exit 2). */
export class PlanConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(`the stack's config has ${problems.length} problem(s):\n  - ${problems.join("\n  - ")}`);
        this.name = "PlanConfigError";
    }
}

/** The program itself failed (exit 1), or logged errors. */
export class PlanFailedError extends Error {}

const PROJECT = "container-insights";
/** Stands in for a secret stored encrypted in the stack file, which a plan cannot decrypt; never a real value. */
const STORED_SECRET = "stored-secret-not-read-by-plan";
export const PLAN_ACCOUNT_ID = "123456789012";

/** Every problem with the config, as the program's validator reports them (nothing is thrown). */
export function configProblems(config: ProgramConfig, stack: string): string[] {
    const prefix = `${NAMESPACE}:`;
    const raw: RawConfig = {};
    for (const [key, value] of Object.entries(config.config)) {
        if (key.startsWith(prefix)) {
            raw[key.slice(prefix.length)] = value;
        }
    }
    try {
        parseConfig(raw, { awsRegion: config.config["aws:region"], stackName: stack });
        return [];
    } catch (error) {
        if (error instanceof ConfigError) {
            return error.problems;
        }
        throw error;
    }
}

/** The program's config for the plan: unpinned images allowed (reported as warnings), the rest as the stack has it. */
function planConfig(config: ProgramConfig): { config: ProgramConfig; allowsUnpinned: boolean } {
    const key = `${NAMESPACE}:agent`;
    const agent = JSON.parse(config.config[key] ?? "{}") as Record<string, unknown>;
    const allowsUnpinned = agent.allowUnpinnedImages === true;
    return {
        config: {
            ...config,
            config: { ...config.config, [key]: JSON.stringify({ ...agent, allowUnpinnedImages: true }) },
        },
        allowsUnpinned,
    };
}

function planWarnings(run: MockRun, allowsUnpinned: boolean): string[] {
    return run.warnings.map((warning) =>
        warning.startsWith(UNPINNED_WARNING) && !allowsUnpinned
            ? `images not pinned by digest in images/images.lock.json${warning.slice(UNPINNED_WARNING.length)}: ` +
              "a deploy stops on them; run npm run images:lock and commit the lock first"
            : warning,
    );
}

export async function planStack(request: PlanRequest): Promise<PlanResult> {
    const sets: ConfigSet[] = (request.sets ?? []).map(({ key, value }) => ({
        key,
        value,
        secret: SECRET_KEYS.includes(key),
    }));
    let config: ProgramConfig;
    try {
        config = readStackFileConfig(request.stack, request.projectDir ?? PROJECT_DIR, sets, STORED_SECRET);
    } catch (error) {
        if (error instanceof MissingStackFileError) {
            throw new PlanConfigError([...(request.knownProblems ?? []), error.message]);
        }
        throw error;
    }
    const problems = [...(request.knownProblems ?? []), ...configProblems(config, request.stack)];
    if (problems.length > 0) {
        throw new PlanConfigError(problems);
    }
    const { config: runConfig, allowsUnpinned } = planConfig(config);
    let run: MockRun;
    let regions: readonly string[] = [];
    try {
        run = await runUnderMocks({
            project: PROJECT,
            stack: request.stack,
            config: runConfig,
            fleet: request.fleet ?? {},
            accountId: request.accountId ?? PLAN_ACCOUNT_ID,
            build: async (reads) => {
                // Loaded here, after the mocks: the program reads its config when it starts.
                const { loadSettings } = await import("../../config/load");
                const { createContainerInsights } = await import("../../program");
                const settings = loadSettings();
                regions = settings.regions;
                await createContainerInsights(settings, reads);
            },
        });
    } catch (error) {
        throw new PlanFailedError(error instanceof Error ? error.message : String(error));
    }
    if (run.errors.length > 0) {
        throw new PlanFailedError(run.errors.join("\n"));
    }
    const notRead =
        "offline: the account's existing bucket and IAM user and its CloudTrail trails were not read (a deploy checks them)";
    return {
        resources: run.resources,
        warnings: [...outsideRegions(request.fleet ?? {}, regions), ...planWarnings(run, allowsUnpinned), notRead],
    };
}

/** The fleet file's clusters the program never lists: their region is not one of the stack's. */
export function outsideRegions(fleet: Fleet, regions: readonly string[]): string[] {
    return Object.entries(fleet)
        .filter(([region, clusters]) => !regions.includes(region) && clusters.length > 0)
        .map(
            ([region, clusters]) =>
                `region ${region} (${clusters.map((c) => c.name).join(", ")}) is not planned: the stack covers ` +
                `${regions.join(", ")}; add it to includeRegions (--set includeRegions=${[...regions, region].join(",")})`,
        );
}
