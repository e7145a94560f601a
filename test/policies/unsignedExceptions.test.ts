/** ecr-image-signed's unsignedImageExceptions: exact repositories only, each with a reason, and never waived silently. */
import * as assert from "node:assert/strict";
import { ResourceValidationPolicy } from "@pulumi/policy";
import { policies } from "../../policies/policies";
import { effectiveConfig } from "../../policies/offline/policyConfig";
import { resetSignatureCaches } from "../../policies/images/signatures";
import { ACCOUNT, baseConfig, checkStack, of } from "./check";

const HEX = "b".repeat(64);
const HELPER = "602401143452.dkr.ecr.us-east-1.amazonaws.com/cni-metrics-helper";
const REASON = "published by AWS in its EKS add-on registry, which signs nothing; provenance is the AWS-owned registry";
const pinned = (repository: string) => `${repository}:v1.23.1@sha256:${HEX}`;

function deployment(name: string, ...images: string[]) {
    return {
        type: "kubernetes:apps/v1:Deployment",
        name,
        props: {
            metadata: { name, namespace: "kube-system" },
            spec: { template: { spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) } } },
        },
    };
}

const withExceptions = (...exceptions: unknown[]) => ({
    ...baseConfig(),
    "ecr-image-signed": { signatureEvidence: "digest-list", signedDigests: [], unsignedImageExceptions: exceptions },
});

describe("ecr-image-signed's unsignedImageExceptions", () => {
    beforeEach(() => resetSignatureCaches());

    it("lets exactly the named repository through unsigned, and ecr-image-signature-waived says so with the reason (advisory)", async () => {
        const result = await checkStack(
            [
                deployment("helper", pinned(HELPER)),
                deployment("other", pinned("602401143452.dkr.ecr.us-east-1.amazonaws.com/amazon-k8s-cni")),
            ],
            withExceptions({ repository: HELPER, reason: REASON }),
        );
        assert.deepEqual(
            of(result, "ecr-image-signed").map((v) => v.resource.split("::").pop()),
            ["other"],
            "another repository of the same registry is not covered",
        );
        const waived = of(result, "ecr-image-signature-waived");
        assert.equal(waived.length, 1);
        assert.equal(waived[0].level, "advisory");
        assert.equal(waived[0].resource.split("::").pop(), "helper");
        assert.ok(
            waived[0].message.includes(
                `${pinned(HELPER)} has digest sha256:${HEX}, which is not in the signed-digest list`,
            ),
        );
        assert.ok(waived[0].message.includes(`unsignedImageExceptions entry ${HELPER}: ${REASON}`));
    });

    it("does not widen: a shorter path, a longer path, another account, another region, a look-alike host", async () => {
        const exception = { repository: HELPER, reason: REASON };
        const images = [
            "602401143452.dkr.ecr.us-east-1.amazonaws.com/cni-metrics-helper-evil",
            "602401143452.dkr.ecr.us-east-1.amazonaws.com/cni-metrics-helper/extra",
            `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/cni-metrics-helper`,
            "602401143452.dkr.ecr.eu-west-1.amazonaws.com/cni-metrics-helper",
            "602401143452.dkr.ecr.us-east-1.amazonaws.com.evil.io/cni-metrics-helper",
        ];
        const result = await checkStack(
            images.map((image, i) => deployment(`w${i}`, pinned(image))),
            withExceptions(exception),
        );
        assert.equal(of(result, "ecr-image-signed").length, images.length);
        assert.deepEqual(of(result, "ecr-image-signature-waived"), []);
        const prefix = await checkStack(
            [deployment("helper", pinned(HELPER))],
            withExceptions({ repository: "602401143452.dkr.ecr.us-east-1.amazonaws.com/cni", reason: REASON }),
        );
        assert.equal(of(prefix, "ecr-image-signed").length, 1, "an entry is never a prefix");
        const port = await checkStack(
            [deployment("helper", pinned(HELPER.replace(".com/", ".com:443/")))],
            withExceptions(exception),
        );
        assert.deepEqual(
            of(port, "ecr-image-signed"),
            [],
            "host:443 is the same registry, as the registry rule reads it",
        );
    });

    it("reports from the policy after ecr-image-signed: the engine runs a resource's policies in the pack's order", () => {
        const names = policies.map((p) => p.name);
        assert.ok(names.indexOf("ecr-image-signature-waived") > names.indexOf("ecr-image-signed"));
    });

    it("waives nothing for a signed image (the digest list covers it) and nothing while ecr-image-signed is disabled", async () => {
        const signed = {
            ...baseConfig(),
            "ecr-image-signed": {
                signedDigests: [`${HELPER}@sha256:${HEX}`],
                unsignedImageExceptions: [{ repository: HELPER, reason: REASON }],
            },
        };
        const result = await checkStack([deployment("helper", pinned(HELPER))], signed);
        assert.deepEqual([...of(result, "ecr-image-signed"), ...of(result, "ecr-image-signature-waived")], []);
        const off = {
            ...withExceptions({ repository: HELPER, reason: REASON }),
            "ecr-image-signed": {
                enforcementLevel: "disabled",
                unsignedImageExceptions: [{ repository: HELPER, reason: REASON }],
            },
        };
        assert.deepEqual(
            of(await checkStack([deployment("helper", pinned(HELPER))], off), "ecr-image-signature-waived"),
            [],
        );
    });

    it("refuses, by ajv, an entry without a reason, with a short one, a wildcard, a registry or namespace prefix, a tag or digest, or another key", async () => {
        const bad: Array<[unknown, RegExp]> = [
            [{ repository: HELPER }, /unsignedImageExceptions\.0 must have required property 'reason'/],
            [
                { repository: HELPER, reason: "AWS" },
                /unsignedImageExceptions\.0\.reason must NOT have fewer than 20 characters/,
            ],
            [
                { repository: "602401143452.dkr.ecr.us-east-1.amazonaws.com", reason: REASON },
                /unsignedImageExceptions\.0\.repository must match pattern/,
            ],
            [
                { repository: "602401143452.dkr.ecr.us-east-1.amazonaws.com/", reason: REASON },
                /repository must match pattern/,
            ],
            [{ repository: `${HELPER}/`, reason: REASON }, /repository must match pattern/],
            [
                { repository: "602401143452.dkr.ecr.*.amazonaws.com/cni-metrics-helper", reason: REASON },
                /repository must match pattern/,
            ],
            [{ repository: `${HELPER}*`, reason: REASON }, /repository must match pattern/],
            [{ repository: `${HELPER}:v1.23.1`, reason: REASON }, /repository must match pattern/],
            [{ repository: `${HELPER}@sha256:${HEX}`, reason: REASON }, /repository must match pattern/],
            [{ repository: "cni-metrics-helper", reason: REASON }, /repository must match pattern/],
            [{ repository: HELPER, reason: REASON, prefix: true }, /must NOT have additional properties/],
        ];
        for (const [entry, message] of bad) {
            assert.throws(
                () =>
                    effectiveConfig(
                        { "ecr-image-signed": { unsignedImageExceptions: [entry] } },
                        policies,
                        "policy.json",
                    ),
                message,
                JSON.stringify(entry),
            );
        }
        // The policy object validates the same schema itself, as the engine hands it the config.
        const policy = policies.find((p) => p.name === "ecr-image-signed") as ResourceValidationPolicy;
        const [validate] = [policy.validateResource ?? []].flat();
        const args = {
            type: "kubernetes:apps/v1:Deployment",
            urn: "u",
            name: "d",
            props: {},
            getConfig: () => ({ unsignedImageExceptions: [{ repository: HELPER }] }),
        };
        await assert.rejects(
            async () => validate(args as never, () => undefined),
            /ecr-image-signed: invalid config: config\/unsignedImageExceptions\/0 must have required property 'reason'/,
        );
    });
});
