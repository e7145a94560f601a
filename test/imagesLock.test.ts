/** npm run images:lock against a fake OCI registry on 127.0.0.1: resolution, signatures, failures, and the lock's use. */
import { strict as assert } from "node:assert";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHART_IMAGES, imageKey, splitRepository } from "../images/catalog";
import { ADDON_IMAGES, LOCKED_IMAGES } from "../images/lockedImages";
import { IMAGES_LOCK_FILE, lockedUser, parseImageLock, readImageLock, serializeLock } from "../images/lock";
import { chartHardening } from "../components/cluster/hardening";
import { UNPINNED_WARNING, pinAddonImage, pinImages } from "../images/pin";
import { RegistryClient } from "../images/registry";
import { LockUsageError, lockImages, main, parseArgs, wantedImages } from "../scripts/imagesLock";
import { FakeOciRegistry } from "./fakes/ociRegistry";

/** The catalog's images (the add-ons' too) pushed at their default tags, each signed except `unsigned`. */
async function fleetRegistry(options: ConstructorParameters<typeof FakeOciRegistry>[0] = {}, unsigned: string[] = []) {
    const registry = await new FakeOciRegistry(options).start();
    const digests: Record<string, string> = {};
    for (const image of LOCKED_IMAGES) {
        const { path } = splitRepository(image.repository);
        const digest = registry.pushImage(path, image.tag);
        digests[image.repository] = digest;
        if (!unsigned.includes(image.component)) {
            registry.pushSignature(path, digest);
        }
    }
    return { registry, digests };
}

const clientFor = (registry: FakeOciRegistry, credentials?: { username: string; password: string }) =>
    new RegistryClient({
        baseUrls: { "public.ecr.aws": registry.baseUrl },
        credentials: async () => credentials,
        timeoutMs: 5_000,
    });

describe("images lock against a fake OCI registry", () => {
    const open: FakeOciRegistry[] = [];
    let dir: string;
    beforeEach(() => {
        dir = mkdtempSync(join(tmpdir(), "images-lock-"));
    });
    afterEach(async () => {
        await Promise.all(open.splice(0).map((r) => r.close()));
        rmSync(dir, { recursive: true, force: true });
    });

    it("resolves every chart image's tag to the digest its bytes hash to, with the Notary signatures of that digest", async () => {
        const { registry, digests } = await fleetRegistry({}, ["busybox"]);
        open.push(registry);
        const lock = await lockImages(wantedImages(), clientFor(registry), () => new Date("2026-11-22T00:00:00Z"));
        assert.equal(lock.images.length, LOCKED_IMAGES.length);
        for (const image of lock.images) {
            assert.equal(image.digest, digests[image.repository], image.repository);
            assert.equal(image.mediaType, "application/vnd.oci.image.index.v1+json");
        }
        const busybox = lock.images.find((i) => i.repository.endsWith("/busybox"))!;
        assert.deepEqual(busybox.signatures, []);
        const karpenops = lock.images.find((i) => i.repository.endsWith("/karpenops"))!;
        assert.deepEqual(
            karpenops.signatures.map((s) => [s.artifactType, s.via]),
            [["application/vnd.cncf.notary.signature", "referrers-api"]],
        );
        assert.equal(lock.digests.length, LOCKED_IMAGES.length - 1, "the unsigned image is not signature evidence");
        assert.ok(!lock.digests.some((d) => d.includes("/busybox@")));
        assert.ok(lock.digests.includes(`public.ecr.aws/nops/karpenops@${digests["public.ecr.aws/nops/karpenops"]}`));
        // Each manifest request named every manifest media type, and each repository got its own pull-scoped token.
        assert.ok(
            registry.requests
                .filter((r) => r.path.includes("/manifests/"))
                .every(
                    (r) =>
                        r.accept?.includes("application/vnd.oci.image.index.v1+json") &&
                        r.accept.includes("application/vnd.docker.distribution.manifest.v2+json"),
                ),
        );
        assert.deepEqual(
            new Set(registry.tokenRequests.map((t) => t.scope)),
            new Set(LOCKED_IMAGES.map((i) => `repository:${splitRepository(i.repository).path}:pull`)),
        );
        assert.ok(
            registry.tokenRequests.every((t) => t.service === "public.ecr.aws" && t.authorization === undefined),
            "anonymous by default",
        );
    });

    it("finds signatures through the referrers tag schema where the registry has no referrers API", async () => {
        const { registry } = await fleetRegistry({ referrersApi: false });
        open.push(registry);
        const lock = await lockImages(wantedImages(), clientFor(registry));
        assert.ok(lock.images.every((i) => i.signatures.length === 1 && i.signatures[0].via === "referrers-tag"));
        assert.equal(lock.digests.length, LOCKED_IMAGES.length);
    });

    it("counts a listed signature only when its own manifest names the image's digest as its subject", async () => {
        const registry = await new FakeOciRegistry().start();
        open.push(registry);
        const image = registry.pushImage("nops/karpenops", "1.23.2");
        const other = registry.pushImage("nops/karpenops", "0.0.1");
        registry.pushSignature("nops/karpenops", other, image);
        const client = clientFor(registry);
        assert.deepEqual(await client.findSignatures("public.ecr.aws/nops/karpenops", image), []);
        registry.pushSignature("nops/karpenops", image);
        assert.equal((await client.findSignatures("public.ecr.aws/nops/karpenops", image)).length, 1);
    });

    it("sends the ECR Public token as Basic credentials to the token endpoint when given", async () => {
        const { registry } = await fleetRegistry();
        open.push(registry);
        const client = clientFor(registry, { username: "AWS", password: "ecr-public-token" });
        await client.resolveTag("public.ecr.aws/nops/karpenops", "1.23.2");
        assert.equal(
            registry.tokenRequests[0].authorization,
            `Basic ${Buffer.from("AWS:ecr-public-token").toString("base64")}`,
        );
    });

    it("refuses a registry whose manifest does not hash to the digest it names", async () => {
        const { registry } = await fleetRegistry({ lieAboutDigest: true });
        open.push(registry);
        await assert.rejects(
            clientFor(registry).resolveTag("public.ecr.aws/nops/karpenops", "1.23.2"),
            /names digest sha256:[0-9a-f]{64}, but the manifest it serves hashes to sha256:/,
        );
    });

    it("writes nothing when any image fails, naming each failed image", async () => {
        const registry = await new FakeOciRegistry().start();
        open.push(registry);
        for (const image of LOCKED_IMAGES.filter((i) => i.component !== "karpenops" && i.component !== "opencost")) {
            registry.pushSignature(
                splitRepository(image.repository).path,
                registry.pushImage(splitRepository(image.repository).path, image.tag),
            );
        }
        const out = join(dir, "lock.json");
        await assert.rejects(
            main(["--registry", `public.ecr.aws=${registry.baseUrl}`, "--out", out], () => undefined),
            (error: Error) => {
                assert.match(error.message, /public\.ecr\.aws\/nops\/karpenops:1\.23\.2: the registry answered 404/);
                assert.match(error.message, /public\.ecr\.aws\/nops\/opencost:1\.111\.0: the registry answered 404/);
                return true;
            },
        );
        assert.equal(existsSync(out), false);
    });

    it("gives up on an unreachable registry within its timeout", async () => {
        const registry = await new FakeOciRegistry().start();
        const url = registry.baseUrl;
        await registry.close();
        const client = new RegistryClient({ baseUrls: { "public.ecr.aws": url }, timeoutMs: 2_000 });
        await assert.rejects(
            client.resolveTag("public.ecr.aws/nops/karpenops", "1.23.2"),
            /HEAD http:\/\/127\.0\.0\.1:\d+\/v2\/nops\/karpenops\/manifests\/1\.23\.2 failed/,
        );
    });

    it("tries an unreachable registry once and reports the images it did not try in the same line", async () => {
        const registry = await new FakeOciRegistry().start();
        const url = registry.baseUrl;
        await registry.close();
        const out = join(dir, "lock.json");
        await assert.rejects(
            main(["--registry", `public.ecr.aws=${url}`, "--out", out], () => undefined),
            (error: Error) => {
                const lines = error.message.split("\n").slice(1);
                assert.equal(lines.length, 1, error.message);
                assert.match(lines[0], /public\.ecr\.aws cannot be reached \(\d+ more of its images not tried\)/);
                assert.match(lines[0], /needs network access to it\. public\.ecr\.aws\/\S+: HEAD .* \(ECONNREFUSED\)/);
                return true;
            },
        );
        assert.equal(existsSync(out), false);
    });

    it("records each image config's User, read through the index, each platform manifest and its config blob", async () => {
        const registry = await new FakeOciRegistry().start();
        open.push(registry);
        const users: Record<string, string | undefined> = { opencost: "1001:1001", busybox: undefined };
        const digests: Record<string, string> = {};
        for (const image of LOCKED_IMAGES) {
            const { path } = splitRepository(image.repository);
            const user = image.component in users ? users[image.component] : "65534";
            digests[image.component] = registry.pushImage(path, image.tag, "", {
                platforms: { amd64: user, arm64: user },
            });
        }
        const lock = await lockImages(wantedImages(), clientFor(registry));
        const userOf = (component: string) => {
            const image = LOCKED_IMAGES.find((i) => i.component === component)!;
            return lockedUser(lock, image.repository, image.tag);
        };
        assert.equal(userOf("opencost"), "1001:1001");
        assert.equal(userOf("busybox"), "", "no User in the config: recorded as empty (root)");
        assert.equal(userOf("karpenops"), "65534");
        const blobGets = registry.requests.filter((r) => r.method === "GET" && r.path.includes("/blobs/"));
        assert.equal(blobGets.length, LOCKED_IMAGES.length * 2, "one config blob per platform");
        // The lock's users drive the hardening: opencost runs as its own user, busybox's root is overridden by name.
        const plan = chartHardening(userOf);
        const runAs = (component: string) => plan.images.find((i) => i.component === component)!.runAs;
        assert.deepEqual(runAs("opencost"), {
            kind: "user",
            uid: 1001,
            gid: 1001,
            source: 'image config User "1001:1001"',
        });
        assert.equal(runAs("busybox").kind, "user");
        const serialized = parseImageLock(serializeLock(lock), "lock");
        assert.equal(lockedUser(serialized, "public.ecr.aws/nops/opencost", "1.111.0"), "1001:1001");
    });

    it("refuses to record a user when an image's platforms disagree, or its config blob is missing", async () => {
        const registry = await new FakeOciRegistry().start();
        open.push(registry);
        const client = clientFor(registry);
        const split = registry.pushImage("nops/karpenops", "1.23.2", "", { platforms: { amd64: "65534", arm64: "" } });
        await assert.rejects(
            client.imageUser("public.ecr.aws/nops/karpenops", split),
            /its platforms run as different users \(linux\/amd64 "65534", linux\/arm64 ""\)/,
        );
        const missing = registry.pushImage("nops/opencost", "1.111.0", "", { user: "1001", missingConfig: true });
        await assert.rejects(
            client.imageUser("public.ecr.aws/nops/opencost", missing),
            /the registry answered 404 to the config blob GET/,
        );
    });

    it("end to end: npm run images:lock writes a lock the program pins every image from", async () => {
        const { registry, digests } = await fleetRegistry();
        open.push(registry);
        const out = join(dir, "images.lock.json");
        const lines: string[] = [];
        await main(["--registry", `public.ecr.aws=${registry.baseUrl}`, "--out", out], (line) => lines.push(line));
        const lock = parseImageLock(readFileSync(out, "utf8"), out);
        const pinned = pinImages(Object.fromEntries(CHART_IMAGES.map((i) => [i.component, i.tag])), lock, false);
        assert.deepEqual(pinned.unpinned, []);
        for (const image of CHART_IMAGES) {
            assert.equal(pinned.tags[image.component], `${image.tag}@${digests[image.repository]}`);
        }
        for (const image of ADDON_IMAGES) {
            assert.deepEqual(pinAddonImage(image, lock, false), {
                reference: `${image.repository}:${image.tag}@${digests[image.repository]}`,
            });
        }
        assert.match(lines.at(-1)!, /14 images, 14 signed/);
    });
});

describe("the images npm run images:lock resolves", () => {
    it("are the catalog's default tags plus every tag a committed stack sets, once each", () => {
        const project = mkdtempSync(join(tmpdir(), "images-project-"));
        try {
            mkdirSync(join(project, "stacks"));
            copyFileSync(join(__dirname, "..", "Pulumi.yaml"), join(project, "Pulumi.yaml"));
            writeFileSync(
                join(project, "stacks", "Pulumi.a.yaml"),
                "config:\n  container-insights:images:\n    karpenops: 1.23.6\n",
            );
            writeFileSync(
                join(project, "stacks", "Pulumi.b.yaml"),
                "config:\n  container-insights:images:\n    karpenops: 1.23.6\n    datadog: 7.57.0\n",
            );
            const wanted = wantedImages(project).map((w) => imageKey(w.repository, w.tag));
            assert.equal(wanted.length, LOCKED_IMAGES.length + 2);
            assert.ok(
                wanted.includes("public.ecr.aws/aws-observability/aws-otel-collector:v0.49.0"),
                "the add-ons' images are locked too",
            );
            assert.ok(
                wanted.includes("public.ecr.aws/nops/karpenops:1.23.6") &&
                    wanted.includes("public.ecr.aws/nops/karpenops:1.23.2"),
            );
            assert.ok(wanted.includes("public.ecr.aws/nops/datadog/agent:7.57.0"));
        } finally {
            rmSync(project, { recursive: true, force: true });
        }
    });
});

describe("the committed images lock", () => {
    it("is well-formed, lists every catalog image at its default tag, and holds no digest nobody resolved", () => {
        const lock = readImageLock(IMAGES_LOCK_FILE);
        const keys = lock.images.map((i) => imageKey(i.repository, i.tag));
        for (const image of CHART_IMAGES) {
            assert.ok(keys.includes(imageKey(image.repository, image.tag)), image.component);
        }
        for (const image of lock.images.filter((i) => i.digest !== null)) {
            assert.ok(
                image.resolvedAt && image.mediaType,
                `${image.repository}:${image.tag} has a digest, so images:lock resolved it`,
            );
        }
    });

    it("makes the program refuse, naming every unpinned image, unless unpinned images are allowed", () => {
        const lock = { images: [], digests: [] };
        const tags = Object.fromEntries(CHART_IMAGES.map((i) => [i.component, i.tag]));
        assert.throws(
            () => pinImages(tags, lock, false),
            (error: Error) => {
                for (const image of CHART_IMAGES) {
                    assert.ok(error.message.includes(imageKey(image.repository, image.tag)), image.component);
                }
                assert.match(
                    error.message,
                    /Run npm run images:lock .* or set container-insights:agent\.allowUnpinnedImages to true/,
                );
                return true;
            },
        );
        const allowed = pinImages(tags, lock, true);
        assert.equal(allowed.unpinned.length, CHART_IMAGES.length);
        assert.equal(allowed.tags.karpenops, "1.23.2");
    });

    it("rejects a lock whose evidence list does not match its images", () => {
        const text = JSON.stringify({
            images: [],
            digests: [`public.ecr.aws/nops/karpenops@sha256:${"0".repeat(64)}`],
        });
        assert.throws(() => parseImageLock(text, "x.json"), /"digests" does not match the signed images it lists/);
        assert.throws(
            () =>
                parseImageLock(
                    '{"images":[{"repository":"r","tag":"t","digest":"sha256:1","signatures":[]}],"digests":[]}',
                    "y.json",
                ),
            /images lock y\.json is malformed: \/images\/0\/digest/,
        );
    });
});

describe("the program and the images lock", () => {
    it("stops before registering anything when an image is not pinned, and installs by tag only when allowed", async () => {
        const { baseConfig, lastRegistrations, runProgram, unwrap } = await import("./harness");
        const empty = { images: [], digests: [] };
        const fleet = { "us-east-1": [{ name: "prod-a" }] };
        await assert.rejects(
            runProgram(baseConfig(), { fleet, imageLock: empty }),
            /the agent chart's images are not pinned by digest in images\/images\.lock\.json: public\.ecr\.aws\/nops\/alpine\/k8s:1\.30\.4, /,
        );
        assert.equal(lastRegistrations().length, 0);
        const byTag = await runProgram(
            { ...baseConfig(), "agent.allowUnpinnedImages": "true" },
            { fleet, imageLock: empty },
        );
        const values = unwrap(byTag.one("kubernetes:helm.sh/v4:Chart").inputs.values) as any;
        assert.equal(values.karpenops.image.tag, "1.23.2");
        const byTagWarning = byTag.warnings.filter((w) => w.startsWith(UNPINNED_WARNING));
        assert.equal(byTagWarning.length, 1, byTag.warnings.join("\n"));
        assert.ok(byTagWarning[0].includes("public.ecr.aws/nops/alpine/k8s:1.30.4"), byTagWarning[0]);
        const awsOnly = await runProgram({ ...baseConfig(), "agent.install": "false" }, { fleet, imageLock: empty });
        assert.ok(awsOnly.resources.length > 0, "without the agent, the lock is not needed");
    });

    it("with the committed lock, refuses by default and tells the operator to run images:lock", async function () {
        const { baseConfig, runProgram } = await import("./harness");
        const committed = readImageLock();
        if (committed.images.every((i) => i.digest !== null)) {
            this.skip(); // a resolved lock has been committed: nothing to refuse
        }
        await assert.rejects(runProgram(baseConfig(), { imageLock: committed }), /Run npm run images:lock/);
    });
});

describe("npm run images:lock's arguments", () => {
    it("prints its usage for --help and -h, without touching a registry", async () => {
        for (const flag of ["--help", "-h"]) {
            const lines: string[] = [];
            assert.equal(await main([flag], (line) => lines.push(line)), undefined);
            assert.match(lines.join("\n"), /^usage: npm run images:lock/);
        }
    });

    it("says a flag needs a value rather than calling it unknown", () => {
        assert.throws(
            () => parseArgs(["--registry"]),
            (e: unknown) =>
                e instanceof LockUsageError &&
                /^--registry needs a value \(<host>=<base url>\)/.test((e as Error).message),
        );
        assert.throws(() => parseArgs(["--out", "--aws"]), /--out needs a value/);
        assert.throws(() => parseArgs(["--registry", "public.ecr.aws"]), /--registry takes <host>=<base url>/);
        assert.throws(() => parseArgs(["--nope"]), /unknown argument --nope/);
    });
});
