/**
 * A deployed stack of the real program on the engine tier: an AWS emulator with a seeded fleet, a fresh checkout, and
 * the README's first-deploy commands typed as written (stack select, `config set`, `--secret` values on standard
 * input), the chart fixture in place of the vendor's registry and GitOps mode instead of a cluster.
 */
import { IAMClient, ListRolesCommand, Role } from "@aws-sdk/client-iam";
import { HeadBucketCommand, NotFound, S3Client } from "@aws-sdk/client-s3";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Emulator, startEmulator } from "../../engine/emulator";
import { Fleet, clientConfig, seedFleet } from "../../engine/emulator/seed";
import { clusterRolePath } from "../../common/naming";
import { Workspace } from "./workspace";
import { testImageLock } from "../fakes/imageLock";

export const STACK = "prod";
export const ROLE_NAME = "NopsIntegrationRole";
/** Secrets the stack is given; none may appear as plaintext in the state file. */
export const SECRETS = {
    token: "engine-token-SECRET-8f2c",
    externalId: "engine-external-SECRET-71ad",
    datadogApiKey: "engine-datadog-SECRET-c3e9",
};
export const CHART_FIXTURE = "test/engine/fixtures/kubernetes-agent";
export const RENDER_DIR = "rendered";

export type Mode = "irsa" | "podIdentity" | "iamUser";

export const FLEET: Fleet = {
    roleName: ROLE_NAME,
    clusters: [
        {
            region: "us-east-1",
            name: "prod-a",
            addons: { "aws-ebs-csi-driver": "ACTIVE", "eks-pod-identity-agent": "ACTIVE" },
        },
        { region: "eu-west-1", name: "prod-eu", addons: { "eks-pod-identity-agent": "ACTIVE" } },
    ],
};

export class DeployedStack {
    readonly workspace: Workspace;

    private constructor(
        readonly mode: Mode,
        readonly emulator: Emulator,
        readonly fleet: Fleet,
    ) {
        this.workspace = new Workspace(mode);
        this.workspace.env = emulator.env;
    }

    /** Starts the emulator, seeds the fleet and configures the stack with the README's commands. */
    static async create(
        mode: Mode,
        fleet: Fleet = FLEET,
        options: { configure?: boolean } = {},
    ): Promise<DeployedStack> {
        const emulator = await startEmulator({ region: "us-east-1" });
        try {
            await seedFleet(emulator.env, fleet);
            const stack = new DeployedStack(mode, emulator, fleet);
            if (options.configure !== false) {
                await stack.configure();
            }
            return stack;
        } catch (error) {
            await emulator.stop();
            throw error;
        }
    }

    private set(key: string, value: string, ...flags: string[]) {
        return this.workspace.pulumi(["config", "set", "--stack", STACK, ...flags, key, value]);
    }

    /** The README's first-deploy `pulumi config set` lines, then what the engine tier adds. */
    private async configure(): Promise<void> {
        const ws = this.workspace;
        const set = this.set.bind(this);
        const secret = (key: string, value: string) =>
            ws.pulumi(["config", "set", "--stack", STACK, "--secret", key], { input: value });
        await ws.pulumi(["stack", "select", "--create", STACK]);
        await set("container-insights:roleName", ROLE_NAME);
        if (this.mode !== "iamUser") {
            await secret("container-insights:token", SECRETS.token);
        }
        await secret("container-insights:externalId", SECRETS.externalId);
        await secret("container-insights:datadogApiKey", SECRETS.datadogApiKey);
        await this.configureEngineTier();
    }

    /** What the tier sets beyond the README: the mode, the fleet's regions, the chart fixture and GitOps mode. */
    async configureEngineTier(): Promise<void> {
        const set = this.set.bind(this);
        const fleet = this.fleet;
        if (this.mode !== "irsa") {
            await set("container-insights:identityMode", this.mode);
        }
        const regions = [...new Set(fleet.clusters.map((c) => c.region))];
        await set("container-insights:includeRegions", regions.join(","));
        await set("container-insights:agent.chart", CHART_FIXTURE, "--path");
        await set("container-insights:agent.renderTo", RENDER_DIR, "--path");
        this.lockImages();
    }

    /**
     * The README's step 6 (`npm run images:lock`, which needs the registry): the checkout's lock pins and signs every
     * image with the test lock's digests (real sha256 of stand-in manifests), so the program installs by digest and
     * the pack's digest-list signature evidence is the lock, as after a real lock run.
     */
    lockImages(): void {
        writeFileSync(
            join(this.workspace.dir, "images", "images.lock.json"),
            JSON.stringify(testImageLock(), undefined, 2) + "\n",
        );
    }

    /** `pulumi up` of the stack, without the policy pack (`npm run up` adds it: firstDeploy.test.ts). */
    up(...flags: string[]) {
        return this.upWithin(undefined, ...flags);
    }

    /** `up`, stopped (SIGTERM; the result's `timedOut`) when it runs longer than `timeoutMs`. */
    upWithin(timeoutMs: number | undefined, ...flags: string[]) {
        return this.workspace.run("pulumi", ["up", "--yes", "--non-interactive", "--stack", STACK, ...flags], {
            timeoutMs,
        });
    }

    /** `pulumi preview` with the policy pack and the stack's pack config, as `npm run up` runs it. */
    preview(...flags: string[]) {
        return this.workspace.run("pulumi", [
            "preview",
            "--stack",
            STACK,
            "--non-interactive",
            "--policy-pack",
            "policies",
            "--policy-pack-config",
            `policies/config.${STACK}.json`,
            ...flags,
        ]);
    }

    async outputs(): Promise<Record<string, unknown>> {
        const { stdout } = await this.workspace.pulumi([
            "stack",
            "output",
            "--json",
            "--show-secrets",
            "--stack",
            STACK,
        ]);
        return JSON.parse(stdout);
    }

    state(): string {
        return this.workspace.stateFile("container-insights", STACK);
    }

    /** The per-cluster roles the reconciler made (the stack's own IAM path). */
    async clusterRoles(): Promise<Role[]> {
        const iam = new IAMClient(clientConfig(this.emulator.env, "us-east-1"));
        const { Roles } = await iam.send(new ListRolesCommand({ PathPrefix: clusterRolePath(STACK) }));
        return Roles ?? [];
    }

    async bucketExists(bucket: string): Promise<boolean> {
        const s3 = new S3Client(clientConfig(this.emulator.env, "us-east-1"));
        try {
            await s3.send(new HeadBucketCommand({ Bucket: bucket }));
            return true;
        } catch (error) {
            if (error instanceof NotFound) {
                return false;
            }
            throw error;
        }
    }

    async dispose(): Promise<void> {
        await this.emulator.stop();
        this.workspace.remove();
    }
}
