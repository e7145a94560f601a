import * as assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { CredentialsProviderError } from "@smithy/core/config";
import { isSha256Digest, isUnderPrefix, parseImageReference } from "../../policies/images/reference";
import { resetAmbientAccount } from "../../policies/images/registries";
import { resetSignatureCaches } from "../../policies/images/signatures";
import { UNKNOWN_STRING } from "../../policies/lib/unknown";
import { FakeRegistry, mockEcr } from "../fakes/ecrRegistry";
import { ACCOUNT, baseConfig, checkStack, of } from "./check";

const HEX = "a".repeat(64);
const SIGNER = `arn:aws:signer:us-east-1:${ACCOUNT}:/signing-profiles/release`;
const OTHER_SIGNER = `arn:aws:signer:us-east-1:${ACCOUNT}:/signing-profiles/someone_else`;

function deployment(...images: unknown[]) {
    return {
        type: "kubernetes:apps/v1:Deployment",
        name: "web",
        props: {
            metadata: { name: "web", namespace: "shop" },
            spec: { template: { spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) } } },
        },
    };
}

async function messages(policy: string, images: unknown[], config: Record<string, unknown> = baseConfig()) {
    return of(await checkStack([deployment(...images)], config), policy).map(
        (v) => `${v.level}: ${v.message.replace(/^.*?: /, "")}`,
    );
}

describe("image references", () => {
    it("parses registry, repository, tag and digest as the reference grammar does", () => {
        assert.deepEqual(parseImageReference("nginx"), {
            registry: "docker.io",
            path: "library/nginx",
            repository: "docker.io/library/nginx",
            tag: undefined,
            digest: undefined,
        });
        assert.equal(parseImageReference("bitnami/redis:7")?.repository, "docker.io/bitnami/redis");
        assert.equal(parseImageReference("localhost:5000/x")?.registry, "localhost:5000");
        const full = parseImageReference(`Public.ECR.aws/nops/agent:1.2@sha256:${HEX}`);
        assert.deepEqual(
            [full?.registry, full?.path, full?.tag, full?.digest],
            ["public.ecr.aws", "nops/agent", "1.2", `sha256:${HEX}`],
        );
        for (const bad of [
            "",
            "public.ecr.aws/nops/../x",
            "public.ecr.aws/nops//x",
            "public.ecr.aws/Nops/x",
            "x@",
            "x@sha256:",
            "a b",
        ]) {
            assert.equal(parseImageReference(bad), undefined, bad);
        }
    });

    it("matches registry prefixes on a boundary ending in /", () => {
        const ref = (image: string) => parseImageReference(image)!;
        assert.ok(isUnderPrefix(ref("public.ecr.aws/nops/agent"), "public.ecr.aws/nops"));
        assert.ok(!isUnderPrefix(ref("public.ecr.aws/nopsmalicious/agent"), "public.ecr.aws/nops"));
        assert.ok(!isUnderPrefix(ref("public.ecr.aws/nopsmalicious/agent"), "public.ecr.aws/nops/"));
        assert.ok(!isUnderPrefix(ref("public.ecr.aws.evil.com/nops/agent"), "public.ecr.aws/"));
        assert.ok(
            isUnderPrefix(ref("public.ecr.aws:443/nops/agent"), "public.ecr.aws/nops/"),
            "an explicit default port is the same registry",
        );
        assert.ok(isUnderPrefix(ref("public.ecr.aws/nops/agent"), "public.ecr.aws:443/nops/"));
        assert.ok(
            !isUnderPrefix(ref("public.ecr.aws:8443/nops/agent"), "public.ecr.aws/nops/"),
            "another port is another registry",
        );
        assert.equal(ref("index.docker.io/library/nginx").repository, "docker.io/library/nginx");
        assert.ok(
            isUnderPrefix(
                ref(`${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/team/app`),
                `${ACCOUNT}.dkr.ecr.*.amazonaws.com/`,
            ),
        );
        assert.ok(
            !isUnderPrefix(
                ref(`${ACCOUNT}.dkr.ecr.eu.evil.amazonaws.com/team/app`),
                `${ACCOUNT}.dkr.ecr.*.amazonaws.com/`,
            ),
        );
    });

    it("accepts only sha256 and 64 lower-case hex characters as a digest", () => {
        assert.ok(isSha256Digest(`sha256:${HEX}`));
        for (const bad of [
            undefined,
            "sha256:abc",
            `sha256:${"A".repeat(64)}`,
            `sha512:${HEX}${HEX}`,
            `sha256:${HEX}0`,
        ]) {
            assert.ok(!isSha256Digest(bad), String(bad));
        }
    });
});

describe("policy ecr-image-allowed-registry", () => {
    afterEach(() => resetAmbientAccount());

    it("allows nOps' public ECR and this account's private ECR, and nothing that only looks like them", async () => {
        const found = await messages("ecr-image-allowed-registry", [
            "public.ecr.aws/nops/agent:1",
            `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/team/app:1`,
            "public.ecr.aws/nopsmalicious/agent:1",
            "nginx",
            `999999999999.dkr.ecr.us-east-1.amazonaws.com/team/app:1`,
            `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/team/app:1`,
            "public.ecr.aws/nops/../x",
        ]);
        assert.equal(found.length, 5);
        assert.match(found[0], /public\.ecr\.aws\/nopsmalicious\/agent:1 .* not under an allowed registry prefix/);
        assert.match(found[1], /nginx \(docker\.io\/library\/nginx\)/);
        assert.match(found[2], /999999999999/);
        assert.match(found[3], /eu-west-1/);
        assert.match(found[4], /not a valid image reference/);
    });

    it("asks STS for the account only when a private ECR image needs it", async () => {
        const sts = mockClient(STSClient).on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
        try {
            assert.deepEqual(await messages("ecr-image-allowed-registry", ["public.ecr.aws/nops/agent:1"], {}), []);
            assert.equal(sts.commandCalls(GetCallerIdentityCommand).length, 0);
            assert.deepEqual(
                await messages("ecr-image-allowed-registry", [`${ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com/app:1`], {}),
                [],
            );
            assert.equal(sts.commandCalls(GetCallerIdentityCommand).length, 1);
        } finally {
            sts.restore();
        }
    });

    it("says how to enable the private ECR entry when the account cannot be found", async () => {
        const sts = mockClient(STSClient)
            .on(GetCallerIdentityCommand)
            .rejects(new CredentialsProviderError("Could not load credentials"));
        try {
            const [message] = await messages(
                "ecr-image-allowed-registry",
                [`${ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com/app:1`],
                {},
            );
            assert.match(message, /\{account\}\.dkr\.ecr\.\{region\}\.amazonaws\.com\/ is inactive: set accountId/);
        } finally {
            sts.restore();
        }
    });

    it("reports an image unknown during preview as such", async () => {
        assert.deepEqual(await messages("ecr-image-allowed-registry", [UNKNOWN_STRING, "public.ecr.aws/nops/a:1"]), [
            "advisory: Deployment shop/web, container c0 (spec.template.spec.containers[0]): the image is unknown during preview; it is checked again when the value is known",
        ]);
    });
});

describe("policy ecr-image-digest-pinned", () => {
    it("requires @sha256 and 64 hex characters, with or without a tag in front", async () => {
        const found = await messages("ecr-image-digest-pinned", [
            `public.ecr.aws/nops/a@sha256:${HEX}`,
            `public.ecr.aws/nops/a:1.0@sha256:${HEX}`,
            "public.ecr.aws/nops/a:1.0",
            `public.ecr.aws/nops/a@sha256:${"a".repeat(32)}`,
            `public.ecr.aws/nops/a@sha512:${HEX}${HEX}`,
        ]);
        assert.equal(found.length, 3);
        assert.match(found[0], /^mandatory: .*a:1\.0 is not pinned by digest/);
        assert.match(found[1], /has digest sha256:a{32}; pin it by sha256/);
        assert.match(found[2], /has digest sha512:/);
    });

    it("turns tags into advisories when its enforcement level is advisory", async () => {
        const config = { ...baseConfig(), "ecr-image-digest-pinned": { enforcementLevel: "advisory" } };
        const found = await messages("ecr-image-digest-pinned", ["public.ecr.aws/nops/a:1.0"], config);
        assert.deepEqual(
            found.map((m) => m.split(":")[0]),
            ["advisory"],
        );
    });
});

describe("policy ecr-image-signed", () => {
    afterEach(() => resetSignatureCaches());

    it("passes digests on the signed-digest list and fails the rest (inline or from the pipeline's file)", async () => {
        const directory = mkdtempSync(join(tmpdir(), "digests-"));
        const file = join(directory, "signed.json");
        writeFileSync(file, JSON.stringify({ digests: [`public.ecr.aws/nops/b@sha256:${"b".repeat(64)}`] }));
        const config = {
            ...baseConfig(),
            "ecr-image-signed": { signedDigests: [`sha256:${HEX}`], signedDigestsFile: file },
        };
        const found = await messages(
            "ecr-image-signed",
            [
                `public.ecr.aws/nops/a@sha256:${HEX}`,
                `public.ecr.aws/nops/b@sha256:${"b".repeat(64)}`,
                `public.ecr.aws/nops/c@sha256:${"b".repeat(64)}`,
                "public.ecr.aws/nops/a:1",
            ],
            config,
        );
        assert.equal(found.length, 2);
        assert.match(found[0], /nops\/c@sha256:b{64} has digest .* not in the signed-digest list/);
        assert.match(found[1], /not pinned by a sha256 digest/);
    });

    it("reads a plain-text digest file, one entry per line, comments allowed", async () => {
        const file = join(mkdtempSync(join(tmpdir(), "digests-")), "signed.txt");
        writeFileSync(file, `# release 42\nsha256:${HEX}\n\n`);
        const config = { ...baseConfig(), "ecr-image-signed": { signedDigestsFile: file } };
        assert.deepEqual(await messages("ecr-image-signed", [`public.ecr.aws/nops/a@sha256:${HEX}`], config), []);
    });

    describe("with ECR's signing status", () => {
        const registry = new FakeRegistry(ACCOUNT)
            .push("us-east-1", "team/app", {
                digest: `sha256:${HEX}`,
                tags: ["1.0"],
                statuses: [{ signingProfileArn: SIGNER, status: "COMPLETE" }],
            })
            .push("us-east-1", "team/app", {
                digest: `sha256:${"c".repeat(64)}`,
                tags: [],
                statuses: [{ signingProfileArn: OTHER_SIGNER, status: "COMPLETE" }],
            })
            .push("us-east-1", "team/app", {
                digest: `sha256:${"d".repeat(64)}`,
                tags: [],
                statuses: [{ signingProfileArn: SIGNER, status: "FAILED", failureReason: "signing profile revoked" }],
            });
        const image = (reference: string) => `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/team/${reference}`;
        const config = {
            ...baseConfig(),
            "ecr-image-signed": { signatureEvidence: "ecr-signing-status", trustedSigningProfileArns: [SIGNER] },
        };
        let restore: () => void;
        beforeEach(() => {
            restore = mockEcr(registry);
            registry.calls.length = 0;
        });
        afterEach(() => restore());

        it("passes an image signed by a trusted profile, by digest or by tag", async () => {
            assert.deepEqual(
                await messages("ecr-image-signed", [image(`app@sha256:${HEX}`), image("app:1.0")], config),
                [],
            );
            assert.deepEqual(
                registry.calls.map((c) => [c.region, c.input.registryId, c.input.repositoryName]),
                [
                    ["us-east-1", ACCOUNT, "team/app"],
                    ["us-east-1", ACCOUNT, "team/app"],
                ],
            );
        });

        it("fails untrusted signers, failed signing, missing images and public images", async () => {
            const found = await messages(
                "ecr-image-signed",
                [
                    image(`app@sha256:${"c".repeat(64)}`),
                    image(`app@sha256:${"d".repeat(64)}`),
                    image(`app@sha256:${"e".repeat(64)}`),
                    image(`gone@sha256:${HEX}`),
                    `public.ecr.aws/nops/a@sha256:${HEX}`,
                ],
                config,
            );
            assert.equal(found.length, 5);
            assert.match(found[0], /not signed by a trusted signing profile \(ECR reports .*someone_else: COMPLETE\)/);
            assert.match(found[1], /FAILED \(signing profile revoked\)/);
            assert.match(found[2], /DescribeImageSigningStatus failed \(ImageNotFoundException/);
            assert.match(found[3], /RepositoryNotFoundException/);
            assert.match(found[4], /only private ECR images do/);
        });

        it("asks ECR once per image, however many workloads use it", async () => {
            await checkStack(
                [deployment(image(`app@sha256:${HEX}`)), { ...deployment(image(`app@sha256:${HEX}`)), name: "web2" }],
                config,
            );
            assert.equal(registry.calls.length, 1);
        });
    });
});
