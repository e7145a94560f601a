import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import { checkManifest } from "../policyCheck";

const ROOT = join(__dirname, "..", "..");
const MANIFEST = join(ROOT, "deploy", "fleet-job.yaml");
const CONFIG = join(ROOT, "deploy", "watch-policy-config.json");

const documents = () => parseAllDocuments(readFileSync(MANIFEST, "utf8")).map((d) => d.toJS());
const job = (docs: any[]) => docs.find((d) => d.kind === "Job");
const render = (docs: unknown[]) => docs.map((d) => stringify(d)).join("---\n");

describe("the fleet's Indexed Job (deploy/fleet-job.yaml)", () => {
    it("passes the project's own pack (offline checker) with deploy/watch-policy-config.json", async () => {
        const { code, report } = await checkManifest(readFileSync(MANIFEST, "utf8"), CONFIG);
        assert.deepEqual(report.violations, []);
        assert.equal(report.checked, 2);
        assert.equal(code, 0);
    });

    const mutations: Array<[string, (pod: any) => void, RegExp]> = [
        [
            "a container that may run as root",
            (pod) => delete pod.securityContext.runAsNonRoot,
            /k8s-pod-security-restricted/,
        ],
        [
            "privilege escalation allowed",
            (pod) => (pod.containers[0].securityContext.allowPrivilegeEscalation = true),
            /k8s-pod-security-restricted/,
        ],
        [
            "an image by tag",
            (pod) =>
                (pod.containers[0].image =
                    "111122223333.dkr.ecr.us-east-1.amazonaws.com/container-insights-watch:latest"),
            /ecr-image-digest-pinned/,
        ],
    ];
    for (const [what, mutate, policy] of mutations) {
        it(`the check catches ${what} in the Job's pod`, async () => {
            const docs = documents();
            mutate(job(docs).spec.template.spec);
            const { code, report } = await checkManifest(render(docs), CONFIG);
            assert.equal(code, 1);
            assert.ok(
                report.violations.some((v) => policy.test(v.policy)),
                JSON.stringify(report.violations),
            );
        });
    }

    it("is Indexed, with as many shards as completions, retried per index, pods never restarted in place", () => {
        const spec = job(documents()).spec;
        assert.equal(spec.completionMode, "Indexed");
        const args: string[] = spec.template.spec.containers[0].args;
        assert.deepEqual(args.slice(0, 2), ["fleet", "up"]);
        assert.equal(Number(args[args.indexOf("--shards") + 1]), spec.completions);
        assert.ok(args.includes("--yes"));
        assert.ok(spec.backoffLimitPerIndex >= 1);
        assert.equal(spec.template.spec.restartPolicy, "Never", "backoffLimitPerIndex requires restartPolicy Never");
    });
});
