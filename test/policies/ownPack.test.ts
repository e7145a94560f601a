import * as assert from "node:assert/strict";
import { policies } from "../../policies/policies";
import { checkResources } from "../../policies/offline/engine";
import { effectiveConfig } from "../../policies/offline/policyConfig";
import { CheckResult, OfflineResource } from "../../policies/offline/types";
import { baseConfig, Registration, runProgram, unwrap } from "../harness";

const FLEET = { "us-east-1": [{ name: "prod-a" }, { name: "prod-b" }], "eu-west-1": [{ name: "prod-c" }] };

/** What the engine would hand the pack: each registered resource with its props (secrets opened, as the pack sees them). */
function asPolicySubjects(resources: Registration[]): OfflineResource[] {
    return resources.map((r) => {
        const urn = `urn:pulumi:prod::container-insights::${r.type}::${r.name}`;
        return { id: urn, urn, type: r.type, name: r.name, props: unwrap({ ...r.state, id: r.id }) as Record<string, unknown>, propertyDependencies: {} };
    });
}

async function checkProgram(config: Record<string, string>, keep: (r: Registration) => boolean = () => true): Promise<CheckResult> {
    const run = await runProgram(config, { fleet: FLEET, awsRegion: "us-east-1" });
    const resources = asPolicySubjects(run.resources.filter(keep));
    return checkResources([{ source: "program", resources }], policies, effectiveConfig(undefined, policies));
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

    it("would be caught without its TLS bucket policy or its encryption (the check really looks at the program)", async () => {
        const result = await checkProgram(baseConfig(), (r) => r.type !== "aws:s3/bucketPolicy:BucketPolicy" && !r.type.includes("bucketServerSideEncryption"));
        assert.deepEqual(result.violations.map((v) => `${v.level} ${v.policy}`).sort(), ["mandatory s3-bucket-encrypted", "mandatory s3-bucket-tls-only"]);
    });
});
