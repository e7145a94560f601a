/**
 * npm run images:lock and the cni-metrics-helper's per-region EKS add-on registries (private ECR): an ECR authorization
 * token per region (aws-sdk-client-mock), sent as Basic auth to fake registries that answer as ECR does.
 */
import { strict as assert } from "node:assert";
import { ECRClient, GetAuthorizationTokenCommand } from "@aws-sdk/client-ecr";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { CredentialsProviderError } from "@smithy/core/config";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { splitRepository } from "../images/catalog";
import { LOCKED_IMAGES } from "../images/lockedImages";
import { parseImageLock, readImageLock, serializeLock } from "../images/lock";
import { RegistryClient } from "../images/registry";
import { ecrAuthorizations, privateEcrRegion } from "../images/ecrAuth";
import { LockUsageError, lockImages, main, parseArgs } from "../scripts/imagesLock";
import { CNI_METRICS_TAG, EKS_ADDON_REGISTRIES, cniMetricsRepository } from "../components/addons/cniMetrics/image";
import { FakeOciRegistry } from "./fakes/ociRegistry";
import { baseConfig, runProgram, unwrap } from "./harness";

/** The authorization token ECR hands out in a region: base64 of `AWS:<password>`. */
const tokenOf = (region: string) => Buffer.from(`AWS:password-for-${region}`).toString("base64");
const REGIONS = ["us-east-1", "eu-west-1"];
const registryHost = (region: string) => EKS_ADDON_REGISTRIES[region];

describe("images:lock resolves the cni-metrics-helper in each region's EKS add-on registry (private ECR)", () => {
    const open: FakeOciRegistry[] = [];
    let ecr: AwsClientStub<ECRClient>;
    let tokenCalls: Array<{ region: string; registryIds?: string[]; profile?: string }>;
    let dir: string;

    beforeEach(() => {
        dir = mkdtempSync(join(tmpdir(), "images-lock-ecr-"));
        tokenCalls = [];
        ecr = mockClient(ECRClient);
        ecr.on(GetAuthorizationTokenCommand).callsFake(async (input, getClient) => {
            const region = (await getClient().config.region()) as string;
            tokenCalls.push({
                region,
                registryIds: input.registryIds,
                profile: (getClient().config as { profile?: string }).profile,
            });
            return {
                authorizationData: [
                    { authorizationToken: tokenOf(region), proxyEndpoint: `https://${registryHost(region)}` },
                ],
            };
        });
    });
    afterEach(async () => {
        ecr.restore();
        await Promise.all(open.splice(0).map((r) => r.close()));
        rmSync(dir, { recursive: true, force: true });
    });

    /** One fake ECR per region (each takes only its region's token), the helper pushed as a different build in each; us-east-1's signed. */
    async function privateRegistries() {
        const digests: Record<string, string> = {};
        const baseUrls: Record<string, string> = {};
        for (const region of REGIONS) {
            const registry = await new FakeOciRegistry({ basicAuth: tokenOf(region) }).start();
            open.push(registry);
            const digest = registry.pushImage("cni-metrics-helper", CNI_METRICS_TAG, ` built in ${region}`);
            if (region === "us-east-1") {
                registry.pushSignature("cni-metrics-helper", digest);
            }
            digests[region] = digest;
            baseUrls[registryHost(region)] = registry.baseUrl;
        }
        return { digests, baseUrls };
    }

    /** The public images, all signed, behind the public.ecr.aws token flow. */
    async function publicRegistry(): Promise<string> {
        const registry = await new FakeOciRegistry().start();
        open.push(registry);
        for (const image of LOCKED_IMAGES) {
            const { path } = splitRepository(image.repository);
            registry.pushSignature(path, registry.pushImage(path, image.tag));
        }
        return registry.baseUrl;
    }

    it("asks ECR for a token once per region, in that region, and locks one digest per region repository with its signatures", async () => {
        const { digests, baseUrls } = await privateRegistries();
        const client = new RegistryClient({ baseUrls, authorization: ecrAuthorizations(), timeoutMs: 5_000 });
        const wanted = REGIONS.flatMap((region) => [
            { repository: cniMetricsRepository(region), tag: CNI_METRICS_TAG },
        ]);
        const lock = await lockImages(wanted, client);
        assert.deepEqual(
            tokenCalls.map((c) => c.region).sort(),
            REGIONS.slice().sort(),
            "one GetAuthorizationToken per region (every request of a region reuses it), none with registryIds",
        );
        assert.ok(tokenCalls.every((c) => c.registryIds === undefined));
        for (const region of REGIONS) {
            const entry = lock.images.find((i) => i.repository === cniMetricsRepository(region))!;
            assert.equal(entry.digest, digests[region], region);
        }
        assert.notEqual(
            digests["us-east-1"],
            digests["eu-west-1"],
            "the same tag is a different image per region here, and each region keeps its own",
        );
        assert.equal(
            lock.images.find((i) => i.repository === cniMetricsRepository("us-east-1"))!.signatures[0].via,
            "referrers-api",
        );
        assert.deepEqual(
            lock.digests,
            [`${cniMetricsRepository("us-east-1")}@${digests["us-east-1"]}`],
            "the unsigned region is locked, not listed as signed",
        );
    });

    it("fails naming the image when a region's registry refuses the token (another region's, or expired)", async () => {
        const { baseUrls } = await privateRegistries();
        const wrong = new RegistryClient({
            baseUrls,
            authorization: async () => `Basic ${tokenOf("us-east-1")}`,
            timeoutMs: 5_000,
        });
        await assert.rejects(
            lockImages([{ repository: cniMetricsRepository("eu-west-1"), tag: CNI_METRICS_TAG }], wrong),
            /602401143452\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/cni-metrics-helper:v1\.23\.1: .*answered 401 to the registry's authorization token/,
        );
        const anonymous = new RegistryClient({ baseUrls, timeoutMs: 5_000 });
        await assert.rejects(
            anonymous.resolveTag(cniMetricsRepository("eu-west-1"), CNI_METRICS_TAG),
            /401 with a Basic challenge: the registry needs credentials/,
        );
    });

    it("end to end: --cni-metrics-regions locks those regions; a later run without the flag keeps (re-resolves) them; the program pins each region's helper from that lock without allowUnpinnedImages", async () => {
        const { digests, baseUrls } = await privateRegistries();
        const publicUrl = await publicRegistry();
        const out = join(dir, "images.lock.json");
        const registries = [
            "--registry",
            `public.ecr.aws=${publicUrl}`,
            ...Object.entries(baseUrls).flatMap(([host, url]) => ["--registry", `${host}=${url}`]),
        ];
        await main(
            [...registries, "--cni-metrics-regions", "us-east-1,eu-west-1", "--profile", "ops", "--out", out],
            () => undefined,
        );
        assert.ok(
            tokenCalls.every((c) => c.profile === "ops"),
            "the named profile reaches the ECR client",
        );
        const again = await main([...registries, "--out", out], () => undefined);
        const lock = parseImageLock(readFileSync(out, "utf8"), out);
        assert.deepEqual(again, lock);
        for (const region of REGIONS) {
            assert.equal(
                lock.images.find((i) => i.repository === cniMetricsRepository(region))?.digest,
                digests[region],
                `${region} kept`,
            );
        }
        const run = await runProgram(
            {
                ...baseConfig(),
                includeRegions: REGIONS.join(","),
                "addons.cniMetrics.enabled": "true",
                "addons.cniMetrics.alarmEmail": "ops@example.com",
            },
            { fleet: { "us-east-1": [{ name: "prod-a" }], "eu-west-1": [{ name: "prod-c" }] }, imageLock: lock },
        );
        const images = run
            .ofType("kubernetes:apps/v1:Deployment")
            .filter((d) => d.name.includes("cni-metrics"))
            .map((d) => (unwrap(d.inputs.spec) as any).template.spec.containers[0].image as string)
            .sort();
        assert.deepEqual(
            images,
            REGIONS.map((r) => `${cniMetricsRepository(r)}:${CNI_METRICS_TAG}@${digests[r]}`).sort(),
        );
    });

    it("without AWS credentials: one line saying what to do, exit 2 (LockUsageError), the lock file untouched", async () => {
        ecr.on(GetAuthorizationTokenCommand).rejects(
            new CredentialsProviderError("Could not load credentials from any providers"),
        );
        const { baseUrls } = await privateRegistries();
        const publicUrl = await publicRegistry();
        const out = join(dir, "images.lock.json");
        const before = serializeLock(readImageLock());
        writeFileSync(out, before);
        const registries = [
            "--registry",
            `public.ecr.aws=${publicUrl}`,
            ...Object.entries(baseUrls).flatMap(([host, url]) => ["--registry", `${host}=${url}`]),
        ];
        await assert.rejects(
            main([...registries, "--cni-metrics-regions", "eu-west-1", "--out", out], () => undefined),
            (error: unknown) => {
                assert.ok(error instanceof LockUsageError);
                assert.equal(error.message.split("\n").length, 1);
                assert.match(
                    error.message,
                    /needs AWS credentials for 602401143452\.dkr\.ecr\.eu-west-1\.amazonaws\.com .* --profile <name>; nothing was written/,
                );
                return true;
            },
        );
        assert.equal(readFileSync(out, "utf8"), before);
        assert.ok(!existsSync(join(dir, "other.json")));
    });

    it("takes regions from the add-on registry table or all, and names an unknown one", () => {
        const args = parseArgs(["--cni-metrics-regions", "us-east-1, eu-west-1", "--cni-metrics-regions", "us-east-1"]);
        assert.deepEqual(args !== "help" && args.regions.cniMetrics, ["us-east-1", "eu-west-1"]);
        const all = parseArgs(["--cni-metrics-regions", "all"]);
        assert.equal(all !== "help" && all.regions.cniMetrics.length, Object.keys(EKS_ADDON_REGISTRIES).length);
        assert.throws(
            () => parseArgs(["--cni-metrics-regions", "us-east-1,xx-nowhere-9"]),
            (e: unknown) =>
                e instanceof LockUsageError &&
                /no EKS add-on registry for xx-nowhere-9; known: af-south-1/.test((e as Error).message),
        );
        assert.throws(() => parseArgs(["--profile"]), /--profile needs a value \(an AWS profile name\)/);
    });

    it("reads a private ECR host's region (ap-east-2's registry is documented under ap-east-1's host, so its token comes from there)", () => {
        assert.equal(privateEcrRegion(registryHost("cn-north-1")), "cn-north-1");
        assert.equal(privateEcrRegion(registryHost("ap-east-2")), "ap-east-1");
        assert.equal(privateEcrRegion("public.ecr.aws"), undefined);
    });
});
