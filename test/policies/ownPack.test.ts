import * as assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CHART_IMAGES, splitRepository } from "../../images/catalog";
import { LOCKED_IMAGES } from "../../images/lockedImages";
import { IMAGES_LOCK_FILE, ImageLock, buildLock, serializeLock } from "../../images/lock";
import { cniMetricsRepositories } from "../../components/addons/cniMetrics/image";
import { ADDON_NAMES } from "../../components/addons";
import { testImageLock } from "../fakes/imageLock";
import { RegistryClient } from "../../images/registry";
import { resetSignatureCaches } from "../../policies/images/signatures";
import { lockImages, wantedImages } from "../../scripts/imagesLock";
import { FakeOciRegistry } from "../fakes/ociRegistry";
import { policies } from "../../policies/policies";
import { checkResources } from "../../policies/offline/engine";
import { effectiveConfig } from "../../policies/offline/policyConfig";
import { CheckResult, OfflineResource } from "../../policies/offline/types";
import { effectiveConfigOf } from "./check";
import { baseConfig, ProgramRun, Registration, runProgram, unwrap } from "../harness";

const POLICIES_DIR = join(__dirname, "..", "..", "policies");

const FLEET = { "us-east-1": [{ name: "prod-a" }, { name: "prod-b" }], "eu-west-1": [{ name: "prod-c" }] };

/** What the engine would hand the pack: each registered resource with its props (secrets opened, as the pack sees them). */
function asPolicySubjects(resources: Registration[]): OfflineResource[] {
    return resources.map((r) => {
        const urn = `urn:pulumi:prod::container-insights::${r.type}::${r.name}`;
        return {
            id: urn,
            urn,
            type: r.type,
            name: r.name,
            props: unwrap({ ...r.state, id: r.id }) as Record<string, unknown>,
            propertyDependencies: {},
        };
    });
}

async function checkProgram(
    config: Record<string, string>,
    keep: (r: Registration) => boolean = () => true,
): Promise<CheckResult> {
    const run = await runProgram(config, { fleet: FLEET, awsRegion: "us-east-1" });
    const resources = asPolicySubjects(run.resources.filter(keep));
    return checkResources([{ source: "program", resources }], policies, effectiveConfigOf(undefined));
}

describe("the program passes its own policy pack", () => {
    it("raises no violation in IRSA mode, across every policy, stack policies included", async () => {
        const result = await checkProgram(baseConfig());
        assert.ok(result.checked > 30, `checked ${result.checked} resources`);
        assert.deepEqual(result.violations, []);
    });

    it("raises no violation in IAM-user mode", async () => {
        const result = await checkProgram({ ...baseConfig(), createIamUser: "true" });
        assert.deepEqual(result.violations, []);
    });

    it("raises no violation with EKS Pod Identity (role, associations, add-on) or auto", async () => {
        const variants: Array<Record<string, string>> = [
            { identityMode: "podIdentity", installPodIdentityAgent: "true" },
            { identityMode: "auto" },
        ];
        for (const extra of variants) {
            const result = await checkProgram({ ...baseConfig(), ...extra });
            assert.deepEqual(result.violations, [], JSON.stringify(extra));
        }
    });

    it("raises no violation with events and their own trail (queues, bus, rules, bucket policy with CloudTrail's statements)", async () => {
        const result = await checkProgram({ ...baseConfig(), "events.createTrail": "true" });
        assert.deepEqual(result.violations, []);
    });

    it("would catch an event queue without encryption", async () => {
        const run = await runProgram(baseConfig(), { fleet: FLEET, awsRegion: "us-east-1" });
        const queue = run.ofType("aws:sqs/queue:Queue")[0];
        queue.state = { ...queue.state, sqsManagedSseEnabled: false };
        const result = await checkResources(
            [{ source: "program", resources: asPolicySubjects(run.resources) }],
            policies,
            effectiveConfigOf(undefined),
        );
        assert.deepEqual(
            result.violations.map((v) => `${v.level} ${v.policy}`),
            ["mandatory sqs-queue-encrypted"],
        );
    });

    it("would be caught without its TLS bucket policies or its encryption (the check really looks at the program)", async () => {
        const result = await checkProgram(
            baseConfig(),
            (r) => r.type !== "aws:s3/bucketPolicy:BucketPolicy" && !r.type.includes("bucketServerSideEncryption"),
        );
        // Both buckets: the agents' and the stack's state bucket.
        assert.deepEqual(result.violations.map((v) => `${v.level} ${v.policy}`).sort(), [
            "mandatory s3-bucket-encrypted",
            "mandatory s3-bucket-encrypted",
            "mandatory s3-bucket-tls-only",
            "mandatory s3-bucket-tls-only",
        ]);
    });
});

/**
 * What the chart renders from its values, as far as images go: one Deployment per chart image, its reference built as
 * the chart's templates build it (`<repository>:<tag>`, with `<registry>/` in front for the registry-split shapes).
 * Under mocks a helm.v4.Chart has no children; under the engine the pack sees each rendered workload like these.
 * The pods are given a compliant securityContext: only the image policies are under test here.
 */
function renderedWorkloads(run: ProgramRun): OfflineResource[] {
    return run.ofType("kubernetes:helm.sh/v4:Chart").flatMap((chart) => {
        const values = unwrap(chart.inputs.values) as Record<string, unknown>;
        return CHART_IMAGES.map((image) => {
            const node = image.at.split(".").reduce<any>((n, k) => n?.[k], values);
            const reference =
                image.shape === "repository+imageTag"
                    ? `${node.repository}:${node.imageTag}`
                    : image.shape === "image.repository+tag"
                      ? `${node.image.repository}:${node.image.tag}`
                      : `${node.image.registry}/${node.image.repository}:${node.image.tag}`;
            const name = `${chart.name}-${image.component}`;
            const urn = `urn:pulumi:prod::container-insights::kubernetes:apps/v1:Deployment::${name}`;
            const securityContext = {
                runAsNonRoot: true,
                runAsUser: 1000,
                allowPrivilegeEscalation: false,
                capabilities: { drop: ["ALL"] },
            };
            return {
                id: urn,
                urn,
                type: "kubernetes:apps/v1:Deployment",
                name,
                props: {
                    metadata: { name: image.component, namespace: "nops" },
                    spec: {
                        template: {
                            spec: {
                                securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                                containers: [{ name: image.component, image: reference, securityContext }],
                            },
                        },
                    },
                },
                propertyDependencies: {},
            };
        });
    });
}

describe("a locked stack's first deploy passes its own pack with the stack's pack config", () => {
    const open: FakeOciRegistry[] = [];
    let dir: string;
    beforeEach(() => {
        dir = mkdtempSync(join(tmpdir(), "own-pack-lock-"));
        resetSignatureCaches();
    });
    afterEach(async () => {
        await Promise.all(open.splice(0).map((r) => r.close()));
        rmSync(dir, { recursive: true, force: true });
    });

    /** images:lock against a fake registry holding every locked image (signed unless listed), written to a file. */
    async function lockFile(unsigned: string[] = []): Promise<{ path: string; lock: ImageLock }> {
        const registry = await new FakeOciRegistry().start();
        open.push(registry);
        for (const image of LOCKED_IMAGES) {
            const { path } = splitRepository(image.repository);
            const digest = registry.pushImage(path, image.tag);
            if (!unsigned.includes(image.component)) {
                registry.pushSignature(path, digest);
            }
        }
        const lock = await lockImages(
            wantedImages(),
            new RegistryClient({ baseUrls: { "public.ecr.aws": registry.baseUrl } }),
        );
        const path = join(dir, "images.lock.json");
        writeFileSync(path, serializeLock(lock));
        return { path, lock };
    }

    /** policies/config.<stack>.json, whose signature evidence must be the program's lock file; pointed at `lock`. */
    function stackPackConfig(stack: string, lock: string): Record<string, any> {
        const config = JSON.parse(readFileSync(join(POLICIES_DIR, `config.${stack}.json`), "utf8"));
        assert.equal(
            resolve(POLICIES_DIR, config["ecr-image-signed"].signedDigestsFile),
            IMAGES_LOCK_FILE,
            `config.${stack}.json reads the images lock`,
        );
        config["ecr-image-signed"].signedDigestsFile = lock;
        return config;
    }

    async function check(
        stack: string,
        config: Record<string, string>,
        imageLock: ImageLock,
        packConfig: Record<string, unknown>,
    ): Promise<CheckResult> {
        const run = await runProgram(config, { fleet: FLEET, awsRegion: "us-east-1", imageLock });
        const resources = [...asPolicySubjects(run.resources), ...renderedWorkloads(run)];
        return checkResources(
            [{ source: stack, resources }],
            policies,
            effectiveConfig(packConfig, policies, `config.${stack}.json`),
        );
    }

    for (const stack of ["prod", "uat"]) {
        it(`${stack}: every rendered image is allowed, pinned and signed, with no exception added`, async () => {
            const { path, lock } = await lockFile();
            const result = await check(stack, baseConfig(), lock, stackPackConfig(stack, path));
            assert.ok(result.checked > 2 * CHART_IMAGES.length, `checked ${result.checked}`);
            assert.deepEqual(result.violations, []);
        });
    }

    it("would be stopped by its pack with unpinned images, or with an image the registry shows no signature for", async () => {
        const { path, lock } = await lockFile(["busybox"]);
        const unsigned = await check("prod", baseConfig(), lock, stackPackConfig("prod", path));
        assert.equal(unsigned.violations.length, 2, "the busybox workload of each us-east-1 cluster");
        for (const violation of unsigned.violations) {
            assert.equal(violation.policy, "ecr-image-signed");
            assert.match(
                violation.message,
                /public\.ecr\.aws\/docker\/library\/busybox:1\.36\.1@sha256:[0-9a-f]{64} has digest .* not in the signed-digest list/,
            );
        }
        const byTag = await check(
            "prod",
            { ...baseConfig(), "agent.allowUnpinnedImages": "true" },
            { images: [], digests: [] },
            stackPackConfig("prod", path),
        );
        const policiesHit = new Set(byTag.violations.map((v) => v.policy));
        assert.deepEqual([...policiesHit].sort(), ["ecr-image-digest-pinned", "ecr-image-signed"]);
        assert.equal(
            byTag.violations.filter((v) => v.policy === "ecr-image-digest-pinned").length,
            2 * CHART_IMAGES.length,
        );
    });
});

describe("both add-ons as rendered pass the committed stack pack configs", () => {
    const ADDONS_FLEET = {
        "us-east-1": [{ name: "prod-a" }, { name: "shop", fargateProfiles: [["apps"]] }],
        "eu-west-1": [{ name: "prod-c" }],
    };
    const ADDONS = {
        ...baseConfig(),
        includeRegions: "us-east-1,eu-west-1",
        "addons.cniMetrics.enabled": "true",
        "addons.cniMetrics.alarmEmail": "ops@example.com",
        "addons.fargateInsights.enabled": "true",
    };
    /** Every entry of ADDONS turned on, with the settings above: a new add-on is checked without editing this test. */
    const EVERY_ADDON = {
        ...baseConfig(),
        includeRegions: "us-east-1,eu-west-1",
        ...Object.fromEntries(ADDON_NAMES.map((name) => [`addons.${name}.enabled`, "true"])),
        "addons.cniMetrics.alarmEmail": "ops@example.com",
    };
    const isCni = (repository: string) => cniMetricsRepositories().includes(repository);
    /** One program run per config and lock, read by each stack's pack config (only the pack config differs). */
    const runs = new Map<string, Promise<ProgramRun>>();
    const runOf = (config: Record<string, string>, lock: ImageLock) => {
        const key = JSON.stringify(Object.entries(config).sort()) + serializeLock(lock);
        if (!runs.has(key)) {
            runs.set(key, runProgram(config, { fleet: ADDONS_FLEET, awsRegion: "us-east-1", imageLock: lock }));
        }
        return runs.get(key)!;
    };
    let dir: string;
    beforeEach(() => {
        dir = mkdtempSync(join(tmpdir(), "own-pack-addons-"));
        resetSignatureCaches();
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    /** The committed config of the stack with its signature evidence pointed at `lock` (written to a file) and a fixed account. */
    function committedConfig(stack: string, lock: ImageLock): Record<string, any> {
        const path = join(dir, `images.lock.${stack}.json`);
        writeFileSync(path, serializeLock(lock));
        const config = JSON.parse(readFileSync(join(POLICIES_DIR, `config.${stack}.json`), "utf8"));
        config["ecr-image-signed"].signedDigestsFile = path;
        config["ecr-image-allowed-registry"] = {
            ...config["ecr-image-allowed-registry"],
            accountId: "123456789012",
            region: "us-east-1",
        };
        return config;
    }

    async function check(stack: string, lock: ImageLock, config: Record<string, string> = ADDONS) {
        const run = await runOf(config, lock);
        const result = await checkResources(
            [{ source: "program", resources: asPolicySubjects(run.resources) }],
            policies,
            effectiveConfigOf(committedConfig(stack, lock)),
        );
        const helpers = run.ofType("kubernetes:apps/v1:Deployment").filter((d) => d.name.includes("cni-metrics"));
        const collectors = run.ofType("kubernetes:apps/v1:StatefulSet");
        return { result, helpers, collectors };
    }

    for (const stack of ["prod", "uat"]) {
        it(`${stack}: with AWS's unsigned helper images, no mandatory violation; each helper's waiver is reported with its reason`, async () => {
            const locked = testImageLock();
            // AWS publishes no Notation signature for the EKS add-on images: what npm run images:lock finds for them.
            const lock = buildLock(locked.images.map((i) => (isCni(i.repository) ? { ...i, signatures: [] } : i)));
            const { result, helpers, collectors } = await check(stack, lock);
            assert.equal(helpers.length, 3, "one per cluster, in two regions");
            assert.equal(collectors.length, 1, "the Fargate collector");
            assert.ok(result.checked > 40, `checked ${result.checked}`);
            assert.deepEqual(
                result.violations.filter((v) => v.level === "mandatory"),
                [],
            );
            const waived = result.violations.filter((v) => v.policy === "ecr-image-signature-waived");
            assert.deepEqual(result.violations, waived, "nothing else, not even advisory");
            assert.deepEqual(waived.map((v) => v.resource.split("::").pop()).sort(), helpers.map((d) => d.name).sort());
            for (const v of waived) {
                assert.equal(v.level, "advisory");
                assert.match(
                    v.message,
                    /unsignedImageExceptions entry \d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\/cni-metrics-helper: cni-metrics-helper, an Amazon EKS add-on image AWS publishes/,
                );
            }
        });

        it(`${stack}: with signatures found for the helper in every region, the digest list covers it: zero violations, nothing waived`, async () => {
            const { result } = await check(stack, testImageLock());
            assert.deepEqual(result.violations, []);
        });
    }

    it("every registered add-on at once, signatures found for every image: zero violations with each committed stack pack config", async () => {
        for (const stack of ["prod", "uat"]) {
            const { result } = await check(stack, testImageLock(), EVERY_ADDON);
            assert.ok(result.checked > 40, `checked ${result.checked}`);
            assert.deepEqual(result.violations, [], stack);
        }
    });
});
