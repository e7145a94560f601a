import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import { parse } from "yaml";
import { POLICY_PACK_NAME, policies } from "../../policies/policies";

const POLICIES_DIR = join(__dirname, "..", "..", "policies");
const read = (...path: string[]) => readFileSync(join(...path), "utf8");

describe("policy pack definition", () => {
    it("is a Node.js policy pack in policies/, installed by the root npm install as a workspace", () => {
        assert.equal(parse(read(POLICIES_DIR, "PulumiPolicy.yaml")).runtime, "nodejs");
        const root = JSON.parse(read(POLICIES_DIR, "..", "package.json"));
        assert.deepEqual(root.workspaces, ["policies"]);
        assert.ok("@pulumi/policy" in JSON.parse(read(POLICIES_DIR, "package.json")).dependencies);
    });

    it("constructs one PolicyPack in policies/index.ts, named and mandatory, from the shared list", () => {
        // Loaded with a stand-in for PolicyPack, which would start the policy server in this process.
        const constructed: { name: string; args: { enforcementLevel?: string; policies?: unknown } }[] = [];
        const policyModule = require.resolve("@pulumi/policy");
        const indexModule = require.resolve(join(POLICIES_DIR, "index.ts"));
        const real = require.cache[policyModule];
        assert.ok(real, "@pulumi/policy is loaded by the pack's policies");
        class PolicyPack {
            constructor(name: string, args: { enforcementLevel?: string; policies?: unknown }) {
                constructed.push({ name, args });
            }
        }
        require.cache[policyModule] = { ...real, exports: { ...real.exports, PolicyPack } } as NodeJS.Module;
        try {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            require(indexModule);
        } finally {
            require.cache[policyModule] = real;
            delete require.cache[indexModule];
        }
        assert.equal(constructed.length, 1);
        assert.equal(constructed[0].name, POLICY_PACK_NAME);
        assert.equal(constructed[0].args.enforcementLevel, "mandatory");
        assert.equal(constructed[0].args.policies, policies, "the list the offline check runs");
    });

    it("describes every policy: unique name, description, severity, remediation, mandatory unless said otherwise", () => {
        assert.equal(new Set(policies.map((p) => p.name)).size, policies.length);
        for (const policy of policies) {
            assert.match(policy.name, /^[a-z0-9-]+$/);
            assert.ok(policy.description && policy.severity && policy.remediationSteps, policy.name);
            const expected = ["helm-release-values", "ecr-image-signature-waived"].includes(policy.name)
                ? "advisory"
                : "mandatory";
            assert.equal(policy.enforcementLevel, expected, policy.name);
        }
    });

    it("gives every configurable policy a config schema that compiles, and defaults that satisfy it", () => {
        const ajv = new Ajv({ strict: false });
        for (const policy of policies.filter((p) => p.configSchema)) {
            const schema = { type: "object", ...policy.configSchema };
            const defaults = Object.fromEntries(
                Object.entries(policy.configSchema!.properties)
                    .filter(([, s]) => typeof s === "object" && "default" in s)
                    .map(([k, s]) => [k, (s as { default: unknown }).default]),
            );
            assert.ok(ajv.validate(schema, defaults), `${policy.name}: ${ajv.errorsText()}`);
        }
    });
});

describe("docs/policy-pack.md", () => {
    it("lists every policy, every Pod Security Standards control with its PSS name, and every default exception", async () => {
        const { CONTROLS, RULES } = await import("../../policies/kubernetes/controls");
        const { DEFAULT_EXCEPTIONS } = await import("../../policies/kubernetes/exceptions");
        const section = read(POLICIES_DIR, "..", "docs", "policy-pack.md");
        for (const policy of policies) {
            assert.ok(section.includes(`\`${policy.name}\``), policy.name);
        }
        for (const [key, control] of Object.entries(CONTROLS)) {
            assert.ok(section.includes(`| \`${key}\` | ${control.pss} | ${control.profile} |`), key);
        }
        const { changesOf, OLDEST_MINOR, NEWEST_MINOR, profileFor } =
            await import("../../policies/kubernetes/pssVersions");
        assert.ok(
            section.includes(
                `\`latest\` (the default, the rules of v1.${NEWEST_MINOR}) or \`v1.${OLDEST_MINOR}\` to \`v1.${NEWEST_MINOR}\``,
            ),
        );
        for (const minor of [OLDEST_MINOR, ...RULES.flatMap(changesOf)]) {
            assert.ok(section.includes(`\n| v1.${minor} | `), `the versions table has a row for v1.${minor}`);
        }
        for (const sysctl of profileFor("latest").sysctls.allowed) {
            assert.ok(section.includes(`\`${sysctl}\``), sysctl);
        }
        for (const exception of DEFAULT_EXCEPTIONS) {
            const row = section
                .split("\n")
                .find((line) => line.startsWith(`| \`${exception.selector.image!.replace("public.ecr.aws/", "")}\` |`));
            assert.ok(row, exception.selector.image);
            assert.equal(row.split(" | ")[1], exception.rules.join(", "), exception.selector.image);
        }
    });
});

describe("policies/config.example.json", () => {
    it("is a valid policy config for this pack", async () => {
        const { effectiveConfig } = await import("../../policies/offline/policyConfig");
        const config = effectiveConfig(
            JSON.parse(read(POLICIES_DIR, "config.example.json")),
            policies,
            "config.example.json",
        );
        assert.equal(config.get("ecr-image-signed")?.settings.signatureEvidence, "digest-list");
    });
});
